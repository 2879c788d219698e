// A pool of worker threads evaluating point tasks, one task per worker at a time. A worker that dies
// (crash, out of memory, terminate()) has its in-flight task put back at the head of the queue and is
// replaced; a task that kills `maxCrashes` workers becomes a failed point instead of looping forever.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { moduleUrl } from "../../util/package.ts";
import type { PointBackend, PointOutcome, PointTask } from "../types.ts";

export interface WorkerPoolOptions {
  /** Threads (default: one per core). */
  readonly size?: number;
  /** Deaths one task may cause before it is recorded as failed (default 3). */
  readonly maxCrashes?: number;
  /** Called when a task is handed to a worker (slot index) — for tests and tracing. */
  readonly onDispatch?: (slot: number, key: string) => void;
  /** Module the threads run (default ./worker-thread.ts); for tests of start-up failures. */
  readonly entry?: string;
}

interface Entry {
  readonly task: PointTask;
  readonly resolve: (o: PointOutcome) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  entry: Entry | null;
  seq: number;
  /** Set when the pool closes. */
  retiring: boolean;
  /** The worker said "ready". */
  started: boolean;
}

const ENTRY = moduleUrl("./worker-thread.ts", import.meta.url).href;
const BOOT = new URL("./worker-boot.mjs", import.meta.url);

export class WorkerPool implements PointBackend {
  readonly size: number;
  /** Tasks put back in the queue after their worker died. */
  requeued = 0;
  /** Workers started to replace dead ones. */
  restarts = 0;
  private readonly slots: Slot[] = [];
  private readonly crashes = new Map<string, number>();
  private readonly queue: Entry[] = [];
  private closed = false;
  private readonly maxCrashes: number;
  private seq = 0;
  /** Workers that died before saying "ready", in a row; 3 in a row means threads cannot start here. */
  private bootFailures = 0;
  private lastError = "";
  private broken: Error | null = null;

  constructor(private readonly opts: WorkerPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? availableParallelism());
    this.maxCrashes = opts.maxCrashes ?? 3;
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn(i));
  }

  private spawn(index: number): Slot {
    const worker = new Worker(BOOT, { workerData: { entry: this.opts.entry ?? ENTRY } });
    let markReady!: () => void;
    const slot: Slot = { worker, ready: new Promise<void>((r) => (markReady = r)), entry: null, seq: -1, retiring: false, started: false };
    worker.on("message", (msg: { type: string; seq?: number; outcome?: PointOutcome }) => {
      if (msg.type === "ready") {
        slot.started = true;
        this.bootFailures = 0;
        markReady();
        this.pump();
        return;
      }
      if (msg.type === "done" && slot.entry && msg.seq === slot.seq && this.slots[index] === slot) {
        const e = slot.entry;
        slot.entry = null;
        e.resolve(msg.outcome!);
        this.pump();
      }
    });
    worker.on("error", (err) => {
      // The 'exit' that follows does the bookkeeping.
      this.lastError = err instanceof Error ? err.message : String(err);
    });
    worker.on("exit", () => this.onExit(index, slot));
    return slot;
  }

  private onExit(index: number, slot: Slot): void {
    if (this.slots[index] !== slot) return;
    const e = slot.entry;
    slot.entry = null;
    if (e) {
      const n = (this.crashes.get(e.task.input.key) ?? 0) + 1;
      this.crashes.set(e.task.input.key, n);
      if (this.closed) e.reject(new Error("worker pool closed"));
      else if (n >= this.maxCrashes) {
        e.resolve({ key: e.task.input.key, status: "failed", error: `worker thread died ${n} times while evaluating this point` });
      } else {
        this.queue.unshift(e);
        this.requeued++;
      }
    }
    if (this.closed) return;
    if (!slot.started && ++this.bootFailures >= 3) {
      // Threads cannot start (broken install, missing loader): fail loudly instead of respawning forever.
      this.broken = new Error(`worker threads fail to start: ${this.lastError || "exited before ready"}`);
      for (const q of this.queue.splice(0)) q.reject(this.broken);
      return;
    }
    this.restarts++;
    this.slots[index] = this.spawn(index);
  }

  private pump(): void {
    this.slots.forEach((slot, i) => {
      if (slot.entry || slot.retiring || this.queue.length === 0) return;
      // Dispatch only to a worker that has said it is ready (its imports can take a while).
      void slot.ready.then(() => {
        if (slot.entry || slot.retiring || this.slots[i] !== slot || this.queue.length === 0) return;
        const e = this.queue.shift()!;
        slot.entry = e;
        slot.seq = this.seq++;
        this.opts.onDispatch?.(i, e.task.input.key);
        slot.worker.postMessage({ type: "eval", seq: slot.seq, task: e.task });
      });
    });
  }

  /** Evaluates one task on the next free worker. */
  submit(task: PointTask): Promise<PointOutcome> {
    if (this.closed) return Promise.reject(new Error("worker pool is closed"));
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<PointOutcome>((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.pump();
    });
  }

  async evaluate(tasks: readonly PointTask[], onDone: (o: PointOutcome) => void): Promise<void> {
    await Promise.all(tasks.map((t) => this.submit(t).then(onDone)));
  }

  /** Key of the task a slot is evaluating, if any. */
  busyKey(slot: number): string | undefined {
    return this.slots[slot]?.entry?.task.input.key;
  }

  /** Kills one worker thread now (its in-flight task is re-queued and a new worker takes its place). */
  async terminateWorker(slot: number): Promise<void> {
    await this.slots[slot].worker.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const e of this.queue.splice(0)) e.reject(new Error("worker pool closed"));
    await Promise.all(this.slots.map((s) => ((s.retiring = true), s.worker.terminate())));
  }
}
