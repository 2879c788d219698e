// The fast paths of programming and of the per-MVM noise return the same values as their plain definitions.
import { describe, expect, it } from "vitest";
import { createNoiseModel, normal, pcmNuMoments, pcmProgSigmaUs } from "../../src/numerics/noise/index.ts";
import { fillNormal } from "../../src/numerics/noise/gaussian.ts";
import { Rng } from "../../src/util/rng.ts";
import { noNoise } from "./analog-fixtures.ts";

describe("numerics fast paths", () => {
  it("fillNormal gives the same values in the same order as successive normal() calls (tail draws included)", () => {
    const n = 200_000; // ~0.1 % of ziggurat draws take the slow path, so a few hundred are exercised
    const a = new Rng(11);
    const b = new Rng(11);
    const buf = new Float64Array(n + 3);
    fillNormal(a, buf, 3, n);
    let maxAbs = 0;
    for (let j = 0; j < n; j++) {
      const v = normal(b);
      if (!Object.is(buf[3 + j], v)) throw new Error(`draw ${j}: ${buf[3 + j]} != ${v}`);
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    expect(maxAbs).toBeGreaterThan(3.442619855899); // the tail beyond the ziggurat's R was reached
    expect(a.nextU32()).toBe(b.nextU32()); // both streams consumed the same number of words
  });

  it("the PCM model's cached per-target terms equal the formulas (programming and drift draws, many targets, cache collisions)", () => {
    const gMax = 25;
    const m = createNoiseModel({ ...noNoise, model: "pcm", progNoiseScale: 1.3, driftScale: 0.9 }, gMax);
    const r1 = new Rng(5);
    const r2 = new Rng(5);
    const r3 = new Rng(6);
    for (let j = 0; j < 20_000; j++) {
      const gT = j % 3 === 0 ? 0 : Math.floor(r3.nextFloat() * 9000) * (gMax / 8999); // > 4096 distinct targets
      const g = m.program(gT, r1);
      const want = Math.max(0, gT + 1.3 * pcmProgSigmaUs(gT, gMax) * normal(r2));
      if (!Object.is(g, want === 0 ? 0 : want) && !(g === 0 && want === 0)) throw new Error(`program(${gT}): ${g} != ${want}`);
      const nu = m.driftNu(gT, r1);
      const mo = pcmNuMoments(gT * (1 / gMax)); // the model scales by the reciprocal of g_max
      const wantNu = Math.abs(mo.mean + mo.std * normal(r2)) * 0.9;
      if (nu !== wantNu) throw new Error(`driftNu(${gT}): ${nu} != ${wantNu}`);
    }
    expect(r1.nextU32()).toBe(r2.nextU32());
  });
});
