// Markdown rendering of the validation table and the trend table.
import type { TrendRow, ValidationRow } from "./types.ts";

/** Three significant digits, plain notation for ordinary magnitudes (formatting). */
const sig = (x: number): string => {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? x.toExponential(2) : Number(x.toPrecision(3)).toString();
};
const esc = (s: string): string => s.replace(/\|/g, "\\|");

/** What a row is worth as evidence: held out, derived from another row, a known gap (with the missing mechanism). */
export function evidence(r: ValidationRow): string {
  const parts: string[] = [];
  if (r.usedForCalibration) parts.push("calibration, not evidence");
  else if (r.derivedFrom !== undefined) parts.push(`derived from ${r.derivedFrom}, not separate evidence`);
  else parts.push("held out");
  if (r.knownGap !== undefined) parts.push(`KNOWN GAP${r.bound === Infinity ? " beyond 50 %" : ""}: ${r.knownGap}`);
  return parts.join("; ");
}

export function formatValidationTable(rows: readonly ValidationRow[]): string {
  const head = "| id | quantity | unit | published | simulated | error % | bound % | calibration | evidence | source |";
  const rule = "|---|---|---|---:|---:|---:|---:|:---:|---|---|";
  const body = rows.map(
    (r) =>
      `| ${r.id} | ${esc(r.quantity)} | ${esc(r.unit)} | ${sig(r.published)} | ${sig(r.simulated)} | ${r.errorPct >= 0 ? "+" : ""}${r.errorPct.toFixed(1)} | ${r.bound === Infinity ? "none" : sig(r.bound)} | ${r.usedForCalibration ? "yes" : "no"} | ${esc(evidence(r))} | ${esc(r.source)} |`,
  );
  return [head, rule, ...body].join("\n");
}

export function formatTrendTable(trends: readonly TrendRow[]): string {
  const head = "| id | claim | measured | expectation | holds |";
  const rule = "|---|---|---|---|:---:|";
  const body = trends.map(
    (t) => `| ${t.id} | ${esc(t.claim)} | ${t.series.map((p) => `${p.label}: ${sig(p.y)}`).join(", ")} | ${esc(t.expectation)} | ${t.holds ? "yes" : "NO"} |`,
  );
  return [head, rule, ...body].join("\n");
}
