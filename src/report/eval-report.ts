// Report sections for accuracy evaluations: one EvalResult as a table, and sweeps of evaluations (over
// ADC bits, t_inf, ...) as error-bar charts of perplexity with the 95% interval over seeds.
import type { EvalResult } from "../eval/evaluate.ts";
import { errorBarChart } from "./charts/errorbars.ts";
import { requireNonEmpty } from "./charts/validate.ts";
import type { ReportSection } from "./doc.ts";
import type { Table } from "./table.ts";

/** Accuracy of one or more evaluations: perplexity (mean over seeds and its 95 % interval), top-1 agreement and
 *  KL divergence against the noise-free model. Exact values (the CSV carries them; Markdown/LaTeX round). */
export function evalTable(results: readonly { label: string; r: EvalResult }[], opts: { readonly name?: string } = {}): Table {
  const rows: Record<string, string | number | null>[] = [];
  const first = results[0]?.r;
  if (first) rows.push({ setting: "noise-free fp32 reference", perplexity: first.reference.perplexity, low: null, high: null, agree: 1, kl: 0 });
  for (const { label, r } of results) {
    const a = r.analog;
    rows.push({
      setting: label,
      perplexity: a.perplexity.mean,
      low: a.perplexity.low,
      high: a.perplexity.high,
      agree: a.top1Agreement.mean,
      kl: a.klDivergence.mean,
    });
  }
  for (const b of first?.baselines ?? []) rows.push({ setting: `digital ${b.label}`, perplexity: b.perplexity, low: null, high: null, agree: b.top1Agreement, kl: b.klDivergence });
  return {
    name: opts.name ?? "accuracy",
    caption: `Accuracy on ${first?.model ?? "the model"}: perplexity (mean over seeds, 95% interval), top-1 agreement and KL against the noise-free model`,
    columns: [
      { key: "setting", label: "setting" },
      { key: "perplexity", label: "perplexity", align: "right", digits: 4 },
      { key: "low", label: "95% low", align: "right", digits: 4 },
      { key: "high", label: "95% high", align: "right", digits: 4 },
      { key: "agree", label: "top-1 agreement", align: "right", digits: 4 },
      { key: "kl", label: "KL", unit: "nats", align: "right", digits: 4 },
    ],
    rows,
  };
}

export interface EvalSweep {
  /** What was varied, e.g. "ADC bits" or "t_inf". */
  readonly axis: string;
  readonly unit?: string;
  readonly log?: boolean;
  readonly points: readonly { readonly x: number; readonly label: string; readonly r: EvalResult }[];
}

export function evalSections(sweeps: readonly EvalSweep[]): ReportSection[] {
  return sweeps.map((s) => ({
    heading: `Accuracy vs ${s.axis}`,
    text:
      `Perplexity of the bundled model with analog noise and converter quantisation as ${s.axis} varies ` +
      `(mean and 95% interval over noise seeds); the dashed line is the noise-free reference.`,
    charts: [
      {
        name: `accuracy-vs-${s.axis.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`,
        svg: errorBarChart({
          title: `Perplexity vs ${s.axis}`,
          series: [
            { key: "analog", label: "analog (mean, 95% CI)", points: s.points.map((p) => ({ x: p.x, mean: p.r.analog.perplexity.mean, lo: p.r.analog.perplexity.low, hi: p.r.analog.perplexity.high })) },
            { key: "reference", label: "noise-free reference", points: s.points.map((p) => ({ x: p.x, mean: p.r.reference.perplexity, lo: p.r.reference.perplexity, hi: p.r.reference.perplexity })) },
          ],
          xLabel: s.axis,
          ...(s.unit ? { xUnit: s.unit } : {}),
          yLabel: "perplexity",
          y: { kind: "log" as const, base: 10 },
          ...(s.log ? { x: { kind: "log" as const, base: 10 } } : {}),
        }),
        caption: `Perplexity vs ${s.axis}.`,
      },
    ],
    tables: [evalTable(s.points.map((p) => ({ label: `${s.axis} = ${p.label}`, r: p.r })), { name: `accuracy-vs-${s.axis.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}` })],
  }));
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
