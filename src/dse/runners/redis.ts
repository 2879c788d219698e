// Distributed runner on BullMQ + Redis. The coordinator (runSweep with `queue`) adds one job per point
// with job id = point key, so a point is never enqueued twice (a re-run or a second coordinator re-attaches
// to the existing job and its result), and collects outcomes; it alone writes the store. Workers
// (runWorker, on any number of machines) evaluate jobs in a pool of worker threads, which keeps the
// BullMQ lock renewal responsive while points compute. A worker that dies leaves its jobs locked until
// the lock expires; BullMQ's stalled-job check then hands them to another worker; a point whose workers
// keep dying (the job stalls more than maxStalledCount times) is recorded as a failed point, not a
// stopped sweep.
//
// Faults (issue 13.3): the connections are ioredis clients that reconnect by themselves (at most 1 s
// between attempts) and replay queued commands, so a Redis restart costs about the restart. A Redis that
// lost its data (FLUSHALL, a restart without persistence) is noticed by the coordinator's poll, every
// `pollMs` (2 s): each pending point whose job is gone from Redis is enqueued again (at most
// MAX_REENQUEUE times per point; then the point is recorded as failed with the reason). Connection errors
// are one line per outage (onConnection), never a stack trace.
import { Job, Queue, QueueEvents, Worker } from "bullmq";
import { AimcsimError } from "../../errors.ts";
import { checkEvaluatorModule, defaultAllowList, type ModuleAllowList } from "../allow.ts";
import { evaluateTask } from "../evaluator.ts";
import { bullConnection, closeConnection, parseQueueUrl, waitConnected, type BullConnection } from "../redis/connection.ts";
import type { PointBackend, PointOutcome, PointTask } from "../types.ts";
import { WorkerPool } from "./pool.ts";

export const DEFAULT_QUEUE_NAME = "aimcsim-dse";
/** Times one point's job may vanish from Redis and be enqueued again before the point is recorded as failed. */
export const MAX_REENQUEUE = 3;
const STALLED_REASON = /stalled more than allowable limit/;

/** Default connection reporter: one line on stderr when the connection is lost, one when it is back. */
function stderrReporter(who: string, url: string): (line: string | null) => void {
  return (line) =>
    process.stderr.write(line === null ? `aimcsim ${who}: reconnected to Redis at ${url}\n` : `aimcsim ${who}: lost the connection to Redis at ${url} (${line}); reconnecting\n`);
}

/** A failed job as a point outcome: a job that stalled too often is the point's own failure (stored);
 *  anything else (a worker-side setup error) is infrastructure and stops the sweep. */
function failedOutcome(key: string, reason: string): PointOutcome {
  if (STALLED_REASON.test(reason))
    return { key, status: "failed", error: `the workers evaluating this point died each time (BullMQ: ${reason}); recorded as failed` };
  return { key, status: "failed", error: `job failed: ${reason}`, infra: true };
}

export interface RedisBackendOptions {
  readonly queue: string;
  readonly queueName?: string;
  /** Seconds a completed job stays in Redis (so a restarted coordinator can collect it). Default 7 days. */
  readonly keepCompletedS?: number;
  /** How often pending jobs are polled as a safety net under the event stream and checked for data loss
   *  in Redis (default 2000 ms). */
  readonly pollMs?: number;
  /** Connection lost (one line) / back (null). Default: one line on stderr. */
  readonly onConnection?: (line: string | null) => void;
  /** Seconds to wait for Redis at start (default 5). */
  readonly connectTimeoutS?: number;
  /** Points found lost in Redis and enqueued again (one line). Default: stderr. */
  readonly onDataLoss?: (line: string) => void;
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
  const report = opts.onConnection ?? stderrReporter("sweep", opts.queue);
  const dataLoss = opts.onDataLoss ?? ((line: string) => void process.stderr.write(`aimcsim sweep: ${line}\n`));
  const qc = bullConnection(conn, { onError: report });
  const ec = bullConnection(conn);
  try {
    await Promise.all([waitConnected(qc, opts.queue, (opts.connectTimeoutS ?? 5) * 1000), waitConnected(ec, opts.queue, (opts.connectTimeoutS ?? 5) * 1000)]);
  } catch (e) {
    await Promise.allSettled([closeConnection(qc), closeConnection(ec)]);
    throw e;
  }
  const queue = new Queue(name, { connection: qc as never });
  const events = new QueueEvents(name, { connection: ec as never });
  queue.on("error", () => {}); // reported once per outage by the connection
  events.on("error", () => {});
  try {
    await queue.waitUntilReady();
    await events.waitUntilReady();
  } catch (e) {
    await Promise.allSettled([events.close(), queue.close()]);
    await Promise.allSettled([closeConnection(qc), closeConnection(ec)]);
    throw new AimcsimError("IoError", opts.queue, `cannot reach Redis: ${(e as Error).message.split("\n")[0]}`);
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
        if (pending.has(jobId)) complete(jobId, failedOutcome(jobId, failedReason));
      };
      events.on("completed", onCompleted as never);
      events.on("failed", onFailed as never);
      const check = async (key: string) => {
        const job = await Job.fromId(queue, key);
        if (!job) return;
        if (job.finishedOn && job.failedReason) complete(key, failedOutcome(key, job.failedReason));
        else if (job.finishedOn) {
          const r = parseReturn(job.returnvalue);
          if (r) complete(key, r);
        }
      };
      const byKey = new Map(tasks.map((t) => [t.input.key, t]));
      const jobOpts = (key: string) => ({ jobId: key, attempts: 1, removeOnComplete: { age: keepS }, removeOnFail: { age: keepS } });
      const enqueue = async (list: readonly PointTask[]) => {
        for (let i = 0; i < list.length; i += 500)
          await queue.addBulk(list.slice(i, i + 500).map((t) => ({ name: "point", data: t, opts: jobOpts(t.input.key) })));
      };
      // Data loss in Redis: pending points whose job hash is gone are enqueued again.
      const reEnqueued = new Map<string, number>();
      const recoverLost = async () => {
        const keys = [...pending.keys()];
        for (let i = 0; i < keys.length; i += 1000) {
          const part = keys.slice(i, i + 1000);
          const pipe = qc.pipeline();
          for (const k of part) pipe.exists(queue.toKey(k));
          const res = (await pipe.exec()) ?? [];
          const lost = part.filter((_, j) => res[j]?.[0] == null && res[j]?.[1] === 0 && pending.has(part[j]!));
          if (lost.length === 0) continue;
          const again: PointTask[] = [];
          for (const k of lost) {
            const n = (reEnqueued.get(k) ?? 0) + 1;
            reEnqueued.set(k, n);
            if (n > MAX_REENQUEUE) complete(k, { key: k, status: "failed", error: `its job vanished from Redis ${MAX_REENQUEUE} times (Redis losing its data: FLUSHALL, eviction, a restart without persistence); recorded as failed` });
            else again.push(byKey.get(k)!);
          }
          if (again.length > 0) {
            dataLoss(`${again.length} queued point(s) vanished from Redis at ${opts.queue} (data lost: FLUSHALL or a restart without persistence); enqueued again`);
            await enqueue(again);
          }
        }
      };
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const poll = async () => {
        await recoverLost();
        const keys = [...pending.keys()].slice(0, 500);
        for (const k of keys) await check(k);
        if (pending.size > 0 && !stopped) timer = setTimeout(() => void poll().catch(() => {}), pollMs);
      };
      try {
        // Failed jobs of an earlier run (setup errors, stalls) would block re-adding their ids: clear them.
        const ours = new Set(pending.keys());
        for (const job of await queue.getJobs(["failed"])) if (job.id && ours.has(job.id)) await job.remove();
        await enqueue(tasks);
        // Jobs that already finished before we subscribed (a resumed coordinator) are found by polling.
        await poll();
        await all;
      } finally {
        stopped = true;
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
  /** Connection lost (one line) / back (null). Default: one line on stderr. */
  readonly onConnection?: (line: string | null) => void;
  /** Seconds to wait for Redis at start (default 5). */
  readonly connectTimeoutS?: number;
  /** Evaluator modules this worker imports (default: built-ins and files under its current folder). */
  readonly allow?: ModuleAllowList;
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
  const allow = opts.allow ?? defaultAllowList();
  const c: BullConnection = bullConnection(conn, { onError: opts.onConnection ?? stderrReporter("worker", opts.queue) });
  try {
    await waitConnected(c, opts.queue, (opts.connectTimeoutS ?? 5) * 1000);
  } catch (e) {
    await pool?.close();
    await closeConnection(c);
    throw e;
  }
  let processed = 0;
  const worker = new Worker(
    name,
    async (job: Job<PointTask>) => {
      // Untrusted input: a job may only name an evaluator module this worker allows (a setup error
      // otherwise, so the sweep stops with the reason and nothing is imported).
      const data = job.data as Partial<PointTask> | null;
      if (data === null || typeof data !== "object" || typeof data.input?.key !== "string") throw new Error("malformed job: expected a sweep point task");
      checkEvaluatorModule(data.evaluator, allow);
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
    throw new AimcsimError("IoError", opts.queue, `cannot reach Redis: ${(e as Error).message.split("\n")[0]}`);
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

