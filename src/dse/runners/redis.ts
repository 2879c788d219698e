// Distributed runner on BullMQ + Redis. The coordinator (runSweep with `queue`) adds one job per point
// with job id = point key, so a point is never enqueued twice (a re-run or a second coordinator re-attaches
// to the existing job and its result), and collects outcomes; it alone writes the store. Workers
// (runWorker, on any number of machines) evaluate jobs in a pool of worker threads, which keeps the
// BullMQ lock renewal responsive while points compute. A worker that dies leaves its jobs locked until
// the lock expires; BullMQ's stalled-job check then hands them to another worker.
import { Job, Queue, QueueEvents, Worker } from "bullmq";
import { AimcsimError } from "../../errors.ts";
import { evaluateTask } from "../evaluator.ts";
import { bullConnection, closeConnection, parseQueueUrl, type BullConnection } from "../redis/connection.ts";
import type { PointBackend, PointOutcome, PointTask } from "../types.ts";
import { WorkerPool } from "./pool.ts";

export const DEFAULT_QUEUE_NAME = "aimcsim-dse";

export interface RedisBackendOptions {
  readonly queue: string;
  readonly queueName?: string;
  /** Seconds a completed job stays in Redis (so a restarted coordinator can collect it). Default 7 days. */
  readonly keepCompletedS?: number;
  /** How often pending jobs are polled as a safety net under the event stream (default 2000 ms). */
  readonly pollMs?: number;
}

type JobResult = PointOutcome;

function parseReturn(v: unknown): JobResult | undefined {
  const x = typeof v === "string" ? (JSON.parse(v) as unknown) : v;
  if (x && typeof x === "object" && "status" in x && "key" in x) return x as JobResult;
  return undefined;
}

export async function redisBackend(opts: RedisBackendOptions): Promise<PointBackend> {
  const conn = parseQueueUrl(opts.queue);
  const name = opts.queueName ?? DEFAULT_QUEUE_NAME;
  const qc = bullConnection(conn);
  const ec = bullConnection(conn);
  const queue = new Queue(name, { connection: qc as never });
  const events = new QueueEvents(name, { connection: ec as never });
  try {
    await queue.waitUntilReady();
    await events.waitUntilReady();
  } catch (e) {
    await Promise.allSettled([events.close(), queue.close()]);
    await Promise.allSettled([closeConnection(qc), closeConnection(ec)]);
    throw new AimcsimError("IoError", opts.queue, `cannot reach Redis: ${(e as Error).message}`);
  }
  const keepS = opts.keepCompletedS ?? 7 * 24 * 3600;
  const pollMs = opts.pollMs ?? 2000;

  return {
    async evaluate(tasks: readonly PointTask[], onDone) {
      if (tasks.length === 0) return;
      const pending = new Map<string, true>(tasks.map((t) => [t.input.key, true]));
      let settle!: () => void;
      const all = new Promise<void>((r) => (settle = r));
      const complete = (key: string, outcome: PointOutcome) => {
        if (!pending.delete(key)) return;
        onDone(outcome);
        if (pending.size === 0) settle();
      };
      const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
        if (!pending.has(jobId)) return;
        const r = parseReturn(returnvalue);
        if (r) complete(jobId, r);
      };
      // Our processor never throws for a point's own failure, so a failed job is infrastructure: a setup
      // error on the worker (infra outcome) or a job that stalled too often (its workers kept dying).
      const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
        if (pending.has(jobId)) complete(jobId, { key: jobId, status: "failed", error: `job failed: ${failedReason}`, infra: true });
      };
      events.on("completed", onCompleted as never);
      events.on("failed", onFailed as never);
      const check = async (key: string) => {
        const job = await Job.fromId(queue, key);
        if (!job) return;
        if (job.finishedOn && job.failedReason) complete(key, { key, status: "failed", error: `job failed: ${job.failedReason}`, infra: true });
        else if (job.finishedOn) {
          const r = parseReturn(job.returnvalue);
          if (r) complete(key, r);
        }
      };
      let timer: NodeJS.Timeout | undefined;
      const poll = async () => {
        const keys = [...pending.keys()].slice(0, 500);
        for (const k of keys) await check(k);
        if (pending.size > 0) timer = setTimeout(() => void poll().catch(() => {}), pollMs);
      };
      try {
        // Failed jobs of an earlier run (setup errors, stalls) would block re-adding their ids: clear them.
        const ours = new Set(pending.keys());
        for (const job of await queue.getJobs(["failed"])) if (job.id && ours.has(job.id)) await job.remove();
        for (let i = 0; i < tasks.length; i += 500) {
          const chunk = tasks.slice(i, i + 500);
          await queue.addBulk(
            chunk.map((t) => ({
              name: "point",
              data: t,
              opts: { jobId: t.input.key, attempts: 1, removeOnComplete: { age: keepS }, removeOnFail: { age: keepS } },
            })),
          );
        }
        // Jobs that already finished before we subscribed (a resumed coordinator) are found by polling.
        await poll();
        await all;
      } finally {
        if (timer) clearTimeout(timer);
        events.off("completed", onCompleted as never);
        events.off("failed", onFailed as never);
      }
    },
    async close() {
      await Promise.allSettled([events.close(), queue.close()]);
      await Promise.allSettled([closeConnection(qc), closeConnection(ec)]);
    },
  };
}

export interface RunWorkerOptions {
  readonly queue: string;
  readonly queueName?: string;
  /** Points evaluated at once (= worker threads when `threads` is on). Default: one per core. */
  readonly concurrency?: number;
  /** Evaluate in a pool of worker threads (default true); false evaluates on the main thread. */
  readonly threads?: boolean;
  /** BullMQ lock duration: a dead worker's job is recovered after at most this long (default 30 s). */
  readonly lockDurationMs?: number;
  /** How often this worker looks for stalled jobs of dead workers (default 30 s; tests use ~500 ms). */
  readonly stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) before it fails (default 3). */
  readonly maxStalledCount?: number;
}

export interface WorkerHandle {
  /** Points this process has evaluated. */
  readonly processed: () => number;
  close(): Promise<void>;
}

/** Starts a worker that evaluates sweep points from the queue until close(). */
export async function runWorker(opts: RunWorkerOptions): Promise<WorkerHandle> {
  const conn = parseQueueUrl(opts.queue);
  const name = opts.queueName ?? DEFAULT_QUEUE_NAME;
  const { availableParallelism } = await import("node:os");
  const concurrency = Math.max(1, opts.concurrency ?? availableParallelism());
  const useThreads = opts.threads ?? true;
  const pool = useThreads ? new WorkerPool({ size: concurrency }) : undefined;
  const evalOne = pool ? (t: PointTask) => pool.submit(t) : evaluateTask;
  const c: BullConnection = bullConnection(conn);
  let processed = 0;
  const worker = new Worker(
    name,
    async (job: Job<PointTask>) => {
      const outcome = await evalOne(job.data);
      // A setup error (evaluator cannot load here) fails the job instead of completing it with a result.
      if (outcome.status === "failed" && outcome.infra) throw new Error(outcome.error);
      processed++;
      return outcome;
    },
    {
      connection: c as never,
      concurrency,
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: opts.maxStalledCount ?? 3,
    },
  );
  worker.on("error", () => {
    // Connection hiccups: BullMQ retries; nothing to do here.
  });
  try {
    await worker.waitUntilReady();
  } catch (e) {
    await worker.close(true).catch(() => {});
    await pool?.close();
    await closeConnection(c);
    throw new AimcsimError("IoError", opts.queue, `cannot reach Redis: ${(e as Error).message}`);
  }
  return {
    processed: () => processed,
    async close() {
      await worker.close();
      await pool?.close();
      await closeConnection(c);
    },
  };
}

