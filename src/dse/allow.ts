// Which evaluator modules a queue worker may import. A job on the queue names a module (EvaluatorRef.module)
// that the worker imports and runs; anyone who can write to the queue could otherwise make every worker run
// any code (a data: URL, a file in /tmp). A worker therefore imports only: the built-in evaluators, files
// whose real path (links resolved) lies under an allowed folder (default: the folder the worker runs in,
// i.e. the checkout with sweeps/), and files whose SHA-256 is on the allow-list. `any: true` (the CLI's
// --allow-any-module) turns the check off, and only that does.
import { createHash } from "node:crypto";
import { readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { AimcsimError } from "../errors.ts";
import { resolveEvaluatorModule } from "./evaluator.ts";
import type { EvaluatorRef } from "./types.ts";

export interface ModuleAllowList {
  /** Folders whose files may be imported (real paths compared, so links cannot lead out). */
  readonly prefixes: readonly string[];
  /** SHA-256 (hex) of module files that may be imported wherever they are. */
  readonly sha256?: readonly string[];
  /** Allow any module (the explicit opt-out). */
  readonly any?: boolean;
}

export function defaultAllowList(cwd: string = process.cwd()): ModuleAllowList {
  return { prefixes: [cwd] };
}

const inside = (path: string, dir: string) => {
  const rel = relative(dir, path);
  return rel !== "" && rel !== ".." && !rel.startsWith(".." + sep) && !isAbsolute(rel);
};

const realOr = (p: string): string | undefined => {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
};

const hashCache = new Map<string, { mtimeMs: number; size: number; sha256: string }>();

export function fileSha256(path: string): string {
  const st = statSync(path);
  const c = hashCache.get(path);
  if (c && c.mtimeMs === st.mtimeMs && c.size === st.size) return c.sha256;
  const sha256 = createHash("sha256").update(readFileSync(path)).digest("hex");
  hashCache.set(path, { mtimeMs: st.mtimeMs, size: st.size, sha256 });
  return sha256;
}

/** Throws a SweepError naming the module and the rule when `ref` may not be imported under `allow`. */
export function checkEvaluatorModule(ref: unknown, allow: ModuleAllowList): void {
  const r = ref as Partial<EvaluatorRef> | null;
  if (r === null || typeof r !== "object" || typeof r.module !== "string" || typeof r.export !== "string")
    throw new AimcsimError("SweepError", "job.data.evaluator", "a queue job must name its evaluator as { module: string, export: string }");
  if (allow.any) return;
  if (r.module.startsWith("builtin:")) return; // resolveEvaluatorModule refuses unknown built-ins
  const how = "allow it on the worker with --allow-modules <folder> or --allow-sha256 <hash> (or turn the check off with --allow-any-module)";
  const href = resolveEvaluatorModule(r.module);
  if (!href.startsWith("file:"))
    throw new AimcsimError("SweepError", r.module.slice(0, 200), `evaluator module is not a file (${href.split(":")[0]}: URL); a queue worker imports only built-in evaluators and allowed files; ${how}`);
  const path = fileURLToPath(href);
  const real = realOr(path);
  const prefixes = allow.prefixes.map((p) => realOr(resolve(p)) ?? resolve(p));
  if (real === undefined) {
    // A missing file under an allowed folder fails later with "cannot load evaluator module" (a setup
    // error the sweep reports); outside them it is refused here, without probing further.
    if (prefixes.some((p) => inside(path, p))) return;
    throw new AimcsimError("SweepError", path, `evaluator module is outside the folders this worker imports from (${prefixes.join(", ")}); ${how}`);
  }
  if (prefixes.some((p) => inside(real, p))) return;
  const hash = fileSha256(real);
  if (allow.sha256?.includes(hash)) return;
  throw new AimcsimError("SweepError", real, `evaluator module (sha256 ${hash}) is outside the folders this worker imports from (${prefixes.join(", ")}) and not on its hash list; ${how}`);
}
