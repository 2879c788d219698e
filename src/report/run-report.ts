// reportFromSimResult: the standard report of one simulation run (optionally against a baseline run).
import { AimcsimError } from "../errors.ts";
import type { OpClass } from "../model/ops.ts";
import { COMPONENT_KINDS, OP_CLASSES, isCrossbarUnit, type ComponentKind, type PhaseResult, type SimResult } from "../sim/result.ts";
import type { SimRun } from "../sim/run.ts";
import { groupedBarChart } from "./charts/grouped.ts";
import { stackedBarChart } from "./charts/stacked.ts";
import { timelineChart } from "./charts/timeline.ts";
import { requireNonEmpty } from "./charts/validate.ts";
import { middleDecodeStep, slicesFromSimRun } from "./timeline-slices.ts";
import type { ReportChart, ReportDoc, ReportSection } from "./doc.ts";
import { formatQuantity } from "./format.ts";
import { COMPONENT_LABELS, OP_CLASS_LABELS } from "./labels.ts";
import { COMPONENT_COLORS, OP_CLASS_COLORS } from "./palette.ts";
import { summaryTable, type Cell, type Column, type Table } from "./table.ts";

export interface SimReportOptions {
  readonly title?: string;
  readonly subtitle?: string;
  /** The chip spec (JSON-serialisable) shown in the report. */
  readonly spec?: unknown;
  /** The model shape or name (defaults to result.model). */
  readonly model?: unknown;
  /** A run of the same model/workload on a baseline chip, shown side by side. */
  readonly baseline?: SimResult;
  /** Short names for the two runs (default: the chip names). */
  readonly label?: string;
  readonly baselineLabel?: string;
  readonly extraAssumptions?: readonly string[];
  /** Sections appended after the standard ones (Amdahl curves, accuracy, sweeps). */
  readonly extraSections?: readonly ReportSection[];
}

const NUMERIC_FIELDS = [
  "ttftS", "tpotS", "totalS", "tokensPerS", "decodeTokensPerS", "energyJ", "energyPerTokenJ", "decodeEnergyPerTokenJ", "tokensPerJ", "areaMm2",
] as const;

/** Check that a SimResult has the numbers a report needs (finite, non-negative). Throws SimError. */
export function checkSimResult(r: SimResult, path = "result"): void {
  const bad = (p: string, rule: string): never => {
    throw new AimcsimError("SimError", p, rule);
  };
  if (typeof r !== "object" || r === null) bad(path, "must be a SimResult object");
  for (const f of NUMERIC_FIELDS) {
    const v = r[f];
    if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) bad(`${path}.${f}`, `must be a finite number >= 0 (got ${String(v)})`);
  }
  for (const phase of ["prefill", "decode"] as const) {
    const ph = r[phase];
    if (typeof ph !== "object" || ph === null) bad(`${path}.${phase}`, "is missing");
    const groups: [string, readonly string[]][] = [
      ["energyByComponentJ", COMPONENT_KINDS],
      ["busyByComponentS", COMPONENT_KINDS],
      ["energyByOpClassJ", OP_CLASSES],
      ["timeByOpClassS", OP_CLASSES],
      ["macsByOpClass", OP_CLASSES],
    ];
    for (const [g, keys] of groups) {
      const rec = (ph as unknown as Record<string, Record<string, unknown>>)[g];
      if (typeof rec !== "object" || rec === null) bad(`${path}.${phase}.${g}`, "is missing");
      for (const k of keys) {
        const v = rec[k];
        if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) bad(`${path}.${phase}.${g}.${k}`, `must be a finite number >= 0 (got ${String(v)})`);
      }
    }
  }
  if (typeof r.utilization !== "object" || r.utilization === null) bad(`${path}.utilization`, "is missing");
  if (!Array.isArray(r.assumptions as unknown)) bad(`${path}.assumptions`, "must be an array of strings");
}

interface Run {
  readonly label: string;
  readonly r: SimResult;
}

function phaseBars<K extends string>(runs: readonly Run[], pick: (p: PhaseResult) => Readonly<Record<K, number>>) {
  const bars: { label: string; values: Record<string, number> }[] = [];
  for (const { label, r } of runs) {
    const pre = runs.length > 1 ? `${label} · ` : "";
    bars.push({ label: `${pre}prefill`, values: { ...pick(r.prefill) } });
    bars.push({ label: `${pre}decode`, values: { ...pick(r.decode) } });
  }
  return bars;
}

function runSummary(runs: readonly Run[]): Table {
  type Metric = { label: string; unit: string; get: (r: SimResult) => Cell };
  const metrics: Metric[] = [
    { label: "Time to first token (TTFT)", unit: "s", get: (r) => r.ttftS },
    { label: "Time per output token (TPOT)", unit: "s", get: (r) => r.tpotS },
    { label: "Throughput", unit: "tokens/s", get: (r) => r.tokensPerS },
    { label: "Decode throughput (steady state)", unit: "tokens/s", get: (r) => r.decodeTokensPerS },
    { label: "Energy per generated token", unit: "J/token", get: (r) => r.energyPerTokenJ },
    { label: "Decode energy per token", unit: "J/token", get: (r) => r.decodeEnergyPerTokenJ },
    { label: "Energy efficiency", unit: "tokens/J", get: (r) => r.tokensPerJ },
    { label: "Total energy", unit: "J", get: (r) => r.energyJ },
    { label: "Total time", unit: "s", get: (r) => r.totalS },
    { label: "Area", unit: "mm²", get: (r) => r.areaMm2 },
    { label: "Crossbar tiles needed", unit: "tiles", get: (r) => r.mapping.tilesNeeded },
    { label: "Crossbar tiles available", unit: "tiles", get: (r) => r.mapping.tilesAvailable },
    { label: "Chips", unit: "", get: (r) => r.mapping.chips },
    { label: "KV cache in", unit: "", get: (r) => r.mapping.kvCache.toUpperCase() },
  ];
  const w = runs[0].r.workload;
  return summaryTable(
    metrics.map((m) => ({ what: m.label, unit: m.unit, values: runs.map((run) => m.get(run.r)) })),
    {
      labels: runs.length > 1 ? runs.map((run) => run.label) : undefined,
      caption: `Summary: ${runs[0].r.model}, prompt ${w.promptTokens} tokens, ${w.genTokens} generated, batch ${w.batch}`,
    },
  );
}

function shareRows<K extends string>(keys: readonly K[], labels: Readonly<Record<K, string>>, r: SimResult, pick: (p: PhaseResult) => Readonly<Record<K, number>>, unit: string) {
  const pre = pick(r.prefill);
  const dec = pick(r.decode);
  const total = keys.reduce((s, k) => s + pre[k] + dec[k], 0);
  return {
    columns: [
      { key: "name", label: "" },
      { key: "prefill", label: "Prefill", unit, prefixGroup: "phase" },
      { key: "decode", label: "Decode", unit, prefixGroup: "phase" },
      { key: "total", label: "Total", unit, prefixGroup: "phase" },
      { key: "share", label: "Share", unit: "%", digits: 3 },
    ],
    rows: keys.filter((k) => pre[k] + dec[k] > 0).map((k) => ({
      name: labels[k],
      prefill: pre[k],
      decode: dec[k],
      total: pre[k] + dec[k],
      share: total > 0 ? ((pre[k] + dec[k]) / total) * 100 : 0,
    })),
  };
}

/** The standard report of a run: summary, energy and time breakdowns, Amdahl bound, utilisation, area, assumptions. */
export function reportFromSimResult(result: SimResult, opts: SimReportOptions = {}): ReportDoc {
  checkSimResult(result, "result");
  if (opts.baseline) checkSimResult(opts.baseline, "baseline");
  const runs: Run[] = [{ label: opts.label ?? result.chip, r: result }];
  if (opts.baseline) runs.push({ label: opts.baselineLabel ?? opts.baseline.chip, r: opts.baseline });
  if (runs.length === 2 && runs[0].label === runs[1].label) runs[1] = { ...runs[1], label: `${runs[1].label} (baseline)` };
  const w = result.workload;
  // The first generated token comes from the prefill's head; genTokens - 1 decode steps follow (src/sim/run.ts).
  const decodeSteps = Math.max(0, w.genTokens - 1);

  // Energy by component per token, one panel per phase (each with its own scale, so the prefill is not
  // flattened by the decode sum), and the analog tile's share on its own (it is a few % of the total and
  // would not be visible in a stack dominated by memory traffic).
  const perToken = (phase: "prefill" | "decode", r: SimResult): number =>
    phase === "prefill" ? r.workload.batch * r.workload.promptTokens : r.workload.batch * Math.max(1, r.workload.genTokens - 1);
  const perTokenValues = (phase: "prefill" | "decode", r: SimResult, keys: readonly ComponentKind[]): Record<string, number> =>
    Object.fromEntries(keys.map((k) => [k, r[phase].energyByComponentJ[k] / perToken(phase, r)]));
  const energyByComponentPhase = (phase: "prefill" | "decode"): ReportChart => ({
    name: `energy-by-component-${phase}`,
    svg: stackedBarChart({
      title: phase === "prefill" ? "Prefill energy per prompt token by component kind" : "Decode energy per generated token by component kind",
      bars: runs.map(({ label, r }) => ({ label, values: perTokenValues(phase, r, COMPONENT_KINDS) })),
      stackKeys: COMPONENT_KINDS,
      stackLabels: COMPONENT_LABELS,
      colors: COMPONENT_COLORS,
      yLabel: "Energy per token",
      yUnit: "J",
    }),
    caption:
      phase === "prefill"
        ? `Prefill energy divided by the ${w.batch * w.promptTokens} prompt tokens (batch × prompt), stacked by hardware component kind; one bar per chip.`
        : `Energy of the ${decodeSteps} decode steps divided by the ${w.batch * Math.max(1, decodeSteps)} tokens they generate (batch × steps), stacked by hardware component kind; one bar per chip.`,
  });
  const ANALOG: readonly ComponentKind[] = ["dac", "crossbar", "adc", "accumulate"];
  const analogRuns = runs.filter(({ r }) => ANALOG.some((k) => r.prefill.energyByComponentJ[k] + r.decode.energyByComponentJ[k] > 0));
  const analogEnergy: ReportChart[] =
    analogRuns.length === 0
      ? []
      : [
          {
            name: "energy-analog-tile",
            svg: stackedBarChart({
              title: "Analog tile energy per token: DAC, crossbar array, ADC, accumulation",
              bars: analogRuns.flatMap(({ label, r }) =>
                (["prefill", "decode"] as const).map((phase) => ({ label: `${analogRuns.length > 1 ? `${label} · ` : ""}${phase}`, values: perTokenValues(phase, r, ANALOG) })),
              ),
              stackKeys: ANALOG,
              stackLabels: COMPONENT_LABELS,
              colors: COMPONENT_COLORS,
              yLabel: "Energy per token",
              yUnit: "J",
            }),
            caption: "The analog tile's components alone, per prompt token (prefill) and per generated token (decode).",
          },
        ];
  const energyByOpClass: ReportChart = {
    name: "energy-by-op-class",
    svg: stackedBarChart({
      title: "Energy by operation class",
      bars: phaseBars(runs, (p) => p.energyByOpClassJ),
      stackKeys: OP_CLASSES,
      stackLabels: OP_CLASS_LABELS,
      colors: OP_CLASS_COLORS,
      yLabel: "Energy",
      yUnit: "J",
    }),
    caption: "Energy per phase by op class (prefill: the whole prompt; decode: the sum over all steps): projections (q, k, v, o, MLP, head: what analog crossbars can take over), attention (scores, softmax, values, KV cache), other (norms, activations, residuals, embedding).",
  };
  const timeByOpClass: ReportChart = {
    name: "time-by-op-class",
    svg: stackedBarChart({
      title: "Latency by operation class",
      bars: phaseBars(runs, (p) => p.timeByOpClassS),
      stackKeys: OP_CLASSES,
      stackLabels: OP_CLASS_LABELS,
      colors: OP_CLASS_COLORS,
      yLabel: "Time",
      yUnit: "s",
    }),
    caption: "Wall time along the schedule attributed to each op class (sums to the phase latency).",
  };
  const timeShares: ReportChart = {
    name: "time-share-by-op-class",
    svg: stackedBarChart({
      title: "Share of latency by operation class",
      bars: phaseBars(runs, (p) => p.timeByOpClassS),
      stackKeys: OP_CLASSES,
      stackLabels: OP_CLASS_LABELS,
      colors: OP_CLASS_COLORS,
      yLabel: "Share of phase latency",
      normalize: true,
    }),
    caption: "Each phase's latency split by op class, as shares (every bar sums to 100 %). The projection share f bounds what faster projections can give: speed-up <= 1/(1 - f).",
  };

  const sections: ReportSection[] = [];
  const energyTablesRaw: Table[] = runs.flatMap(({ label, r }) => [
    { name: `energy-by-component${runs.length > 1 ? "-" + label : ""}`, caption: `Energy by component kind${runs.length > 1 ? ` (${label})` : ""}`, ...shareRows(COMPONENT_KINDS, COMPONENT_LABELS, r, (p) => p.energyByComponentJ, "J") },
    { name: `energy-by-op-class${runs.length > 1 ? "-" + label : ""}`, caption: `Energy by operation class${runs.length > 1 ? ` (${label})` : ""}`, ...shareRows(OP_CLASSES, OP_CLASS_LABELS, r, (p) => p.energyByOpClassJ, "J") },
  ]);
  const energyTables = [
    ...samePrefixes(energyTablesRaw.filter((t) => t.name!.startsWith("energy-by-component"))),
    ...samePrefixes(energyTablesRaw.filter((t) => t.name!.startsWith("energy-by-op-class"))),
  ];
  sections.push({
    heading: "Energy",
    text:
      `Energy of the prefill pass (${w.promptTokens} prompt tokens) and of the ${decodeSteps} decode steps together, by hardware component kind and by operation class. ` +
      `Energy per generated token is the whole run's energy divided by ${w.batch * w.genTokens} generated tokens.`,
    charts: [energyByComponentPhase("prefill"), energyByComponentPhase("decode"), ...analogEnergy, energyByOpClass],
    tables: energyTables,
  });

  const amdahl: Table = {
    name: "amdahl-bound",
    caption: "Projection share of time and the Amdahl ceiling",
    columns: [
      { key: "run", label: "Run" },
      { key: "phase", label: "Phase" },
      { key: "latency", label: "Latency", unit: "s" },
      { key: "f", label: "Projection share f", unit: "%" },
      { key: "ceiling", label: "Ceiling 1/(1 − f)", unit: "×" },
    ],
    rows: runs.flatMap(({ label, r }) =>
      (["prefill", "decode"] as const).map((ph) => {
        const p = r[ph];
        const f = p.latencyS > 0 ? p.timeByOpClassS.projection / p.latencyS : 0;
        return { run: label, phase: ph, latency: p.latencyS, f: f * 100, ceiling: f < 1 ? 1 / (1 - f) : Infinity };
      }),
    ),
    note: "Ceiling: the whole-phase speed-up if projections took zero time (Amdahl's law, Malekar & Zand, TMLR 2025).",
  };
  const timeTables: Table[] = runs.map(({ label, r }) => ({
    name: `time-by-op-class${runs.length > 1 ? "-" + label : ""}`,
    caption: `Time and work by operation class${runs.length > 1 ? ` (${label})` : ""}`,
    columns: [
      { key: "name", label: "" },
      { key: "prefillT", label: "Prefill time", unit: "s", prefixGroup: "t" },
      { key: "decodeT", label: "Decode time", unit: "s", prefixGroup: "t" },
      { key: "prefillM", label: "Prefill MACs" },
      { key: "decodeM", label: "Decode MACs" },
    ],
    rows: OP_CLASSES.map((c: OpClass) => ({
      name: OP_CLASS_LABELS[c],
      prefillT: r.prefill.timeByOpClassS[c],
      decodeT: r.decode.timeByOpClassS[c],
      prefillM: r.prefill.macsByOpClass[c],
      decodeM: r.decode.macsByOpClass[c],
    })),
  }));
  sections.push({
    heading: "Latency",
    text: `TTFT ${formatQuantity(result.ttftS, "s")}, TPOT ${formatQuantity(result.tpotS, "s")} (mean over ${decodeSteps} decode steps).`,
    charts: [timeByOpClass, timeShares],
    tables: [...samePrefixes(timeTables), amdahl],
  });

  const util: Table = {
    name: "utilisation",
    caption: "Busy fraction of each physical unit over the run",
    columns: [
      { key: "unit", label: "Unit" },
      ...runs.map((run, i) => ({ key: `u${i}`, label: runs.length > 1 ? run.label : "Busy", unit: "%" })),
    ],
    rows: [
      ...unionKeys(runs.map((x) => x.r.utilization))
        .filter((u) => !isCrossbarUnit(u))
        .map((u) => {
          const row: Record<string, Cell> = { unit: u };
          runs.forEach((run, i) => (row[`u${i}`] = run.r.utilization[u] === undefined ? null : run.r.utilization[u] * 100));
          return row;
        }),
      // Crossbar banks (one per weight matrix, hundreds of them) as one row: their mean busy fraction.
      ...(runs.some((run) => Object.keys(run.r.utilization).some(isCrossbarUnit))
        ? [
            {
              unit: "crossbar banks (mean over matrices)",
              ...Object.fromEntries(
                runs.map((run, i) => {
                  const xs = Object.entries(run.r.utilization).filter(([u]) => isCrossbarUnit(u)).map(([, v]) => v);
                  return [`u${i}`, xs.length ? (xs.reduce((a, b) => a + b, 0) / xs.length) * 100 : null];
                }),
              ),
            } as Record<string, Cell>,
          ]
        : []),
    ].sort((a, b) => num(b.u0) - num(a.u0) || String(a.unit).localeCompare(String(b.unit))),
  };
  const busy: Table = {
    name: "busy-by-component",
    caption: "Busy time per component kind (overlapping; not a partition of latency)",
    columns: [
      { key: "name", label: "Component" },
      ...runs.flatMap((run, i) => [
        { key: `p${i}`, label: `${runs.length > 1 ? run.label + " " : ""}prefill`, unit: "s", prefixGroup: "busy" },
        { key: `d${i}`, label: `${runs.length > 1 ? run.label + " " : ""}decode`, unit: "s", prefixGroup: "busy" },
      ]),
    ],
    rows: COMPONENT_KINDS.filter((k) => runs.some(({ r }) => r.prefill.busyByComponentS[k] + r.decode.busyByComponentS[k] > 0)).map((k: ComponentKind) => {
      const row: Record<string, Cell> = { name: COMPONENT_LABELS[k] };
      runs.forEach(({ r }, i) => {
        row[`p${i}`] = r.prefill.busyByComponentS[k];
        row[`d${i}`] = r.decode.busyByComponentS[k];
      });
      return row;
    }),
  };
  sections.push({ heading: "Utilisation", charts: [], tables: [util, busy] });

  const area: Table = {
    name: "area",
    caption: "Area by component kind",
    columns: [
      { key: "name", label: "Component" },
      ...runs.flatMap((run, i) => [
        { key: `a${i}`, label: runs.length > 1 ? run.label : "Area", unit: "mm²" },
        { key: `s${i}`, label: runs.length > 1 ? `${run.label} share` : "Share", unit: "%" },
      ]),
    ],
    rows: COMPONENT_KINDS.filter((k) => runs.some(({ r }) => (r.areaByComponentMm2[k] ?? 0) > 0)).map((k) => {
      const row: Record<string, Cell> = { name: COMPONENT_LABELS[k] };
      runs.forEach(({ r }, i) => {
        row[`a${i}`] = r.areaByComponentMm2[k] ?? 0;
        row[`s${i}`] = r.areaMm2 > 0 ? ((r.areaByComponentMm2[k] ?? 0) / r.areaMm2) * 100 : null;
      });
      return row;
    }),
  };
  sections.push({ heading: "Area and mapping", text: mappingText(result), charts: [], tables: [area] });
  sections.push(...(opts.extraSections ?? []));

  const assumptions: string[] = [];
  // Each line once; with two runs, a line both share is tagged with both labels.
  const owners = new Map<string, string[]>();
  for (const { label, r } of runs) for (const a of r.assumptions) if (!owners.get(a)?.includes(label)) owners.set(a, [...(owners.get(a) ?? []), label]);
  for (const [a, who] of owners) assumptions.push(runs.length > 1 ? `[${who.join(", ")}] ${a}` : a);
  for (const { label, r } of runs) {
    const pre = runs.length > 1 ? `[${label}] ` : "";
    const adcUsed = r.prefill.energyByComponentJ.adc + r.decode.energyByComponentJ.adc > 0;
    if (adcUsed && !r.assumptions.some((a) => /adc/i.test(a))) {
      assumptions.push(`${pre}WARNING: this run spent ADC energy but recorded no ADC model assumption; published ADC energies differ 10-20x between tools.`);
    }
  }
  assumptions.push(
    `Decode figures are summed over ${decodeSteps} decode steps; TPOT is their mean; energy per token = total energy / (batch × generated tokens).`,
    "Busy time per component kind can overlap across units and is not a partition of latency; time by op class is.",
    ...(opts.extraAssumptions ?? []),
  );

  return {
    title: opts.title ?? `${result.model} on ${result.chip}`,
    subtitle:
      opts.subtitle ??
      `Prompt ${w.promptTokens} tokens, ${w.genTokens} generated, batch ${w.batch}${opts.baseline ? `; baseline: ${opts.baseline.chip}` : ""}. ${result.events} simulation events.`,
    summary: runSummary(runs),
    sections,
    spec: opts.spec ?? null,
    model: opts.model ?? result.model,
    assumptions,
    data: opts.baseline ? { result, baseline: opts.baseline } : { result },
  };
}

/** Tables that come in a pair (one per run) read in one unit: each numeric column's SI prefix is chosen over
 *  the same column (or prefix group) of every table of the pair. */
function samePrefixes(tables: readonly Table[]): Table[] {
  if (tables.length < 2) return [...tables];
  const groupOf = (c: Column) => `${c.prefixGroup ?? c.key}|${c.unit ?? ""}`;
  const values = new Map<string, number[]>();
  for (const t of tables)
    for (const c of t.columns) {
      if (!c.unit) continue;
      const xs = values.get(groupOf(c)) ?? [];
      for (const r of t.rows) if (typeof r[c.key] === "number") xs.push(r[c.key] as number);
      values.set(groupOf(c), xs);
    }
  return tables.map((t) => ({ ...t, columns: t.columns.map((c) => (c.unit ? { ...c, scaleWith: values.get(groupOf(c)) ?? [] } : c)) }));
}

function unionKeys(recs: readonly Readonly<Record<string, number>>[]): string[] {
  const s = new Set<string>();
  for (const r of recs) for (const k of Object.keys(r)) s.add(k);
  return [...s].sort();
}

function num(c: Cell): number {
  return typeof c === "number" ? c : -Infinity;
}

function mappingText(r: SimResult): string {
  const m = r.mapping;
  return (
    `The projection weights need ${m.tilesNeeded} crossbar tiles; the chip has ${m.tilesAvailable}` +
    (m.chips > 1 ? `, so the model spans ${m.chips} chips.` : ".") +
    ` The KV cache is held in ${m.kvCache.toUpperCase()}. Total area ${r.areaMm2.toPrecision(3)} mm² per chip.`
  );
}

/** The standard report of a run (reportFromSimResult) plus the timeline of its middle decode step. */
export function runReport(sim: SimRun, opts: { baseline?: SimResult; title?: string } = {}): ReportDoc {
  const doc = reportFromSimResult(sim.result, { spec: sim.chip, model: sim.shape, ...(opts.baseline ? { baseline: opts.baseline } : {}), ...(opts.title ? { title: opts.title } : {}) });
  const step = middleDecodeStep(sim);
  const slices = step < 0 ? slicesFromSimRun(sim, { phase: "prefill", rebase: true }) : slicesFromSimRun(sim, { step, rebase: true });
  if (slices.length === 0) return doc;
  const timeline: ReportSection = {
    heading: step < 0 ? "Timeline of the prefill (the run has no decode step)" : `Timeline of one decode step (step ${step}, context ${sim.result.workload.promptTokens + step})`,
    text: "Each bar is one task on one unit, coloured by op class; all crossbar banks share the 'crossbars' lane. The gaps on a unit are time it waits for its inputs.",
    charts: [
      {
        name: "decode-step-timeline",
        svg: timelineChart({ title: `${sim.result.model} on ${sim.result.chip}: ${step < 0 ? "prefill" : "one decode step"}`, slices, xLabel: step < 0 ? "time in the prefill" : "time in the step" }),
        caption: `Tasks of ${step < 0 ? "the prefill" : `decode step ${step}`} on each unit from the event simulation, coloured by op class.`,
      },
    ],
    tables: [],
  };
  return { ...doc, sections: [...doc.sections, timeline] };
}

/** Throughput and efficiency of several designs (hybrid, baseline) at one context length. */
export interface ThroughputRow {
  readonly context: number;
  readonly design: string;
  readonly tokensPerS: number;
  readonly tokensPerJ: number;
}

/** Two grouped bar charts (tokens/s on a log axis, tokens/J linear) per context length. */
export function throughputCharts(rows: readonly ThroughputRow[], opts: { readonly logTokensPerS?: boolean } = {}): { readonly tokensPerS: string; readonly tokensPerJ: string } {
  requireNonEmpty(rows, "throughputCharts.rows");
  const designs: string[] = [];
  const contexts: number[] = [];
  for (const r of rows) {
    if (!designs.includes(r.design)) designs.push(r.design);
    if (!contexts.includes(r.context)) contexts.push(r.context);
  }
  contexts.sort((a, b) => a - b);
  const groups = (pick: (r: ThroughputRow) => number) =>
    contexts.map((c) => {
      const values: Record<string, number> = {};
      for (const r of rows) if (r.context === c) values[r.design] = pick(r);
      return { label: String(c), values };
    });
  return {
    tokensPerS: groupedBarChart({
      title: "Throughput per context length",
      groups: groups((r) => r.tokensPerS),
      seriesKeys: designs,
      xLabel: "Context length (tokens)",
      yLabel: "Throughput",
      yUnit: "tokens/s",
      yScale: opts.logTokensPerS === false ? "linear" : "log",
    }),
    tokensPerJ: groupedBarChart({
      title: "Energy efficiency per context length",
      groups: groups((r) => r.tokensPerJ),
      seriesKeys: designs,
      xLabel: "Context length (tokens)",
      yLabel: "Efficiency",
      yUnit: "tokens/J",
    }),
  };
}
