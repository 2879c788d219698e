// The results files `aimcsim report` reads (the JSON of `amdahl --json` and `eval --json`), checked field by
// field before a report is composed: a hand-edited or truncated file is a UsageError naming the file, the
// field path and the expected type, never an internal error (issue 13.6). JSON turns infinities into null,
// so numeric fields accept null.
import { AimcsimError } from "../errors.ts";

type Rule = "string" | "number" | "boolean" | "number[]" | "string[]" | "interval" | "numberRecord" | ((v: unknown, path: string) => void) | { readonly [k: string]: Rule } | { readonly optional: Rule };

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

function check(file: string, v: unknown, rule: Rule, path: string): void {
  const bad = (want: string) => {
    throw new AimcsimError("UsageError", `${file}: ${path}`, `expected ${want}, got ${typeName(v)}${typeof v === "string" ? ` ${JSON.stringify(v.slice(0, 40))}` : ""} (the file is not an unedited result of aimcsim)`);
  };
  if (typeof rule === "function") return rule(v, `${file}: ${path}`);
  if (rule === "string") return void (typeof v !== "string" && bad("a string"));
  if (rule === "number") return void (typeof v !== "number" && v !== null && bad("a number"));
  if (rule === "boolean") return void (typeof v !== "boolean" && bad("true or false"));
  if (rule === "number[]" || rule === "string[]") {
    if (!Array.isArray(v)) return bad(`an array of ${rule === "number[]" ? "numbers" : "strings"}`);
    v.forEach((x, i) => check(file, x, rule === "number[]" ? "number" : "string", `${path}[${i}]`));
    return;
  }
  if (rule === "interval") return check(file, v, INTERVAL, path);
  if (rule === "numberRecord") {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return bad("an object of numbers");
    for (const [k, x] of Object.entries(v)) check(file, x, "number", `${path}.${k}`);
    return;
  }
  if ("optional" in rule && Object.keys(rule).length === 1) {
    if (v !== undefined) check(file, v, (rule as { optional: Rule }).optional, path);
    return;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) return bad("an object");
  for (const [k, r] of Object.entries(rule as Record<string, Rule>)) check(file, (v as Record<string, unknown>)[k], r, path ? `${path}.${k}` : k);
}

const INTERVAL: Rule = { mean: "number", low: "number", high: "number", std: "number", perSeed: "number[]" };

const AMDAHL_ROW: Rule = {
  model: "string",
  phase: (v, p) => {
    if (v !== "prefill" && v !== "decode") throw new AimcsimError("UsageError", p, `expected "prefill" or "decode", got ${typeName(v)} ${JSON.stringify(v) ?? ""}`);
  },
  context: "number", f: "number", fOps: "number", s: "number", speedup: "number", amdahl: "number", ceiling: "number",
  baselineLatencyS: "number", hybridLatencyS: "number", fEnergy: "number", sEnergy: "number", energyGain: "number",
  amdahlEnergy: "number", ceilingEnergy: "number", baselineEnergyJ: "number", hybridEnergyJ: "number", whatIf: "number[]",
  fFree: "number", amdahlFree: "number", ceilingFree: "number", restRatio: "number",
};

const SCORE: Rule = { label: "string", perplexity: "number", top1Agreement: "number", top1Accuracy: "number", klDivergence: "number", tokensScored: "number" };

function list(file: string, v: unknown, item: Rule, path: string): void {
  if (!Array.isArray(v)) throw new AimcsimError("UsageError", `${file}: ${path}`, `expected an array, got ${typeName(v)} (the file is not an unedited result of aimcsim)`);
  v.forEach((x, i) => check(file, x, item, `${path}[${i}]`));
}

/** Checks the JSON of `aimcsim amdahl --json`. */
export function checkAmdahlResult(file: string, d: unknown): void {
  check(file, d, { chip: "string", baseline: "string", batch: "number", contexts: "number[]", models: "string[]", assumptions: "string[]" }, "");
  const r = d as { rows: unknown; skipped?: unknown; sweepS: unknown };
  list(file, r.rows, AMDAHL_ROW, "rows");
  if (r.skipped !== undefined) list(file, r.skipped, { model: "string", context: "number" }, "skipped");
  list(file, r.sweepS, (v, p) => {
    if (typeof v !== "number" && v !== "inf" && v !== null) throw new AimcsimError("UsageError", p, `expected a number or "inf", got ${typeName(v)}`);
  }, "sweepS");
}

/** Checks the JSON of `aimcsim eval --json`. */
export function checkEvalResult(file: string, d: unknown): void {
  check(file, d, {
    model: "string", chip: "string", tokensScored: "number", windows: "number", windowLength: "number", seeds: "number[]", tInfS: "number",
    driftCompensation: "boolean", reference: { label: "string", perplexity: "number", top1Accuracy: "number" },
    analog: { label: "string", perplexity: "interval", top1Agreement: "interval", klDivergence: "interval" },
    notes: { optional: "string[]" },
  }, "");
  list(file, (d as { baselines: unknown }).baselines, SCORE, "baselines");
}

const PHASE: Rule = {
  latencyS: "number", energyJ: "number", energyByComponentJ: "numberRecord", energyByOpClassJ: "numberRecord", timeByOpClassS: "numberRecord",
  busyByComponentS: "numberRecord", macsByOpClass: "numberRecord",
  dynamicEnergyByComponentJ: { optional: "numberRecord" }, staticEnergyByComponentJ: { optional: "numberRecord" },
};

/** Checks the JSON of `aimcsim run --json` (the fields a report reads). */
export function checkSimResult(file: string, d: unknown): void {
  check(file, d, {
    chip: "string", model: "string", workload: { promptTokens: "number", genTokens: "number", batch: "number" },
    prefill: PHASE, decode: PHASE, utilization: "numberRecord", areaMm2: "number", areaByComponentMm2: "numberRecord",
    mapping: { tilesNeeded: "number", tilesAvailable: "number", chips: "number", kvCache: "string" }, assumptions: "string[]",
  }, "");
}
