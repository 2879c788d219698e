// runValidation: every check of checks.ts against its published figure, and the seed claims' trends.
import { runAccuracyTrend, runAfmRemedyTrend, type AccuracyTrendOptions } from "./accuracy.ts";
import { BOUNDS, CHECKS, CheckContext, boundOf, publishedFor } from "./checks.ts";
import { fig1bRows } from "./fig1b.ts";
import { PIMLLM_CONTEXTS, runTrends } from "./trends.ts";
import type { TrendRow, ValidationReport, ValidationRow } from "./types.ts";

export interface ValidationOptions {
  /** Only the checks whose id starts with one of these prefixes (default: all). */
  readonly only?: readonly string[];
  /** Contexts of the PIM-LLM trend (default 128, 512, 1024, 2048, 4096). */
  readonly contexts?: readonly number[];
  /** Also run the AFM accuracy trend (src/eval on models/tiny-llama-wordnet; minutes, not seconds). Default off. */
  readonly accuracy?: boolean | AccuracyTrendOptions;
}

const PCT = 100; // percent (unit conversion)

function runChecks(ctx: CheckContext, only?: readonly string[]): ValidationRow[] {
  const rows: ValidationRow[] = [];
  for (const check of CHECKS) {
    if (only && !only.some((p) => check.id.startsWith(p))) continue;
    const pub = publishedFor(check.id);
    const out = check.run(ctx);
    const published = out.published ?? pub.value;
    const simulated = out.simulated;
    rows.push({
      id: check.id,
      quantity: pub.quantity,
      unit: pub.unit,
      published,
      simulated,
      errorPct: (PCT * (simulated - published)) / published,
      usedForCalibration: check.usedForCalibration,
      bound: boundOf(check),
      ...(check.knownGap !== undefined ? { knownGap: check.knownGap } : {}),
      ...(check.derivedFrom !== undefined ? { derivedFrom: check.derivedFrom } : {}),
      source: pub.source,
      note: check.note,
    });
  }
  // The 42 analytic rows of PIM-LLM Fig. 1(b) (their published values live with their computation).
  rows.push(...fig1bRows(only));
  return rows;
}

/** Why a row fails, or undefined when it passes. Two-sided: a row fails when its error leaves its bound, and a
 *  known gap fails when the model has moved inside a tighter class (its label then misdescribes the model). */
export function rowFailure(r: ValidationRow): string | undefined {
  const e = Math.abs(r.errorPct);
  if (!Number.isFinite(e)) return `${r.id}: error is not finite (${r.simulated} vs ${r.published})`;
  if (e > r.bound) return `${r.id}: |error| ${e.toFixed(1)} % exceeds its bound ${r.bound} %`;
  if (r.knownGap !== undefined) {
    if (r.bound === Infinity && e <= BOUNDS.knownGap)
      return `${r.id}: a known gap beyond ${BOUNDS.knownGap} % is now within it (|error| ${e.toFixed(1)} %): bound it (drop beyond50)`;
    if (e <= BOUNDS.heldOut) return `${r.id}: a known gap is now within ${BOUNDS.heldOut} % (|error| ${e.toFixed(1)} %): remove its knownGap label`;
  }
  return undefined;
}
export const rowFails = (r: ValidationRow): boolean => rowFailure(r) !== undefined;

/** Every published figure against aimcsim's value (the table of test/validation/README.md). */
export async function runValidation(opts: ValidationOptions = {}): Promise<ValidationRow[]> {
  return runChecks(new CheckContext(), opts.only);
}

/** The table and the seed claims' trends together, with the failures listed (what `npm run validate` prints). */
export async function runValidationReport(opts: ValidationOptions = {}): Promise<ValidationReport> {
  const ctx = new CheckContext();
  const rows = runChecks(ctx, opts.only);
  const trends: TrendRow[] = runTrends(ctx, opts.contexts ?? PIMLLM_CONTEXTS);
  if (opts.accuracy) trends.push(await runAccuracyTrend(opts.accuracy === true ? {} : opts.accuracy));
  if (opts.accuracy) trends.push(await runAfmRemedyTrend(opts.accuracy === true ? {} : opts.accuracy));
  const failures = [
    ...rows.flatMap((r) => { const f = rowFailure(r); return f === undefined ? [] : [f]; }),
    ...trends.filter((t) => !t.holds).map((t) => `${t.id}: expected ${t.expectation}; got ${t.series.map((p) => `${p.label} ${p.y.toFixed(2)}`).join(", ")}`),
  ];
  return { rows, trends, failures };
}
