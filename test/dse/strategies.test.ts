import { describe, expect, it } from "vitest";
import { delegate, evaluator, evolutionary, memoryStore, paretoFront, random, runSweep, syntheticEvaluator } from "../../src/dse/index.ts";
import hybridGrid from "../../sweeps/hybrid-grid.ts";
import type { ChipSpec } from "../../src/spec/types.ts";
import { sampleDistinct } from "../../src/dse/strategies.ts";
import { Rng } from "../../src/util/rng.ts";
import { objectives, syntheticSweep } from "./fixtures/defs.ts";

describe("strategies", () => {
  it("grid evaluates the cartesian product once per point, in order", async () => {
    const r = await runSweep(syntheticSweep(), { workers: 0, progress: false });
    expect(r.records.length).toBe(3 * 2 * 2 * 3);
    expect(new Set(r.records.map((x) => x.key)).size).toBe(36);
    expect(r.records[0].axes).toEqual({ adcBits: 4, crossbar: 128, dacKind: "bit-serial", systolic: 32 });
    expect(r.records[1].axes).toEqual({ adcBits: 4, crossbar: 128, dacKind: "bit-serial", systolic: 64 });
    expect(r.evaluated).toBe(36);
    expect(r.front).toEqual(paretoFront(r.records, objectives, [{ key: "areaMm2", max: 90 }]));
    expect(r.front.length).toBeGreaterThan(0);
  });

  it("records invalid variants and evaluator errors as failed points and goes on", async () => {
    const r = await runSweep(syntheticSweep({ flash12: true, failWhenAdcBits: 4 }), { workers: 0, progress: false });
    expect(r.records.length).toBe(48);
    const invalid = r.records.filter((x) => x.axes.adcBits === 12);
    expect(invalid.every((x) => x.status === "failed" && x.error!.includes("flash"))).toBe(true);
    const thrown = r.records.filter((x) => x.axes.adcBits === 4);
    expect(thrown.every((x) => x.status === "failed" && x.error!.includes("synthetic failure"))).toBe(true);
    expect(r.failed).toBe(24);
    expect(r.records.filter((x) => x.status === "ok").length).toBe(24);
    expect(r.front.every((x) => x.status === "ok")).toBe(true);
  });

  it("stops without storing anything when the evaluator cannot be loaded (a setup error, not a point's)", async () => {
    const def = { ...syntheticSweep(), evaluator: evaluator("/nonexistent/evaluator.ts", "evaluate") };
    const store = memoryStore();
    await expect(runSweep(def, { workers: 0, store, progress: false })).rejects.toThrow(/cannot load evaluator module/);
    expect(store.size).toBe(0);
  });

  it("sampleDistinct draws distinct indices, deterministically per seed", () => {
    for (const [n, k] of [[10, 10], [1000, 7], [50, 20]] as const) {
      const a = sampleDistinct(new Rng(5), n, k);
      expect(new Set(a).size).toBe(k);
      expect(a.every((i) => i >= 0 && i < n)).toBe(true);
      expect(sampleDistinct(new Rng(5), n, k)).toEqual(a);
    }
    expect(sampleDistinct(new Rng(6), 1000, 7)).not.toEqual(sampleDistinct(new Rng(5), 1000, 7));
  });

  it("random evaluates `points` distinct points, the same ones for the same seed", async () => {
    const a = await runSweep(syntheticSweep({ strategy: random({ points: 10, seed: 3 }) }), { workers: 0, progress: false });
    const b = await runSweep(syntheticSweep({ strategy: random({ points: 10, seed: 3 }) }), { workers: 0, progress: false });
    const c = await runSweep(syntheticSweep({ strategy: random({ points: 10, seed: 4 }) }), { workers: 0, progress: false });
    expect(a.records.length).toBe(10);
    expect(a.records.map((x) => x.key)).toEqual(b.records.map((x) => x.key));
    expect(c.records.map((x) => x.key)).not.toEqual(a.records.map((x) => x.key));
  });

  it("evolutionary search is deterministic and never proposes a point twice", async () => {
    const strategy = evolutionary({ population: 8, generations: 4, seed: 11, mutationRate: 0.3 });
    const a = await runSweep(syntheticSweep({ strategy }), { workers: 0, progress: false });
    const b = await runSweep(syntheticSweep({ strategy }), { workers: 0, progress: false });
    expect(a.records.map((x) => x.key)).toEqual(b.records.map((x) => x.key));
    expect(a.records.length).toBeLessThanOrEqual(8 * 5);
    expect(new Set(a.records.map((x) => x.key)).size).toBe(a.records.length);
  });

  it("evolutionary search finds far more of the true Pareto front than random search on the same budget", async () => {
    // The 960-point example grid (sweeps/hybrid-grid.ts) on the synthetic evaluator: ground truth by enumeration.
    // Every variant of this grid is valid (checked by the example's own use); skip re-validating 960 specs here.
    const grid = { ...hybridGrid, evaluator: syntheticEvaluator(), validate: (x: unknown) => x as ChipSpec };
    const full = await runSweep(grid, { workers: 0, progress: false });
    const truth = new Set(full.front.map((x) => x.key));
    const evo = await runSweep({ ...grid, strategy: evolutionary({ population: 16, generations: 8, seed: 1 }) }, { workers: 0, progress: false });
    const rnd = await runSweep({ ...grid, strategy: random({ points: evo.records.length, seed: 1 }) }, { workers: 0, progress: false });
    expect(evo.records.length).toBeLessThanOrEqual(16 * 9);
    const onTruth = (r: typeof evo) => r.front.filter((x) => truth.has(x.key)).length;
    expect(onTruth(evo)).toBeGreaterThanOrEqual(2 * onTruth(rnd));
    expect(onTruth(evo) / truth.size).toBeGreaterThan(0.5);
  });

  it("delegate hands evaluation to an injected search (the Anda precision-search hook)", async () => {
    const seen: number[] = [];
    const strategy = delegate("lowest-adc-meeting-accuracy", async (ctx) => {
      expect(ctx.axes.adcBits).toEqual([4, 6, 8]);
      // Walk ADC bits upward until the synthetic accuracy clears a threshold, as a precision search would.
      for (const bits of ctx.axes.adcBits as number[]) {
        const [rec] = await ctx.evaluate([{ adcBits: bits, crossbar: 256, dacKind: "pwm", systolic: 64 }]);
        seen.push(bits);
        if (rec.metrics.accuracy > 0.98) return bits;
      }
    });
    const r = await runSweep(syntheticSweep({ strategy }), { workers: 0, progress: false });
    expect(seen).toEqual([4, 6]);
    expect(r.records.map((x) => x.axes.adcBits)).toEqual([4, 6]);
    await expect(
      runSweep(syntheticSweep({ strategy: delegate("bad", (ctx) => ctx.evaluate([{ adcBits: 5 }])) }), { workers: 0, progress: false }),
    ).rejects.toThrow(/assignment/);
  });
});
