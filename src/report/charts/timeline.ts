// Timeline (Gantt) of slices per unit, e.g. one decode step from a trace. Time is integer picoseconds
// in the input and shown with an SI prefix (ns, µs) on the axis, relative to the earliest slice.
import { scaleBand, scaleLinear } from "d3";
import { coord, escapeXml, formatQuantity } from "../format.ts";
import { CATEGORY_PALETTE, OP_CLASS_COLORS, seriesColor } from "../palette.ts";
import {
  bandAxis, layoutChart, linearAxis, renderLegend, renderXAxis, renderYAxis, svgFrame, textWidth, thinXTicks,
  type ChartCommon, type LegendItem,
} from "../svg.ts";
import { fail, requireFinite, requireNonEmpty } from "./validate.ts";

export interface TimelineSlice {
  /** Unit / lane, e.g. "tile[3]", "systolic0", "dram". */
  readonly track: string;
  readonly name: string;
  readonly startPs: number;
  readonly durPs: number;
  /** Colour group (op class, op kind); defaults to the track. */
  readonly category?: string;
}

export interface TimelineInput extends ChartCommon {
  readonly slices: readonly TimelineSlice[];
  /** Track order top to bottom (default: first appearance). */
  readonly tracks?: readonly string[];
  readonly categoryLabels?: Readonly<Record<string, string>>;
  readonly colors?: Readonly<Record<string, string>>;
  readonly xLabel?: string;
  /** Overlapping slices of one track (a unit with capacity > 1) are packed into up to this many sub-lanes (default 4). */
  readonly maxLanes?: number;
}

/** Greedy interval partitioning per track: lane index of each slice and lane count per track. */
export function packLanes(slices: readonly TimelineSlice[], maxLanes: number): { readonly lane: Int32Array; readonly lanes: Map<string, number> } {
  const lane = new Int32Array(slices.length);
  const lanes = new Map<string, number>();
  const byTrack = new Map<string, number[]>();
  slices.forEach((s, i) => byTrack.set(s.track, [...(byTrack.get(s.track) ?? []), i]));
  for (const [track, idx] of byTrack) {
    idx.sort((a, b) => slices[a].startPs - slices[b].startPs || a - b);
    const ends: number[] = [];
    for (const i of idx) {
      const s = slices[i];
      let l = ends.findIndex((e) => e <= s.startPs);
      if (l < 0 && ends.length < maxLanes) l = ends.push(0) - 1;
      if (l < 0) l = ends.indexOf(Math.min(...ends)); // full: overlay on the lane that frees first
      ends[l] = Math.max(ends[l], s.startPs + s.durPs);
      lane[i] = l;
    }
    lanes.set(track, Math.max(1, ends.length));
  }
  return { lane, lanes };
}

export function timelineChart(input: TimelineInput): string {
  const slices = requireNonEmpty(input.slices, "timelineChart.slices");
  let t0 = Infinity;
  let t1 = -Infinity;
  slices.forEach((s, i) => {
    const st = requireFinite(s.startPs, `timelineChart.slices[${i}].startPs`);
    const d = requireFinite(s.durPs, `timelineChart.slices[${i}].durPs`);
    if (d < 0) fail(`timelineChart.slices[${i}].durPs`, `must be >= 0 (got ${d})`);
    t0 = Math.min(t0, st);
    t1 = Math.max(t1, st + d);
  });
  const tracks: string[] = input.tracks ? [...input.tracks] : [];
  if (!input.tracks) for (const s of slices) if (!tracks.includes(s.track)) tracks.push(s.track);
  slices.forEach((s, i) => {
    if (!tracks.includes(s.track)) fail(`timelineChart.slices[${i}].track`, `"${s.track}" is not in tracks`);
  });
  const cats: string[] = [];
  for (const s of slices) {
    const c = s.category ?? s.track;
    if (!cats.includes(c)) cats.push(c);
  }
  const defaults: Readonly<Record<string, string>> = { ...OP_CLASS_COLORS, ...input.colors };
  const legend: LegendItem[] = cats.map((c, i) => ({
    key: c,
    label: input.categoryLabels?.[c] ?? c,
    color: seriesColor(c, i, defaults, CATEGORY_PALETTE),
    symbol: "swatch" as const,
  }));
  const color = new Map(legend.map((l) => [l.key, l.color]));
  const spanS = Math.max(t1 - t0, 1) * 1e-12;
  const x = scaleLinear().domain([0, spanS]).nice();
  const xAxis = linearAxis(x, input.xLabel ?? "Time from start", "s", 8);
  const y = scaleBand<string>().domain(tracks).paddingInner(0.2).paddingOuter(0.1);
  const yAxis = bandAxis(y, "");
  const common = { ...input, height: input.height ?? Math.max(240, 150 + tracks.length * 26) };
  const L = layoutChart(common, xAxis, yAxis, legend);
  const { plot } = L;
  x.range([plot.x0, plot.x1]);
  y.range([plot.y0, plot.y1]);

  let body = renderYAxis(yAxis, (v) => y(v as string)! + y.bandwidth() / 2, plot, L.yTitleX, false);
  body += `<g class="marks">`;
  const { lane, lanes } = packLanes(slices, Math.max(1, input.maxLanes ?? 4));
  const order = slices.map((_, i) => i).sort((a, b) => slices[a].startPs - slices[b].startPs || slices[a].track.localeCompare(slices[b].track) || a - b);
  for (const i of order) {
    const s = slices[i];
    const c = s.category ?? s.track;
    const xs = x((s.startPs - t0) * 1e-12);
    const w = Math.max(0.75, x((s.startPs - t0 + s.durPs) * 1e-12) - xs);
    const n = lanes.get(s.track)!;
    const h = y.bandwidth() / n;
    const yy = y(s.track)! + lane[i] * h;
    body +=
      `<rect class="mark slice" data-series="${escapeXml(c)}" data-track="${escapeXml(s.track)}" x="${coord(xs)}" y="${coord(yy)}" ` +
      `width="${coord(w)}" height="${coord(h)}" fill="${color.get(c)}"${w > 3 ? ` stroke="white" stroke-width="0.5"` : ""}>` +
      `<title>${escapeXml(`${s.track} · ${s.name}: ${formatQuantity(s.durPs * 1e-12, "s")} at +${formatQuantity((s.startPs - t0) * 1e-12, "s")}`)}</title></rect>`;
    const fs = Math.min(11, h - 4);
    if (fs >= 8 && textWidth(s.name, fs) + 6 <= w) {
      body += `<text class="slice-label" x="${coord(xs + 3)}" y="${coord(yy + h / 2)}" dy="0.32em" font-size="${fs}" fill="${textOn(color.get(c)!)}" pointer-events="none">${escapeXml(s.name)}</text>`;
    }
  }
  body += `</g>`;
  body += renderXAxis(thinXTicks(xAxis, (v) => x(v as number)), (v) => x(v as number), plot, false, L.xTitleY);
  body += renderLegend(legend, L);
  return svgFrame("timeline", common, L, body);
}

/** Black or white text, whichever reads better on `hex` (WCAG relative luminance). */
export function textOn(hex: string): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return "#000000";
  const n = parseInt(m[1], 16);
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const Lum = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return Lum > 0.35 ? "#000000" : "#FFFFFF";
}
