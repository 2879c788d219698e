// Issue 17 item 6: a long generation simulates DECODE_SAMPLES decode steps, each standing for its block of
// consecutive steps; the result must equal the fully simulated one within 0.1 %.
import { describe, expect, it } from "vitest";
import digitalBaseline from "../../hw-specs/digital-baseline.ts";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";
import { DECODE_SAMPLES, simulate } from "../../src/sim/index.ts";
import type { SimResult } from "../../src/sim/result.ts";
import { PHASE_DECODE } from "../../src/sim/tasks.ts";
import type { ChipSpec } from "../../src/spec/types.ts";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

const compare = (sampled: SimResult, full: SimResult): void => {
  for (const k of ["ttftS", "tpotS", "totalS", "energyJ", "tokensPerS", "tokensPerJ"] as const) expect(rel(sampled[k], full[k]), k).toBeLessThan(1e-3);
  for (const c of ["projection", "attention", "other"] as const) {
    expect(rel(sampled.decode.macsByOpClass[c] || 1, full.decode.macsByOpClass[c] || 1), `macs ${c}`).toBeLessThan(1e-3);
    expect(rel(sampled.decode.energyByOpClassJ[c], full.decode.energyByOpClassJ[c]), `energy ${c}`).toBeLessThan(1e-3);
  }
};

describe("decode sampling", () => {
  const cases: [string, ChipSpec, string][] = [
    ["digital-baseline", digitalBaseline, "gpt2"],
    ["hybrid-bitnet", hybrid, "bitnet-gpt2-350m"],
  ];
  for (const [name, chip, model] of cases)
    it(`${name} / ${model}: ${DECODE_SAMPLES} sampled steps of 129 equal the full simulation within 0.1 %`, () => {
      const opts = { chip, model, promptTokens: 32, genTokens: 130, chips: "auto" as const };
      const sampled = simulate(opts);
      const full = simulate({ ...opts, fullDecode: true });
      expect(sampled.result.assumptions.join("\n")).toMatch(/decode sampled: 32 of the 129 steps/);
      expect(full.result.assumptions.join("\n")).not.toMatch(/decode sampled/);
      // the cost: 32 decode steps' tasks, not 129
      const decodeTasks = (r: typeof sampled) => r.tasks.phase.subarray(0, r.tasks.count).filter((p) => p === PHASE_DECODE).length;
      expect(decodeTasks(sampled) * 129).toBeGreaterThan(decodeTasks(full) * 31);
      expect(decodeTasks(sampled) * 129).toBeLessThan(decodeTasks(full) * 33);
      compare(sampled.result, full.result);
      // the prefill is never sampled: bit-identical
      expect(sampled.result.ttftS).toBe(full.result.ttftS);
    }, 120_000);

  it("a run with a trace (record) or at most DECODE_SAMPLES steps simulates every step", () => {
    const a = simulate({ chip: digitalBaseline, model: "gpt2", promptTokens: 16, genTokens: 60, record: true });
    expect(a.result.assumptions.join("\n")).not.toMatch(/decode sampled/);
    const b = simulate({ chip: digitalBaseline, model: "gpt2", promptTokens: 16, genTokens: DECODE_SAMPLES + 1 });
    expect(b.result.assumptions.join("\n")).not.toMatch(/decode sampled/);
    const c = simulate({ chip: digitalBaseline, model: "gpt2", promptTokens: 16, genTokens: DECODE_SAMPLES + 2 });
    expect(c.result.assumptions.join("\n")).toMatch(/decode sampled: 32 of the 33 steps/);
  }, 60_000);
});
