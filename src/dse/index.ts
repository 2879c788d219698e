// Design-space exploration: sweep definitions, strategies, runners and the results store.
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
