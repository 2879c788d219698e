// Scatter of design points on two objectives with the Pareto front highlighted and joined.
import { line as d3line } from "d3";
import { paretoFront } from "../../dse/pareto.ts";
import { coord, escapeXml, formatQuantity } from "../format.ts";
import { INK, LINE_PALETTE, MUTED } from "../palette.ts";
import {
  layoutChart, renderLegend, renderXAxis, renderYAxis, svgFrame, thinXTicks,
  type ChartCommon, type LegendItem,
} from "../svg.ts";
import { numericScale, type ScaleOptions } from "./scales.ts";
import { requireFinite, requireNonEmpty } from "./validate.ts";

export type Direction = "min" | "max";

export interface ScatterPoint {
  readonly x: number;
  readonly y: number;
  /** Shown in the tooltip (design point name or parameters). */
  readonly label?: string;
}

export interface ParetoInput extends ChartCommon {
  readonly points: readonly ScatterPoint[];
  readonly xLabel: string;
  readonly xUnit?: string;
  readonly yLabel: string;
  readonly yUnit?: string;
  /** Which way each objective improves (default: minimise x, maximise y). */
  readonly xDirection?: Direction;
  readonly yDirection?: Direction;
  readonly x?: ScaleOptions;
  readonly y?: ScaleOptions;
  /** Print the labels of front points next to them (default false). */
  readonly labelFront?: boolean;
}

/** Indices of the non-dominated points (a point is dominated when another is at least as good in both
 *  objectives and better in one; exact duplicates are all kept): the one Pareto front, src/dse/pareto.ts. */
export function paretoFrontIndices(points: readonly ScatterPoint[], xDir: Direction = "min", yDir: Direction = "max"): number[] {
  const rows = points.map((p, i) => ({ i, metrics: { x: p.x, y: p.y } }));
  return paretoFront(rows, [{ key: "x", goal: xDir }, { key: "y", goal: yDir }]).map((r) => r.i);
}

export function paretoChart(input: ParetoInput): string {
  const points = requireNonEmpty(input.points, "paretoChart.points");
  points.forEach((p, i) => {
    requireFinite(p.x, `paretoChart.points[${i}].x`);
    requireFinite(p.y, `paretoChart.points[${i}].y`);
  });
  const xDir = input.xDirection ?? "min";
  const yDir = input.yDirection ?? "max";
  const frontIdx = paretoFrontIndices(points, xDir, yDir);
  const onFront = new Set(frontIdx);
  const X = numericScale(points.map((p) => p.x), input.xLabel, input.xUnit, { pad: 0.05, ...input.x }, "paretoChart.points[].x");
  const Y = numericScale(points.map((p) => p.y), input.yLabel, input.yUnit, { pad: 0.05, ...input.y }, "paretoChart.points[].y");
  const frontColor = LINE_PALETTE[1];
  const arrow = (d: Direction) => (d === "min" ? "lower is better" : "higher is better");
  const legend: LegendItem[] = [
    { key: "front", label: "Pareto front", color: frontColor, symbol: "line", marker: "circle" },
    { key: "dominated", label: "dominated", color: MUTED, symbol: "hollow" },
    { key: "note-x", label: `x: ${arrow(xDir)}`, color: MUTED, symbol: "note" },
    { key: "note-y", label: `y: ${arrow(yDir)}`, color: MUTED, symbol: "note" },
  ];
  const L = layoutChart(input, X.axis, Y.axis, legend);
  const { plot } = L;
  X.scale.range([plot.x0, plot.x1]);
  Y.scale.range([plot.y1, plot.y0]);
  const px = (p: ScatterPoint) => X.scale(p.x);
  const py = (p: ScatterPoint) => Y.scale(p.y);
  const tip = (p: ScatterPoint) =>
    `<title>${escapeXml(`${p.label ? p.label + ": " : ""}${formatQuantity(p.x, input.xUnit)}, ${formatQuantity(p.y, input.yUnit)}`)}</title>`;

  let body = renderYAxis(Y.axis, (v) => Y.scale(v as number), plot, L.yTitleX);
  body += `<g class="marks">`;
  points.forEach((p, i) => {
    if (onFront.has(i)) return;
    body += `<circle class="mark point dominated" data-series="dominated" cx="${coord(px(p))}" cy="${coord(py(p))}" r="3.5" fill="white" stroke="${MUTED}" stroke-width="1.2">${tip(p)}</circle>`;
  });
  const front = frontIdx.map((i) => points[i]).sort((a, b) => a.x - b.x || a.y - b.y);
  const path = d3line<ScatterPoint>().x(px).y(py).digits(2);
  body += `<path class="mark front-line" data-series="front" d="${path(front) ?? ""}" fill="none" stroke="${frontColor}" stroke-width="2"/>`;
  for (const p of front) {
    body += `<circle class="mark point front" data-series="front" cx="${coord(px(p))}" cy="${coord(py(p))}" r="4.5" fill="${frontColor}" stroke="${INK}" stroke-width="0.6">${tip(p)}</circle>`;
    if (input.labelFront && p.label) {
      body += `<text class="point-label" x="${coord(px(p) + 7)}" y="${coord(py(p) - 6)}" font-size="10" fill="${INK}">${escapeXml(p.label)}</text>`;
    }
  }
  body += `</g>`;
  body += renderXAxis(thinXTicks(X.axis, (v) => X.scale(v as number)), (v) => X.scale(v as number), plot, false, L.xTitleY);
  body += renderLegend(legend, L);
  return svgFrame("pareto", input, L, body);
}
