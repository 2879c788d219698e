// Design-space exploration: sweep definitions, strategies, runners and the results store.
//
//   export default sweep({ name, base, axes: { adcBits: axis([4, 6, 8], (d, v) => { d.analog!.tile.adc.bits = v }) },
//     model, workload, objectives, constraints, strategy: grid() | random() | evolutionary() | andaPrecision() })
//   const r = await runSweep(def, { store: "out/dir", workers: 8 })        // worker threads (default: one per core)
//   const r = await runSweep(def, { store: "out/dir", queue: "redis://127.0.0.1:6379" })  // BullMQ
//   const w = await runWorker({ queue: "redis://host:6379", concurrency: 16 })           // on any machine
//   await exportSqlite(openStore("out/dir"), "out/dir/points.sqlite", { objectives, constraints })
//
// A point's key is sha256(canonical JSON of spec, model, workload, seed, aimcsim version, evaluator id and
// its result-changing options, parameter-axis values). DIR/results.jsonl holds one fsync'd line per point;
// a re-run skips stored points. Invalid variants and evaluator errors are stored as failed points; setup
// errors (evaluator cannot load) stop the sweep and are never stored.
export type * from "./types.ts";
export { sweep, axis, param, grid, random, evolutionary, delegate, simEvaluator, syntheticEvaluator, evaluator, loadSweep, isSweepDef } from "./define.ts";
export type { SweepInput } from "./define.ts";
export { runSweep, memoryStore } from "./run.ts";
export type { RunSweepOptions, SweepResult } from "./run.ts";
export { runWorker } from "./worker.ts";
export type { RunWorkerOptions, WorkerHandle } from "./runners/redis.ts";
export { WorkerPool } from "./runners/pool.ts";
export type { WorkerPoolOptions } from "./runners/pool.ts";
export { openStore, readResults, RESULTS_FILE } from "./store.ts";
export type { Store } from "./store.ts";
export { paretoFront, dominates, nondominatedSort, crowdingDistance, violation } from "./pareto.ts";
export { exportSqlite } from "./sqlite.ts";
export type { ExportOptions } from "./sqlite.ts";
export { canonicalJson, pointKey, aimcsimVersion } from "./canonical.ts";
export { formatProgress } from "./progress.ts";
export type { Progress } from "./progress.ts";

export { parseQueueUrl } from "./redis/url.ts";
export { andaPrecision } from "./anda.ts";
export type { AndaStrategyOptions, AndaSearchFn } from "./anda.ts";
