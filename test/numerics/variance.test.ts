// The integer w_noise variance pass (AnalogBackendOptions.exactVariance, src/numerics/kernels/wasm.ts gemmv_i16)
// against the float32 one: the noiseless part of every output is the same and the noisy outputs have the same
// distribution (a two-sample Kolmogorov-Smirnov test on standardised outputs, which does detect a 5 % change in
// w_noise at the same sample size).
import { describe, expect, it } from "vitest";
import { createAnalogBackend, type AnalogBackendOptions } from "../../src/numerics/analog/index.ts";
import { INT_VAR_MIN_TOKENS } from "../../src/numerics/analog/backend.ts";
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

describe("integer w_noise variance pass", () => {
  it("gives the float32 pass's output distribution (KS), and the test sees a 5 % change of w_noise", () => {
    expect(T).toBeGreaterThanOrEqual(INT_VAR_MIN_TOKENS); // the integer pass runs
    const wn = 0.0175;
    const f32 = samples(wn, { exactVariance: true });
    const int = samples(wn, {});
    const f32b = samples(wn * 1.05, { exactVariance: true });
    // same seed, same programming and noise stream: the draws differ only through the variance's rounding
    expect(Array.from(int)).not.toEqual(Array.from(f32));
    const n = CALLS * T * C;
    const crit = 1.95 * Math.sqrt(2 / n); // two-sample KS at alpha = 0.001
    const same = ksPooled(int, f32);
    const changed = ksPooled(f32b, f32);
    expect(same).toBeLessThan(crit);
    expect(changed).toBeGreaterThan(crit);
  });

  it("below INT_VAR_MIN_TOKENS tokens a call takes the float32 pass (same bits as exactVariance)", () => {
    expect(INT_VAR_MIN_TOKENS).toBeGreaterThan(1);
    const spec = analogSpec({ rows: 64, cols: 32, bitsPerCell: 8, noise: pcmSpecNoise({ wNoise: 0.05, outNoise: 0, tInfS: 3600, driftCompensation: false }), adc: { kind: "sar", bits: 12, colsPerAdc: 1 } }, { weightBits: 8 });
    const run = (opts: Partial<AnalogBackendOptions>, t: number) => {
      const b = createAnalogBackend([w], spec, { seed: 9, record: false, ...opts });
      const y = new Float32Array(t * C);
      const ys: number[] = [];
      for (let k = 0; k < 50; k++) {
        b.linear(w, x, t, y);
        ys.push(...y);
      }
      return ys;
    };
    expect(run({}, 1)).toEqual(run({ exactVariance: true }, 1));
    // (from INT_VAR_MIN_TOKENS on the bits differ: the first test, at T = INT_VAR_MIN_TOKENS)
  });

  it("is deterministic (same seed, same bits) and leaves layers without w_noise bit-identical", () => {
    expect(Array.from(samples(0.0175, {}).subarray(0, 2000))).toEqual(Array.from(samples(0.0175, {}).subarray(0, 2000)));
    expect(Array.from(samples(0, {}).subarray(0, 2000))).toEqual(Array.from(samples(0, { exactVariance: true }).subarray(0, 2000)));
  });
});
