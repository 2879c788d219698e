// runValidation: every check of checks.ts against its published figure, and the seed claims' trends.
import { runAccuracyTrend, type AccuracyTrendOptions } from "./accuracy.ts";
import { CHECKS, CheckContext, publishedFor } from "./checks.ts";
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
      bound: check.bound,
      source: pub.source,
      note: check.note,
    });
  }
  // The 42 analytic rows of PIM-LLM Fig. 1(b) (their published values live with their computation).
  rows.push(...fig1bRows(only));
  return rows;
}

/** A row fails when its error is not finite or exceeds its recorded bound. */
export const rowFails = (r: ValidationRow): boolean => !Number.isFinite(r.errorPct) || Math.abs(r.errorPct) > r.bound;

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
  const failures = [
    ...rows.filter(rowFails).map((r) => `${r.id}: |error| ${Math.abs(r.errorPct).toFixed(1)} % exceeds its bound ${r.bound} %`),
    ...trends.filter((t) => !t.holds).map((t) => `${t.id}: expected ${t.expectation}; got ${t.series.map((p) => `${p.label} ${p.y.toFixed(2)}`).join(", ")}`),
  ];
  return { rows, trends, failures };
}
