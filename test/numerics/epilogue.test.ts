// The WebAssembly ADC epilogue (src/numerics/kernels/convert.ts, wasm.ts adc_epi) against the JavaScript
// reference of src/numerics/analog/backend.ts: same outputs and statistics, bit for bit, over converter
// organisations, accumulators, noise settings and tile splits (the ziggurat's slow path included: ~1 % of draws).
import { describe, expect, it } from "vitest";
import { createAnalogBackend, type AnalogBackendOptions } from "../../src/numerics/analog/index.ts";
import type { AnalogSpec } from "../../src/spec/types.ts";
import { pcmNoise as pcmSpecNoise } from "../../src/spec/dsl.ts";
import { analogSpec, randomInput, randomWeight } from "./analog-fixtures.ts";

function both(spec: AnalogSpec, opts: Partial<AnalogBackendOptions>, outF: number, inF: number, T: number) {
  const w = randomWeight("e", outF, inF, outF + inF, true);
  const x = randomInput(T, inF, 7, 2);
  const run = (epilogue: "wasm" | "js") => {
    const b = createAnalogBackend([w], spec, { seed: 3, ...opts, epilogue });
    const ys: number[] = [];
    const y = new Float32Array(T * outF);
    for (let k = 0; k < 3; k++) {
      b.linear(w, x, T, y);
      ys.push(...y);
    }
    return { ys, stats: b.stats() };
  };
  return { wasm: run("wasm"), js: run("js") };
}

const noisy = (wNoise: number, outNoise: number) => pcmSpecNoise({ wNoise, outNoise, tInfS: 3600, driftCompensation: false });

describe("WebAssembly ADC epilogue", () => {
  const cases: [string, AnalogSpec, Partial<AnalogBackendOptions>][] = [
    ["PWM 8b, w_noise + out_noise, fp32", analogSpec({ rows: 48, cols: 40, bitsPerCell: 8, noise: noisy(0.0175, 0.04), outBound: 6 }, { weightBits: 8 }), {}],
    ["float32 tiles (tileArithmetic)", analogSpec({ rows: 48, cols: 40, bitsPerCell: 8, noise: noisy(0.03, 0.04), outBound: 6 }, { weightBits: 8 }), { tileArithmetic: "float32" }],
    ["odd tile width (25 columns), float32 tiles", analogSpec({ rows: 48, cols: 25, bitsPerCell: 8, noise: noisy(0.0175, 0.04), outBound: 6 }, { weightBits: 8 }), { tileArithmetic: "float32" }],
    ["offset (non-differential) encoding: sum of inputs in the rescale", analogSpec({ rows: 48, cols: 40, bitsPerCell: 8, differential: false, noise: noisy(0.0175, 0.04), outBound: 6 }, { weightBits: 8 }), {}],
    ["odd tile width (25 columns), int16 tiles", analogSpec({ rows: 48, cols: 25, bitsPerCell: 8, noise: noisy(0.0175, 0.04), outBound: 6 }, { weightBits: 8 }), {}],
    ["out_noise only, 2-bit cells (4 slices)", analogSpec({ rows: 64, cols: 64, bitsPerCell: 2, noise: noisy(0, 0.06), outBound: 4 }, { weightBits: 8 }), {}],
    ["bit-serial 8 planes, int16 accumulator", analogSpec({ rows: 32, cols: 24, bitsPerCell: 4, dac: { kind: "bit-serial", bits: 8 }, noise: noisy(0.02, 0.02), outBound: 3 }, { weightBits: 8, accumulatorFormat: "int16" }), {}],
    ["int8 accumulator saturating, ADC 6b, heavy clipping", analogSpec({ rows: 40, cols: 16, bitsPerCell: 8, adc: { kind: "sar", bits: 6, colsPerAdc: 1 }, noise: noisy(0.05, 0.1), outBound: 1 }, { weightBits: 8, accumulatorFormat: "int8" }), {}],
    ["fp16 accumulator (binary16 rounding past 2^11)", analogSpec({ rows: 48, cols: 40, bitsPerCell: 2, noise: noisy(0.0175, 0.04), outBound: 6 }, { weightBits: 8, accumulatorFormat: "fp16" }), {}],
    ["bf16 accumulator, static range", analogSpec({ rows: 48, cols: 40, bitsPerCell: 4, noise: noisy(0.0175, 0.04), inputRange: { mode: "static", bound: 3 }, outBound: 6 }, { weightBits: 8, accumulatorFormat: "bf16" }), {}],
    ["noiseless devices, ADC only", analogSpec({ rows: 50, cols: 30, bitsPerCell: 8, outBound: 8 }, { weightBits: 8 }), {}],
    ["static input range, no record", analogSpec({ rows: 48, cols: 40, bitsPerCell: 8, noise: noisy(0.0175, 0.04), inputRange: { mode: "static", bound: 3 }, outBound: 6 }, { weightBits: 8 }), { record: false }],
  ];
  for (const [name, spec, opts] of cases)
    it(`equals the JavaScript epilogue bit for bit: ${name}`, () => {
      const { wasm, js } = both(spec, opts, 70, 100, 5);
      expect(wasm.ys).toEqual(js.ys);
      expect(wasm.stats).toEqual(js.stats);
      expect(new Set(wasm.ys).size).toBeGreaterThan(50); // not a degenerate output
    });

  it("equals the JavaScript epilogue bit for bit at few tokens (the one-pass gemmyv_i16 of int16 tiles)", () => {
    const spec = analogSpec({ rows: 200, cols: 40, bitsPerCell: 8, noise: noisy(0.0175, 0.04), outBound: 6 }, { weightBits: 8 });
    for (const T of [1, 3]) {
      const { wasm, js } = both(spec, {}, 70, 300, T);
      expect(wasm.ys).toEqual(js.ys);
      expect(wasm.stats).toEqual(js.stats);
    }
  });

  it("draws the same normals as the JavaScript ziggurat over many conversions (slow path included)", () => {
    const spec = analogSpec({ rows: 256, cols: 256, bitsPerCell: 8, noise: noisy(0.0175, 0.04), outBound: 10 }, { weightBits: 8 });
    const { wasm, js } = both(spec, {}, 256, 256, 40); // 3 x 40 x 256 = 30720 draws, ~370 on the slow path
    expect(wasm.ys).toEqual(js.ys);
  });
});
