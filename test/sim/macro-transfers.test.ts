// Issue 17 item 6: a multi-burst DRAM transfer is one macro task that yields the channel at a burst boundary
// exactly when a separate burst would have lost it, and work split over identical unit instances is one gang task
// (src/engine/task-graph.ts). The whole result must equal the one-task-per-burst-and-instance simulation: every time, energy, utilisation and op-class share to 1e-12 relative (the
// issue asks for 0.1 %; only float summation order may differ), with far fewer tasks; only `events` moves.
import { describe, expect, it } from "vitest";
import { simulate, type RunOptions } from "../../src/sim/index.ts";
import { loadSpecFile } from "../../src/spec/index.ts";
import { jsonDiff } from "../golden/golden.ts";

const plain = (x: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(x)) as Record<string, unknown>;

async function compare(spec: string, opts: Omit<RunOptions, "chip">) {
  const chip = await loadSpecFile(spec);
  const bursts = simulate({ ...opts, chip, macroTransfers: false });
  const macro = simulate({ ...opts, chip });
  const a = plain(bursts.result);
  const b = plain(macro.result);
  delete a.events;
  delete b.events;
  return { diff: jsonDiff(a, b), bursts, macro };
}

describe("DRAM transfers as macro tasks and instance splits as gang tasks equal one task per burst and instance", () => {
  it("digital baseline, gpt2 32+40 (decode sampled): same result, a fraction of the tasks, some transfers interleaved", async () => {
    const { diff, bursts, macro } = await compare("digital-baseline", { model: "gpt2", promptTokens: 32, genTokens: 40, chips: "auto" });
    expect(diff).toEqual([]);
    expect(macro.result.totalS).toBe(bursts.result.totalS);
    expect(macro.result.energyJ / bursts.result.energyJ - 1).toBeLessThan(1e-12);
    expect(macro.tasks.count).toBeLessThan(bursts.tasks.count / 2);
    // KV reads (needed sooner, lower priority index) overtake weight prefetches: the macro tasks must have yielded
    expect(macro.schedule.pieces!.task.length).toBeGreaterThan(0);
  });

  it("digital baseline with KV prefetch, batch 4, every decode step simulated", async () => {
    const { diff, macro, bursts } = await compare("digital-baseline", { model: "gpt2", promptTokens: 64, genTokens: 6, batch: 4, chips: "auto", kvPrefetch: true });
    expect(diff).toEqual([]);
    expect(macro.tasks.count).toBeLessThan(bursts.tasks.count);
  });

  it("hybrid (analog projections; DRAM carries the KV cache and embeddings) and an Anda-like chip", async () => {
    for (const [spec, model] of [["hybrid-bitnet", "bitnet-gpt2-350m"], ["anda-like", "gpt2"]] as const) {
      const { diff } = await compare(spec, { model, promptTokens: 48, genTokens: 5, chips: "auto" });
      expect(diff, spec).toEqual([]);
    }
  });

  it("projectionTimeScale 0.5 rounds each burst as separate tasks would; record and projectionTimeScale 0 keep one task per burst", async () => {
    const { diff } = await compare("digital-baseline", { model: "gpt2", promptTokens: 16, genTokens: 3, chips: "auto", projectionTimeScale: 0.5 });
    expect(diff).toEqual([]);
    const chip = await loadSpecFile("digital-baseline");
    const base = { chip, model: "gpt2", promptTokens: 16, genTokens: 3, chips: "auto" as const };
    const recorded = simulate({ ...base, record: true });
    const free = simulate({ ...base, projectionTimeScale: 0 });
    const perBurst = simulate({ ...base, macroTransfers: false });
    expect(recorded.tasks.count).toBe(perBurst.tasks.count);
    expect(free.tasks.count).toBe(perBurst.tasks.count);
    expect(simulate(base).tasks.count).toBeLessThan(perBurst.tasks.count);
  });
});
