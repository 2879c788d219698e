// Report documents for each kind of aimcsim result: a simulation run (with a decode-step timeline and an
// optional baseline), the Amdahl analysis, and accuracy evaluations. They only arrange data into the
// generic charts and tables of this folder.
import type { AmdahlResult, AmdahlRow } from "../analysis/amdahl.ts";
import type { SimRun } from "../sim/run.ts";
import type { SimResult } from "../sim/result.ts";
import { groupedBarChart } from "./charts/grouped.ts";
import { lineChart } from "./charts/line.ts";
import { amdahlChart, amdahlRowsFromAnalysis } from "./inputs.ts";
import { timelineChart, type TimelineSlice } from "./charts/timeline.ts";
import type { ReportDoc, ReportSection } from "./doc.ts";
import { reportFromSimResult } from "./fromSim.ts";
import type { Table } from "./table.ts";

/** Slices of one decode step (the middle one) of a run, one track per unit (crossbar banks merged). */
export function decodeStepSlices(sim: SimRun): { slices: TimelineSlice[]; step: number } {
  const { tasks, schedule, resources } = sim;
  let maxStep = -1;
  for (let t = 0; t < tasks.count; t++) maxStep = Math.max(maxStep, tasks.step[t]!);
  const step = maxStep < 0 ? -1 : Math.floor(maxStep / 2);
  const slices: TimelineSlice[] = [];
  let t0 = Infinity;
  for (let t = 0; t < tasks.count; t++) {
    if (tasks.step[t] !== step || tasks.resource[t]! < 0 || tasks.durationPs[t] === 0) continue;
    t0 = Math.min(t0, schedule.startPs[t]!);
  }
  for (let t = 0; t < tasks.count; t++) {
    if (tasks.step[t] !== step || tasks.resource[t]! < 0 || tasks.durationPs[t] === 0) continue;
    const r = resources[tasks.resource[t]!]!;
    slices.push({
      track: r.component === "crossbar" ? "crossbars" : r.name,
      name: tasks.labels[t]!.replace(/^(decode|prefill)\[\d+\] /, ""),
      startPs: schedule.startPs[t]! - t0,
      durPs: schedule.endPs[t]! - schedule.startPs[t]!,
      category: ["projection", "attention", "other"][tasks.opClass[t]!]!,
    });
  }
  return { slices, step };
}

export function runReport(sim: SimRun, opts: { baseline?: SimResult; title?: string } = {}): ReportDoc {
  const doc = reportFromSimResult(sim.result, { spec: sim.chip, model: sim.shape, ...(opts.baseline ? { baseline: opts.baseline } : {}), ...(opts.title ? { title: opts.title } : {}) });
  const { slices, step } = decodeStepSlices(sim);
  if (slices.length === 0) return doc;
  const timeline: ReportSection = {
    heading: `Timeline of one decode step (step ${step}, context ${sim.result.workload.promptTokens + step})`,
    text: "Each bar is one task on one unit, coloured by op class; all crossbar banks share the 'crossbars' lane. The gaps on a unit are time it waits for its inputs.",
    charts: [
      {
        name: "decode-step-timeline",
        svg: timelineChart({ title: `${sim.result.model} on ${sim.result.chip}: one decode step`, slices, xLabel: "time in the step" }),
        caption: "Time line of one decode step from the event simulation.",
      },
    ],
    tables: [],
  };
  return { ...doc, sections: [...doc.sections, timeline] };
}

const num = (v: number, digits = 3): number => Number(v.toPrecision(digits));

/** A two-column "quantity / value" summary table (the head of a report). */
export function summaryTable(rows: readonly { readonly what: string; readonly value: string | number }[]): Table {
  return {
    name: "summary",
    caption: "Summary",
    columns: [
      { key: "what", label: "quantity" },
      { key: "value", label: "value", align: "right" },
    ],
    rows,
  };
}

export function amdahlTable(rows: readonly AmdahlRow[], phase: "prefill" | "decode"): Table {
  return {
    name: `amdahl-${phase}`,
    caption: `Amdahl analysis, ${phase}`,
    columns: [
      { key: "model", label: "model" },
      { key: "context", label: "context", unit: "tokens", align: "right" },
      { key: "f", label: "f (time)", align: "right" },
      { key: "fOps", label: "f (ops)", align: "right" },
      { key: "s", label: "s measured", align: "right" },
      { key: "speedup", label: "speed-up", align: "right" },
      { key: "amdahl", label: "Amdahl", align: "right" },
      { key: "ceiling", label: "ceiling", align: "right" },
      { key: "energyGain", label: "energy gain", align: "right" },
      { key: "ceilingEnergy", label: "energy ceiling", align: "right" },
    ],
    rows: rows
      .filter((r) => r.phase === phase)
      .map((r) => ({
        model: r.model,
        context: r.context,
        f: num(r.f),
        fOps: num(r.fOps),
        s: num(r.s),
        speedup: num(r.speedup),
        amdahl: num(r.amdahl),
        ceiling: num(r.ceiling),
        energyGain: num(r.energyGain),
        ceilingEnergy: num(r.ceilingEnergy),
      })),
  };
}

export function amdahlReport(result: AmdahlResult, specs: { chip: unknown; baseline: unknown }): ReportDoc {
  const sections: ReportSection[] = [];
  const logX = { kind: "log", base: 2 } as const;
  for (const phase of ["decode", "prefill"] as const) {
    const rows = result.rows.filter((r) => r.phase === phase);
    const charts = result.models.map((model) => ({
      name: `amdahl-${phase}-${model}`,
      svg: amdahlChart(amdahlRowsFromAnalysis(rows.filter((r) => r.model === model)), {
        title: `${model}, ${phase}: speed-up of ${result.chip} over ${result.baseline}`,
      }),
      caption: `Measured end-to-end speed-up, Amdahl's prediction from the measured f and s, and the ceiling 1/(1-f), ${phase}.`,
    }));
    const fChart = {
      name: `amdahl-f-${phase}`,
      svg: lineChart({
        title: `${phase}: projection share f of the baseline's time`,
        series: result.models.map((m) => ({ key: m, label: m, points: rows.filter((r) => r.model === m).map((r) => ({ x: r.context, y: r.f })) })),
        xLabel: "context",
        xUnit: "tokens",
        yLabel: "f",
        x: logX,
        y: { domain: [0, 1] },
      }),
      caption: "The part the analog crossbars can speed up shrinks as the context grows and grows with model width.",
    };
    const energy = {
      name: `amdahl-energy-${phase}`,
      svg: groupedBarChart({
        title: `${phase}: energy gain of ${result.chip} over ${result.baseline}`,
        groups: result.contexts.map((c) => ({ label: String(c), values: Object.fromEntries(result.models.map((m) => [m, rows.find((r) => r.model === m && r.context === c)?.energyGain ?? 0])) })),
        seriesKeys: result.models,
        xLabel: "context (tokens)",
        yLabel: "energy gain",
        yUnit: "x",
      }),
      caption: "Baseline energy / hybrid energy per phase.",
    };
    sections.push({
      heading: `${phase === "decode" ? "Decode (one token at the given context)" : "Prefill (a prompt of the given length)"}`,
      text:
        phase === "decode"
          ? "One decode step with `context` cached tokens. Projections are GEMVs here, so the analog crossbars speed them up most; attention grows with the context and sets the ceiling."
          : "Prefill of a prompt of `context` tokens: projections are GEMMs, where a large digital array is efficient, and attention grows quadratically.",
      charts: [...charts, fChart, energy],
      tables: [amdahlTable(result.rows, phase)],
    });
  }
  const whatIf: Table = {
    name: "amdahl-what-if",
    caption: "What if the analog part were faster: Amdahl speed-up for hypothetical s (decode)",
    columns: [
      { key: "model", label: "model" },
      { key: "context", label: "context", align: "right" },
      ...result.sweepS.map((s) => ({ key: `s${s}`, label: `s = ${s}`, align: "right" as const })),
    ],
    rows: result.rows.filter((r) => r.phase === "decode").map((r) => ({ model: r.model, context: r.context, ...Object.fromEntries(result.sweepS.map((s, i) => [`s${s}`, num(r.whatIf[i]!)])) })),
  };
  sections.push({ heading: "What-if sweep of the analog speed-up", text: "Amdahl's law with the measured f and a hypothetical projection speed-up s; s = inf gives the ceiling.", charts: [], tables: [whatIf] });
  const decode = result.rows.filter((r) => r.phase === "decode");
  const first = decode[0];
  const last = decode[decode.length - 1];
  const summary = summaryTable([
      { what: "hybrid chip", value: result.chip },
      { what: "baseline chip", value: result.baseline },
      { what: "models", value: result.models.join(", ") },
      { what: "contexts (tokens)", value: result.contexts.join(", ") },
      ...(first ? [{ what: `decode speed-up at ${first.context} (${first.model})`, value: `${num(first.speedup)}x (ceiling ${num(first.ceiling)}x)` }] : []),
      ...(last ? [{ what: `decode speed-up at ${last.context} (${last.model})`, value: `${num(last.speedup)}x (ceiling ${num(last.ceiling)}x)` }] : []),
  ]);
  return {
    title: `Amdahl analysis: ${result.chip} vs ${result.baseline}`,
    subtitle: `batch ${result.batch}`,
    summary,
    sections,
    spec: specs,
    model: result.models,
    assumptions: result.assumptions,
    data: result,
  };
}
