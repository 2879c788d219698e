// runWorker without loading BullMQ until a worker is actually started.
import type { RunWorkerOptions, WorkerHandle } from "./runners/redis.ts";

/** Starts a BullMQ worker evaluating sweep points from `queue` (see runners/redis.ts). */
export async function runWorker(opts: RunWorkerOptions): Promise<WorkerHandle> {
  const m = await import("./runners/redis.ts");
  return m.runWorker(opts);
}
