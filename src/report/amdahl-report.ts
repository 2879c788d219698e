// The Amdahl analysis in a report: the one Amdahl table, the speed-up chart (measured, Amdahl's prediction,
// ceiling) and the report document of an `amdahl` run. Rows are src/analysis's AmdahlRow (the one row type).
import type { AmdahlResult, AmdahlRow } from "../analysis/amdahl.ts";
import { groupedBarChart } from "./charts/grouped.ts";
import { lineChart, type LineSeries } from "./charts/line.ts";
import { fail, requireFinite, requireNonEmpty } from "./charts/validate.ts";
import type { ReportDoc, ReportSection } from "./doc.ts";
import { summaryTable, type Column, type Table } from "./table.ts";

/** What the chart needs of an AmdahlRow (hand-made rows, e.g. for illustrations, fill only these). */
export type AmdahlChartRow = Pick<AmdahlRow, "model" | "phase" | "context" | "f" | "s" | "speedup" | "amdahl" | "ceiling">;
/** What the table needs: the chart's fields, and the operation share and energy columns where known. */
export type AmdahlTableRow = AmdahlChartRow & Partial<Pick<AmdahlRow, "fOps" | "energyGain" | "ceilingEnergy" | "fFree" | "amdahlFree" | "restRatio">>;

/** Measured speed-up (solid), Amdahl prediction (dashed) and ceiling (dashed) against context length,
 *  log2 x. One chart per call: filter rows to one phase (and a few models) first for legibility. */
export function amdahlChart(rows: readonly AmdahlChartRow[], opts: { readonly title?: string; readonly width?: number; readonly height?: number } = {}): string {
  requireNonEmpty(rows, "amdahlChart.rows");
  const groups = new Map<string, AmdahlChartRow[]>();
  rows.forEach((r, i) => {
    for (const k of ["context", "f", "s", "speedup", "amdahl", "ceiling"] as const) requireFinite(r[k], `amdahlChart.rows[${i}].${k}`);
    if (r.context <= 0) fail(`amdahlChart.rows[${i}].context`, "must be > 0");
    const key = `${r.model} ${r.phase}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  });
  const multi = groups.size > 1;
  const series: LineSeries[] = [];
  for (const [key, rs] of groups) {
    const name = multi ? `${key}: ` : "";
    series.push({ key: `${key}:measured`, label: `${name}measured`, points: rs.map((r) => ({ x: r.context, y: r.speedup })) });
    series.push({ key: `${key}:amdahl`, label: `${name}Amdahl 1/((1−f)+f/s)`, points: rs.map((r) => ({ x: r.context, y: r.amdahl })), reference: true });
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
    yRule: 1,
    yRuleLabel: "dotted: no speed-up (1×)",
    ...(opts.width ? { width: opts.width } : {}),
    ...(opts.height ? { height: opts.height } : {}),
  });
}

/** The Amdahl table: per model (and phase, unless `phase` picks one) and context, the measured f, s and
 *  speed-ups. Shares in %, speed-ups and gains as ratios (×); the raw values go to the CSV. */
export function amdahlTable(rows: readonly AmdahlTableRow[], opts: { readonly phase?: "prefill" | "decode" } = {}): Table {
  const rs = opts.phase ? rows.filter((r) => r.phase === opts.phase) : rows;
  const has = (k: "fOps" | "energyGain" | "ceilingEnergy" | "fFree") => rs.some((r) => typeof r[k] === "number");
  const columns: Column[] = [
    { key: "model", label: "Model" },
    ...(opts.phase ? [] : [{ key: "phase", label: "Phase" }]),
    { key: "context", label: "Context", unit: "tokens" },
    { key: "f", label: "f of time", unit: "%" },
    ...(has("fOps") ? [{ key: "fOps", label: "f of MACs", unit: "%" }] : []),
    { key: "s", label: "Projection speed-up s", unit: "×" },
    { key: "speedup", label: "Measured speed-up", unit: "×" },
    { key: "amdahl", label: "Amdahl", unit: "×" },
    { key: "ceiling", label: "Ceiling", unit: "×" },
    ...(has("fFree")
      ? [
          { key: "fFree", label: "f, overlap-aware", unit: "%" },
          { key: "amdahlFree", label: "Amdahl, overlap-aware", unit: "×" },
          { key: "restRatio", label: "Hybrid/baseline rest time", unit: "×" },
        ]
      : []),
    ...(has("energyGain") ? [{ key: "energyGain", label: "Energy gain", unit: "×" }] : []),
    ...(has("ceilingEnergy") ? [{ key: "ceilingEnergy", label: "Energy ceiling", unit: "×" }] : []),
  ];
  return {
    name: opts.phase ? `amdahl-${opts.phase}` : "amdahl",
    caption: opts.phase ? `Amdahl analysis, ${opts.phase}` : "Amdahl analysis per model, phase and context length",
    columns,
    rows: rs.map((r) => ({
      model: r.model,
      phase: r.phase,
      context: r.context,
      f: r.f * 100,
      fOps: r.fOps === undefined ? null : r.fOps * 100,
      s: r.s,
      speedup: r.speedup,
      amdahl: r.amdahl,
      ceiling: r.ceiling,
      fFree: r.fFree === undefined ? null : r.fFree * 100,
      amdahlFree: r.amdahlFree ?? null,
      restRatio: r.restRatio ?? null,
      energyGain: r.energyGain ?? null,
      ceilingEnergy: r.ceilingEnergy ?? null,
    })),
  };
}

/** Amdahl's prediction for hypothetical projection speed-ups s (decode rows), from the measured f. */
export function amdahlWhatIfTable(result: Pick<AmdahlResult, "rows" | "sweepS">): Table {
  return {
    name: "amdahl-what-if",
    caption: "What if the analog part were faster: Amdahl speed-up for hypothetical s (decode)",
    columns: [
      { key: "model", label: "Model" },
      { key: "context", label: "Context", unit: "tokens" },
      ...result.sweepS.map((s) => ({ key: `s${s}`, label: `s = ${s}`, unit: "×" })),
    ],
    rows: result.rows.filter((r) => r.phase === "decode").map((r) => ({ model: r.model, context: r.context, ...Object.fromEntries(result.sweepS.map((s, i) => [`s${s}`, r.whatIf[i]!])) })),
  };
}

/** The report of an `amdahl` run: per phase the speed-up charts, f against context, the energy gain and the table. */
export function amdahlReport(result: AmdahlResult, specs: { chip: unknown; baseline: unknown }): ReportDoc {
  const sections: ReportSection[] = [];
  const logX = { kind: "log", base: 2 } as const;
  for (const phase of ["decode", "prefill"] as const) {
    const rows = result.rows.filter((r) => r.phase === phase);
    const charts = result.models.map((model) => ({
      name: `amdahl-${phase}-${model}`,
      svg: amdahlChart(rows.filter((r) => r.model === model), {
        title: `${model}, ${phase}: speed-up of ${result.chip} over ${result.baseline}`,
      }),
      caption: `${model}, ${phase}: measured end-to-end speed-up (solid), Amdahl's prediction from the measured f and s and the ceiling 1/(1-f) (dashed), against context; the dotted line is speed-up 1.`,
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
      caption: `The projection share f of the baseline's ${phase} time against context, one line per model: the part of the time the analog crossbars can take over.`,
    };
    const energy = {
      name: `amdahl-energy-${phase}`,
      svg: groupedBarChart({
        title: `${phase}: energy gain of ${result.chip} over ${result.baseline}`,
        groups: result.contexts.map((c) => ({ label: String(c), values: Object.fromEntries(result.models.map((m) => [m, rows.find((r) => r.model === m && r.context === c)?.energyGain ?? 0])) })),
        seriesKeys: result.models,
        xLabel: "context (tokens)",
        yLabel: "energy gain",
        yUnit: "×",
        yRule: 1,
        yRuleLabel: "dotted: no gain (1×)",
      }),
      caption: `Baseline energy / hybrid energy of the ${phase}, one bar per model and context; above the dotted line the hybrid spends less.`,
    };
    sections.push({
      heading: `${phase === "decode" ? "Decode (one token at the given context)" : "Prefill (a prompt of the given length)"}`,
      text:
        phase === "decode"
          ? "One decode step with `context` cached tokens. Projections are GEMVs here, so the analog crossbars speed them up most; attention grows with the context and sets the ceiling."
          : "Prefill of a prompt of `context` tokens: projections are GEMMs, where a large digital array is efficient, and attention grows quadratically.",
      charts: [...charts, fChart, energy],
      tables: [amdahlTable(result.rows, { phase })],
    });
  }
  sections.push({
    heading: "Why the measured speed-up differs from Amdahl's prediction",
    text:
      "f of time shares each instant equally among the op classes running then; where projections overlap other work, " +
      "that overstates what removing them saves. The overlap-aware f re-simulates the baseline with every projection task " +
      "taking zero time (f = 1 - T_free / T), so its ceiling is exact. The remaining gap is the hybrid's non-projection part: " +
      "the rest-time ratio (hybrid / baseline, both with projections free) above 1 means the hybrid runs attention and the " +
      "rest slower (chunked, pipelined prefill or a different attention unit), and the measured speed-up falls short by about that factor.",
    charts: [],
    tables: [],
  });
  // `skipped` is absent from results files written before it existed (src/cli/results-shape.ts takes it as optional)
  const skipped = result.skipped ?? [];
  if (skipped.length > 0)
    sections.push({
      heading: "Points not simulated",
      text: skipped.map((x) => `${x.model} at context ${x.context}: ${x.reason}`).join("; "),
      charts: [],
      tables: [],
    });
  const whatIf = amdahlWhatIfTable(result);
  sections.push({ heading: "What-if sweep of the analog speed-up", text: "Amdahl's law with the measured f and a hypothetical projection speed-up s; s = inf gives the ceiling.", charts: [], tables: [whatIf] });
  const decode = result.rows.filter((r) => r.phase === "decode");
  const first = decode[0];
  const last = decode[decode.length - 1];
  const summary = summaryTable([
    { what: "hybrid chip", value: result.chip },
    { what: "baseline chip", value: result.baseline },
    { what: "models", value: result.models.join(", ") },
    { what: "contexts (tokens)", value: result.contexts.join(", ") },
    ...(first ? [{ what: `decode speed-up at ${first.context} (${first.model})`, value: first.speedup, unit: "×" }, { what: `decode ceiling at ${first.context} (${first.model})`, value: first.ceiling, unit: "×" }] : []),
    ...(last && last !== first ? [{ what: `decode speed-up at ${last.context} (${last.model})`, value: last.speedup, unit: "×" }, { what: `decode ceiling at ${last.context} (${last.model})`, value: last.ceiling, unit: "×" }] : []),
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
