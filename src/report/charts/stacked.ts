// Stacked bars: one bar per case (prefill/decode, hybrid/baseline), stacked by category
// (component kind, op class). Optional 100 % normalisation. Total printed above each bar.
import { scaleBand, scaleLinear } from "d3";
import { coord, escapeXml, formatQuantity } from "../format.ts";
import { CATEGORY_PALETTE, INK, seriesColor } from "../palette.ts";
import {
  bandAxis, layoutChart, linearAxis, renderLegend, renderXAxis, renderYAxis, svgFrame,
  type ChartCommon, type LegendItem,
} from "../svg.ts";
import { fail, requireFinite, requireNonEmpty, requireUniqueKeys } from "./validate.ts";

export interface StackedBar {
  readonly label: string;
  /** Value per stack key (missing = 0). Values must be >= 0. */
  readonly values: Readonly<Record<string, number>>;
}

export interface StackedBarInput extends ChartCommon {
  readonly bars: readonly StackedBar[];
  /** Stack order, bottom first. */
  readonly stackKeys: readonly string[];
  readonly stackLabels?: Readonly<Record<string, string>>;
  readonly colors?: Readonly<Record<string, string>>;
  readonly xLabel?: string;
  readonly yLabel: string;
  /** Base unit of the values ("J", "s"); an SI prefix is chosen for the axis. Ignored when normalized. */
  readonly yUnit?: string;
  /** Show each bar as shares of its total (0-100 %). */
  readonly normalize?: boolean;
  /** Keep stack keys that are zero in every bar (default: dropped from marks and legend). */
  readonly keepEmpty?: boolean;
}

export function stackedBarChart(input: StackedBarInput): string {
  const bars = requireNonEmpty(input.bars, "stackedBarChart.bars");
  requireNonEmpty(input.stackKeys, "stackedBarChart.stackKeys");
  requireUniqueKeys(input.stackKeys, "stackedBarChart.stackKeys");
  requireUniqueKeys(bars.map((b) => b.label), "stackedBarChart.bars[].label");
  bars.forEach((b, i) =>
    input.stackKeys.forEach((k) => {
      const v = b.values[k] ?? 0;
      requireFinite(v, `stackedBarChart.bars[${i}].values.${k}`);
      if (v < 0) fail(`stackedBarChart.bars[${i}].values.${k}`, `must be >= 0 (got ${v})`);
    }),
  );
  const keys = input.keepEmpty ? input.stackKeys : input.stackKeys.filter((k) => bars.some((b) => (b.values[k] ?? 0) > 0));
  const totals = bars.map((b) => keys.reduce((s, k) => s + (b.values[k] ?? 0), 0));
  const norm = input.normalize === true;
  const rawMax = Math.max(0, ...totals);
  const maxTotal = norm ? 100 : rawMax < 1e-200 ? 0 : rawMax; // denormal totals would make d3 emit absurd tick counts

  const x = scaleBand<string>().domain(bars.map((b) => b.label)).paddingInner(0.35).paddingOuter(0.2);
  const y = scaleLinear().domain([0, maxTotal > 0 ? maxTotal * (norm ? 1 : 1.08) : 1]).nice();
  const xAxis = bandAxis(x, input.xLabel ?? "");
  const yAxis = linearAxis(y, input.yLabel, norm ? "%" : input.yUnit);
  const legend: LegendItem[] = keys
    .map((k, i) => ({
      key: k,
      label: input.stackLabels?.[k] ?? k,
      color: seriesColor(k, input.stackKeys.indexOf(k) >= 0 ? input.stackKeys.indexOf(k) : i, input.colors, CATEGORY_PALETTE),
      symbol: "swatch" as const,
    }))
    .reverse(); // legend top-to-bottom matches the stack
  const L = layoutChart(input, xAxis, yAxis, legend, bars.length, norm ? 16 : 0);
  const { plot } = L;
  x.range([plot.x0, plot.x1]);
  y.range([plot.y1, plot.y0]);
  const color = new Map(legend.map((l) => [l.key, l.color]));

  let body = renderYAxis(yAxis, (v) => y(v as number), plot, L.yTitleX);
  body += `<g class="marks">`;
  bars.forEach((b, bi) => {
    const total = totals[bi];
    let acc = 0;
    const bx = x(b.label)!;
    const bw = x.bandwidth();
    for (const k of keys) {
      const raw = b.values[k] ?? 0;
      if (raw <= 0 && !input.keepEmpty) continue;
      const v = norm ? (total > 0 ? (raw / total) * 100 : 0) : raw;
      const yTop = y(acc + v);
      const yBot = y(acc);
      acc += v;
      const label = input.stackLabels?.[k] ?? k;
      const share = total > 0 ? ` (${((raw / total) * 100).toFixed(1)} %)` : "";
      body +=
        `<rect class="mark bar-segment" data-series="${escapeXml(k)}" data-bar="${escapeXml(b.label)}" ` +
        `x="${coord(bx)}" y="${coord(yTop)}" width="${coord(bw)}" height="${coord(Math.max(0, yBot - yTop))}" ` +
        `fill="${color.get(k)}" stroke="white" stroke-width="0.75">` +
        `<title>${escapeXml(`${b.label} · ${label}: ${formatQuantity(raw, input.yUnit)}${share}`)}</title></rect>`;
    }
    const totalText = formatQuantity(total, input.yUnit);
    if (!norm || input.yUnit) body += `<text class="bar-total" x="${coord(bx + bw / 2)}" y="${coord(y(norm ? 100 : acc) - 5)}" text-anchor="middle" fill="${INK}" font-size="11">${escapeXml(totalText)}</text>`;
  });
  body += `</g>`;
  body += renderXAxis(xAxis, (v) => x(v as string)! + x.bandwidth() / 2, plot, L.rotateX, L.xTitleY, L.xLabelLines);
  body += renderLegend(legend, L);
  return svgFrame("stacked-bars", input, L, body);
}
