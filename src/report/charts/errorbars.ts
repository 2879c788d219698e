// Line with error bars: mean and an interval (e.g. 95 % CI over Monte Carlo seeds) per x, several
// series side by side (small horizontal dodge so intervals at the same x do not hide each other).
import { line as d3line } from "d3";
import { coord, escapeXml, formatQuantity } from "../format.ts";
import { LINE_PALETTE, MARKERS, seriesColor } from "../palette.ts";
import {
  layoutChart, marker, renderLegend, renderXAxis, renderYAxis, svgFrame, thinXTicks,
  type ChartCommon, type LegendItem,
} from "../svg.ts";
import { tagOf } from "./line.ts";
import { numericScale, type ScaleOptions } from "./scales.ts";
import { fail, requireFinite, requireNonEmpty, requireUniqueKeys } from "./validate.ts";

export interface IntervalPoint {
  readonly x: number;
  readonly mean: number;
  /** Lower and upper bound of the interval (e.g. 95 % CI). */
  readonly lo: number;
  readonly hi: number;
}

export interface IntervalSeries {
  readonly key: string;
  readonly label: string;
  readonly points: readonly IntervalPoint[];
  readonly color?: string;
}

export interface ErrorBarInput extends ChartCommon {
  readonly series: readonly IntervalSeries[];
  readonly xLabel: string;
  readonly xUnit?: string;
  readonly yLabel: string;
  readonly yUnit?: string;
  readonly x?: ScaleOptions;
  readonly y?: ScaleOptions;
  /** Legend note for the interval, e.g. "95 % CI" (shown in tooltips). */
  readonly intervalLabel?: string;
}

export function errorBarChart(input: ErrorBarInput): string {
  const series = requireNonEmpty(input.series, "errorBarChart.series");
  requireUniqueKeys(series.map((s) => s.key), "errorBarChart.series[].key");
  const xs: number[] = [];
  const ys: number[] = [];
  series.forEach((s, i) => {
    requireNonEmpty(s.points, `errorBarChart.series[${i}].points`);
    s.points.forEach((p, j) => {
      const path = `errorBarChart.series[${i}].points[${j}]`;
      xs.push(requireFinite(p.x, `${path}.x`));
      const m = requireFinite(p.mean, `${path}.mean`);
      const lo = requireFinite(p.lo, `${path}.lo`);
      const hi = requireFinite(p.hi, `${path}.hi`);
      if (!(lo <= m && m <= hi)) fail(path, `needs lo <= mean <= hi (got ${lo}, ${m}, ${hi})`);
      ys.push(lo, hi);
    });
  });
  const X = numericScale(xs, input.xLabel, input.xUnit, { pad: 0.04, ...input.x }, "errorBarChart.series[].points[].x");
  const Y = numericScale(ys, input.yLabel, input.yUnit, { pad: 0.06, ...input.y }, "errorBarChart.series[].points[].y");
  const styled = series.map((s, i) => ({
    s,
    color: s.color ?? seriesColor(s.key, i, undefined, LINE_PALETTE),
    marker: MARKERS[i % MARKERS.length],
  }));
  const legend: LegendItem[] = styled.map(({ s, color, marker: m }) => ({ key: s.key, label: s.label, color, symbol: "line" as const, marker: m }));
  const L = layoutChart(input, X.axis, Y.axis, legend);
  const { plot } = L;
  X.scale.range([plot.x0, plot.x1]);
  Y.scale.range([plot.y1, plot.y0]);
  const dodgeStep = series.length > 1 ? Math.min(6, (plot.x1 - plot.x0) / 120) : 0;
  const ival = input.intervalLabel ?? "interval";

  let body = renderYAxis(Y.axis, (v) => Y.scale(v as number), plot, L.yTitleX);
  body += `<g class="marks" fill="none">`;
  styled.forEach(({ s, color, marker: m }, i) => {
    const dx = (i - (series.length - 1) / 2) * dodgeStep;
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    const key = escapeXml(s.key);
    const path = d3line<IntervalPoint>().x((p) => X.scale(p.x) + dx).y((p) => Y.scale(p.mean)).digits(2);
    body += `<g class="series" data-series="${key}">`;
    body += `<path class="mark line" data-series="${key}" d="${path(pts) ?? ""}" stroke="${color}" stroke-width="1.75"/>`;
    for (const p of pts) {
      const cx = X.scale(p.x) + dx;
      const ylo = Y.scale(p.lo);
      const yhi = Y.scale(p.hi);
      body +=
        `<path class="mark errorbar" data-series="${key}" stroke="${color}" stroke-width="1.25" ` +
        `d="M${coord(cx)},${coord(ylo)}V${coord(yhi)}M${coord(cx - 4)},${coord(ylo)}H${coord(cx + 4)}M${coord(cx - 4)},${coord(yhi)}H${coord(cx + 4)}"/>`;
      const tip = `<title>${escapeXml(`${s.label} at ${formatQuantity(p.x, input.xUnit)}: ${formatQuantity(p.mean, input.yUnit)} (${ival} ${formatQuantity(p.lo, input.yUnit)} – ${formatQuantity(p.hi, input.yUnit)})`)}</title>`;
      body += marker(m, cx, Y.scale(p.mean), color, 3.5, ` class="mark point" data-series="${key}"`).replace("/>", `>${tip}</${tagOf(m)}>`);
    }
    body += `</g>`;
  });
  body += `</g>`;
  body += renderXAxis(thinXTicks(X.axis, (v) => X.scale(v as number)), (v) => X.scale(v as number), plot, false, L.xTitleY);
  body += renderLegend(legend, L);
  return svgFrame("error-bars", input, L, body);
}
