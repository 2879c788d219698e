// The library entry with an injected quality model (no evaluation), its costs from the component models, the
// digital baseline, and the report: figure with the events marked, tables, text.
import { describe, expect, it } from "vitest";
import { loadSpecFile } from "../../src/spec/index.ts";
import { loadModel } from "../../src/model/checkpoint.ts";
import { bundledModelPath } from "../../src/util/package.ts";
import { functionModel, lifetime } from "../../src/lifetime/index.ts";
import { formatLifetime, lifetimeChart, lifetimeReport } from "../../src/lifetime/report.ts";
import { reportFiles } from "../../src/report/index.ts";

describe("lifetime report", () => {
  it("prices the events from the chip, compares with the digital baseline and marks every event in the figure", async () => {
    const model = await loadModel(bundledModelPath());
    const chip = await loadSpecFile("afm-pcm");
    const baseline = await loadSpecFile("digital-baseline");
    const ppl = (tau: number, comp: boolean) => 30 * Math.pow((tau + 20) / 20, comp ? 0.005 : 0.03);
    const r = await lifetime({ chip, model, horizonS: 30 * 86400, target: "ppl<=40", policies: ["none", "recalibrate:1d", "reprogram", "both:1d"], quality: { model: functionModel(ppl), reference: 28 }, baseline, loadTokensPerS: 10 });
    // costs: the write-verify of every mapped cell and one one-hot read per row of every mapped tile
    expect(r.costs.cellsProgrammed).toBe(r.costs.tilesMapped * chip.analog!.tile.rows * chip.analog!.tile.cols);
    expect(r.costs.calibrationReads).toBe(r.costs.tilesMapped * chip.analog!.tile.rows);
    expect(r.costs.reprogramming.energyJ).toBeCloseTo(r.costs.programmingEnergyJ + r.costs.calibrationReadEnergyJ, 15);
    expect(r.costs.recalibration.energyJ).toBeGreaterThan(0);
    expect(r.costs.recalibration.energyJ).toBeLessThan(r.costs.reprogramming.energyJ);
    const [none, recal, reprog, both] = r.policies;
    expect(none!.meetsTarget).toBe(false);
    expect(recal!.recalibrations).toBe(29);
    expect(reprog!.reprogrammings).toBeGreaterThan(0);
    expect(both!.meetsTarget).toBe(true);
    // the baseline: constant quality, no events, its own energy per token
    expect(r.baseline!.outcome.quality.worst).toBe(28);
    expect(r.baseline!.outcome.recalibrations + r.baseline!.outcome.reprogrammings).toBe(0);
    expect(r.baseline!.outcome.availability).toBe(1);
    expect(r.baseline!.costs.energyPerTokenJ).not.toBe(r.costs.energyPerTokenJ);

    const svg = lifetimeChart(r);
    const marks = (kind: string) => (svg.match(new RegExp(`class="mark event ${kind}"`, "g")) ?? []).length;
    expect(marks("recalibration")).toBe(recal!.recalibrations + both!.recalibrations);
    expect(marks("reprogramming")).toBe(reprog!.reprogrammings + both!.reprogrammings);
    expect(svg).toContain('data-series="baseline"');
    const files = reportFiles(lifetimeReport(r, chip, model.shape));
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(["index.html", "charts/quality-vs-time.svg", "tables/lifetime.md"]));
    const text = formatLifetime(r);
    for (const p of ["none", "recalibrate:1d", "reprogram", "both:1d", "digital-baseline"]) expect(text).toContain(p);
  }, 60_000);
});

describe("aimcsim lifetime (CLI)", () => {
  it("rejects a bad target, horizon or policy before evaluating anything, naming the option", async () => {
    const { runCli } = await import("../../src/cli/main.ts");
    for (const [args, msg] of [
      [["--quality", "ppl>=3"], /--quality: a perplexity target is an upper bound/],
      [["--quality", "ppl<=40", "--horizon", "soon"], /--horizon: must be a duration/],
      [["--quality", "ppl<=40", "--policy", "none,recalibrate"], /--policy: must be none, recalibrate:T, reprogram or both:T/],
      [[], /--quality.*required/],
    ] as const) {
      const err: string[] = [];
      const code = await runCli(["lifetime", ...args], { out: () => {}, err: (t) => err.push(t) });
      expect(code).toBe(2);
      expect(err.join("\n")).toMatch(msg);
    }
  });
});

describe("idle leakage", () => {
  it("--idle gated drops the idle and maintenance leakage for every chip; the parts still add up", async () => {
    const model = await loadModel(bundledModelPath());
    const chip = await loadSpecFile("afm-pcm");
    const baseline = await loadSpecFile("hybrid-bitnet");
    const q = { model: functionModel(() => 30), reference: 28 };
    const o = { chip, model, horizonS: 86400, target: "ppl<=40", policies: ["recalibrate:1h"], quality: q, baseline, loadTokensPerS: 1 };
    const asSpec = await lifetime(o);
    const gated = await lifetime({ ...o, idle: "gated" });
    expect(chip.powerGating ?? false).toBe(false);
    expect(asSpec.policies[0]!.energy.idleJ).toBeGreaterThan(0);
    expect(gated.policies[0]!.energy.idleJ).toBe(0);
    expect(gated.baseline!.outcome.energy.idleJ).toBe(0);
    expect(gated.policies[0]!.energy.inferenceJ).toBe(asSpec.policies[0]!.energy.inferenceJ);
    expect(asSpec.policies[0]!.energy.recalibrationJ - gated.policies[0]!.energy.recalibrationJ).toBeCloseTo(23 * asSpec.costs.idlePowerW * asSpec.costs.recalibration.timeS, 12);
    for (const r of [asSpec, gated]) {
      const e = r.policies[0]!.energy;
      expect(e.totalJ).toBeCloseTo(e.inferenceJ + e.idleJ + e.recalibrationJ + e.reprogrammingJ, 9);
    }
  }, 60_000);
});
