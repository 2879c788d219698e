// Golden results: the full `run` result of every hw-specs preset on a fixed workload, and its `describe`
// output, committed as test/golden/results.json. A change that moves any number fails golden.test.ts; a
// change that means to move numbers regenerates the file (`node bin/run-ts.mjs test/golden/update.ts`) and
// says in its commit which numbers moved and why.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describeChip, loadSpecFile, run } from "../../src/index.ts";

export const GOLDEN_FILE = join(import.meta.dirname, "results.json");
const SPEC_DIR = join(import.meta.dirname, "..", "..", "hw-specs");

/** The fixed workload: small enough for CI, long enough to have a prefill and several decode steps. */
export const GOLDEN_WORKLOAD = { model: "gpt2-medium", promptTokens: 32, genTokens: 4, chips: "auto" } as const;

export const goldenSpecFiles = (): string[] =>
  readdirSync(SPEC_DIR)
    .filter((f) => f.endsWith(".ts"))
    .sort();

/** Plain JSON of one preset's describe + run (functions and undefined dropped, as `--json` prints). */
export const goldenEntry = async (file: string): Promise<unknown> => {
  const chip = await loadSpecFile(join(SPEC_DIR, file));
  const describe = describeChip(chip);
  const result = await run({ chip, ...GOLDEN_WORKLOAD });
  return JSON.parse(JSON.stringify({ describe, run: result }));
};

export const goldenAll = async (): Promise<Record<string, unknown>> => {
  const out: Record<string, unknown> = {};
  for (const f of goldenSpecFiles()) out[f] = await goldenEntry(f);
  return out;
};

/** Paths where two JSON values differ (numbers compared to a relative 1e-12, which absorbs nothing a
 *  refactor could mean to move but tolerates the last-ulp reassociation of a sum). */
export const jsonDiff = (a: unknown, b: unknown, path = "$", out: string[] = []): string[] => {
  if (typeof a === "number" && typeof b === "number") {
    const scale = Math.max(Math.abs(a), Math.abs(b));
    if (!(a === b || Math.abs(a - b) <= 1e-12 * scale)) out.push(`${path}: ${a} -> ${b}`);
    return out;
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    if (a !== b) out.push(`${path}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
    return out;
  }
  if (Array.isArray(a) !== Array.isArray(b)) {
    out.push(`${path}: array/object mismatch`);
    return out;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const ka = (a as Record<string, unknown>)[k];
    const kb = (b as Record<string, unknown>)[k];
    if (ka === undefined) out.push(`${path}.${k}: added`);
    else if (kb === undefined) out.push(`${path}.${k}: removed`);
    else jsonDiff(ka, kb, `${path}.${k}`, out);
  }
  return out;
};
