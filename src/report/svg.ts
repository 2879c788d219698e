// The small SVG kit every chart is built from: text measurement (estimated, no DOM), axes drawn from a
// d3 scale's ticks, a legend, and the standalone <svg> frame. Output is plain text and deterministic.
import { precisionFixed, type ScaleBand, type ScaleLinear, type ScaleLogarithmic } from "d3";
import { commonPrefix, coord, escapeXml, formatNumber } from "./format.ts";
import { GRID, INK, type MarkerShape } from "./palette.ts";

export const FONT_FAMILY = "Helvetica, Arial, DejaVu Sans, Liberation Sans, sans-serif";
export const FONT_TICK = 12;
export const FONT_AXIS_TITLE = 13;
export const FONT_TITLE = 15;
export const FONT_LEGEND = 12;

/** Estimated rendered width of `text` in a sans-serif face (no DOM available; errs on the wide side). */
export function textWidth(text: string, fontSize: number): number {
  let w = 0;
  for (const ch of text) {
    if ("il.,:;|!'I1 ".includes(ch)) w += 0.32;
    else if ("mwMW@%".includes(ch)) w += 0.9;
    else if (ch >= "A" && ch <= "Z") w += 0.68;
    else w += 0.58;
  }
  return w * fontSize;
}

/** Greedy word wrap by estimated width. */
export function wrapText(text: string, maxWidth: number, fontSize: number): string[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    const next = cur ? `${cur} ${w}` : w;
    if (cur && textWidth(next, fontSize) > maxWidth) {
      lines.push(cur);
      cur = w;
    } else cur = next;
  }
  if (cur) lines.push(cur);
  return lines.length > 0 ? lines : [""];
}

/** Shorten to an estimated width, ending with an ellipsis. */
export function truncate(text: string, maxWidth: number, fontSize: number): string {
  if (textWidth(text, fontSize) <= maxWidth) return text;
  let s = text;
  while (s.length > 1 && textWidth(s + "…", fontSize) > maxWidth) s = s.slice(0, -1);
  return s + "…";
}

// ---------------------------------------------------------------------------------------------
// Axes

export interface AxisTick {
  readonly value: number | string;
  readonly label: string;
}

export interface AxisModel {
  readonly ticks: readonly AxisTick[];
  /** Axis title with the unit in parentheses, e.g. "Energy (mJ)". */
  readonly title: string;
  /** Multiply data values by this before placing them against the tick labels (SI prefix). */
  readonly factor: number;
}

export function axisTitle(label: string, unit: string | undefined): string {
  return unit ? `${label} (${unit})` : label;
}

/** Ticks of a linear scale, labelled with one common SI prefix and a fixed number of decimals. */
export function linearAxis(scale: ScaleLinear<number, number>, label: string, unit: string | undefined, count = 6): AxisModel {
  const values = scale.ticks(count);
  const [d0, d1] = scale.domain();
  const { factor, unitLabel } = commonPrefix([d0, d1, ...values], unit);
  const step = values.length > 1 ? Math.abs(values[1] - values[0]) * factor : Math.abs(d1 - d0) * factor || 1;
  const decimals = Math.min(12, precisionFixed(step));
  const ticks = values.map((v) => ({ value: v, label: fixedLabel(v * factor, decimals) }));
  return { ticks, title: axisTitle(label, unitLabel), factor };
}

function fixedLabel(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  const clean = /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
  return clean.replace(/^-/, "−");
}

/** Ticks of a log scale: all d3 ticks drawn, only the ones d3 would label get a label (1, 2, 5 x 10^k
 *  when crowded); base-2 scales label every power of two. Labels print the value itself (no prefix). */
export function logAxis(scale: ScaleLogarithmic<number, number>, label: string, unit: string | undefined, count = 8): AxisModel {
  const values = scale.ticks(count);
  const base = scale.base();
  const [d0, d1] = scale.domain();
  const decades = Math.abs(Math.log10(d1 / d0));
  const mantissas = decades < 1.2 ? [1, 2, 3, 5] : decades <= 3 ? [1, 2, 5] : [1];
  const ticks = values.map((v) => {
    let shown = true;
    if (base === 10) {
      const m = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
      shown = mantissas.some((k) => Math.abs(m - k) < 1e-6);
    }
    return { value: v, label: shown ? logLabel(v) : "" };
  });
  return { ticks, title: axisTitle(label, unit), factor: 1 };
}

function logLabel(v: number): string {
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e5) return String(v);
  if (a >= 1e-3 && a < 1e6) return formatNumber(Number(v.toPrecision(6)), 3);
  const e = Math.round(Math.log10(a));
  const m = v / 10 ** e;
  return Math.abs(m - 1) < 1e-9 ? `1e${e}` : v.toExponential(1).replace("e+", "e");
}

/** One tick per category of a band scale. */
export function bandAxis(scale: ScaleBand<string>, label: string, labels?: Readonly<Record<string, string>>): AxisModel {
  return {
    ticks: scale.domain().map((c) => ({ value: c, label: labels?.[c] ?? c })),
    title: label,
    factor: 1,
  };
}

export interface PlotRect {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number; // top
  readonly y1: number; // bottom
}

/** Bottom axis. `pos` maps a tick value to x. `rotate` tilts crowded category labels. */
export function renderXAxis(
  axis: AxisModel,
  pos: (v: number | string) => number,
  plot: PlotRect,
  rotate: boolean,
  titleY: number,
  lines?: ReadonlyMap<string, readonly string[]>,
): string {
  let s = `<g class="axis x" transform="translate(0,${coord(plot.y1)})" fill="none" font-size="${FONT_TICK}" text-anchor="middle">`;
  s += `<path class="domain" stroke="${INK}" d="M${coord(plot.x0)},0H${coord(plot.x1)}"/>`;
  for (const t of axis.ticks) {
    const x = pos(t.value);
    if (!Number.isFinite(x)) continue;
    const major = t.label !== "";
    s += `<g class="tick" transform="translate(${coord(x)},0)">`;
    s += `<line stroke="${INK}" y2="${major ? 5 : 3}"/>`;
    if (major) {
      const ls = lines?.get(String(t.value));
      if (ls && ls.length > 1) {
        s += `<text fill="${INK}" y="8" dy="0.71em">`;
        ls.forEach((l, i) => (s += `<tspan x="0"${i > 0 ? ` dy="${FONT_TICK + 2}"` : ""}>${escapeXml(l)}</tspan>`));
        s += `<title>${escapeXml(t.label)}</title></text>`;
      } else {
        s += rotate
          ? `<text fill="${INK}" transform="translate(0,9) rotate(-35)" text-anchor="end" dy="0.71em">${escapeXml(t.label)}</text>`
          : `<text fill="${INK}" y="8" dy="0.71em">${escapeXml(t.label)}</text>`;
      }
    }
    s += `</g>`;
  }
  if (axis.title) s += `<text class="axis-title" fill="${INK}" font-size="${FONT_AXIS_TITLE}" x="${coord((plot.x0 + plot.x1) / 2)}" y="${coord(titleY - plot.y1)}">${escapeXml(axis.title)}</text>`;
  return s + `</g>`;
}

/** Left axis with horizontal grid lines across the plot. */
export function renderYAxis(axis: AxisModel, pos: (v: number | string) => number, plot: PlotRect, titleX: number, grid = true): string {
  let g = "";
  let s = `<g class="axis y" transform="translate(${coord(plot.x0)},0)" fill="none" font-size="${FONT_TICK}" text-anchor="end">`;
  s += `<path class="domain" stroke="${INK}" d="M0,${coord(plot.y0)}V${coord(plot.y1)}"/>`;
  for (const t of axis.ticks) {
    const y = pos(t.value);
    if (!Number.isFinite(y)) continue;
    const major = t.label !== "";
    if (grid && major) g += `<line class="grid" stroke="${GRID}" x1="${coord(plot.x0)}" x2="${coord(plot.x1)}" y1="${coord(y)}" y2="${coord(y)}"/>`;
    s += `<g class="tick" transform="translate(0,${coord(y)})">`;
    s += `<line stroke="${INK}" x2="${major ? -5 : -3}"/>`;
    if (major) s += `<text fill="${INK}" x="-8" dy="0.32em">${escapeXml(t.label)}</text>`;
    s += `</g>`;
  }
  const cy = (plot.y0 + plot.y1) / 2;
  s += `<text class="axis-title" fill="${INK}" font-size="${FONT_AXIS_TITLE}" text-anchor="middle" transform="translate(${coord(titleX - plot.x0)},${coord(cy)}) rotate(-90)">${escapeXml(axis.title)}</text>`;
  s += `</g>`;
  return (g ? `<g class="grid">${g}</g>` : "") + s;
}

/** Widest tick label of an axis (estimated). */
export function maxTickWidth(axis: AxisModel): number {
  let w = 0;
  for (const t of axis.ticks) w = Math.max(w, textWidth(t.label, FONT_TICK));
  return w;
}

// ---------------------------------------------------------------------------------------------
// Legend

export interface LegendItem {
  readonly key: string;
  readonly label: string;
  readonly color: string;
  readonly symbol: "swatch" | "line" | "dashed" | "point" | "hollow" | "note";
  readonly marker?: MarkerShape;
}

const LEGEND_ROW = 18;
const LEGEND_SYMBOL = 22;
const LEGEND_MAX_LABEL = 200;

export function legendSize(items: readonly LegendItem[]): { readonly width: number; readonly height: number } {
  if (items.length === 0) return { width: 0, height: 0 };
  let w = 0;
  for (const it of items) w = Math.max(w, Math.min(LEGEND_MAX_LABEL, textWidth(it.label, FONT_LEGEND)));
  return { width: LEGEND_SYMBOL + 6 + w, height: items.length * LEGEND_ROW };
}

function labelOffset(it: LegendItem): number {
  return it.symbol === "note" ? 0 : it.symbol === "swatch" || it.symbol === "point" || it.symbol === "hollow" ? 20 : LEGEND_SYMBOL + 6;
}

/** Draw the legend items at the positions the layout chose (right column or rows under the plot). */
export function renderLegend(items: readonly LegendItem[], layout: Pick<Layout, "legendPos">): string {
  if (items.length === 0) return "";
  let s = `<g class="legend" font-size="${FONT_LEGEND}">`;
  items.forEach((it, i) => {
    const p = layout.legendPos[i];
    const at = ` transform="translate(${coord(p.x)},${coord(p.y)})"`;
    s += it.symbol === "note" ? `<g class="legend-note"${at}>` : `<g class="legend-item" data-series="${escapeXml(it.key)}"${at}>`;
    switch (it.symbol) {
      case "swatch":
        s += `<rect x="0" y="-6" width="14" height="12" fill="${it.color}" stroke="${INK}" stroke-width="0.5"/>`;
        break;
      case "line":
      case "dashed":
        s += `<line x1="0" x2="${LEGEND_SYMBOL}" y1="0" y2="0" stroke="${it.color}" stroke-width="2"${it.symbol === "dashed" ? ` stroke-dasharray="6,4"` : ""}/>`;
        if (it.marker) s += marker(it.marker, LEGEND_SYMBOL / 2, 0, it.color, 3.5);
        break;
      case "point":
        s += marker(it.marker ?? "circle", 7, 0, it.color, 4);
        break;
      case "note":
        break;
      case "hollow":
        s += `<circle cx="7" cy="0" r="3.5" fill="white" stroke="${it.color}" stroke-width="1.2"/>`;
        break;
    }
    const label = truncate(it.label, LEGEND_MAX_LABEL, FONT_LEGEND);
    const fill = it.symbol === "note" ? it.color : INK;
    s += `<text x="${labelOffset(it)}" y="0" dy="0.32em" fill="${fill}">${escapeXml(label)}`;
    if (label !== it.label) s += `<title>${escapeXml(it.label)}</title>`;
    s += `</text></g>`;
  });
  return s + `</g>`;
}

/** A point marker path/element centred at (x, y). `extra` is appended inside the element (attributes). */
export function marker(shape: MarkerShape, x: number, y: number, color: string, r: number, extra = ""): string {
  const X = coord(x), Y = coord(y);
  switch (shape) {
    case "circle":
      return `<circle cx="${X}" cy="${Y}" r="${coord(r)}" fill="${color}"${extra}/>`;
    case "square":
      return `<rect x="${coord(x - r * 0.9)}" y="${coord(y - r * 0.9)}" width="${coord(r * 1.8)}" height="${coord(r * 1.8)}" fill="${color}"${extra}/>`;
    case "triangle":
      return `<path d="M${X},${coord(y - r * 1.15)}L${coord(x + r)},${coord(y + r * 0.75)}L${coord(x - r)},${coord(y + r * 0.75)}Z" fill="${color}"${extra}/>`;
    case "triangle-down":
      return `<path d="M${X},${coord(y + r * 1.15)}L${coord(x + r)},${coord(y - r * 0.75)}L${coord(x - r)},${coord(y - r * 0.75)}Z" fill="${color}"${extra}/>`;
    case "diamond":
      return `<path d="M${X},${coord(y - r * 1.25)}L${coord(x + r)},${Y}L${X},${coord(y + r * 1.25)}L${coord(x - r)},${Y}Z" fill="${color}"${extra}/>`;
    case "cross":
      return `<path d="M${coord(x - r)},${coord(y - r)}L${coord(x + r)},${coord(y + r)}M${coord(x - r)},${coord(y + r)}L${coord(x + r)},${coord(y - r)}" stroke="${color}" stroke-width="2" fill="none"${extra}/>`;
  }
}

// ---------------------------------------------------------------------------------------------
// Frame and layout

export interface ChartCommon {
  readonly title: string;
  /** Longer description for screen readers (<desc>). */
  readonly description?: string;
  /** Pixel size of the standalone SVG (default 640 x 380). At 640 px the 12 px tick labels print at about
   *  9 pt on a 7-inch two-column-wide figure; for a 3.4-inch single column use width 400 (about 7 pt). */
  readonly width?: number;
  readonly height?: number;
  /** Legend beside the plot or in rows under it (default: beside when width >= 520 px, else under). */
  readonly legend?: "right" | "bottom";
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly plot: PlotRect;
  readonly titleLines: readonly string[];
  readonly rotateX: boolean;
  /** Band labels split over two lines (instead of rotating), by tick value. */
  readonly xLabelLines?: ReadonlyMap<string, readonly string[]>;
  readonly xTitleY: number;
  readonly yTitleX: number;
  /** Legend item anchors: x of the symbol's left edge, y of the row's centre. */
  readonly legendPos: readonly { readonly x: number; readonly y: number }[];
  /** Where the legend went. */
  readonly legendPlacement: "right" | "bottom";
}

/** Place title, plot, axes and legend. `xCategoryWidth` (band axes) decides whether x labels tilt. */
export function layoutChart(
  common: ChartCommon,
  xAxis: AxisModel,
  yAxis: AxisModel,
  legend: readonly LegendItem[],
  xBandCount = 0,
  extraTop = 0,
): Layout {
  const width = common.width ?? 640;
  let height = common.height ?? 380;
  const titleLines = wrapText(common.title, width - 24, FONT_TITLE);
  const top = 14 + titleLines.length * (FONT_TITLE + 4) + 10 + extraTop;
  const ls = legendSize(legend);
  const below = (common.legend ?? (width < 520 ? "bottom" : "right")) === "bottom";
  // Rows of legend items under the plot (narrow, single-column figures).
  const flow: { dx: number; row: number }[] = [];
  if (below) {
    let dx = 0;
    let row = 0;
    for (const it of legend) {
      const w = labelOffset(it) + Math.min(LEGEND_MAX_LABEL, textWidth(it.label, FONT_LEGEND)) + 18;
      if (dx > 0 && dx + w > width - 24) {
        row++;
        dx = 0;
      }
      flow.push({ dx, row });
      dx += w;
    }
  }
  const legendRows = below && legend.length > 0 ? flow[flow.length - 1].row + 1 : 0;
  const right = below || ls.width === 0 ? 20 : ls.width + 28;
  const left = 14 + FONT_AXIS_TITLE + 10 + maxTickWidth(yAxis) + 10;
  const x0 = left;
  const x1 = width - right;
  let rotateX = false;
  let xLabelLines: Map<string, string[]> | undefined;
  let labelBlock = FONT_TICK + 10;
  if (xBandCount > 0) {
    const band = (x1 - x0) / xBandCount;
    const widest = Math.max(0, ...xAxis.ticks.map((t) => textWidth(t.label, FONT_TICK)));
    if (widest > band - 6) {
      // First try two lines per label (split at " · " or spaces); rotate only if that is not enough.
      const wrapped = new Map<string, string[]>();
      let ok = true;
      for (const t of xAxis.ticks) {
        const lines = t.label.includes(" · ") ? t.label.split(" · ") : wrapText(t.label, band - 6, FONT_TICK);
        if (lines.length > 2 || lines.some((l) => textWidth(l, FONT_TICK) > band - 6)) ok = false;
        wrapped.set(String(t.value), lines);
      }
      if (ok) {
        xLabelLines = wrapped;
        labelBlock = FONT_TICK * 2 + 14;
      } else {
        rotateX = true;
        labelBlock = 14 + widest * Math.sin((35 * Math.PI) / 180) + FONT_TICK * 0.9;
      }
    }
  }
  const hasXTitle = xAxis.title !== "";
  const axisBlock = labelBlock + (hasXTitle ? FONT_AXIS_TITLE + 16 : 8);
  const bottom = axisBlock + (legendRows > 0 ? legendRows * LEGEND_ROW + 6 : 0);
  // Grow the figure when a right-hand legend is taller than the plot would be.
  const minPlot = below ? 120 : Math.max(140, ls.height + 4);
  if (height - top - bottom < minPlot) height = top + bottom + minPlot;
  const plot: PlotRect = { x0, x1, y0: top, y1: height - bottom };
  return {
    width,
    height,
    plot,
    titleLines,
    rotateX,
    ...(xLabelLines ? { xLabelLines } : {}),
    xTitleY: plot.y1 + labelBlock + FONT_AXIS_TITLE + 2,
    yTitleX: 14 + FONT_AXIS_TITLE / 2 + 2,
    legendPos: below
      ? flow.map((f) => ({ x: 12 + f.dx, y: plot.y1 + axisBlock + f.row * LEGEND_ROW + LEGEND_ROW / 2 }))
      : legend.map((_, i) => ({ x: x1 + 18, y: top + i * LEGEND_ROW + LEGEND_ROW / 2 })),
    legendPlacement: below ? "bottom" : "right",
  };
}

/** Drop labels from numeric x ticks that would overlap their neighbour (keeps first and every n-th). */
export function thinXTicks(axis: AxisModel, pos: (v: number | string) => number): AxisModel {
  const labelled = axis.ticks.filter((t) => t.label !== "");
  if (labelled.length < 3) return axis;
  let minGap = Infinity;
  let maxW = 0;
  for (let i = 1; i < labelled.length; i++) minGap = Math.min(minGap, Math.abs(pos(labelled[i].value) - pos(labelled[i - 1].value)));
  for (const t of labelled) maxW = Math.max(maxW, textWidth(t.label, FONT_TICK));
  if (minGap >= maxW + 6) return axis;
  const every = Math.ceil((maxW + 6) / minGap);
  let k = 0;
  const ticks = axis.ticks.map((t) => {
    if (t.label === "") return t;
    const keep = k++ % every === 0;
    return keep ? t : { value: t.value, label: "" };
  });
  return { ...axis, ticks };
}

/** Wrap chart body into a standalone SVG document with <title>, <desc>, background and visible title. */
export function svgFrame(kind: string, common: ChartCommon, layout: Layout, body: string): string {
  const { width, height } = layout;
  let s =
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-${kind}" width="${width}" height="${coord(height)}" ` +
    `viewBox="0 0 ${width} ${coord(height)}" role="img" font-family="${FONT_FAMILY}" font-size="${FONT_TICK}">`;
  s += `<title>${escapeXml(common.title)}</title>`;
  if (common.description) s += `<desc>${escapeXml(common.description)}</desc>`;
  s += `<rect class="background" width="100%" height="100%" fill="white"/>`;
  s += `<text class="chart-title" x="12" y="${14 + FONT_TITLE}" font-size="${FONT_TITLE}" font-weight="bold" fill="${INK}">`;
  layout.titleLines.forEach((line, i) => {
    s += i === 0 ? `<tspan x="12">${escapeXml(line)}</tspan>` : `<tspan x="12" dy="${FONT_TITLE + 4}">${escapeXml(line)}</tspan>`;
  });
  s += `</text>`;
  s += body;
  return s + `</svg>`;
}

/** A horizontal reference line across the plot at y = `y` (e.g. y = 1 on a speed-up chart: no speed-up). */
export function renderYRule(y: number, plot: PlotRect): string {
  return `<line class="y-rule" x1="${coord(plot.x0)}" x2="${coord(plot.x1)}" y1="${coord(y)}" y2="${coord(y)}" stroke="${INK}" stroke-width="1" stroke-dasharray="2,3"/>`;
}

/** The legend note that explains a y rule. */
export const yRuleNote = (value: number, label?: string): LegendItem => ({ key: "y-rule", label: label ?? `dotted: y = ${value}`, color: INK, symbol: "note" });
