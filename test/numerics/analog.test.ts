import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createAnalogBackend, createBlockedExactBackend, createRangeCalibrator, gemmTile, gemmTileNoise, weightEncoding } from "../../src/numerics/analog/index.ts";
import { exactBackend, type LinearWeight } from "../../src/numerics/backend.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { analogSpec, maxAbs, maxAbsDiff, meanAbs, noNoise, pcmNoise, randomInput, randomWeight } from "./analog-fixtures.ts";

function run(backend: { linear: typeof exactBackend.linear }, w: LinearWeight, x: Float32Array, T: number): Float32Array {
  const out = new Float32Array(T * w.outFeatures);
  backend.linear(w, x, T, out);
  return out;
}

/** sum_i |W[o,i] x[t,i]| + |b[o]| per (t, o), in double. */
function absDot(w: LinearWeight, x: Float32Array, T: number): Float64Array {
  const R = w.inFeatures;
  const C = w.outFeatures;
  const s = new Float64Array(T * C);
  for (let t = 0; t < T; t++)
    for (let o = 0; o < C; o++) {
      let a = w.bias ? Math.abs(w.bias[o]) : 0;
      for (let i = 0; i < R; i++) a += Math.abs(w.data[o * R + i] * x[t * R + i]);
      s[t * C + o] = a;
    }
  return s;
}

/** The exact layer in the kernels' documented order (src/numerics/kernels/wasm.ts), emulated with fround. */
function referenceOrder(w: LinearWeight, x: Float32Array, T: number): Float32Array {
  const f = Math.fround;
  const R = w.inFeatures;
  const C = w.outFeatures;
  const out = new Float32Array(T * C);
  const R4 = R & ~3;
  for (let t = 0; t < T; t++)
    for (let o = 0; o < C; o++) {
      const l = [0, 0, 0, 0];
      for (let i = 0; i < R4; i++) l[i & 3] = f(l[i & 3] + f(w.data[o * R + i] * x[t * R + i]));
      let s = f(f(l[0] + l[1]) + f(l[2] + l[3]));
      for (let i = R4; i < R; i++) s = f(s + f(w.data[o * R + i] * x[t * R + i]));
      out[t * C + o] = w.bias ? f(s + w.bias[o]) : s;
    }
  return out;
}

function identity(n: number): LinearWeight {
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { name: "eye", outFeatures: n, inFeatures: n, data, bias: null };
}

describe("ideal analog backend equals the exact backend", () => {
  it("noise 'none', ideal converters, across row/column tiles, slices and both sign encodings", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(
          { weightBits: 24, bitsPerCell: 24, differential: true },
          { weightBits: 20, bitsPerCell: 4, differential: true },
          { weightBits: 20, bitsPerCell: 8, differential: false },
        ),
        fc.boolean(),
        (inF, outF, T, enc, tileScaling) => {
          const w = randomWeight("m", outF, inF, inF * 1000 + outF, true);
          const x = randomInput(T, inF, T + inF);
          const spec = analogSpec({ bitsPerCell: enc.bitsPerCell, differential: enc.differential, rows: 32, cols: 48 }, { weightBits: enc.weightBits });
          const b = createAnalogBackend([w], spec, { seed: 1, ideal: true, weightScaling: tileScaling ? "tile" : "column" });
          const ref = run(exactBackend, w, x, T);
          const y = run(b, w, x, T);
          // float32 accumulation (issue 16): the error bound of a float32 dot product scales with
          // sum_i |w_i x_i| (Higham, Accuracy and Stability of Numerical Algorithms, 2002, sec. 3.1), not with
          // |sum_i w_i x_i|, which can cancel to near zero
          expect(maxAbsDiff(y, ref)).toBeLessThanOrEqual(1e-5 * Math.max(maxAbs(absDot(w, x, T)), 1e-3));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("int8 weights sliced over 2-bit cells reproduce the per-column int8-quantised matrix", () => {
    const inF = 40;
    const outF = 12;
    const w = randomWeight("q", outF, inF, 5);
    const wq = new Float32Array(w.data.length);
    for (let o = 0; o < outF; o++) {
      let m = 0;
      for (let i = 0; i < inF; i++) m = Math.max(m, Math.abs(w.data[o * inF + i]));
      for (let i = 0; i < inF; i++) {
        const v = (w.data[o * inF + i] / m) * 127;
        wq[o * inF + i] = ((v < 0 ? -Math.round(-v) : Math.round(v)) * m) / 127;
      }
    }
    expect(weightEncoding(8, 2, true).slices).toBe(4);
    const spec = analogSpec({ bitsPerCell: 2, rows: 64, cols: 128 }, { weightBits: 8 });
    const b = createAnalogBackend([w], spec, { seed: 3, ideal: true });
    const x = randomInput(3, inF, 9);
    const ref = run(exactBackend, { ...w, data: wq }, x, 3);
    expect(maxAbsDiff(run(b, w, x, 3), ref)).toBeLessThan(1e-5 * maxAbs(ref));
  });

  it("ternary weights on differential 1-bit cells are reproduced exactly, binary gives sign * mean|w|", () => {
    const inF = 30;
    const outF = 8;
    const data = new Float32Array(inF * outF);
    const vals = [-0.7, 0, 0.7];
    for (let j = 0; j < data.length; j++) data[j] = vals[(j * 7 + (j >> 3)) % 3];
    const w: LinearWeight = { name: "t", outFeatures: outF, inFeatures: inF, data, bias: null };
    const x = randomInput(2, inF, 4);
    const tern = createAnalogBackend([w], analogSpec({ bitsPerCell: 1 }, { weightBits: 2 }), { seed: 1, ideal: true });
    const ref = run(exactBackend, w, x, 2);
    expect(maxAbsDiff(run(tern, w, x, 2), ref)).toBeLessThan(1e-5 * maxAbs(ref));
    const g = randomWeight("b", outF, inF, 2);
    const signW = new Float32Array(g.data.length);
    for (let o = 0; o < outF; o++) {
      let s = 0;
      for (let i = 0; i < inF; i++) s += Math.abs(g.data[o * inF + i]);
      for (let i = 0; i < inF; i++) signW[o * inF + i] = (g.data[o * inF + i] >= 0 ? 1 : -1) * (s / inF);
    }
    for (const differential of [true, false]) {
      const bin = createAnalogBackend([g], analogSpec({ bitsPerCell: 1, differential }, { weightBits: 1 }), { seed: 1, ideal: true });
      const r2 = run(exactBackend, { ...g, data: signW }, x, 2);
      expect(maxAbsDiff(run(bin, g, x, 2), r2)).toBeLessThan(1e-5 * maxAbs(r2));
    }
  });
});

describe("blocked exact kernel", () => {
  it("is bit-identical to exactBackend and to the documented float32 summation order for any shape and token count", () => {
    const b = createBlockedExactBackend();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 7 }), fc.boolean(), (inF, outF, T, bias) => {
        const w = randomWeight("e", outF, inF, inF * 31 + outF, bias);
        const x = randomInput(T, inF, T * 7 + inF);
        const y = run(b, w, x, T);
        expect(Array.from(y)).toEqual(Array.from(run(exactBackend, w, x, T)));
        expect(Array.from(y)).toEqual(Array.from(referenceOrder(w, x, T)));
      }),
      { numRuns: 60 },
    );
  });
});

describe("fused weight-noise kernel", () => {
  it("gives W x and |W| x^2 bit-identical to two separate gemmTile passes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 5 }), (R, C, T) => {
        const W = randomWeight("n", C, R, R * 17 + C).data;
        const x = randomInput(T, R, T + 3 * R);
        const xsq = x.map((v) => v * v);
        const y1 = new Float64Array(T * C);
        const v1 = new Float64Array(T * C);
        const y2 = new Float64Array(T * C);
        const v2 = new Float64Array(T * C);
        gemmTileNoise(W, R, C, x, xsq, T, y1, v1);
        gemmTile(W, R, C, x, T, y2);
        gemmTile(W.map(Math.abs), R, C, xsq, T, v2);
        expect(Array.from(y1)).toEqual(Array.from(y2));
        expect(Array.from(v1)).toEqual(Array.from(v2));
      }),
      { numRuns: 60 },
    );
  });
});

describe("converters", () => {
  it("DAC error is at most half an LSB of the input range when nothing clips", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 0, max: 1000 }), (bits, seed) => {
        const n = 24;
        const w = identity(n);
        const x = randomInput(2, n, seed);
        const spec = analogSpec({ dac: { kind: "pwm", bits }, adc: { kind: "sar", bits: 24, colsPerAdc: 1 }, outBound: 1 });
        const y = run(createAnalogBackend([w], spec, { seed: 1 }), w, x, 2);
        for (let t = 0; t < 2; t++) {
          let range = 0;
          for (let i = 0; i < n; i++) range = Math.max(range, Math.abs(x[t * n + i]));
          const lsb = range / (2 ** (bits - 1) - 1);
          const adcLsb = range / (2 ** 23 - 1);
          for (let i = 0; i < n; i++) expect(Math.abs(y[t * n + i] - x[t * n + i])).toBeLessThanOrEqual(lsb / 2 + adcLsb + 1e-6 * range);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("ADC error is at most half an LSB of outBound when nothing clips", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 0, max: 1000 }), (bits, seed) => {
        const n = 24;
        const w = identity(n);
        const x = randomInput(1, n, seed);
        // static range = 4 x abs-max: inputs land inside [-1/4, 1/4]; outBound 0.5 never clips
        const range = 4 * maxAbs(x);
        const spec = analogSpec({
          dac: { kind: "pwm", bits: 24 },
          adc: { kind: "sar", bits, colsPerAdc: 1 },
          outBound: 0.5,
          inputRange: { mode: "static", bound: range },
        });
        const b = createAnalogBackend([w], spec, { seed: 1 });
        const y = run(b, w, x, 1);
        const lsb = (0.5 / (2 ** (bits - 1) - 1)) * range;
        for (let i = 0; i < n; i++) expect(Math.abs(y[i] - x[i])).toBeLessThanOrEqual(lsb / 2 + range / 2 ** 23 + 1e-6 * range);
        const s = b.stats().layers[0];
        expect(s.adcClipRate).toBe(0);
        expect(s.dacClipRate).toBe(0);
        expect(s.adcHistogram.reduce((a, v) => a + v, 0)).toBe(s.adcConversions);
      }),
      { numRuns: 60 },
    );
  });

  it("counts DAC and ADC clipping exactly", () => {
    const n = 50;
    const w = identity(n);
    const x = randomInput(4, n, 77);
    const bound = 1.0;
    const outBound = 0.6;
    const spec = analogSpec({ dac: { kind: "pwm", bits: 8 }, adc: { kind: "sar", bits: 8, colsPerAdc: 1 }, outBound, inputRange: { mode: "static", bound } });
    const b = createAnalogBackend([w], spec, { seed: 1 });
    const y = run(b, w, x, 4);
    let dacClip = 0;
    let adcClip = 0;
    for (let j = 0; j < x.length; j++) {
      const v = Math.max(-1, Math.min(1, x[j] / bound));
      if (Math.abs(x[j]) > bound) dacClip++;
      const q = Math.round(Math.abs(v) * 127) / 127;
      if (q > outBound) adcClip++;
      if (q > outBound) expect(Math.abs(y[j])).toBeCloseTo(outBound * bound, 5);
    }
    expect(dacClip).toBeGreaterThan(0);
    const s = b.stats().layers[0];
    expect(s.dacConversions).toBe(x.length);
    expect(s.dacClipRate * s.dacConversions).toBeCloseTo(dacClip, 6);
    expect(s.adcConversions).toBe(x.length);
    expect(s.adcClipRate * s.adcConversions).toBeCloseTo(adcClip, 6);
    expect(s.adcHistogram.length).toBe(256);
    expect(s.adcHistogram[0]).toBe(0); // code -128 is never produced (symmetric -127..127)
  });

  it("MVM error variance grows as ADC bits fall", () => {
    const w = randomWeight("m", 64, 256, 21);
    const x = randomInput(16, 256, 22);
    const ref = run(exactBackend, w, x, 16);
    const variances = [12, 10, 8, 6, 4].map((bits) => {
      const spec = analogSpec({ rows: 256, cols: 128, dac: { kind: "pwm", bits: 24 }, adc: { kind: "sar", bits, colsPerAdc: 1 }, outBound: 8 });
      const y = run(createAnalogBackend([w], spec, { seed: 5 }), w, x, 16);
      let s = 0;
      for (let j = 0; j < y.length; j++) s += (y[j] - ref[j]) ** 2;
      return s / y.length;
    });
    for (let k = 1; k < variances.length; k++) expect(variances[k]).toBeGreaterThan(variances[k - 1]);
  });
});

describe("noisy programming", () => {
  const w1 = randomWeight("layer.a", 48, 100, 31, true);
  const w2 = randomWeight("layer.b", 20, 48, 32);
  const spec = analogSpec({ noise: pcmNoise, rows: 64, cols: 64, bitsPerCell: 4 }, { weightBits: 8 });
  const x1 = randomInput(3, 100, 33);
  const x2 = randomInput(3, 48, 34);

  it("same seed => bit-identical outputs, independent of call order; different seeds differ", () => {
    const a = createAnalogBackend([w1, w2], spec, { seed: 9 });
    const b = createAnalogBackend([w2, w1], spec, { seed: 9 });
    const a1 = run(a, w1, x1, 3);
    const a2 = run(a, w2, x2, 3);
    const b2 = run(b, w2, x2, 3);
    const b1 = run(b, w1, x1, 3);
    expect(Array.from(b1)).toEqual(Array.from(a1));
    expect(Array.from(b2)).toEqual(Array.from(a2));
    const c = createAnalogBackend([w1, w2], spec, { seed: 10 });
    expect(maxAbsDiff(run(c, w1, x1, 3), a1)).toBeGreaterThan(0);
    // noisy but close: relative error of a PCM 8-bit tile stays well below 100%
    const ref = run(exactBackend, w1, x1, 3);
    const err = maxAbsDiff(a1, ref) / maxAbs(ref);
    expect(err).toBeGreaterThan(1e-3);
    expect(err).toBeLessThan(0.5);
  });

  it("drift reduces |y|; global drift compensation restores the mean magnitude", () => {
    const driftOnly = { ...noNoise, model: "pcm" as const, progNoiseScale: 0, readNoiseScale: 0 };
    const s = analogSpec({ noise: driftOnly, rows: 64, cols: 64 }, { weightBits: 8 });
    const x = randomInput(8, 100, 35);
    const at0 = meanAbs(run(createAnalogBackend([w1], s, { seed: 2, ideal: true, tInfS: 0 }), w1, x, 8));
    const yearS = 3.15e7;
    const drifted = meanAbs(run(createAnalogBackend([w1], s, { seed: 2, ideal: true, tInfS: yearS }), w1, x, 8));
    const bComp = createAnalogBackend([w1], s, { seed: 2, ideal: true, tInfS: yearS, driftCompensation: true });
    const comp = meanAbs(run(bComp, w1, x, 8));
    expect(drifted).toBeLessThan(0.75 * at0); // nu >= 0.049: (1.6e6)^-0.049 ~ 0.5
    expect(Math.abs(comp / at0 - 1)).toBeLessThan(0.05);
    expect(bComp.stats().layers[0].meanDriftAlpha).toBeGreaterThan(1.3);
  });

  it("records per-layer statistics for the energy model", () => {
    const b = createAnalogBackend([w1, w2], spec, { seed: 9 });
    run(b, w1, x1, 3);
    const st = b.stats();
    const l = st.layers[0];
    expect(l.calls).toBe(1);
    expect(l.tokens).toBe(3);
    expect(l.tiles).toBe(2 * 3); // ceil(100 rows / 64) x ceil(48 outputs / (64 cols / (2 sides x 2 slices)))
    expect(l.inputAbsMax).toBeCloseTo(maxAbs(x1), 6);
    expect(l.inputActivity).toBeGreaterThan(0);
    expect(l.inputActivity).toBeLessThanOrEqual(1);
    expect(l.meanAbsConductanceNorm).toBeGreaterThan(0);
    expect(l.adcConversions).toBe(3 * 48 * 2 * 2); // tokens x outputs x slices x row tiles
    expect(st.layers[1].calls).toBe(0);
    b.resetStats();
    expect(b.stats().layers[0].calls).toBe(0);
  });

  it("weights not on the crossbars run digitally and are counted", () => {
    const b = createAnalogBackend([w1], spec, { seed: 9 });
    expect(Array.from(run(b, w2, x2, 3))).toEqual(Array.from(run(exactBackend, w2, x2, 3)));
    expect(b.stats().digitalCalls).toBe(1);
  });
});

describe("input ranges and errors", () => {
  it("calibrates static bounds (max and quantile) from recorded activations", () => {
    const w = randomWeight("c", 8, 64, 1);
    const x = randomInput(50, 64, 2);
    const cMax = createRangeCalibrator({ mode: "max" });
    const cQ = createRangeCalibrator({ mode: "quantile", quantile: 0.5 });
    const out = new Float32Array(50 * 8);
    cMax.backend.linear(w, x, 50, out);
    expect(Array.from(out)).toEqual(Array.from(run(exactBackend, w, x, 50)));
    cQ.backend.linear(w, x, 50, out);
    expect(cMax.bounds().bounds.c).toBeCloseTo(maxAbs(x), 6);
    const sorted = Array.from(x, Math.abs).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    expect(Math.abs(cQ.bounds().bounds.c / median - 1)).toBeLessThan(0.02);
    // the calibrated static bound is accepted by the backend
    const spec = analogSpec({ inputRange: { mode: "static" } });
    expect(() => createAnalogBackend([w], spec, { seed: 1, calibration: cMax.bounds() })).not.toThrow();
  });

  it("reports a missing static bound and an impossible tile as AimcsimErrors naming the field", () => {
    const w = randomWeight("c", 8, 64, 1);
    try {
      createAnalogBackend([w], analogSpec({ inputRange: { mode: "static" } }), { seed: 1 });
      expect.unreachable();
    } catch (e) {
      expect(isAimcsimError(e) && e.path).toBe("analog.tile.inputRange.bound");
    }
    try {
      createAnalogBackend([w], analogSpec({ cols: 2, bitsPerCell: 1 }, { weightBits: 8 }), { seed: 1 });
      expect.unreachable();
    } catch (e) {
      expect(isAimcsimError(e) && e._tag).toBe("MappingError");
    }
  });
});
