// The built-in "sim" evaluator against src/sim run() called directly.
import { describe, expect, it } from "vitest";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";
import { axis, runSweep, simEvaluator, sweep } from "../../src/dse/index.ts";
import { run } from "../../src/sim/index.ts";
import { produce } from "immer";

const accuracyModule = new URL("./fixtures/accuracy.ts", import.meta.url).href;

const def = (accuracyExport?: string) =>
  sweep({
    name: "sim-eval",
    base: hybrid,
    axes: { adcBits: axis([6, 8], (d, v) => void (d.analog!.tile.adc.bits = v)) },
    model: "bitnet-gpt2-350m",
    workload: { promptTokens: 32, genTokens: 4 },
    objectives: [{ key: "tokensPerS", goal: "max" }, { key: "areaMm2", goal: "min" }],
    evaluator: simEvaluator(accuracyExport ? { accuracy: { module: accuracyModule, export: accuracyExport, options: { scale: 2 } } } : {}),
  });

describe("sim evaluator", () => {
  it("returns run()'s throughput, energy, latency and area, plus peak TOPS and the accuracy metrics", async () => {
    const r = await runSweep(def("fakeAccuracy"), { workers: 0, progress: false });
    expect(r.failed).toBe(0);
    const direct = await run({
      chip: produce(hybrid, (d) => void (d.analog!.tile.adc.bits = 8)),
      model: "bitnet-gpt2-350m",
      promptTokens: 32,
      genTokens: 4,
      batch: 1,
    });
    const m = r.records.find((x) => x.axes.adcBits === 8)!.metrics;
    expect(m.tokensPerS).toBe(direct.tokensPerS);
    expect(m.tokensPerJ).toBe(direct.tokensPerJ);
    expect(m.ttftS).toBe(direct.ttftS);
    expect(m.tpotS).toBe(direct.tpotS);
    expect(m.energyPerTokenJ).toBe(direct.energyPerTokenJ);
    expect(m.areaMm2).toBe(direct.areaMm2);
    expect(m.peakTops).toBeGreaterThan(0);
    expect(m.nextTokenAgreement).toBe(1 - 2 ** -8 * 2);
    // More ADC bits cost energy per token in the simulator.
    const m6 = r.records.find((x) => x.axes.adcBits === 6)!.metrics;
    expect(m6.energyPerTokenJ).not.toBe(m.energyPerTokenJ);
  });

  it("gives bit-identical rows from a TypeScript worker thread", async () => {
    const a = await runSweep(def(), { workers: 0, progress: false });
    const b = await runSweep(def(), { workers: 1, progress: false });
    expect(b.records.map((x) => x.metrics)).toEqual(a.records.map((x) => x.metrics));
  });

  it("stops the sweep, storing nothing, when an accuracy metric would shadow a simulator metric", async () => {
    await expect(runSweep(def("shadowing"), { workers: 0, progress: false })).rejects.toThrow(/accuracy\.tokensPerS/);
  });
});
