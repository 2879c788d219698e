// The numerics follow the mapping's converter organisation (src/numerics/analog/conversion.ts): bit-serial
// input planes and weight slices are converted separately or in groups, the accumulator format is honoured,
// and the numerics perform exactly the ADC conversions the cost model charges for.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createAnalogBackend } from "../../src/numerics/analog/index.ts";
import { exactBackend, type LinearWeight } from "../../src/numerics/backend.ts";
import { analogMvmCostPrepared, prepareAnalogTile } from "../../src/components/index.ts";
import { tileMatrix } from "../../src/mapping/tiling.ts";
import type { AnalogSpec, CrossbarTileSpec, DacSpec } from "../../src/spec/types.ts";
import { analogSpec, maxAbs, maxAbsDiff, randomInput, randomWeight } from "./analog-fixtures.ts";

function run(backend: { linear: typeof exactBackend.linear }, w: LinearWeight, x: Float32Array, T: number): Float32Array {
  const out = new Float32Array(T * w.outFeatures);
  backend.linear(w, x, T, out);
  return out;
}

/** ADC conversions the cost model charges for one input vector through one matrix: the simulator's sum over the
 *  matrix's tile blocks (src/components/crossbar-bank.ts) of the ADC energy, divided by the energy of one conversion. */
function costModelConversions(spec: AnalogSpec, inF: number, outF: number): number {
  const m = prepareAnalogTile(spec.tile, spec.weightBits, 22, spec.clockHz, spec.accumulatorFormat);
  let n = 0;
  for (const b of tileMatrix(inF, outF, spec.tile, spec.weightBits).blocks) {
    const c = analogMvmCostPrepared(m, b.rowEnd - b.rowStart, b.colEnd - b.colStart);
    n += c.energyByComponentJ.adc / m.adc.energyJ;
  }
  return n;
}

const enc = fc.constantFrom(
  { weightBits: 8, bitsPerCell: 8, differential: true },
  { weightBits: 8, bitsPerCell: 2, differential: true },
  { weightBits: 8, bitsPerCell: 1, differential: false },
  { weightBits: 4, bitsPerCell: 1, differential: true },
  { weightBits: 2, bitsPerCell: 1, differential: true },
  { weightBits: 6, bitsPerCell: 4, differential: false },
);

describe("conversions per MVM: numerics = cost model", () => {
  it("holds for any DAC kind, plane grouping, slice grouping, cell bits and tile split", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 3 }),
        enc,
        fc.boolean(),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom(16, 32),
        fc.constantFrom(32, 48, 64),
        (inF, outF, T, e, bitSerial, dacBits, ppc, spc, rows, cols) => {
          const dac: DacSpec = bitSerial
            ? { kind: "bit-serial", bits: dacBits, ...(ppc > 1 ? { planesPerConversion: ppc, planeWeighting: "charge-share" as const } : {}) }
            : { kind: "pwm", bits: dacBits };
          const tile: Partial<CrossbarTileSpec> = { rows, cols, bitsPerCell: e.bitsPerCell, differential: e.differential, dac, adc: { kind: "sar", bits: 8, colsPerAdc: 4 }, slicesPerConversion: spc };
          const spec = analogSpec(tile, { weightBits: e.weightBits, accumulatorFormat: "int32" });
          const w = randomWeight("m", outF, inF, inF * 31 + outF);
          const b = createAnalogBackend([w], spec, { seed: 3 });
          run(b, w, randomInput(T, inF, 7), T);
          const s = b.stats().layers[0]!;
          expect(s.tokens).toBe(T);
          const charged = costModelConversions(spec, inF, outF);
          expect(Math.abs(charged - Math.round(charged))).toBeLessThan(1e-9 * charged); // an integer up to float error
          expect(s.adcConversions / T).toBe(Math.round(charged));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("bit-serial multiplies the conversions by the planes; grouping all planes brings them back to one", () => {
    const w = randomWeight("m", 20, 50, 1);
    const conv = (dac: DacSpec) => {
      const b = createAnalogBackend([w], analogSpec({ rows: 32, cols: 32, dac }), { seed: 1 });
      run(b, w, randomInput(2, 50, 2), 2);
      return b.stats().layers[0]!.adcConversions;
    };
    const pwm = conv({ kind: "pwm", bits: 8 });
    expect(pwm).toBe(2 * 20 * 2); // 2 tokens x 20 outputs x 2 row tiles (50 inputs on 32-row tiles)
    expect(conv({ kind: "bit-serial", bits: 8 })).toBe(8 * pwm);
    expect(conv({ kind: "bit-serial", bits: 8, planesPerConversion: 3, planeWeighting: "charge-share" })).toBe(3 * pwm); // groups 3, 3, 2
    expect(conv({ kind: "bit-serial", bits: 8, planesPerConversion: 8, planeWeighting: "charge-share" })).toBe(pwm);
  });
});

describe("bit-serial inputs and joined slices", () => {
  const noiseless = (dac: DacSpec, adcBits: number, over: Partial<CrossbarTileSpec> = {}, weightBits = 24) =>
    analogSpec({ rows: 32, cols: 48, dac, adc: { kind: "sar", bits: adcBits, colsPerAdc: 1 }, outBound: 40, ...over }, { weightBits });

  it("with a fine ADC, every plane grouping reproduces the PWM result (two's complement planes recombine exactly)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 99 }), (bits, ppc, seed) => {
        const w = randomWeight("m", 9, 40, seed);
        const x = randomInput(3, 40, seed + 1);
        const pwm = run(createAnalogBackend([w], noiseless({ kind: "pwm", bits }, 22), { seed: 1 }), w, x, 3);
        const dac: DacSpec = { kind: "bit-serial", bits, ...(ppc > 1 ? { planesPerConversion: ppc, planeWeighting: "charge-share" as const } : {}) };
        const bs = run(createAnalogBackend([w], noiseless(dac, 22), { seed: 1 }), w, x, 3);
        // 22-bit ADC on a group of up to 2^10 - 1 plane full scales of +-40: LSB <= 40 * 1023 / 2^21 per conversion
        expect(maxAbsDiff(bs, pwm)).toBeLessThanOrEqual(0.03 * maxAbs(pwm));
        expect(maxAbsDiff(bs, pwm)).toBeGreaterThan(0); // different conversions, not the same numbers
      }),
      { numRuns: 40 },
    );
  });

  it("at a coarse ADC, per-plane conversion errs more than one PWM conversion, and one conversion for 8 planes more still", () => {
    const w = randomWeight("m", 64, 128, 11);
    const x = randomInput(16, 128, 12);
    const ref = run(exactBackend, w, x, 16);
    const mse = (dac: DacSpec) => {
      const spec = analogSpec({ rows: 128, cols: 128, dac, adc: { kind: "sar", bits: 6, colsPerAdc: 1 }, outBound: 6 });
      const y = run(createAnalogBackend([w], spec, { seed: 1 }), w, x, 16);
      let s = 0;
      for (let j = 0; j < y.length; j++) s += (y[j]! - ref[j]!) ** 2;
      return s / y.length;
    };
    const pwm = mse({ kind: "pwm", bits: 8 });
    const planes = mse({ kind: "bit-serial", bits: 8 });
    const one = mse({ kind: "bit-serial", bits: 8, planesPerConversion: 8, planeWeighting: "charge-share" });
    expect(planes).toBeGreaterThan(pwm * 1.05);
    expect(one).toBeGreaterThan(pwm * 2); // full scale 255 plane units vs 127: a coarser LSB
  });

  it("joined slices equal separate slices with a fine ADC and err more with a coarse one", () => {
    const w = randomWeight("m", 24, 32, 4);
    const x = randomInput(64, 32, 5);
    const ref = run(exactBackend, w, x, 64);
    const y = (spc: number, adcBits: number) =>
      run(createAnalogBackend([w], noiseless({ kind: "pwm", bits: 12 }, adcBits, { bitsPerCell: 2, slicesPerConversion: spc, cols: 256, outBound: 8 }, 8), { seed: 1 }), w, x, 64);
    expect(maxAbsDiff(y(4, 22), y(1, 22))).toBeLessThanOrEqual(1e-3 * maxAbs(ref));
    const mse = (a: Float32Array) => {
      let s = 0;
      for (let j = 0; j < a.length; j++) s += (a[j]! - ref[j]!) ** 2;
      return s / a.length;
    };
    // 4 joined 2-bit slices: full scale (4^4 - 1) / 3 = 85 slice full scales in one conversion; separately the MSB
    // slice's error is weighted 4^3 = 64: rms quantisation error ratio 85 / sqrt(1 + 16 + 256 + 4096) = 1.29
    const ratio = mse(y(4, 6)) / mse(y(1, 6));
    expect(ratio).toBeGreaterThan(1.2);
    expect(ratio).toBeLessThan(2.2);
  });
});

describe("accumulator format", () => {
  const w = randomWeight("m", 16, 96, 8);
  const x = randomInput(4, 96, 9);
  const at = (fmt: AnalogSpec["accumulatorFormat"], dac: DacSpec = { kind: "pwm", bits: 8 }) =>
    run(createAnalogBackend([w], analogSpec({ rows: 32, cols: 32, dac }, { accumulatorFormat: fmt, weightBits: 8 }), { seed: 1 }), w, x, 4);

  it("fp16 and bf16 round the fp32 result to within their precision, and do change it", () => {
    const f32 = at("fp32");
    const f16 = at("fp16");
    const b16 = at("bf16");
    // three row tiles and a bias-free start: a few roundings of relative 2^-11 (fp16) / 2^-8 (bf16) each
    expect(maxAbsDiff(f16, f32)).toBeGreaterThan(0);
    expect(maxAbsDiff(f16, f32)).toBeLessThanOrEqual(4 * 2 ** -11 * maxAbs(f32));
    expect(maxAbsDiff(b16, f32)).toBeGreaterThan(maxAbsDiff(f16, f32));
    expect(maxAbsDiff(b16, f32)).toBeLessThanOrEqual(4 * 2 ** -8 * maxAbs(f32));
  });

  it("an int8 shift-add saturates bit-serial code sums that int16 and int32 hold", () => {
    const dac: DacSpec = { kind: "bit-serial", bits: 8 };
    const i32 = at("int32", dac);
    expect(maxAbsDiff(at("int16", dac), i32)).toBe(0); // |sum| <= 127 x (2^8 - 1) < 2^15
    expect(maxAbsDiff(at("int8", dac), i32)).toBeGreaterThan(0.05 * maxAbs(i32));
  });
});
