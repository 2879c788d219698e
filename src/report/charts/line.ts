// Multi-series line chart with point markers; series flagged `reference` are drawn dashed without
// markers (an Amdahl ceiling, an FP reference). Optional log x (base 2 for context lengths).
import { line as d3line } from "d3";
import { coord, escapeXml, formatQuantity } from "../format.ts";
import { LINE_PALETTE, MARKERS, seriesColor } from "../palette.ts";
import {
  layoutChart, marker, renderLegend, renderXAxis, renderYAxis, renderYRule, svgFrame, thinXTicks, yRuleNote,
  type ChartCommon, type LegendItem,
} from "../svg.ts";
import { numericScale, type ScaleOptions } from "./scales.ts";
import { requireFinite, requireNonEmpty, requireUniqueKeys } from "./validate.ts";

export interface XY {
  readonly x: number;
  readonly y: number;
}

export interface LineSeries {
  readonly key: string;
  readonly label: string;
  readonly points: readonly XY[];
  /** Draw dashed, without markers (reference or bound). */
  readonly reference?: boolean;
  readonly color?: string;
}

export interface LineChartInput extends ChartCommon {
  readonly series: readonly LineSeries[];
  readonly xLabel: string;
  readonly xUnit?: string;
  readonly yLabel: string;
  readonly yUnit?: string;
  readonly x?: ScaleOptions;
  readonly y?: ScaleOptions;
  /** A dotted horizontal line at this y (y = 1 on speed-up charts), kept inside the y range. */
  readonly yRule?: number;
  readonly yRuleLabel?: string;
}

export function lineChart(input: LineChartInput): string {
  const series = requireNonEmpty(input.series, "lineChart.series");
  requireUniqueKeys(series.map((s) => s.key), "lineChart.series[].key");
  const xs: number[] = [];
  const ys: number[] = [];
  series.forEach((s, i) => {
    requireNonEmpty(s.points, `lineChart.series[${i}].points`);
    s.points.forEach((p, j) => {
      xs.push(requireFinite(p.x, `lineChart.series[${i}].points[${j}].x`));
      ys.push(requireFinite(p.y, `lineChart.series[${i}].points[${j}].y`));
    });
  });
  if (input.yRule !== undefined) ys.push(requireFinite(input.yRule, "lineChart.yRule"));
  const X = numericScale(xs, input.xLabel, input.xUnit, input.x ?? {}, "lineChart.series[].points[].x");
  const Y = numericScale(ys, input.yLabel, input.yUnit, { zero: true, pad: 0.05, ...input.y }, "lineChart.series[].points[].y");
  let mi = 0;
  const styled = series.map((s, i) => ({
    s,
    color: s.color ?? seriesColor(s.key, i, undefined, LINE_PALETTE),
    marker: s.reference ? undefined : MARKERS[mi++ % MARKERS.length],
  }));
  const legend: LegendItem[] = styled.map(({ s, color, marker: m }) => ({
    key: s.key,
    label: s.label,
    color,
    symbol: s.reference ? ("dashed" as const) : ("line" as const),
    ...(m ? { marker: m } : {}),
  }));
  if (input.yRule !== undefined) legend.push(yRuleNote(input.yRule, input.yRuleLabel));
  const L = layoutChart(input, X.axis, Y.axis, legend);
  const { plot } = L;
  X.scale.range([plot.x0, plot.x1]);
  Y.scale.range([plot.y1, plot.y0]);
  const px = (v: number) => X.scale(v);
  const py = (v: number) => Y.scale(v);
  const path = d3line<XY>().x((p) => px(p.x)).y((p) => py(p.y)).digits(2);

  let body = renderYAxis(Y.axis, (v) => py(v as number), plot, L.yTitleX);
  if (input.yRule !== undefined) body += renderYRule(py(input.yRule), plot);
  body += `<g class="marks" fill="none">`;
  for (const { s, color, marker: m } of styled) {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    const key = escapeXml(s.key);
    body += `<g class="series" data-series="${key}">`;
    body += `<path class="mark line${s.reference ? " reference" : ""}" data-series="${key}" d="${path(pts) ?? ""}" stroke="${color}" stroke-width="2"${s.reference ? ` stroke-dasharray="6,4"` : ""}/>`;
    if (m) {
      for (const p of pts) {
        const tip = `<title>${escapeXml(`${s.label}: ${formatQuantity(p.x, input.xUnit)} → ${formatQuantity(p.y, input.yUnit)}`)}</title>`;
        body += marker(m, px(p.x), py(p.y), color, 3.5, ` class="mark point" data-series="${key}"`).replace("/>", `>${tip}</${tagOf(m)}>`);
      }
    }
    body += `</g>`;
  }
  body += `</g>`;
  const xAxis = thinXTicks(X.axis, (v) => px(v as number));
  body += renderXAxis(xAxis, (v) => px(v as number), plot, false, L.xTitleY);
  body += renderLegend(legend, L);
  return svgFrame("line", input, L, body);
}

/** The element name `marker()` emits for a shape (to close it after a <title> child). */
export function tagOf(shape: string): string {
  return shape === "circle" ? "circle" : shape === "square" ? "rect" : "path";
}
