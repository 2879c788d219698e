// Report of a design-space sweep: the Pareto front of tokens/J vs tokens/s (and area), and the table of
// the non-dominated designs with their axis values.
import type { PointRecord } from "../dse/types.ts";
import { paretoChart, type Direction } from "./charts/pareto.ts";
import { fail } from "./charts/validate.ts";
import type { ReportDoc } from "./doc.ts";
import { summaryTable, type Cell, type Column, type Table } from "./table.ts";

const metric = (r: PointRecord, k: string): number | undefined => {
  const v = (r.metrics as Record<string, unknown>)[k];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
};

/** The unit of a sweep metric, from the metric names of src/dse/evaluators/sim.ts (suffix S, J, Mm2). */
export function metricUnit(key: string): string | undefined {
  if (/^(decode)?[tT]okensPerS$/.test(key)) return "tokens/s";
  if (key === "tokensPerJ") return "tokens/J";
  if (key === "peakTops") return "TOPS";
  if (key === "peakTopsPerW") return "TOPS/W";
  if (/EnergyPerTokenJ$|^energyPerTokenJ$/.test(key)) return "J/token";
  if (key.endsWith("Mm2")) return "mm²";
  if (key.endsWith("J")) return "J";
  if (key.endsWith("S")) return "s";
  return undefined;
}

export function sweepReport(name: string, records: readonly PointRecord[], front: readonly PointRecord[]): ReportDoc {
  const ok = records.filter((r) => r.status === "ok");
  const axisKeys = [...new Set(records.flatMap((r) => Object.keys(r.axes)))];
  const label = (r: PointRecord) => axisKeys.map((k) => `${k}=${String(r.axes[k])}`).join(" ");
  const pts = (x: string, y: string) =>
    ok.flatMap((r) => {
      const a = metric(r, x);
      const b = metric(r, y);
      return a !== undefined && b !== undefined ? [{ x: a, y: b, label: label(r) }] : [];
    });
  const charts = [];
  const tp = pts("tokensPerS", "tokensPerJ");
  if (tp.length > 0)
    charts.push({
      name: "pareto-tokens-per-s-vs-tokens-per-j",
      svg: paretoChart({ title: `${name}: tokens/J vs tokens/s`, points: tp, xLabel: "throughput (whole run)", xUnit: "tokens/s", yLabel: "tokens/J", xDirection: "max", yDirection: "max" }),
      caption: "Every evaluated design; the joined points are the front on these two metrics (higher is better on both). The table's front weighs tokens/s, tokens/J and area together.",
    });
  const at = pts("areaMm2", "tokensPerS");
  if (at.length > 0)
    charts.push({
      name: "pareto-area-vs-tokens-per-s",
      svg: paretoChart({ title: `${name}: tokens/s vs area`, points: at, xLabel: "area", xUnit: "mm²", yLabel: "throughput (whole run)", yUnit: "tokens/s", xDirection: "min", yDirection: "max" }),
      caption: "Throughput against die area for every evaluated design; the joined points are the best throughput for each area budget.",
    });
  const metricKeys = [...new Set(ok.flatMap((r) => Object.keys(r.metrics).filter((k) => metric(r, k) !== undefined)))];
  const frontTable: Table = {
    name: `pareto-front-${name}`,
    caption: `Pareto front of ${name} (${front.length} of ${ok.length} designs)`,
    columns: [...axisKeys.map((k) => ({ key: `a_${k}`, label: k })), ...metricKeys.map((k) => ({ key: `m_${k}`, label: k, unit: metricUnit(k), align: "right" as const }))],
    rows: front.map((r) => ({
      ...Object.fromEntries(axisKeys.map((k) => [`a_${k}`, typeof r.axes[k] === "number" || typeof r.axes[k] === "boolean" ? (r.axes[k] as number | boolean) : String(r.axes[k])])),
      // Exact values: the CSV carries them as measured, the Markdown/LaTeX round non-integers only.
      ...Object.fromEntries(metricKeys.map((k) => [`m_${k}`, metric(r, k) ?? null])),
    })),
  };
  const failed = records.filter((r) => r.status === "failed");
  return {
    title: `Sweep: ${name}`,
    subtitle: `${records.length} points, ${ok.length} ok, ${failed.length} failed`,
    summary: summaryTable([
      { what: "points", value: records.length },
      { what: "evaluated ok", value: ok.length },
      { what: "failed (invalid spec or run error)", value: failed.length },
      { what: "on the Pareto front", value: front.length },
      { what: "model", value: records[0]?.model ?? "" },
    ]),
    sections: [
      { heading: "Pareto fronts", charts, tables: [frontTable] },
      ...(failed.length
        ? [
            {
              heading: "Failed points",
              charts: [],
              tables: [
                {
                  name: "failed-points",
                  caption: "Points that failed, with their error",
                  columns: [
                    { key: "point", label: "point" },
                    { key: "error", label: "error" },
                  ],
                  rows: failed.slice(0, 50).map((r) => ({ point: label(r), error: r.error ?? "" })),
                } as Table,
              ],
            },
          ]
        : []),
    ],
    spec: records[0]?.spec ?? null,
    model: records[0]?.model ?? "",
    assumptions: [`each point simulated with aimcsim ${records[0]?.version ?? ""}, evaluator ${records[0]?.evaluator ?? ""}`],
    data: { name, records: records.length, front },
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
