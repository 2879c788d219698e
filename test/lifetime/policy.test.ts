// Policy logic on injected quality-vs-time functions (no evaluation): fast and exact.
import { describe, expect, it } from "vitest";
import { functionModel, parseDuration, parsePolicy, parseQualityTarget, type QualityModel } from "../../src/lifetime/quality.ts";
import { simulateLifetime, type LifetimeCosts } from "../../src/lifetime/simulate.ts";

const YEAR = 365 * 86400;
const T0 = 20; // PCM drift reference time (s), as aihwkit

/** Perplexity of a drifting chip: a global gain error ((tau + t0)/t0)^-(nu driftScale) costs perplexity
 *  quadratically in the gain error, compensation removes 90 % of it; a slow 1/f-like term grows with log time.
 *  With ppl<=24 the uncompensated chip crosses after about a month at driftScale 1, hours at 2. */
function driftingPpl(driftScale: number, base = 20): QualityModel {
  return functionModel((tau, comp) => {
    const gain = Math.pow((tau + T0) / T0, -0.05 * driftScale);
    const err = (1 - gain) * (comp ? 0.1 : 1);
    return base * (1 + err * err) + 0.05 * Math.log1p(tau / T0) * driftScale;
  });
}

const costs: LifetimeCosts = {
  recalibration: { energyJ: 1e-3, timeS: 0.01 },
  reprogramming: { energyJ: 2, timeS: 60 },
  energyPerTokenJ: 0.05,
  maxTokensPerS: 100,
  idlePowerW: 0.5,
};

const sim = (policy: string, driftScale: number, target = "ppl<=24", load = 10) =>
  simulateLifetime({ horizonS: YEAR, target: parseQualityTarget(target), policy: parsePolicy(policy), quality: driftingPpl(driftScale), costs, loadTokensPerS: load });

describe("lifetime policies (injected quality)", () => {
  it("parses targets, durations and policies; rejects bad ones naming the field", () => {
    expect(parseQualityTarget("ppl<=25")).toMatchObject({ metric: "perplexity", op: "<=", value: 25 });
    expect(parseQualityTarget("agreement>=0.9")).toMatchObject({ metric: "agreement", op: ">=", value: 0.9 });
    expect(() => parseQualityTarget("ppl>=25")).toThrow(/upper bound/);
    expect(() => parseQualityTarget("agreement>=1.5")).toThrow(/\[0, 1\]/);
    expect(parseDuration("1y", "h")).toBe(YEAR);
    expect(parseDuration("12h", "h")).toBe(43200);
    expect(parseDuration("90", "h")).toBe(90);
    expect(() => parseDuration("-1d", "horizon")).toThrow(/horizon/);
    expect(parsePolicy("both:1d")).toEqual({ kind: "both", periodS: 86400, text: "both:1d" });
    expect(() => parsePolicy("recalibrate")).toThrow(/recalibrate:T/);
  });

  it("with drift off no policy ever fires (only the periodic recalibrations it was asked for)", () => {
    for (const p of ["none", "reprogram"]) {
      const r = sim(p, 0);
      expect(r.reprogrammings).toBe(0);
      expect(r.firstCrossingS).toBeNull();
      expect(r.meetsTarget).toBe(true);
      expect(r.availability).toBe(1);
      expect(r.quality.worst).toBe(20);
    }
    const b = sim("both:30d", 0);
    expect(b.reprogrammings).toBe(0);
    expect(b.recalibrations).toBe(12); // 30, 60, ..., 360 days
  });

  it("faster drift crosses the target earlier and reprograms more often", () => {
    const slow = sim("reprogram", 1);
    const fast = sim("reprogram", 2);
    expect(slow.firstCrossingS).not.toBeNull();
    expect(fast.firstCrossingS!).toBeLessThan(slow.firstCrossingS!);
    expect(fast.reprogrammings).toBeGreaterThan(slow.reprogrammings);
    expect(slow.reprogrammings).toBeGreaterThan(0);
    // reprogramming keeps the target over all the available time; doing nothing does not
    expect(slow.meetsTarget).toBe(true);
    const none = sim("none", 1);
    expect(none.meetsTarget).toBe(false);
    expect(none.firstCrossingS).toBeCloseTo(slow.firstCrossingS!, 6);
    expect(none.tokensInTarget).toBeLessThan(none.tokens);
    // the crossing is where the function meets the bound
    const Q = driftingPpl(1);
    expect(Q.at(slow.firstCrossingS!, false)).toBeCloseTo(24, 6);
  });

  it("recalibration postpones the crossing; both keeps the target with fewer reprogrammings", () => {
    const re = sim("reprogram", 2);
    const both = sim("both:1d", 2);
    expect(both.reprogrammings).toBeLessThan(re.reprogrammings);
    expect(both.meetsTarget).toBe(true);
    expect(both.recalibrations).toBeGreaterThan(300);
    // recalibrating more often than the uncompensated chip crosses postpones the crossing (here past the horizon)
    const recal = sim("recalibrate:1h", 2);
    expect(re.firstCrossingS!).toBeGreaterThan(3600);
    expect(recal.firstCrossingS === null || recal.firstCrossingS > 10 * re.firstCrossingS!).toBe(true);
    expect(recal.reprogrammings).toBe(0);
  });

  it("energy adds up and downtime is what the events cost", () => {
    for (const p of ["none", "recalibrate:1h", "reprogram", "both:1d"]) {
      const r = sim(p, 2);
      const e = r.energy;
      expect(e.totalJ).toBeCloseTo(e.inferenceJ + e.idleJ + e.recalibrationJ + e.reprogrammingJ, 6);
      expect(e.recalibrationJ).toBeCloseTo(r.recalibrations * (1e-3 + 0.5 * 0.01), 6);
      expect(e.reprogrammingJ).toBeCloseTo(r.reprogrammings * (2 + 0.5 * 60), 6);
      const down = r.recalibrations * 0.01 + r.reprogrammings * 60;
      expect(r.downtimeS).toBeGreaterThan(down - 60 - 1e-4); // the last event may run past the horizon
      expect(r.downtimeS).toBeLessThanOrEqual(down + 1e-4); // (sums of times near 3e7 s: ~1e-8 s rounding each)
      expect(r.availability).toBeCloseTo(1 - r.downtimeS / YEAR, 12);
      expect(r.tokens).toBeCloseTo(10 * (YEAR - r.downtimeS), 3);
      expect(e.inferenceJ).toBeCloseTo(r.tokens * 0.05, 3);
      expect(e.idleJ).toBeCloseTo(0.5 * (YEAR - r.downtimeS) * (1 - 10 / 100), 3);
    }
  });

  it("a load above the chip's throughput is served at the throughput", () => {
    const r = sim("none", 0, "ppl<=24", 1000);
    expect(r.servedTokensPerS).toBe(100);
    expect(r.energy.idleJ).toBe(0);
  });

  it("a target that fresh programming misses is unreachable: reprogramming does not loop", () => {
    const r = sim("reprogram", 1, "ppl<=19");
    expect(r.unreachable).toBe(true);
    expect(r.reprogrammings).toBe(0);
    expect(r.inTargetS).toBe(0);
    expect(r.tokensPerJInTarget).toBe(0);
  });

  it("is deterministic", () => {
    expect(JSON.stringify(sim("both:1d", 2))).toBe(JSON.stringify(sim("both:1d", 2)));
  });

  it("rejects a recalibration period shorter than a recalibration", () => {
    expect(() => simulateLifetime({ horizonS: YEAR, target: parseQualityTarget("ppl<=24"), policy: parsePolicy("recalibrate:0.001s"), quality: driftingPpl(1), costs, loadTokensPerS: 1 })).toThrow(/recalibration period/);
  });
});

describe("measured curves (piecewise linear in log time)", () => {
  it("finds the crossing between two points where the interpolated quality meets the bound", async () => {
    const { curveModel } = await import("../../src/lifetime/quality.ts");
    const pt = (tS: number, mean: number) => ({ tS, mean, low: mean - 1, high: mean + 1 });
    const Q = curveModel({ uncompensated: [pt(1, 30), pt(1e4, 38), pt(1e6, 78)], compensated: null });
    const target = parseQualityTarget("ppl<=40");
    const t = Q.nextFlip(0, 1e7, false, target, true)!;
    // 40 lies 1/20 of the way from 38 to 78: 1e4 * 100^(1/20)
    expect(t / (1e4 * Math.pow(100, 1 / 20))).toBeCloseTo(1, 9);
    expect(Q.at(t, false)).toBeGreaterThan(40);
    expect(Q.at(t * (1 - 1e-9), false)).toBeLessThanOrEqual(40);
    expect(Q.at(0.5, false)).toBe(30); // held before the first point
    expect(Q.at(1e9, false)).toBe(78); // and after the last
    expect(Q.nextFlip(0, 1e4, false, target, true)).toBeNull();
    // the pessimistic end of the interval crosses earlier
    const P = curveModel({ uncompensated: [pt(1, 30), pt(1e4, 38), pt(1e6, 78)], compensated: null }, "high");
    expect(P.nextFlip(0, 1e7, false, target, true)!).toBeLessThan(t);
    expect(() => Q.at(1, true)).toThrow(/compensated/);
  });

  it("reprogramming at the crossing keeps the worst quality at the target", async () => {
    const { curveModel } = await import("../../src/lifetime/quality.ts");
    const pt = (tS: number, mean: number) => ({ tS, mean, low: mean, high: mean });
    const Q = curveModel({ uncompensated: [pt(1, 30), pt(1e4, 38), pt(1e6, 78)], compensated: null });
    const r = simulateLifetime({ horizonS: YEAR, target: parseQualityTarget("ppl<=40"), policy: parsePolicy("reprogram"), quality: Q, costs, loadTokensPerS: 1 });
    expect(r.quality.worst).toBeLessThanOrEqual(40 + 1e-9);
    expect(r.quality.worst).toBeGreaterThan(39.9);
    const period = 1e4 * Math.pow(100, 1 / 20) + 60; // crossing + reprogramming time
    // the k-th reprogramming starts at k crossings + (k - 1) reprogrammings
    expect(r.reprogrammings).toBe(Math.floor((YEAR + 60) / period));
  });
});
