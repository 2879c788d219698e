// aihwkit-grade IO options of the analog backend: bound management (iterative input halving on ADC saturation),
// noise-management modes, and the drift-compensation readout (ideal, noisy as aihwkit, exact reference), per
// tile or per column.
import { describe, expect, it } from "vitest";
import { createAnalogBackend, type AnalogBackendOptions } from "../../src/numerics/analog/index.ts";
import { exactBackend, type LinearWeight } from "../../src/numerics/backend.ts";
import { analogSpec, maxAbs, maxAbsDiff, pcmNoise, randomInput, randomWeight } from "./analog-fixtures.ts";
import type { AnalogSpec } from "../../src/spec/types.ts";

function run(spec: AnalogSpec, w: LinearWeight, x: Float32Array, T: number, opts: Partial<AnalogBackendOptions> = {}) {
  const b = createAnalogBackend([w], spec, { seed: 7, ...opts });
  const out = new Float32Array(T * w.outFeatures);
  b.linear(w, x, T, out);
  return { out, stats: b.stats().layers[0]! };
}

function identity(n: number): LinearWeight {
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { name: "eye", outFeatures: n, inFeatures: n, data, bias: null };
}

describe("bound management", () => {
  it("iterative halving removes ADC saturation that clips without it, at the cost of more conversions", () => {
    const n = 24;
    const w = identity(n);
    const x = randomInput(3, n, 4);
    // dynamic abs-max inputs reach +-1; outBound 0.4 clips them unless the input is halved twice (to +-0.25)
    const spec = analogSpec({ rows: 32, cols: 32, dac: { kind: "pwm", bits: 8 }, adc: { kind: "sar", bits: 12, colsPerAdc: 1 }, outBound: 0.4 });
    const none = run(spec, w, x, 3);
    const bm = run(spec, w, x, 3, { boundManagement: "iterative" });
    expect(none.stats.adcClipRate).toBeGreaterThan(0);
    expect(maxAbsDiff(none.out, x)).toBeGreaterThan(0.4 * maxAbs(x));
    // halved twice: DAC LSB 4 / 127 of the range, ADC LSB 0.4 / 2047 of it (x 4 after the rescale)
    expect(maxAbsDiff(bm.out, x)).toBeLessThanOrEqual(maxAbs(x) * (2 / 127 + 2 / 2047) + 1e-6);
    expect(bm.stats.adcConversions).toBe(3 * 3 * n); // every token saturated twice: three rounds of n conversions
    expect(bm.stats.dacConversions).toBe(3 * 3 * n);
  });

  it("stops at aihwkit's resolution limit (5 halvings at 8 bits) when saturation persists", () => {
    const n = 8;
    const w = identity(n);
    const x = randomInput(1, n, 9);
    const spec = analogSpec({ rows: 8, cols: 8, adc: { kind: "sar", bits: 8, colsPerAdc: 1 }, outBound: 1e-3 });
    const bm = run(spec, w, x, 1, { boundManagement: "iterative" });
    expect(bm.stats.adcConversions).toBe(6 * n); // 1 + 5 rounds
  });
});

describe("noise management", () => {
  const n = 16;
  const w = identity(n);
  it("'none' takes inputs as they are (range 1): values beyond +-1 clip", () => {
    const x = randomInput(4, n, 2, 1.5);
    let beyond = 0;
    for (const v of x) if (Math.abs(v) > 1) beyond++;
    const r = run(analogSpec({ rows: 16, cols: 16, adc: { kind: "sar", bits: 16, colsPerAdc: 1 }, outBound: 2 }), w, x, 4, { noiseManagement: "none" });
    expect(beyond).toBeGreaterThan(0);
    expect(r.stats.dacClipRate * r.stats.dacConversions).toBeCloseTo(beyond, 6);
  });

  it("'average-abs-max' shares one range over a call's tokens: a small token next to a large one loses resolution", () => {
    const x = randomInput(2, n, 3);
    for (let i = n; i < 2 * n; i++) x[i] *= 50;
    const spec = analogSpec({ rows: 16, cols: 16, adc: { kind: "sar", bits: 16, colsPerAdc: 1 }, outBound: 2 });
    const err0 = (o: Float32Array) => maxAbsDiff(o.subarray(0, n), x.subarray(0, n));
    const abs = run(spec, w, x, 2);
    const avg = run(spec, w, x, 2, { noiseManagement: "average-abs-max" });
    expect(err0(avg.out)).toBeGreaterThan(5 * err0(abs.out));
    // the large token exceeds the average range and clips
    expect(avg.stats.dacClipRate).toBeGreaterThan(0);
    expect(abs.stats.dacClipRate).toBe(0);
  });
});

describe("drift-compensation readout", () => {
  const w = randomWeight("m", 32, 64, 11);
  const x = randomInput(8, 64, 12);
  const ref = new Float32Array(8 * 32);
  exactBackend.linear(w, x, 8, ref);
  const year = 3.15e7;
  const spec = (adcBits: number) =>
    analogSpec({ rows: 64, cols: 64, noise: { ...pcmNoise, tInfS: year, driftCompensation: true }, adc: { kind: "sar", bits: adcBits, colsPerAdc: 1 }, outBound: 12 }, { weightBits: 8 });

  it("ideal, noisy and exact-reference readouts all compensate one year of drift at an 8-bit ADC", () => {
    const alpha = (mode: AnalogBackendOptions["driftReadout"]) => run(spec(8), w, x, 8, { driftReadout: mode }).stats.meanDriftAlpha;
    const ideal = alpha("ideal");
    expect(ideal).toBeGreaterThan(1.1); // drift lowers conductances; alpha restores them
    expect(Math.abs(alpha("noisy") / ideal - 1)).toBeLessThan(0.15);
    expect(Math.abs(alpha("exact-reference") / ideal - 1)).toBeLessThan(0.15);
    expect(alpha("noisy")).not.toBe(ideal); // a different readout, not the same number
  });

  it("a 4-bit ADC ruins the aihwkit readout (the idealised one hides it): alpha off by more than 2x", () => {
    const ideal = run(spec(4), w, x, 8, { driftReadout: "ideal" });
    const noisy = run(spec(4), w, x, 8, { driftReadout: "noisy" });
    expect(ideal.stats.meanDriftAlpha).toBeGreaterThan(1.1);
    // LSB 12 / 7 = 1.7 of a +-1 normalised weight: right after programming only the largest weights (|w| ~ 1) read
    // as code 1; after a year of drift they fall under half an LSB, the readout is all zeros and clamps at 1e-4,
    // so alpha = mean|y_ref| / 1e-4 explodes (measured ~7.5e4)
    expect(Math.abs(Math.log(noisy.stats.meanDriftAlpha / ideal.stats.meanDriftAlpha))).toBeGreaterThan(Math.log(2));
  });

  it("per-column compensation gives different outputs than per-tile and stays at least as close to fp32", () => {
    const err = (o: Float32Array) => {
      let s = 0;
      for (let j = 0; j < o.length; j++) s += (o[j]! - ref[j]!) ** 2;
      return s;
    };
    const tileC = run(spec(8), w, x, 8);
    const colC = run(spec(8), w, x, 8, { perColumnCompensation: true });
    const off = run(spec(8), w, x, 8, { driftCompensation: false });
    expect(maxAbsDiff(colC.out, tileC.out)).toBeGreaterThan(0);
    expect(err(colC.out)).toBeLessThan(err(off.out));
    expect(err(colC.out)).toBeLessThan(1.2 * err(tileC.out));
  });
});
