// The lifetime result as text, tables and a figure: quality vs time in service (log time axis) per policy, with
// the recalibrations and reprogrammings marked, the target as a dotted rule and the digital baseline dashed.
// Built from the report's chart blocks (src/report/svg.ts, charts/scales.ts).
import { line as d3line } from "d3";
import { numericScale } from "../report/charts/scales.ts";
import { coord, escapeXml } from "../report/format.ts";
import { LINE_PALETTE, MARKERS, MUTED, seriesColor } from "../report/palette.ts";
import { layoutChart, marker, renderLegend, renderXAxis, renderYAxis, renderYRule, svgFrame, thinXTicks, yRuleNote, type LegendItem } from "../report/svg.ts";
import type { ReportDoc, ReportSection } from "../report/doc.ts";
import type { Table } from "../report/table.ts";
import { textTable } from "../util/text-table.ts";
import type { LifetimeResult } from "./lifetime.ts";
import { formatDuration } from "./quality.ts";
import type { LifetimeOutcome } from "./simulate.ts";

/** Event marks drawn per policy (the counts in the tables are complete). */
const MAX_MARKS = 300;

const metricLabel = (r: LifetimeResult): string => (r.target.metric === "perplexity" ? "perplexity" : "top-1 agreement");

export function lifetimeChart(r: LifetimeResult): string {
  const xs: number[] = [];
  const ys: number[] = [r.target.value];
  for (const o of r.policies) for (const p of o.curve) if (p.quality !== null) (xs.push(p.tS), ys.push(p.quality));
  if (r.baseline) ys.push(r.baseline.quality);
  const t0 = Math.min(1, r.horizonS / 10);
  xs.push(t0, r.horizonS);
  const X = numericScale(xs, "time in service", "s", { kind: "log", domain: [t0, r.horizonS] }, "lifetime.curve[].tS");
  // perplexity spans decades as a chip drifts: log axis; agreement lies in [0, 1]: linear
  const Y = numericScale(ys, metricLabel(r), undefined, r.target.metric === "perplexity" ? { kind: "log" } : { pad: 0.05 }, "lifetime.curve[].quality");
  const colors = r.policies.map((o, i) => seriesColor(o.policy, i, undefined, LINE_PALETTE));
  const legend: LegendItem[] = r.policies.map((o, i) => ({ key: o.policy, label: `policy ${o.policy}`, color: colors[i]!, symbol: "line" as const }));
  if (r.baseline) legend.push({ key: "baseline", label: `digital ${r.baseline.chip}`, color: MUTED, symbol: "dashed" });
  legend.push({ key: "recal", label: "recalibration", color: MUTED, symbol: "point", marker: MARKERS[3] });
  legend.push({ key: "reprog", label: "reprogramming", color: MUTED, symbol: "point", marker: MARKERS[2] });
  legend.push(yRuleNote(r.target.value, `dotted: target ${r.target.text}`));
  const common = {
    title: `Quality in service: ${r.model} on ${r.chip}, ${r.loadTokensPerS} tokens/s`,
    description: `${metricLabel(r)} against time since deployment (log axis) for each maintenance policy; diamonds mark recalibrations, triangles reprogrammings`,
    width: 720,
    height: 420,
  };
  const L = layoutChart(common, X.axis, Y.axis, legend);
  const { plot } = L;
  X.scale.range([plot.x0, plot.x1]);
  Y.scale.range([plot.y1, plot.y0]);
  const px = (v: number): number => X.scale(Math.max(t0, v));
  const py = (v: number): number => Y.scale(v);
  let body = renderYAxis(Y.axis, (v) => py(v as number), plot, L.yTitleX);
  body += renderYRule(py(r.target.value), plot);
  body += `<g class="marks" fill="none">`;
  if (r.baseline) {
    const y = coord(py(r.baseline.quality));
    body += `<path class="mark line reference" data-series="baseline" d="M${coord(plot.x0)},${y}H${coord(plot.x1)}" stroke="${MUTED}" stroke-width="2" stroke-dasharray="6,4"/>`;
  }
  const path = d3line<{ tS: number; quality: number | null }>()
    .defined((p) => p.quality !== null)
    .x((p) => px(p.tS))
    .y((p) => py(p.quality ?? 0))
    .digits(2);
  r.policies.forEach((o, i) => {
    const key = escapeXml(o.policy);
    body += `<g class="series" data-series="${key}">`;
    body += `<path class="mark line" data-series="${key}" d="${path(o.curve as { tS: number; quality: number | null }[]) ?? ""}" stroke="${colors[i]}" stroke-width="2"/>`;
    // event marks on a strip per policy at the bottom of the plot
    const yStrip = plot.y1 - 8 - 10 * i;
    let n = 0;
    for (const e of o.events) {
      if (e.kind !== "recalibration" && e.kind !== "reprogramming") continue;
      if (n++ >= MAX_MARKS) break;
      const shape = e.kind === "recalibration" ? MARKERS[3] : MARKERS[2];
      body += marker(shape, px(e.atS), yStrip, colors[i]!, e.kind === "recalibration" ? 2.5 : 4, ` class="mark event ${e.kind}" data-series="${key}"`).replace(
        "/>",
        `><title>${escapeXml(`${o.policy}: ${e.kind} at ${formatDuration(e.atS)} (${formatDuration(e.tauS)} after programming)`)}</title></${shape === "diamond" || shape === "triangle" ? "path" : "circle"}>`,
      );
    }
    body += `</g>`;
  });
  body += `</g>`;
  body += renderXAxis(thinXTicks(X.axis, (v) => px(v as number)), (v) => px(v as number), plot, false, L.xTitleY);
  body += renderLegend(legend, L);
  return svgFrame("lifetime", common, L, body);
}

const rowOf = (label: string, o: LifetimeOutcome) => ({
  policy: label,
  recalibrations: o.recalibrations,
  reprogrammings: o.reprogrammings,
  availability: 100 * o.availability,
  downtime: o.downtimeS,
  inTarget: 100 * o.inTargetFraction,
  meets: o.meetsTarget ? "yes" : o.unreachable ? "unreachable" : "no",
  qualityMean: o.quality.mean,
  qualityWorst: o.quality.worst,
  inferenceJ: o.energy.inferenceJ,
  idleJ: o.energy.idleJ,
  recalJ: o.energy.recalibrationJ,
  reprogJ: o.energy.reprogrammingJ,
  totalJ: o.energy.totalJ,
  tokensPerJ: o.tokensPerJInTarget,
});

export function lifetimeTable(r: LifetimeResult): Table {
  const rows = r.policies.map((o) => rowOf(`${r.chip} ${o.policy}`, o));
  if (r.baseline) rows.push(rowOf(`${r.baseline.chip} (digital, no drift)`, r.baseline.outcome));
  const m = r.target.metric === "perplexity" ? "ppl" : "agreement";
  return {
    name: "lifetime",
    caption: `Over ${formatDuration(r.horizonS)} at ${r.loadTokensPerS} tokens/s, target ${r.target.text}: events, availability, energy and tokens/J at iso-quality (tokens served at or better than the target per joule)`,
    columns: [
      { key: "policy", label: "deployment", align: "left" },
      { key: "recalibrations", label: "recal.", digits: 6 },
      { key: "reprogrammings", label: "reprog.", digits: 6 },
      { key: "availability", label: "availability", unit: "%", digits: 6 },
      { key: "downtime", label: "downtime", unit: "s" },
      { key: "inTarget", label: "in target", unit: "%", digits: 4 },
      { key: "meets", label: "meets target", align: "left" },
      { key: "qualityMean", label: `mean ${m}`, digits: 4 },
      { key: "qualityWorst", label: `worst ${m}`, digits: 4 },
      { key: "inferenceJ", label: "inference", unit: "J", prefixGroup: "e" },
      { key: "idleJ", label: "idle", unit: "J", prefixGroup: "e" },
      { key: "recalJ", label: "recalibration", unit: "J", prefixGroup: "e" },
      { key: "reprogJ", label: "reprogramming", unit: "J", prefixGroup: "e" },
      { key: "totalJ", label: "total", unit: "J", prefixGroup: "e" },
      { key: "tokensPerJ", label: "tokens/J in target" },
    ],
    rows,
  };
}

export function curveTable(r: LifetimeResult): Table | null {
  if (r.points.length === 0) return null;
  const ts = [...new Set(r.points.map((p) => p.tS))].sort((a, b) => a - b);
  const f = (i: { mean: number; low: number; high: number }, d: number): string =>
    i.low === i.high ? i.mean.toPrecision(d) : `${i.mean.toPrecision(d)} [${i.low.toPrecision(d)}, ${i.high.toPrecision(d)}]`;
  const rows = ts.map((t) => {
    const u = r.points.find((p) => p.tS === t && !p.compensated);
    const c = r.points.find((p) => p.tS === t && p.compensated);
    return {
      t: formatDuration(t),
      pplU: u ? f(u.perplexity, 4) : "",
      agrU: u ? f(u.top1Agreement, 3) : "",
      pplC: c ? f(c.perplexity, 4) : "",
      agrC: c ? f(c.top1Agreement, 3) : "",
    };
  });
  return {
    name: "quality-vs-time",
    caption: `Quality vs time since programming (mean [95 % interval] over ${r.seeds} seed(s), ${r.tokensScored} tokens); noise-free perplexity ${r.reference.perplexity.toPrecision(4)}`,
    columns: [
      { key: "t", label: "t since programming", align: "left" },
      { key: "pplU", label: "ppl, compensation of programming time", align: "right" },
      { key: "agrU", label: "agreement, same", align: "right" },
      { key: "pplC", label: "ppl, compensation refreshed", align: "right" },
      { key: "agrC", label: "agreement, same", align: "right" },
    ],
    rows,
  };
}

const g = (x: number, d = 3): string => (Number.isFinite(x) ? x.toPrecision(d) : String(x));
const when = (s: number | null): string => (s === null ? "never" : s === 0 ? "at once" : formatDuration(s));

export function formatLifetime(r: LifetimeResult): string {
  const lines = [
    `aimcsim lifetime: ${r.model} on ${r.chip} over ${formatDuration(r.horizonS)}, target ${r.target.text}, load ${r.loadTokensPerS} tokens/s`,
  ];
  const ct = curveTable(r);
  if (ct) {
    lines.push("", ct.caption ?? "", textTable(ct.columns.map((c) => c.label), ct.rows.map((row) => ct.columns.map((c) => String(row[c.key] ?? "")))));
    lines.push(
      "",
      "target first crossed after programming (seeds' mean; pessimistic / optimistic end of the 95 % interval):",
      ...r.crossings.map((c) => `  ${c.compensated ? "compensation refreshed" : "compensation of programming time"}: ${when(c.mean)} (${when(c.pessimistic)} / ${when(c.optimistic)})`),
    );
  }
  const c = r.costs;
  lines.push(
    "",
    `events: recalibration ${g(c.recalibration.energyJ)} J, ${g(c.recalibration.timeS)} s (${c.calibrationReads} one-hot reads); ` +
      `reprogramming ${g(c.reprogramming.energyJ)} J, ${g(c.reprogramming.timeS)} s (${c.cellsProgrammed} cells); ` +
      `inference ${g(c.energyPerTokenJ)} J/token, up to ${g(c.maxTokensPerS)} tokens/s, idle ${g(c.idlePowerW)} W`,
    "",
  );
  const t = lifetimeTable(r);
  const fmt = (v: unknown, key: string): string => (typeof v === "number" ? (key === "recalibrations" || key === "reprogrammings" ? String(v) : g(v, key === "availability" ? 7 : 3)) : String(v ?? ""));
  lines.push(textTable(t.columns.map((col) => (col.unit ? `${col.label} (${col.unit})` : col.label)), t.rows.map((row) => t.columns.map((col) => fmt(row[col.key], col.key)))));
  if (r.notes.length) lines.push("", "notes:", ...r.notes.map((n) => `  - ${n}`));
  return lines.join("\n");
}

export function lifetimeReport(r: LifetimeResult, spec: unknown, model: unknown): ReportDoc {
  const ct = curveTable(r);
  const sections: ReportSection[] = [
    {
      heading: "Quality in service",
      text:
        `Quality (${metricLabel(r)}) against time since deployment for each maintenance policy. After a recalibration the chip follows the ` +
        "curve with global drift compensation refreshed; a reprogramming restarts it. Marks on the strips at the bottom: recalibrations (diamonds) and reprogrammings (triangles), one strip per policy.",
      charts: [{ name: "quality-vs-time", svg: lifetimeChart(r), caption: `Quality vs time in service (log time axis), target ${r.target.text} dotted${r.baseline ? `, digital ${r.baseline.chip} dashed` : ""}.` }],
      tables: ct ? [ct] : [],
    },
  ];
  return {
    title: `Lifetime: ${r.model} on ${r.chip}`,
    subtitle: `${formatDuration(r.horizonS)} at ${r.loadTokensPerS} tokens/s, target ${r.target.text}`,
    summary: lifetimeTable(r),
    sections,
    spec,
    model,
    assumptions: r.notes,
    data: r,
  };
}
