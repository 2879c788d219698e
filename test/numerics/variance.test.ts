// The int16 tiles (AnalogBackendOptions.tileArithmetic "int16": W x in int32 by gemm_i16, the w_noise variance by
// gemmv_i16, src/numerics/kernels/wasm.ts) against float32 tiles: the noisy outputs have the same distribution (a
// two-sample Kolmogorov-Smirnov test on standardised outputs, which does detect a 5 % change in w_noise at the same
// sample size), and on noiseless devices the outputs are the same but for rare ADC rounding flips.
import { describe, expect, it } from "vitest";
import { createAnalogBackend, type AnalogBackendOptions } from "../../src/numerics/analog/index.ts";
import { pcmNoise as pcmSpecNoise } from "../../src/spec/dsl.ts";
import { analogSpec, randomInput, randomWeight } from "./analog-fixtures.ts";

const R = 96, C = 40, T = 4, CALLS = 500;
const w = randomWeight("v", C, R, 3);
const x = randomInput(T, R, 4);

/** CALLS noisy outputs per element (call-major) of a fresh backend with the given w_noise and options. */
function samples(wNoise: number, opts: Partial<AnalogBackendOptions>): Float32Array {
  // out_noise 0 so that w_noise is the only per-read noise; an 8-bit DAC, a fine ADC so that rounding is small
  const spec = analogSpec(
    { rows: 64, cols: 32, bitsPerCell: 8, noise: pcmSpecNoise({ wNoise, outNoise: 0, tInfS: 3600, driftCompensation: false }), adc: { kind: "sar", bits: 12, colsPerAdc: 1 } },
    { weightBits: 8 },
  );
  const b = createAnalogBackend([w], spec, { seed: 9, record: false, ...opts });
  const out = new Float32Array(CALLS * T * C);
  const y = new Float32Array(T * C);
  for (let k = 0; k < CALLS; k++) {
    b.linear(w, x, T, y);
    out.set(y, k * T * C);
  }
  return out;
}

/** Standardise each element's samples of a and b by the pooled mean and sd of that element, then the two-sample
 *  KS statistic of all a's against all b's. */
function ksPooled(a: Float32Array, b: Float32Array): number {
  const n = T * C;
  const za: number[] = [];
  const zb: number[] = [];
  for (let e = 0; e < n; e++) {
    let s = 0, s2 = 0;
    for (let k = 0; k < CALLS; k++) {
      s += a[k * n + e]! + b[k * n + e]!;
      s2 += a[k * n + e]! ** 2 + b[k * n + e]! ** 2;
    }
    const mean = s / (2 * CALLS);
    const sd = Math.sqrt(Math.max(s2 / (2 * CALLS) - mean * mean, 1e-30));
    for (let k = 0; k < CALLS; k++) {
      za.push((a[k * n + e]! - mean) / sd);
      zb.push((b[k * n + e]! - mean) / sd);
    }
  }
  za.sort((p, q) => p - q);
  zb.sort((p, q) => p - q);
  let i = 0, j = 0, d = 0;
  while (i < za.length && j < zb.length) {
    const v = Math.min(za[i]!, zb[j]!);
    while (i < za.length && za[i]! <= v) i++;
    while (j < zb.length && zb[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / za.length - j / zb.length));
  }
  return d;
}

describe("int16 tiles (integer W x and w_noise variance)", () => {
  it("give the float32 tiles' output distribution (KS), and the test sees a 5 % change of w_noise", () => {
    const wn = 0.0175;
    const f32 = samples(wn, { tileArithmetic: "float32" });
    const int = samples(wn, {});
    const f32b = samples(wn * 1.05, { tileArithmetic: "float32" });
    // same seed, same programming and noise stream: the draws differ only through the integer sums' rounding
    expect(Array.from(int)).not.toEqual(Array.from(f32));
    const n = CALLS * T * C;
    const crit = 1.95 * Math.sqrt(2 / n); // two-sample KS at alpha = 0.001
    const same = ksPooled(int, f32);
    const changed = ksPooled(f32b, f32);
    expect(same).toBeLessThan(crit);
    expect(changed).toBeGreaterThan(crit);
  });

  it("on noiseless devices equal the float32 tiles but for rare ADC rounding flips of one step", () => {
    const spec = analogSpec({ rows: 64, cols: 32, bitsPerCell: 8, adc: { kind: "sar", bits: 8, colsPerAdc: 1 }, outBound: 6 }, { weightBits: 8 });
    const run = (opts: Partial<AnalogBackendOptions>) => {
      const b = createAnalogBackend([w], spec, { seed: 9, record: false, ...opts });
      const y = new Float32Array(T * C);
      b.linear(w, x, T, y);
      return y;
    };
    const a = run({});
    const b = run({ tileArithmetic: "float32" });
    let same = 0;
    let maxDiff = 0;
    let maxAbs = 0;
    for (let j = 0; j < a.length; j++) {
      if (a[j] === b[j]) same++;
      maxDiff = Math.max(maxDiff, Math.abs(a[j]! - b[j]!));
      maxAbs = Math.max(maxAbs, Math.abs(b[j]!));
    }
    expect(same / a.length).toBeGreaterThan(0.9);
    // one 8-bit ADC step of a row tile's partial sum is about outBound / 127 of its full scale: well under 10 %
    expect(maxDiff).toBeLessThan(0.1 * maxAbs);
    expect(maxAbs).toBeGreaterThan(0);
  });

  it("are deterministic (same seed, same bits)", () => {
    expect(Array.from(samples(0.0175, {}).subarray(0, 2000))).toEqual(Array.from(samples(0.0175, {}).subarray(0, 2000)));
  });

  it("reject an unknown tileArithmetic", () => {
    expect(() => samples(0.0175, { tileArithmetic: "int8" as never })).toThrow(/tileArithmetic.*int16 or float32/);
  });
});
