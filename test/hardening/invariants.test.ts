// Sanity invariants of every simulation, as properties over random preset variants and the four model
// families: energy breakdowns sum to the total, no unit busy more than 100% of the time, latency at least the
// critical-path and resource bounds, throughput and energy finite and positive. Then: checkInvariants
// rejects doctored results, so these checks cannot pass silently.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";
import { criticalPathPs, resourceBoundPs, type TaskGraphRun } from "../../src/engine/index.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { checkInvariants, COMPONENT_KINDS, OP_CLASSES, simulate, type SimResult, type SimRun } from "../../src/sim/index.ts";
import { decodeChipSpec } from "../../src/spec/index.ts";
import { nonFinitePaths, presetVariantArb } from "./arbitraries.ts";

const MODELS = ["gpt2", "bitnet-gpt2-350m", "llama-3.2-1b", "opt-1.3b"] as const;
const sum = (r: Readonly<Record<string, number>>) => Object.values(r).reduce((a, b) => a + b, 0);
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-30);

function checkAll(sim: SimRun): void {
  const r = sim.result;
  expect(nonFinitePaths(r)).toEqual([]);
  // energy: every breakdown sums to its total, the phases to the run
  for (const p of [r.prefill, r.decode]) {
    expect(close(sum(p.energyByComponentJ), p.energyJ)).toBe(true);
    expect(close(sum(p.energyByOpClassJ), p.energyJ)).toBe(true);
    for (const k of COMPONENT_KINDS) expect(p.energyByComponentJ[k]).toBeGreaterThanOrEqual(0);
    expect(Math.abs(sum(p.timeByOpClassS) - p.latencyS)).toBeLessThanOrEqual(1e-9 * p.latencyS + 1e-15);
  }
  expect(close(r.prefill.energyJ + r.decode.energyJ, r.energyJ)).toBe(true);
  expect(close(r.ttftS + r.decode.latencyS, r.totalS)).toBe(true);
  // no unit busy more than 100% of the time
  for (const [name, u] of Object.entries(r.utilization)) {
    expect(u, name).toBeGreaterThanOrEqual(0);
    expect(u, name).toBeLessThanOrEqual(1 + 1e-9);
  }
  // latency at least both lower bounds of the schedule
  const graph = sim.tasks.toGraph();
  const totalPs = r.totalS * 1e12;
  expect(totalPs).toBeGreaterThanOrEqual(criticalPathPs(graph) * (1 - 1e-12));
  expect(totalPs).toBeGreaterThanOrEqual(resourceBoundPs(graph, sim.resources) * (1 - 1e-12));
  // finite, positive throughput and energy
  for (const v of [r.tokensPerS, r.energyJ, r.energyPerTokenJ, r.tokensPerJ, r.areaMm2, r.totalS]) {
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThan(0);
  }
  expect(close(r.tokensPerS * r.totalS, r.workload.batch * r.workload.genTokens)).toBe(true);
}

describe("sanity invariants over random specs and models", () => {
  it("hold for preset variants x gpt2, bitnet-gpt2-350m, llama-3.2-1b, opt-1.3b", () => {
    let ran = 0;
    let typed = 0;
    fc.assert(
      fc.property(
        presetVariantArb,
        fc.constantFrom(...MODELS),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        ({ spec }, model, prompt, gen, batch) => {
          const chip = decodeChipSpec(spec);
          let sim: SimRun;
          try {
            sim = simulate({ chip, model, promptTokens: prompt, genTokens: gen, batch, chips: "auto" });
          } catch (e) {
            // a variant the model cannot run on (e.g. a KV cache over the SRAM): a typed error naming a field
            if (!isAimcsimError(e) || e._tag === "SimError") throw e;
            typed++;
            return;
          }
          ran++;
          checkAll(sim);
        },
      ),
      { numRuns: 24 },
    );
    expect(ran).toBeGreaterThan(typed); // the property was exercised, not skipped
  });
});

describe("checkInvariants rejects doctored results", () => {
  const sim = simulate({ chip: hybrid, model: "gpt2", promptTokens: 8, genTokens: 3, chips: "auto" });
  const graph = sim.tasks.toGraph();
  const cp = criticalPathPs(graph);
  const check = (r: SimResult, schedule: TaskGraphRun = sim.schedule, bound = cp) => () => checkInvariants(r, schedule, bound, sim.resources);
  const rejects = (f: () => void, path: RegExp) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(isAimcsimError(err), "checkInvariants must throw").toBe(true);
    expect((err as { _tag: string })._tag).toBe("SimError");
    expect((err as { path: string }).path).toMatch(path);
  };
  const r = sim.result;

  it("accepts the real result", () => {
    expect(check(r)).not.toThrow();
  });
  it("a component breakdown that does not sum to the total", () => {
    rejects(check({ ...r, decode: { ...r.decode, energyByComponentJ: { ...r.decode.energyByComponentJ, adc: r.decode.energyByComponentJ.adc + r.decode.energyJ * 0.01 } } }), /decode\.energyByComponentJ/);
  });
  it("an op-class breakdown that does not sum to the total", () => {
    rejects(check({ ...r, prefill: { ...r.prefill, energyByOpClassJ: { ...r.prefill.energyByOpClassJ, attention: 0 } } }), /prefill\.energyByOpClassJ/);
  });
  it("phases that do not add up to the total energy", () => {
    rejects(check({ ...r, energyJ: r.energyJ * 1.5 }), /^energyJ$/);
  });
  it("a negative component energy", () => {
    const d = r.decode;
    // sum preserved up to rounding (powers of two move exactly): caught by the sum or by the sign check
    const bc = { ...d.energyByComponentJ, noc: -(2 ** -40), dac: d.energyByComponentJ.dac + 2 ** -40 };
    rejects(check({ ...r, decode: { ...d, energyByComponentJ: bc } }), /^decode\.energyByComponentJ/);
  });
  it("NaN or zero throughput, infinite energy per token", () => {
    rejects(check({ ...r, tokensPerS: Number.NaN }), /tokensPerS/);
    rejects(check({ ...r, tokensPerS: 0 }), /tokensPerS/);
    rejects(check({ ...r, energyPerTokenJ: Number.POSITIVE_INFINITY }), /energyPerTokenJ/);
  });
  it("op-class times that do not sum to the latency", () => {
    rejects(check({ ...r, decode: { ...r.decode, timeByOpClassS: { ...r.decode.timeByOpClassS, other: r.decode.timeByOpClassS.other + r.decode.latencyS } } }), /decode\.timeByOpClassS/);
  });
  it("a unit busy more than 100% of the time", () => {
    const utilization = Float64Array.from(sim.schedule.utilization);
    utilization[0] = 1.2;
    rejects(check(r, { ...sim.schedule, utilization }), /^utilization\./);
  });
  it("a makespan below the critical-path bound", () => {
    rejects(check(r, sim.schedule, sim.schedule.makespanPs * 2 + 10), /totalS/);
  });
  it("OP_CLASSES and COMPONENT_KINDS cover every key of the breakdowns (nothing escapes the sums)", () => {
    expect(Object.keys(r.prefill.energyByComponentJ).sort()).toEqual([...COMPONENT_KINDS].sort());
    expect(Object.keys(r.prefill.energyByOpClassJ).sort()).toEqual([...OP_CLASSES].sort());
  });
});
