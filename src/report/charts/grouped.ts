// Grouped bars: one group per case (context length), one bar per series (hybrid, baseline).
// Linear (from zero) or log y, for quantities that differ by orders of magnitude (tokens/s).
import { scaleBand } from "d3";
import { compactNumber, coord, escapeXml, formatQuantity } from "../format.ts";
import { LINE_PALETTE, seriesColor } from "../palette.ts";
import {
  bandAxis, layoutChart, renderLegend, renderXAxis, renderYAxis, renderYRule, svgFrame, yRuleNote,
  type ChartCommon, type LegendItem,
} from "../svg.ts";
import { numericScale, type ScaleKind } from "./scales.ts";
import { fail, requireFinite, requireNonEmpty, requireUniqueKeys } from "./validate.ts";

export interface BarGroup {
  readonly label: string;
  readonly values: Readonly<Record<string, number>>;
}

export interface GroupedBarInput extends ChartCommon {
  readonly groups: readonly BarGroup[];
  readonly seriesKeys: readonly string[];
  readonly seriesLabels?: Readonly<Record<string, string>>;
  readonly colors?: Readonly<Record<string, string>>;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly yUnit?: string;
  readonly yScale?: ScaleKind;
  /** A dotted horizontal line at this y (y = 1 on gain charts), kept inside the y range. */
  readonly yRule?: number;
  readonly yRuleLabel?: string;
  /** Print each bar's value above it (default true when there are at most 16 bars). */
  readonly valueLabels?: boolean;
}

export function groupedBarChart(input: GroupedBarInput): string {
  const groups = requireNonEmpty(input.groups, "groupedBarChart.groups");
  const keys = requireNonEmpty(input.seriesKeys, "groupedBarChart.seriesKeys");
  requireUniqueKeys(keys, "groupedBarChart.seriesKeys");
  requireUniqueKeys(groups.map((g) => g.label), "groupedBarChart.groups[].label");
  const log = input.yScale === "log";
  const vals: number[] = [];
  groups.forEach((g, i) =>
    keys.forEach((k) => {
      const v = g.values[k];
      if (v === undefined) return;
      requireFinite(v, `groupedBarChart.groups[${i}].values.${k}`);
      if (!log && v < 0) fail(`groupedBarChart.groups[${i}].values.${k}`, `must be >= 0 (got ${v})`);
      vals.push(v);
    }),
  );
  if (vals.length === 0) fail("groupedBarChart.groups", "no values for any series key");
  if (input.yRule !== undefined) vals.push(requireFinite(input.yRule, "groupedBarChart.yRule"));
  const x0 = scaleBand<string>().domain(groups.map((g) => g.label)).paddingInner(0.25).paddingOuter(0.15);
  const x1 = scaleBand<string>().domain(keys as string[]).padding(0.08);
  const Y = numericScale(vals, input.yLabel, input.yUnit, log ? { kind: "log" } : { zero: true, pad: 0.08 }, "groupedBarChart.groups[].values");
  const xAxis = bandAxis(x0, input.xLabel);
  const legend: LegendItem[] = keys.map((k, i) => ({
    key: k,
    label: input.seriesLabels?.[k] ?? k,
    color: seriesColor(k, i, input.colors, LINE_PALETTE),
    symbol: "swatch" as const,
  }));
  if (input.yRule !== undefined) legend.push(yRuleNote(input.yRule, input.yRuleLabel));
  const L = layoutChart(input, xAxis, Y.axis, legend, groups.length);
  const { plot } = L;
  x0.range([plot.x0, plot.x1]);
  x1.range([0, x0.bandwidth()]);
  Y.scale.range([plot.y1, plot.y0]);
  const base = log ? Y.scale.domain()[0] : 0;
  const showValues = input.valueLabels ?? groups.length * keys.length <= 16;

  let body = renderYAxis(Y.axis, (v) => Y.scale(v as number), plot, L.yTitleX);
  body += `<g class="marks">`;
  for (const g of groups) {
    for (const [i, k] of keys.entries()) {
      const v = g.values[k];
      if (v === undefined) continue;
      const bx = x0(g.label)! + x1(k)!;
      const bw = x1.bandwidth();
      const yv = Y.scale(v);
      const yb = Y.scale(base);
      const label = input.seriesLabels?.[k] ?? k;
      body +=
        `<rect class="mark bar" data-series="${escapeXml(k)}" data-group="${escapeXml(g.label)}" x="${coord(bx)}" y="${coord(Math.min(yv, yb))}" ` +
        `width="${coord(bw)}" height="${coord(Math.abs(yb - yv))}" fill="${legend[i].color}">` +
        `<title>${escapeXml(`${g.label} · ${label}: ${formatQuantity(v, input.yUnit)}`)}</title></rect>`;
      if (showValues) {
        body += `<text class="bar-value" x="${coord(bx + bw / 2)}" y="${coord(Math.min(yv, yb) - 4)}" text-anchor="middle" font-size="10" fill="#222222">${escapeXml(compactNumber(v))}</text>`;
      }
    }
  }
  body += `</g>`;
  if (input.yRule !== undefined) body += renderYRule(Y.scale(input.yRule), plot);
  body += renderXAxis(xAxis, (v) => x0(v as string)! + x0.bandwidth() / 2, plot, L.rotateX, L.xTitleY, L.xLabelLines);
  body += renderLegend(legend, L);
  return svgFrame("grouped-bars", input, L, body);
}
