import { describe, expect, it } from "vitest";
import hybridChip from "../../hw-specs/hybrid-bitnet.ts";
import { simulate } from "../../src/sim/index.ts";
import { reportFromSimResult, reportFiles, slicesFromSimRun, timelineChart, type ReportChart } from "../../src/report/index.ts";
import { illustrativeReport, illustrativeRuns, ILLUSTRATIVE } from "../../scripts/report-sample.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { checkWellFormed, countBy, markSeries } from "./helpers.ts";

const svgOf = (c: string | ReportChart) => (typeof c === "string" ? c : c.svg);

describe("reportFromSimResult on a real simulation", () => {
  const sim = simulate({ chip: hybridChip, model: "bitnet-gpt2-350m", promptTokens: 64, genTokens: 4 });
  const r = sim.result;
  const doc = reportFromSimResult(r, { spec: hybridChip });

  it("summarises TTFT, TPOT, throughput, energy/token, tokens/J and area with units", () => {
    const metrics = doc.summary.rows.map((row) => row.metric);
    for (const m of ["Time to first token (TTFT)", "Time per output token (TPOT)", "Throughput", "Energy per generated token", "Energy efficiency", "Area"]) {
      expect(metrics).toContain(m);
    }
    const ttft = doc.summary.rows.find((row) => row.metric === "Time to first token (TTFT)")!;
    expect(ttft.v0).toBe(r.ttftS);
    expect(ttft.unit).toBe("s");
  });

  it("has energy charts by component and op class whose segments add up to the phase energy", () => {
    const energy = doc.sections.find((s) => s.heading === "Energy")!;
    // Issue 12.4: per-token panels for prefill and decode, the analog tile on its own, then op classes.
    expect(energy.charts.length).toBe(4);
    const byComponent = svgOf(energy.charts[0]);
    checkWellFormed(byComponent);
    const nonZero = Object.entries(r.prefill.energyByComponentJ).filter(([, v]) => v > 0).map(([k]) => k);
    const counts = countBy(markSeries(byComponent));
    for (const k of nonZero) expect(counts.get(k)).toBeGreaterThanOrEqual(1);
    const table = energy.tables[0];
    const total = table.rows.reduce((s, row) => s + (row.prefill as number), 0);
    expect(total).toBeCloseTo(r.prefill.energyJ, 12);
  });

  it("reports the projection share of time and the Amdahl ceiling per phase", () => {
    const lat = doc.sections.find((s) => s.heading === "Latency")!;
    const amdahl = lat.tables.find((t) => t.name === "amdahl-bound")!;
    const pre = amdahl.rows.find((row) => row.phase === "prefill")!;
    const f = r.prefill.timeByOpClassS.projection / r.prefill.latencyS;
    expect(pre.f).toBeCloseTo(f * 100, 9);
    expect(pre.ceiling).toBeCloseTo(1 / (1 - f), 9);
  });

  it("always carries the run's assumptions, including the ADC model, each once", () => {
    expect(doc.assumptions.some((a) => /ADC/.test(a))).toBe(true);
    expect(new Set(doc.assumptions).size).toBe(doc.assumptions.length);
    for (const a of new Set(r.assumptions)) expect(doc.assumptions).toContain(a);
  });

  it("turns a decode step of the schedule into timeline slices", () => {
    const slices = slicesFromSimRun(sim, { step: 0 });
    expect(slices.length).toBeGreaterThan(10);
    const firstStep = slices.map((s) => s.startPs);
    expect(Math.min(...firstStep)).toBeGreaterThanOrEqual(r.prefill.latencyS * 1e12 - 1);
    expect(new Set(slices.map((s) => s.category))).toContain("projection");
    const svg = timelineChart({ title: "Decode step 0", slices });
    checkWellFormed(svg);
    expect(markSeries(svg).length).toBe(slices.length);
  });

  it("renders to files deterministically", () => {
    expect(reportFiles(doc)).toEqual(reportFiles(reportFromSimResult(r, { spec: hybridChip })));
  });
});

describe("reportFromSimResult input checks and baseline", () => {
  const { hybrid, baseline } = illustrativeRuns();
  it("adds a ratio column and baseline bars when a baseline is given", () => {
    const doc = reportFromSimResult(hybrid, { baseline, label: "hybrid", baselineLabel: "baseline" });
    expect(doc.summary.columns.map((c) => c.label)).toEqual(["Metric", "hybrid", "baseline", "hybrid / baseline", "Unit"]);
    const svg = svgOf(doc.sections[0].charts[1]); // the decode panel (issue 12.4: one panel per phase)
    expect(svg).toContain(`data-bar="baseline"`);
    const dram = doc.assumptions.filter((a) => a.includes("LPDDR4 at 8 pJ/bit"));
    expect(dram).toHaveLength(1); // shared by both runs: shown once, tagged with both
    expect(dram[0].startsWith("[hybrid, baseline] ")).toBe(true);
    expect(doc.assumptions.some((a) => a.startsWith("[hybrid] ADC:"))).toBe(true);
  });
  it("rejects a malformed result with a SimError naming the field", () => {
    const bad = { ...hybrid, decode: { ...hybrid.decode, energyByComponentJ: { ...hybrid.decode.energyByComponentJ, adc: NaN } } };
    try {
      reportFromSimResult(bad);
      expect.unreachable();
    } catch (e) {
      expect(isAimcsimError(e) && e._tag === "SimError" && e.path === "result.decode.energyByComponentJ.adc").toBe(true);
    }
  });
  it("warns when ADC energy was spent but no ADC assumption was recorded", () => {
    const doc = reportFromSimResult({ ...hybrid, assumptions: [] });
    expect(doc.assumptions.some((a) => a.startsWith("WARNING") && a.includes("ADC"))).toBe(true);
  });
  it("labels the sample as illustrative", () => {
    expect(illustrativeReport().title).toContain(ILLUSTRATIVE);
  });
});
