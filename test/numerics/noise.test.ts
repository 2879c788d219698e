import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  createNoiseModel,
  globalDriftAlpha,
  pcmNuMoments,
  pcmProgSigmaUs,
  pcmReadSigmaRel,
  PCM_T0_S,
} from "../../src/numerics/noise/index.ts";
import { Rng } from "../../src/util/rng.ts";
import { noNoise } from "./analog-fixtures.ts";

const pcm = { ...noNoise, model: "pcm" as const };

function sampleStd(f: () => number, n: number): { mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  for (let j = 0; j < n; j++) {
    const v = f();
    s += v;
    s2 += v * v;
  }
  const mean = s / n;
  return { mean, std: Math.sqrt(s2 / n - mean * mean) };
}

describe("PCM noise model (aihwkit pcm.py)", () => {
  it("programming-noise polynomial matches the published coefficients", () => {
    expect(pcmProgSigmaUs(0, 25)).toBeCloseTo(0.26348, 6);
    expect(pcmProgSigmaUs(25, 25)).toBeCloseTo(0.26348 + 1.965 - 1.1731, 6);
    // scales with g_max / 25 uS
    expect(pcmProgSigmaUs(50, 50)).toBeCloseTo(2 * pcmProgSigmaUs(25, 25), 6);
  });

  it("programmed conductances scatter with sigma_prog * progNoiseScale", () => {
    const m = createNoiseModel({ ...pcm, progNoiseScale: 2 }, 25);
    const rng = new Rng(7);
    const gT = 12.5;
    const { mean, std } = sampleStd(() => m.program(gT, rng), 40000);
    const sig = 2 * pcmProgSigmaUs(gT, 25);
    expect(mean).toBeCloseTo(gT, 1);
    expect(Math.abs(std / sig - 1)).toBeLessThan(0.03);
  });

  it("drift exponent moments follow the clamped log fits", () => {
    expect(pcmNuMoments(1)).toEqual({ mean: 0.049, std: 0.008 });
    const small = pcmNuMoments(0.01);
    expect(small.mean).toBeCloseTo(Math.min(0.1, -0.0155 * Math.log(0.01) + 0.0244), 9);
    expect(small.std).toBeCloseTo(Math.min(0.045, -0.0125 * Math.log(0.01) - 0.0059), 9);
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1, noNaN: true }), (x) => {
        const { mean, std } = pcmNuMoments(x);
        return mean >= 0.049 && mean <= 0.1 && std >= 0.008 && std <= 0.045;
      }),
    );
  });

  it("conductance decays as ((t + t0)/t0)^-nu and driftScale 0 turns drift off", () => {
    const m = createNoiseModel({ ...pcm, readNoiseScale: 0 }, 25);
    const rng = new Rng(1);
    const nu = 0.06;
    const t = 86400;
    expect(m.atTime(20, nu, t, rng)).toBeCloseTo(20 * ((t + PCM_T0_S) / PCM_T0_S) ** -nu, 9);
    expect(m.atTime(20, nu, 0, rng)).toBe(20);
    const off = createNoiseModel({ ...pcm, driftScale: 0 }, 25);
    expect(off.driftNu(10, rng)).toBe(0);
  });

  it("1/f read noise grows with t_inf and follows Q_s sqrt(ln((t + t_read)/(2 t_read)))", () => {
    const x = 0.5;
    const qs = Math.min(0.0088 / x ** 0.65, 0.2);
    const t = 3600 + 20;
    expect(pcmReadSigmaRel(12.5, 25, 3600)).toBeCloseTo(qs * Math.sqrt(Math.log((t + 250e-9) / 500e-9)), 9);
    expect(pcmReadSigmaRel(12.5, 25, 3.15e7)).toBeGreaterThan(pcmReadSigmaRel(12.5, 25, 1));
    const m = createNoiseModel({ ...pcm, driftScale: 0 }, 25);
    const rng = new Rng(3);
    const { std } = sampleStd(() => m.atTime(12.5, 0, 3600, rng), 40000);
    expect(Math.abs(std / (12.5 * pcmReadSigmaRel(12.5, 25, 3600)) - 1)).toBeLessThan(0.03);
  });
});

describe("generic Gaussian and RRAM models", () => {
  it("gaussian: programming sigma relSigma * g_max, no drift or read noise", () => {
    const m = createNoiseModel({ ...noNoise, model: "gaussian", relSigma: 0.05 }, 40);
    const rng = new Rng(11);
    const { std } = sampleStd(() => m.program(20, rng), 40000);
    expect(Math.abs(std / 2 - 1)).toBeLessThan(0.03);
    expect(m.atTime(20, m.driftNu(20, rng), 1e9, rng)).toBe(20);
  });

  it("rram: adds read noise readRelSigma * |g|", () => {
    const m = createNoiseModel({ ...noNoise, model: "rram", relSigma: 0, readRelSigma: 0.1 }, 40);
    const rng = new Rng(12);
    expect(m.program(20, rng)).toBe(20);
    const { std } = sampleStd(() => m.atTime(20, 0, 1, rng), 40000);
    expect(Math.abs(std / 2 - 1)).toBeLessThan(0.03);
  });

  it("none is the identity and never draws", () => {
    const m = createNoiseModel(noNoise, 25);
    const rng = new Rng(1);
    expect(m.program(3.3, rng)).toBe(3.3);
    expect(m.atTime(3.3, m.driftNu(3.3, rng), 1e6, rng)).toBe(3.3);
  });

  it("global drift compensation alpha = mean|y_ref| / mean|y_t| with aihwkit's 1e-4 floor", () => {
    expect(globalDriftAlpha(2, 1)).toBe(2);
    expect(globalDriftAlpha(1, 0)).toBe(1e4);
  });
});

describe("ziggurat normal", () => {
  it("has the moments and tail mass of N(0, 1)", async () => {
    const { normal } = await import("../../src/numerics/noise/gaussian.ts");
    const rng = new Rng(2024);
    const n = 400000;
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    let tail2 = 0;
    let tail35 = 0;
    let neg = 0;
    for (let j = 0; j < n; j++) {
      const v = normal(rng);
      s += v;
      s2 += v * v;
      s4 += v ** 4;
      if (Math.abs(v) > 2) tail2++;
      if (Math.abs(v) > 3.5) tail35++;
      if (v < 0) neg++;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.006);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01);
    expect(Math.abs(s4 / n - 3)).toBeLessThan(0.06);
    expect(Math.abs(tail2 / n - 0.0455)).toBeLessThan(0.002); // P(|Z| > 2) = 0.0455
    expect(tail35 / n).toBeGreaterThan(0.0002); // P(|Z| > 3.5) = 4.65e-4: the tail branch works
    expect(tail35 / n).toBeLessThan(0.0008);
    expect(Math.abs(neg / n - 0.5)).toBeLessThan(0.003);
    // deterministic per seed
    const a = new Rng(5);
    const b = new Rng(5);
    for (let j = 0; j < 100; j++) expect(normal(a)).toBe(normal(b));
  });
});
