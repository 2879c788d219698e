// runSweep: walks a sweep's strategy, builds and validates each variant, skips points the store already
// holds, sends the rest to a backend (in-process, worker threads, or BullMQ/Redis) and appends each
// outcome to the store the moment it arrives. The store is the single writer of results; runners only
// compute. Re-running the same sweep on the same store evaluates nothing twice.
import { availableParallelism } from "node:os";
import { AimcsimError } from "../errors.ts";
import { aimcsimVersion } from "./canonical.ts";
import { paretoFront } from "./pareto.ts";
import { ProgressLine, type Progress } from "./progress.ts";
import { inProcessBackend } from "./runners/in-process.ts";
import { WorkerPool } from "./runners/pool.ts";
import { evaluatorKey, loadDefaultValidator, materialize, modelName, spaceOf } from "./space.ts";
import { openStore, type Store } from "./store.ts";
import { plannedPoints, runStrategy } from "./strategies.ts";
import type { PointBackend, PointOutcome, PointRecord, PointTask, SpecValidator, SweepDef } from "./types.ts";

export interface RunSweepOptions {
  /** A store folder (DIR/results.jsonl) or an open store. Without one, results live only in memory. */
  readonly store?: string | Store;
  /** Worker threads (default: one per core); 0 evaluates in this thread. Ignored with `queue`/`backend`. */
  readonly workers?: number;
  /** Use this worker pool (left open afterwards). */
  readonly pool?: WorkerPool;
  /** redis://host:port — distribute points over BullMQ workers (runWorker) instead of local threads. */
  readonly queue?: string;
  readonly queueName?: string;
  /** Any other backend. */
  readonly backend?: PointBackend;
  /** Print the progress line on stderr (default: when stderr is a TTY). */
  readonly progress?: boolean;
  readonly onProgress?: (p: Progress) => void;
  /** Overrides the sweep's / src/spec's validator. */
  readonly validate?: SpecValidator;
}

export interface SweepResult {
  readonly name: string;
  /** One record per distinct point the strategy proposed, in proposal order. */
  readonly records: PointRecord[];
  /** Pareto front of the ok, feasible records over the sweep's objectives. */
  readonly front: PointRecord[];
  /** Points evaluated in this run. */
  readonly evaluated: number;
  /** Points found in the store (done by an earlier run). */
  readonly reused: number;
  readonly failed: number;
  readonly elapsedS: number;
  /** What a delegated search returned (e.g. the Anda search's best tuple and history). */
  readonly strategyResult?: unknown;
}

/** A store that lives only in memory (for runs without a store folder). */
export function memoryStore(): Store {
  const byKey = new Map<string, PointRecord>();
  const ordered: PointRecord[] = [];
  return {
    dir: "",
    path: "",
    has: (k) => byKey.has(k),
    get: (k) => byKey.get(k),
    records: () => [...ordered],
    get size() {
      return ordered.length;
    },
    append(r) {
      if (byKey.has(r.key)) return false;
      byKey.set(r.key, r);
      ordered.push(r);
      return true;
    },
    close() {},
  };
}

export async function runSweep(def: SweepDef, opts: RunSweepOptions = {}): Promise<SweepResult> {
  const started = Date.now();
  const store = typeof opts.store === "string" ? openStore(opts.store) : (opts.store ?? memoryStore());
  const ownStore = typeof opts.store === "string";
  const validate = opts.validate ?? def.validate ?? (await loadDefaultValidator());
  const space = spaceOf(def);
  const version = aimcsimVersion();

  let backend: PointBackend;
  let ownBackend = true;
  if (opts.backend) {
    backend = opts.backend;
    ownBackend = false;
  } else if (opts.queue) {
    const { redisBackend } = await import("./runners/redis.ts");
    backend = await redisBackend({ queue: opts.queue, queueName: opts.queueName });
  } else if (opts.pool) {
    backend = opts.pool;
    ownBackend = false;
  } else {
    const n = opts.workers ?? availableParallelism();
    if (!Number.isInteger(n) || n < 0) throw new AimcsimError("UsageError", "workers", "must be a non-negative integer");
    backend = n === 0 ? inProcessBackend() : new WorkerPool({ size: n });
  }

  const total = plannedPoints(def, space);
  const line = new ProgressLine(def.name, opts.progress ?? !!process.stderr.isTTY);
  let evaluated = 0;
  let reused = 0;
  let failed = 0;
  let done = 0;
  const progress = (): Progress => {
    const el = (Date.now() - started) / 1000;
    const rate = el > 0 ? evaluated / el : 0;
    const left = total === undefined ? undefined : Math.max(0, total - done);
    return { done, total, evaluated, reused, failed, pointsPerS: rate, etaS: left === undefined ? undefined : rate > 0 ? left / rate : left === 0 ? 0 : undefined };
  };
  const tick = () => {
    const p = progress();
    opts.onProgress?.(p);
    line.update(p);
  };

  const seen = new Set<string>();
  const records: PointRecord[] = [];
  const note = (r: PointRecord) => {
    if (seen.has(r.key)) return;
    seen.add(r.key);
    records.push(r);
  };

  const baseRecord = (key: string, axes: PointRecord["axes"], spec: unknown) => ({
    key,
    sweep: def.name,
    axes,
    model: modelName(def.model),
    workload: def.workload,
    seed: def.seed,
    version,
    evaluator: evaluatorKey(def),
    spec,
  });

  let strategyResult: unknown;
  try {
    strategyResult = await runStrategy(def, space, async (genomes) => {
      const out = new Array<PointRecord>(genomes.length);
      const counted = new Set<string>();
      const waiting = new Map<string, number[]>();
      const tasks: PointTask[] = [];
      const pendingMeta = new Map<string, { axes: PointRecord["axes"]; spec: unknown }>();
      genomes.forEach((g, i) => {
        const m = materialize(def, space, g, validate);
        const key = m.ok ? m.input.key : m.key;
        const stored = store.get(key);
        if (stored) {
          out[i] = stored;
          if (!seen.has(key) && !counted.has(key)) {
            counted.add(key);
            reused++;
            done++;
          }
          return;
        }
        if (!m.ok) {
          const rec: PointRecord = { ...baseRecord(key, m.axes, m.spec), status: "failed", metrics: {}, error: m.error };
          if (store.append(rec)) {
            failed++;
            done++;
          }
          out[i] = rec;
          return;
        }
        const w = waiting.get(key);
        if (w) w.push(i);
        else {
          waiting.set(key, [i]);
          pendingMeta.set(key, { axes: m.axes, spec: m.input.spec });
          tasks.push({ input: m.input, evaluator: def.evaluator });
        }
      });
      tick();
      let infraError: string | undefined;
      await backend.evaluate(tasks, (o: PointOutcome) => {
        const meta = pendingMeta.get(o.key);
        const idx = waiting.get(o.key);
        if (!meta || !idx) return; // not ours (defensive: a backend answering twice)
        pendingMeta.delete(o.key);
        if (o.status === "failed" && o.infra) {
          infraError ??= o.error;
          return;
        }
        const rec: PointRecord =
          o.status === "ok"
            ? { ...baseRecord(o.key, meta.axes, meta.spec), status: "ok", metrics: o.metrics }
            : { ...baseRecord(o.key, meta.axes, meta.spec), status: "failed", metrics: {}, error: o.error };
        store.append(rec);
        for (const i of idx) out[i] = rec;
        evaluated++;
        done++;
        if (rec.status === "failed") failed++;
        tick();
      });
      if (infraError !== undefined) throw new AimcsimError("SweepError", def.name, `stopped, no point stored for this error: ${infraError}`);
      if (pendingMeta.size > 0) throw new AimcsimError("SweepError", def.name, `the runner returned without ${pendingMeta.size} point(s)`);
      for (const r of out) note(r);
      return out;
    });
  } finally {
    line.end(progress());
    if (ownBackend) await backend.close();
    if (ownStore) store.close();
  }
  return {
    name: def.name,
    records,
    front: paretoFront(records, def.objectives, def.constraints),
    evaluated,
    reused,
    failed,
    elapsedS: (Date.now() - started) / 1000,
    ...(strategyResult !== undefined ? { strategyResult } : {}),
  };
}
