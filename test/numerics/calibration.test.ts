// Static input-range calibration rules (src/numerics/analog/calibrate.ts): quantile (aihwkit CACHE_QUANTILE and
// percentile rules), abs-max, MSE-optimal for the DAC, and per-row-tile bounds; the backend applies per-tile bounds.
import { describe, expect, it } from "vitest";
import { createAnalogBackend, createRangeCalibrator } from "../../src/numerics/analog/index.ts";
import type { LinearWeight } from "../../src/numerics/backend.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { Rng } from "../../src/util/rng.ts";
import { analogSpec, randomInput, randomWeight } from "./analog-fixtures.ts";

function feed(cal: { backend: { linear: (w: LinearWeight, x: Float32Array, T: number, out: Float32Array) => void } }, w: LinearWeight, x: Float32Array, T: number) {
  cal.backend.linear(w, x, T, new Float32Array(T * w.outFeatures));
}

/** Mean squared error of quantising x to a signed `bits` DAC over [-b, b] (clip, round half away from zero). */
function dacMse(x: Float32Array, b: number, bits: number): number {
  const L = 2 ** (bits - 1) - 1;
  let s = 0;
  for (const v of x) {
    const u = Math.max(-1, Math.min(1, v / b));
    const q = ((u < 0 ? -Math.round(-u * L) : Math.round(u * L)) / L) * b;
    s += (q - v) ** 2;
  }
  return s / x.length;
}

describe("calibration rules", () => {
  const inF = 64;
  const T = 400;
  const w = randomWeight("m", 8, inF, 1);
  const rng = new Rng(5);
  const x = new Float32Array(T * inF);
  for (let j = 0; j < x.length; j++) x[j] = rng.nextGaussian();

  it("quantile: within the histogram's 1.1 % of the sample quantile; max: the abs-max", () => {
    const sorted = Array.from(x, Math.abs).sort((a, b) => a - b);
    for (const q of [0.9, 0.999]) {
      const cal = createRangeCalibrator({ mode: "quantile", quantile: q });
      feed(cal, w, x, T);
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
      const b = cal.bounds().bounds.m!;
      expect(b).toBeGreaterThanOrEqual(exact * 0.999);
      expect(b).toBeLessThanOrEqual(exact * 1.011 + 1e-9);
    }
    const mx = createRangeCalibrator({ mode: "max" });
    feed(mx, w, x, T);
    expect(mx.bounds().bounds.m).toBe(sorted[sorted.length - 1]);
  });

  it("mse: the bound's DAC error is no worse than abs-max's or aihwkit's 0.99995 quantile's, and lies at 3-5.5 sigma at 8 bits", () => {
    const bound = (mode: "mse" | "max" | "quantile", dacBits = 8) => {
      const c = createRangeCalibrator({ mode, dacBits });
      feed(c, w, x, T);
      return c.bounds().bounds.m!;
    };
    for (const bits of [4, 6, 8]) {
      const b = bound("mse", bits);
      expect(dacMse(x, b, bits)).toBeLessThanOrEqual(dacMse(x, bound("max"), bits) * 1.001);
      expect(dacMse(x, b, bits)).toBeLessThanOrEqual(dacMse(x, bound("quantile"), bits) * 1.001);
    }
    // Gaussian, signed 8 bits: optimal clipping near 4 sigma (Banner et al. 2019 ACIQ); fewer bits clip harder
    expect(bound("mse", 8)).toBeGreaterThan(3);
    expect(bound("mse", 8)).toBeLessThan(5.5);
    expect(bound("mse", 4)).toBeLessThan(bound("mse", 8));
  });

  it("per tile: one bound per row tile from that tile's inputs only", () => {
    const y = new Float32Array(x);
    for (let t = 0; t < T; t++) for (let i = 32; i < inF; i++) y[t * inF + i] *= 10; // second tile of 32 rows: 10x
    const c = createRangeCalibrator({ mode: "quantile", quantile: 0.999, tileRows: 32 });
    feed(c, w, y, T);
    const tb = c.bounds().tileBounds!.m!;
    expect(tb.length).toBe(2);
    expect(tb[1]! / tb[0]!).toBeGreaterThan(7);
    expect(tb[1]! / tb[0]!).toBeLessThan(14);
  });

  it("the backend clips each row tile at its own bound, and rejects a wrong number of tile bounds", () => {
    const spec = analogSpec({ rows: 32, cols: 64, inputRange: { mode: "static" } });
    const xin = randomInput(4, inF, 3);
    const run = (tileBounds: number[]) => {
      const b = createAnalogBackend([w], spec, { seed: 1, calibration: { bounds: { m: 100 }, tileBounds: { m: tileBounds } } });
      b.linear(w, xin, 4, new Float32Array(4 * 8));
      return b.stats().layers[0]!.dacClipRate;
    };
    expect(run([100, 100])).toBe(0);
    let first = 0;
    for (let t = 0; t < 4; t++) for (let i = 0; i < 32; i++) if (Math.abs(xin[t * inF + i]!) > 0.5) first++;
    expect(run([0.5, 100]) * 4 * inF).toBeCloseTo(first, 6);
    let err: unknown;
    try {
      createAnalogBackend([w], spec, { seed: 1, calibration: { bounds: { m: 1 }, tileBounds: { m: [1] } } });
    } catch (e) {
      err = e;
    }
    expect(isAimcsimError(err) && err.path === "calibration.tileBounds.m").toBe(true);
  });
});
