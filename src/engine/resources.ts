// Resources: units with a capacity (ADC banks, systolic arrays, NoC links, DRAM channels, ...), each
// with a wait queue. Holders and waiters are int tokens (task or customer indices). The set keeps,
// per resource, time-weighted busy time (sum over time of units in use, = sum of holding times),
// queue-depth statistics (max and time-weighted mean of the number of waiters) and optionally the
// log of queue-depth changes (one entry per instant, for trace counters).
//
// Wait order: "fifo" (arrival order) or "priority" (lower key first, ties by lower token).
// The set does not schedule anything: the model calls tryAcquire/enqueue/release/grantNext from its
// event handler and schedules the completion of whatever was granted. All state is typed arrays.

import { AimcsimError } from "../errors.ts";
import { BinaryHeap } from "./heap.ts";

export interface ResourceDef {
  readonly name: string;
  /** Units that can serve at once (integer >= 1). */
  readonly capacity: number;
}

export type WaitOrder = "fifo" | "priority";

/** Queue-depth change log of one resource: depth[i] holds from timePs[i] until timePs[i+1]. */
export interface QueueDepthLog {
  readonly timePs: Float64Array;
  readonly depth: Int32Array;
}

class DepthLog {
  timePs = new Float64Array(16);
  depth = new Int32Array(16);
  n = 0;
  add(t: number, d: number): void {
    const n = this.n;
    if (n > 0 && this.timePs[n - 1] === t) {
      // Same instant: keep one entry, drop it if it no longer changes anything.
      if (n > 1 && this.depth[n - 2] === d) this.n = n - 1;
      else this.depth[n - 1] = d;
      return;
    }
    if (n > 0 && this.depth[n - 1] === d) return;
    if (n === this.timePs.length) {
      const t2 = new Float64Array(n * 2), d2 = new Int32Array(n * 2);
      t2.set(this.timePs); d2.set(this.depth);
      this.timePs = t2; this.depth = d2;
    }
    this.timePs[n] = t;
    this.depth[n] = d;
    this.n = n + 1;
  }
}

export class ResourceSet {
  readonly count: number;
  readonly names: readonly string[];
  readonly capacity: Int32Array;
  readonly inUse: Int32Array;
  private readonly lastPs: Float64Array;
  private readonly busyAreaPs: Float64Array;
  private readonly queueAreaPs: Float64Array;
  private readonly maxDepth: Int32Array;
  /** Per resource, its waiters: BinaryHeap records (key, tie, token, 0). */
  private readonly waiting: BinaryHeap[];
  private readonly logs: DepthLog[] | null;
  private readonly priorityOrder: boolean;
  private arrivals = 0;

  /** `clock.nowPs` is read at every change (pass the Simulator). */
  constructor(
    defs: readonly ResourceDef[],
    private readonly clock: { readonly nowPs: number },
    opts?: { readonly order?: WaitOrder; readonly record?: boolean },
  ) {
    if (!Array.isArray(defs)) throw new AimcsimError("SimError", "resources", "must be an array of { name, capacity }");
    const n = defs.length;
    this.count = n;
    this.capacity = new Int32Array(n);
    defs.forEach((d, r) => {
      const c = d?.capacity;
      if (typeof c !== "number" || !Number.isInteger(c) || c < 1 || c > 0x7fffffff)
        throw new AimcsimError("SimError", `resources[${r}].capacity`, `must be an integer >= 1, got ${String(c)}`);
      if (typeof d.name !== "string") throw new AimcsimError("SimError", `resources[${r}].name`, "must be a string");
      this.capacity[r] = c;
    });
    this.names = defs.map((d) => d.name);
    this.inUse = new Int32Array(n);
    this.lastPs = new Float64Array(n);
    this.busyAreaPs = new Float64Array(n);
    this.queueAreaPs = new Float64Array(n);
    this.maxDepth = new Int32Array(n);
    this.waiting = defs.map(() => new BinaryHeap(4));
    this.logs = opts?.record ? defs.map(() => new DepthLog()) : null;
    this.priorityOrder = opts?.order === "priority";
    if (this.logs) for (const l of this.logs) l.add(clock.nowPs, 0);
  }

  /** Waiters currently queued at resource r. */
  queueDepth(r: number): number {
    return this.waiting[r].size;
  }

  /** Bring r's time integrals up to now (before any change). */
  private touch(r: number, now: number): void {
    const dt = now - this.lastPs[r];
    if (dt > 0) {
      const depth = this.waiting[r].size;
      this.busyAreaPs[r] += this.inUse[r] * dt;
      this.queueAreaPs[r] += depth * dt;
      if (depth > this.maxDepth[r]) this.maxDepth[r] = depth;
      this.lastPs[r] = now;
    }
  }

  /** Take one unit now if one is free. */
  tryAcquire(r: number): boolean {
    if (this.inUse[r] >= this.capacity[r]) return false;
    this.touch(r, this.clock.nowPs);
    this.inUse[r]++;
    return true;
  }

  /** Queue `token` at r. `key` orders waiters in "priority" mode (lower first) and is ignored in "fifo". */
  enqueue(r: number, token: number, key = 0): void {
    const now = this.clock.nowPs;
    this.touch(r, now);
    const w = this.waiting[r];
    if (this.priorityOrder) w.push(key, token, token, 0);
    else w.push(0, this.arrivals++, token, 0);
    if (this.logs) this.logs[r].add(now, w.size);
  }

  /** If a unit of r is free and someone waits, grant the unit to the first waiter and return its token; else -1. */
  grantNext(r: number): number {
    const w = this.waiting[r];
    if (w.size === 0 || this.inUse[r] >= this.capacity[r]) return -1;
    const now = this.clock.nowPs;
    this.touch(r, now);
    this.inUse[r]++;
    w.pop();
    const token = w.poppedA;
    if (this.logs) this.logs[r].add(now, w.size);
    return token;
  }

  /** Give back one unit of r. */
  release(r: number): void {
    if (this.inUse[r] <= 0)
      throw new AimcsimError("SimError", `resources[${r}] (${this.names[r]})`, "released more units than were acquired");
    this.touch(r, this.clock.nowPs);
    this.inUse[r]--;
  }

  /** release(r) then grantNext(r): the usual FIFO server step. Returns the token now served, or -1. */
  releaseAndGrant(r: number): number {
    this.release(r);
    return this.grantNext(r);
  }

  /** Close the time integrals at `endPs` (call once the run is over, before reading statistics). */
  finish(endPs: number): void {
    for (let r = 0; r < this.count; r++) this.touch(r, endPs);
  }

  /** Unit-picoseconds of service given by r (sum of holding times). */
  busyPs(r: number): number {
    return this.busyAreaPs[r];
  }

  /** Largest number of waiters at r that persisted for a positive time. */
  maxQueueDepth(r: number): number {
    return this.maxDepth[r];
  }

  /** Time-weighted mean number of waiters over [0, endPs]. */
  meanQueueDepth(r: number, endPs: number): number {
    return endPs > 0 ? this.queueAreaPs[r] / endPs : 0;
  }

  /** The queue-depth change log (only with record: true; otherwise null). */
  queueLog(r: number): QueueDepthLog | null {
    if (!this.logs) return null;
    const l = this.logs[r];
    return { timePs: l.timePs.slice(0, l.n), depth: l.depth.slice(0, l.n) };
  }
}
