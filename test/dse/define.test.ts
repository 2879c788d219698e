import { describe, expect, it } from "vitest";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";
import { axis, evolutionary, random, sweep, syntheticEvaluator } from "../../src/dse/index.ts";
import { AimcsimError } from "../../src/errors.ts";

const base = {
  name: "t",
  base: hybrid,
  axes: { adcBits: axis([4, 8], (d, v) => void (d.analog!.tile.adc.bits = v)) },
  model: "gpt2",
  workload: { promptTokens: 8, genTokens: 2 },
  objectives: [{ key: "tokensPerS", goal: "max" as const }],
};

function sweepError(f: () => unknown): AimcsimError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AimcsimError);
    return e as AimcsimError;
  }
  throw new Error("expected a SweepError");
}

describe("sweep definitions", () => {
  it("fills defaults: grid strategy, sim evaluator, batch 1, seed 0", () => {
    const d = sweep(base);
    expect(d.strategy).toEqual({ kind: "grid" });
    expect(d.evaluator.id).toBe("sim");
    expect(d.workload.batch).toBe(1);
    expect(d.seed).toBe(0);
  });
  it("names the offending field of a bad definition", () => {
    expect(sweepError(() => sweep({ ...base, axes: {} })).path).toBe("axes");
    expect(sweepError(() => sweep({ ...base, workload: { promptTokens: 0, genTokens: 1 } })).path).toBe("workload.promptTokens");
    expect(sweepError(() => sweep({ ...base, objectives: [{ key: "x", goal: "up" as never }] })).path).toBe("objectives[0].goal");
    expect(sweepError(() => sweep({ ...base, constraints: [{ key: "areaMm2" }] })).path).toBe("constraints[0]");
    expect(sweepError(() => sweep({ ...base, name: "a b" })).path).toBe("name");
  });
  it("rejects empty or duplicate axis values and bad strategy parameters", () => {
    expect(sweepError(() => axis([], () => {})).path).toBe("values");
    expect(sweepError(() => axis([4, 4], () => {})).path).toBe("values[1]");
    expect(sweepError(() => random({ points: 0 })).path).toBe("strategy.points");
    expect(sweepError(() => evolutionary({ population: 1, generations: 2 })).path).toBe("strategy.population");
    expect(sweepError(() => evolutionary({ population: 4, generations: 2, mutationRate: 2 })).path).toBe("strategy.mutationRate");
  });
  it("keeps the evaluator reference serialisable", () => {
    const d = sweep({ ...base, evaluator: syntheticEvaluator({ delayMs: 3 }) });
    expect(JSON.parse(JSON.stringify(d.evaluator))).toEqual(d.evaluator);
  });
});
