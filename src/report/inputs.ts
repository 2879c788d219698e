// Generic input shapes for the results other stages produce (Amdahl analysis, accuracy evaluation,
// hybrid-vs-baseline throughput, sweeps, traces), and thin adapters from them to charts and tables.
// The shapes are plain rows so any producer can fill them; the adapters only group and label.
import { errorBarChart } from "./charts/errorbars.ts";
import { groupedBarChart } from "./charts/grouped.ts";
import { lineChart, type LineSeries } from "./charts/line.ts";
import { paretoChart, type Direction } from "./charts/pareto.ts";
import { timelineChart, type TimelineSlice } from "./charts/timeline.ts";
import { fail, requireFinite, requireNonEmpty } from "./charts/validate.ts";
import type { Cell, Column, Table } from "./table.ts";

/** One point of an Amdahl curve: a model and phase at one context length. */
export interface AmdahlRow {
  readonly model: string;
  readonly phase: "prefill" | "decode";
  /** Context length (tokens). */
  readonly context: number;
  /** Fraction of the baseline's time (or work) in the projections, 0..1. */
  readonly f: number;
  /** Speed-up of the projections alone (analog vs digital). */
  readonly sAnalog: number;
  /** End-to-end speed-up measured by simulation. */
  readonly speedupMeasured: number;
  /** Amdahl prediction 1 / ((1 - f) + f / sAnalog). */
  readonly speedupAmdahl: number;
  /** Bound 1 / (1 - f). */
  readonly ceiling: number;
}

/** The fields of src/analysis/amdahl.ts's AmdahlRow this layer needs (structural, so either side can grow). */
export interface AnalysisAmdahlLike {
  readonly model: string;
  readonly phase: "prefill" | "decode";
  readonly context: number;
  readonly f: number;
  readonly s: number;
  readonly speedup: number;
  readonly amdahl: number;
  readonly ceiling: number;
}

/** Rows of the Amdahl analysis (src/analysis) in this layer's generic shape. */
export function amdahlRowsFromAnalysis(rows: readonly AnalysisAmdahlLike[]): AmdahlRow[] {
  return rows.map((r) => ({
    model: r.model, phase: r.phase, context: r.context, f: r.f,
    sAnalog: r.s, speedupMeasured: r.speedup, speedupAmdahl: r.amdahl, ceiling: r.ceiling,
  }));
}

/** Measured speed-up (solid), Amdahl prediction (dashed) and ceiling (dashed) against context length,
 *  log2 x. One chart per call: filter rows to one phase (and a few models) first for legibility. */
export function amdahlChart(rows: readonly AmdahlRow[], opts: { readonly title?: string; readonly width?: number; readonly height?: number } = {}): string {
  requireNonEmpty(rows, "amdahlChart.rows");
  const groups = new Map<string, AmdahlRow[]>();
  rows.forEach((r, i) => {
    for (const k of ["context", "f", "sAnalog", "speedupMeasured", "speedupAmdahl", "ceiling"] as const) requireFinite(r[k], `amdahlChart.rows[${i}].${k}`);
    if (r.context <= 0) fail(`amdahlChart.rows[${i}].context`, "must be > 0");
    const key = `${r.model} ${r.phase}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  });
  const multi = groups.size > 1;
  const series: LineSeries[] = [];
  for (const [key, rs] of groups) {
    const name = multi ? `${key}: ` : "";
    series.push({ key: `${key}:measured`, label: `${name}measured`, points: rs.map((r) => ({ x: r.context, y: r.speedupMeasured })) });
    series.push({ key: `${key}:amdahl`, label: `${name}Amdahl 1/((1−f)+f/s)`, points: rs.map((r) => ({ x: r.context, y: r.speedupAmdahl })), reference: true });
    series.push({ key: `${key}:ceiling`, label: `${name}ceiling 1/(1−f)`, points: rs.map((r) => ({ x: r.context, y: r.ceiling })), reference: true });
  }
  const only = [...groups.keys()];
  return lineChart({
    title: opts.title ?? `Speed-up over the digital baseline${multi ? "" : ` (${only[0]})`}`,
    series,
    xLabel: "Context length",
    xUnit: "tokens",
    yLabel: "Speed-up",
    yUnit: "×",
    x: { kind: "log", base: 2 },
    ...(opts.width ? { width: opts.width } : {}),
    ...(opts.height ? { height: opts.height } : {}),
  });
}

export function amdahlTable(rows: readonly AmdahlRow[]): Table {
  return {
    name: "amdahl",
    caption: "Amdahl analysis per model, phase and context length",
    columns: [
      { key: "model", label: "Model" },
      { key: "phase", label: "Phase" },
      { key: "context", label: "Context", unit: "tokens" },
      { key: "f", label: "f", unit: "%" },
      { key: "sAnalog", label: "Projection speed-up s", unit: "×" },
      { key: "speedupMeasured", label: "Measured", unit: "×" },
      { key: "speedupAmdahl", label: "Amdahl", unit: "×" },
      { key: "ceiling", label: "Ceiling", unit: "×" },
    ],
    rows: rows.map((r) => ({ ...r, f: r.f * 100 })),
  };
}

/** One accuracy estimate: a metric's mean and interval at one setting (ADC bits, t_inf) of one series. */
export interface AccuracyRow {
  readonly series: string;
  readonly x: number;
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
}

export function accuracyChart(
  rows: readonly AccuracyRow[],
  opts: { readonly title: string; readonly xLabel: string; readonly xUnit?: string; readonly yLabel: string; readonly yUnit?: string; readonly xLog?: boolean; readonly intervalLabel?: string },
): string {
  requireNonEmpty(rows, "accuracyChart.rows");
  const groups = new Map<string, AccuracyRow[]>();
  for (const r of rows) groups.set(r.series, [...(groups.get(r.series) ?? []), r]);
  return errorBarChart({
    title: opts.title,
    series: [...groups].map(([k, rs]) => ({ key: k, label: k, points: rs })),
    xLabel: opts.xLabel,
    xUnit: opts.xUnit,
    yLabel: opts.yLabel,
    yUnit: opts.yUnit,
    intervalLabel: opts.intervalLabel ?? "95 % CI",
    ...(opts.xLog ? { x: { kind: "log" as const } } : {}),
  });
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

/** A sweep result row: parameters and metrics by name. */
export type SweepRow = Readonly<Record<string, Cell>>;

/** Pareto scatter of two numeric metrics of a sweep. Rows lacking either metric are skipped. */
export function sweepParetoChart(
  rows: readonly SweepRow[],
  o: {
    readonly title: string;
    readonly x: string; readonly xLabel: string; readonly xUnit?: string; readonly xDirection?: Direction;
    readonly y: string; readonly yLabel: string; readonly yUnit?: string; readonly yDirection?: Direction;
    /** Keys joined into each point's tooltip label. */
    readonly labelKeys?: readonly string[];
    readonly xLog?: boolean; readonly yLog?: boolean;
  },
): string {
  const points = rows
    .filter((r) => typeof r[o.x] === "number" && typeof r[o.y] === "number")
    .map((r) => ({ x: r[o.x] as number, y: r[o.y] as number, label: (o.labelKeys ?? []).map((k) => `${k}=${String(r[k])}`).join(", ") }));
  if (points.length === 0) fail("sweepParetoChart.rows", `no row has numeric "${o.x}" and "${o.y}"`);
  return paretoChart({
    title: o.title, points,
    xLabel: o.xLabel, xUnit: o.xUnit, xDirection: o.xDirection,
    yLabel: o.yLabel, yUnit: o.yUnit, yDirection: o.yDirection,
    ...(o.xLog ? { x: { kind: "log" as const } } : {}),
    ...(o.yLog ? { y: { kind: "log" as const } } : {}),
  });
}

export function sweepTable(rows: readonly SweepRow[], columns: readonly Column[], caption = "Sweep results"): Table {
  return { name: "sweep", caption, columns, rows };
}

/** A Chrome Trace Event "complete" event (ph "X"); ts and dur in microseconds as the format defines. */
export interface TraceCompleteEvent {
  readonly ph: string;
  readonly name: string;
  readonly ts: number;
  readonly dur?: number;
  readonly tid?: number | string;
  readonly pid?: number | string;
  readonly cat?: string;
}

/** Slices from trace events (only ph "X"); tracks named by `trackName(pid, tid)` (default "pid/tid"). */
export function slicesFromTraceEvents(
  events: readonly TraceCompleteEvent[],
  trackName: (pid: number | string | undefined, tid: number | string | undefined) => string = (p, t) => `${p ?? 0}/${t ?? 0}`,
): TimelineSlice[] {
  return events
    .filter((e) => e.ph === "X")
    .map((e) => ({
      track: trackName(e.pid, e.tid),
      name: e.name,
      startPs: Math.round(e.ts * 1e6),
      durPs: Math.round((e.dur ?? 0) * 1e6),
      ...(e.cat ? { category: e.cat } : {}),
    }));
}

export { timelineChart };
