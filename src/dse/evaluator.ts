// Loading and calling point evaluators by reference (module + export), the same way in the main thread,
// in a worker thread and in a remote BullMQ worker. An evaluator that throws yields a failed outcome
// carrying its message: a point that cannot be simulated (e.g. the model does not fit) is a result too.
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { AimcsimError } from "../errors.ts";
import { importUserModule } from "../util/import-user.ts";
import { moduleUrl } from "../util/package.ts";
import type { EvaluatorRef, Metrics, PointEvaluator, PointOutcome, PointTask } from "./types.ts";

const BUILTINS: Record<string, string> = {
  "builtin:sim": moduleUrl("./evaluators/sim.ts", import.meta.url).href,
  "builtin:synthetic": moduleUrl("./evaluators/synthetic.ts", import.meta.url).href,
};

export function resolveEvaluatorModule(module: string): string {
  if (module in BUILTINS) return BUILTINS[module];
  if (module.startsWith("builtin:")) throw new AimcsimError("SweepError", "evaluator.module", `unknown built-in evaluator ${module} (known: ${Object.keys(BUILTINS).join(", ")})`);
  if (/^(file|data):/.test(module)) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(process.cwd(), module)).href;
}

const cache = new Map<string, Promise<PointEvaluator>>();

export function loadEvaluator(ref: EvaluatorRef): Promise<PointEvaluator> {
  const href = resolveEvaluatorModule(ref.module);
  const id = `${href}#${ref.export}`;
  let p = cache.get(id);
  if (!p) {
    p = (async () => {
      let mod: Record<string, unknown>;
      try {
        mod = await importUserModule(href);
      } catch (e) {
        throw new AimcsimError("SweepError", ref.module, `cannot load evaluator module: ${(e as Error).message}`, { cause: e });
      }
      const fn = mod[ref.export];
      if (typeof fn !== "function") throw new AimcsimError("SweepError", `${ref.module}#${ref.export}`, "the evaluator export is not a function");
      return fn as PointEvaluator;
    })();
    cache.set(id, p);
    p.catch(() => cache.delete(id));
  }
  return p;
}

export function errorText(e: unknown): string {
  if (e instanceof AimcsimError) return e.message;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

function checkMetrics(m: unknown): Metrics {
  if (typeof m !== "object" || m === null) throw new AimcsimError("SweepError", "evaluator", "an evaluator must return an object of numeric metrics");
  const out: Metrics = {};
  for (const [k, v] of Object.entries(m as Record<string, unknown>)) {
    if (typeof v !== "number") throw new AimcsimError("SweepError", `metrics.${k}`, `metric values must be numbers, got ${typeof v}`);
    out[k] = v;
  }
  return out;
}

/** Runs one task to an outcome; never throws. */
export async function evaluateTask(task: PointTask): Promise<PointOutcome> {
  try {
    const fn = await loadEvaluator(task.evaluator);
    const metrics = checkMetrics(await fn(task.input, task.evaluator.options));
    return { key: task.input.key, status: "ok", metrics };
  } catch (e) {
    // SweepError = the sweep's configuration (evaluator module, simulator availability, option clashes);
    // any other error (SpecError, MappingError, SimError, a plain exception) is the point's own result.
    const infra = e instanceof AimcsimError && e._tag === "SweepError";
    return { key: task.input.key, status: "failed", error: errorText(e), ...(infra ? { infra: true } : {}) };
  }
}
