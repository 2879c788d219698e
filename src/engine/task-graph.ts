// Task graphs on the event kernel: the API the chip simulation uses. A TaskGraph is struct-of-arrays
// (one entry per task: the resource it occupies, its duration, its dependencies in CSR form, an
// optional priority and release time). runTaskGraph plays it on a Simulator + ResourceSet:
//
//   a task becomes ready when its last dependency ends (and not before its release time); a ready
//   task with a resource joins that resource's wait queue; after all events of an instant are
//   handled, each resource touched in that instant grants its free units to its waiters, in
//   priority order (lower first, ties by lower task index) when `priority` is given, else in the
//   order the tasks became ready. A task with resource -1 is a pure delay and starts when ready.
//
// Macro tasks (optional `chunks`/`chunkPs`): task i with chunks[i] = N > 1 stands for N back-to-back pieces on
// its (capacity-1) resource, every piece but the last chunkPs[i] long, the last the rest of durationPs[i] (a DRAM
// transfer's bursts); every piece lasts at least 1 ps (a zero-length piece would take a grant round of its own,
// which one event cannot mirror). It runs as one event while nothing better waits; when a waiter that would win the resource
// arrives (priority mode: lower priority, ties by lower index), the task yields the unit at the next piece boundary
// (the instant the separate piece would have ended) and waits again with its remaining pieces. Its schedule is
// therefore exactly that of N separate tasks with the task's dependencies, resource and consecutive priorities
// (no other task's priority between them), joined by a zero-duration task its successors wait for
// (test/engine/macro-tasks.test.ts checks this against the expanded graph in priority mode, the mode the chip
// simulation uses). In FIFO mode nothing can overtake the pieces (they become ready together), so a macro task
// never yields; there the join's zero-length hop can still reorder arrivals within one instant.
//
// Gang tasks (optional `width`): task i with width[i] = k > 1 stands for k identical parallel tasks (the same
// resource, dependencies, duration and release time, consecutive priorities; work split over identical unit
// instances) joined by a zero-duration task: it is granted one unit at a time like k waiters of its priority,
// the parts granted in one instant share one END event, and it ends when its last part ends.
//
// Event kinds: END (a task or a gang's batch of parts finished), READY (a release time was reached), YIELD (a
// macro task gives up its unit).

import { AimcsimError } from "../errors.ts";
import { Simulator } from "./simulator.ts";
import { ResourceSet, type QueueDepthLog, type ResourceDef } from "./resources.ts";

export interface TaskGraph {
  readonly count: number;
  /** Resource index per task; -1 = no resource (a pure delay). */
  readonly resource: Int32Array;
  /** Duration per task, integer picoseconds >= 0. */
  readonly durationPs: Float64Array;
  /** Dependencies of task i are depList[depStart[i] .. depStart[i+1]-1]; depStart has count+1 entries. */
  readonly depStart: Int32Array;
  readonly depList: Int32Array;
  /** Lower runs first among tasks waiting for the same resource (ties: lower task index). */
  readonly priority?: Int32Array;
  /** Earliest start per task, integer picoseconds >= 0. */
  readonly releasePs?: Float64Array;
  /** Macro tasks (see the file header): pieces per task (>= 1; 1 = an ordinary task). Given with chunkPs. */
  readonly chunks?: Int32Array;
  /** Duration of every piece but the last, integer picoseconds >= 1 (ignored where chunks is 1). */
  readonly chunkPs?: Float64Array;
  /** Gang tasks (see the file header): identical parallel parts per task (>= 1; 1 = an ordinary task). */
  readonly width?: Int32Array;
}

export interface TaskGraphRun {
  readonly startPs: Float64Array;
  readonly endPs: Float64Array;
  /** Latest task end (0 for an empty graph). */
  readonly makespanPs: number;
  /** Per resource (indexed like `resources`): sum of the durations of its tasks, ps. */
  readonly busyPs: Float64Array;
  /** Per resource: busyPs / (capacity * makespanPs), in [0, 1] (0 when makespan is 0). */
  readonly utilization: Float64Array;
  /** Per resource: most tasks waiting (ready, not started) over any interval of positive length. */
  readonly maxQueueDepth: Int32Array;
  /** Per resource: time-weighted mean of tasks waiting over [0, makespan]. */
  readonly meanQueueDepth: Float64Array;
  /** Events the kernel handled. */
  readonly events: number;
  /** With record: true, per resource, the queue-depth change log (for trace counters). */
  readonly queueLog?: readonly QueueDepthLog[];
  /** With macro or gang tasks: the run intervals of every macro task that yielded its unit at least once (its
   *  startPs/endPs span the gaps in between) and of every gang task whose parts did not all start at once (one
   *  interval per batch of parts started together). Absent without `chunks` or `width`. */
  readonly pieces?: { readonly task: Int32Array; readonly startPs: Float64Array; readonly endPs: Float64Array };
}

const END = 0;
const READY = 1;
const YIELD = 2;

const bad = (path: string, rule: string): AimcsimError => new AimcsimError("SimError", path, rule);

const isNonNegIntPs = (x: number): boolean => x >= 0 && x <= Number.MAX_SAFE_INTEGER && Math.floor(x) === x;

/**
 * Check a task graph (array types and lengths, indices, durations, release times, acyclicity) and
 * return a topological order of its tasks. `resourceCount`, when given, bounds the resource indices.
 * Throws AimcsimError("SimError") naming the offending task.
 */
export function validateTaskGraph(graph: TaskGraph, resourceCount?: number): Int32Array {
  return checkGraph(graph, resourceCount).order;
}

function checkGraph(graph: TaskGraph, resourceCount?: number): { order: Int32Array; succStart: Int32Array; succList: Int32Array } {
  if (graph === null || typeof graph !== "object") throw bad("graph", "must be a TaskGraph object");
  const n = graph.count;
  if (!Number.isInteger(n) || n < 0 || n > 0x7ffffffe) throw bad("graph.count", `must be an integer >= 0, got ${String(n)}`);
  const typed = (name: string, a: unknown, ctor: Function, len: number): void => {
    if (!(a instanceof ctor)) throw bad(`graph.${name}`, `must be a ${ctor.name}`);
    if ((a as Int32Array).length !== len) throw bad(`graph.${name}`, `must have length ${len}, has ${(a as Int32Array).length}`);
  };
  typed("resource", graph.resource, Int32Array, n);
  typed("durationPs", graph.durationPs, Float64Array, n);
  typed("depStart", graph.depStart, Int32Array, n + 1);
  if (!(graph.depList instanceof Int32Array)) throw bad("graph.depList", "must be an Int32Array");
  if (graph.priority !== undefined) typed("priority", graph.priority, Int32Array, n);
  if (graph.releasePs !== undefined) typed("releasePs", graph.releasePs, Float64Array, n);
  if ((graph.chunks === undefined) !== (graph.chunkPs === undefined)) throw bad("graph.chunks", "chunks and chunkPs must be given together");
  if (graph.chunks !== undefined) {
    typed("chunks", graph.chunks, Int32Array, n);
    typed("chunkPs", graph.chunkPs, Float64Array, n);
  }
  if (graph.width !== undefined) typed("width", graph.width, Int32Array, n);
  const { resource, durationPs, depStart, depList, releasePs, chunks, chunkPs, width } = graph;
  if (depStart[0] !== 0) throw bad("graph.depStart[0]", `must be 0, got ${depStart[0]}`);
  if (depStart[n] !== depList.length)
    throw bad(`graph.depStart[${n}]`, `must equal depList.length (${depList.length}), got ${depStart[n]}`);
  for (let i = 0; i < n; i++)
    if (depStart[i + 1] < depStart[i])
      throw bad(`task ${i}: graph.depStart[${i + 1}]`, `must be >= depStart[${i}] (${depStart[i]}), got ${depStart[i + 1]}`);
  const maxRes = resourceCount ?? 0x7fffffff;
  for (let i = 0; i < n; i++) {
    const r = resource[i];
    if (r < -1 || r >= maxRes) throw bad(`task ${i}: graph.resource[${i}]`, `must be -1 or a resource index < ${maxRes}, got ${r}`);
    if (!isNonNegIntPs(durationPs[i]))
      throw bad(`task ${i}: graph.durationPs[${i}]`, `must be a non-negative integer number of picoseconds, got ${durationPs[i]}`);
    if (releasePs !== undefined && !isNonNegIntPs(releasePs[i]))
      throw bad(`task ${i}: graph.releasePs[${i}]`, `must be a non-negative integer number of picoseconds, got ${releasePs[i]}`);
    if (width !== undefined && (width[i] < 1 || (width[i] > 1 && r < 0)))
      throw bad(`task ${i}: graph.width[${i}]`, width[i] < 1 ? `must be >= 1, got ${width[i]}` : "a gang task (width > 1) needs a resource");
    if (width !== undefined && width[i] > 1 && chunks !== undefined && chunks[i] > 1)
      throw bad(`task ${i}: graph.width[${i}]`, "a task cannot be both a gang (width > 1) and a macro task (chunks > 1)");
    if (chunks !== undefined && chunkPs !== undefined) {
      const c = chunks[i];
      if (c < 1) throw bad(`task ${i}: graph.chunks[${i}]`, `must be >= 1, got ${c}`);
      if (c > 1) {
        if (r < 0) throw bad(`task ${i}: graph.chunks[${i}]`, "a macro task (chunks > 1) needs a resource");
        if (!isNonNegIntPs(chunkPs[i]) || chunkPs[i] < 1 || (c - 1) * chunkPs[i] >= durationPs[i])
          throw bad(`task ${i}: graph.chunkPs[${i}]`, `must be a whole number of picoseconds >= 1 with (chunks - 1) * chunkPs < durationPs (${durationPs[i]}: every piece at least 1 ps), got ${chunkPs[i]}`);
      }
    }
    const a = depStart[i], b = depStart[i + 1];
    for (let j = a; j < b; j++) {
      const d = depList[j];
      if (d < 0 || d >= n) throw bad(`task ${i}: graph.depList[${j}]`, `dependency must be a task index in [0, ${n}), got ${d}`);
      if (d === i) throw bad(`task ${i}: graph.depList[${j}]`, "a task cannot depend on itself");
    }
  }
  // Kahn's algorithm over the successor lists.
  const { succStart, succList } = successors(graph);
  const pending = new Int32Array(n);
  for (let i = 0; i < n; i++) pending[i] = depStart[i + 1] - depStart[i];
  const order = new Int32Array(n);
  let head = 0, tail = 0;
  for (let i = 0; i < n; i++) if (pending[i] === 0) order[tail++] = i;
  while (head < tail) {
    const t = order[head++];
    for (let j = succStart[t]; j < succStart[t + 1]; j++) if (--pending[succList[j]] === 0) order[tail++] = succList[j];
  }
  if (tail < n) {
    // Walk back along unfinished dependencies until a task repeats: that task lies on a cycle.
    let t = 0;
    while (pending[t] === 0) t++;
    const seen = new Uint8Array(n);
    while (!seen[t]) {
      seen[t] = 1;
      let next = -1;
      for (let j = depStart[t]; j < depStart[t + 1]; j++) if (pending[depList[j]] > 0) { next = depList[j]; break; }
      t = next;
    }
    throw bad(`task ${t}`, "lies on a dependency cycle (the task graph must be acyclic)");
  }
  return { order, succStart, succList };
}

/** Successor lists (reverse of the dependency CSR). */
function successors(graph: TaskGraph): { succStart: Int32Array; succList: Int32Array } {
  const n = graph.count;
  const { depStart, depList } = graph;
  const succStart = new Int32Array(n + 1);
  for (let j = 0; j < depList.length; j++) succStart[depList[j] + 1]++;
  for (let i = 0; i < n; i++) succStart[i + 1] += succStart[i];
  const fill = succStart.slice(0, n);
  const succList = new Int32Array(depList.length);
  for (let i = 0; i < n; i++) for (let j = depStart[i]; j < depStart[i + 1]; j++) succList[fill[depList[j]]++] = i;
  return { succStart, succList };
}

/** Length of the longest dependency chain (with release times), ignoring resource contention: a makespan lower bound. */
export function criticalPathPs(graph: TaskGraph): number {
  const order = validateTaskGraph(graph);
  const { depStart, depList, durationPs, releasePs } = graph;
  const end = new Float64Array(graph.count);
  let best = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    let s = releasePs ? releasePs[i] : 0;
    for (let j = depStart[i]; j < depStart[i + 1]; j++) if (end[depList[j]] > s) s = end[depList[j]];
    end[i] = s + durationPs[i];
    if (end[i] > best) best = end[i];
  }
  return best;
}

/** max over resources of (sum of task durations / capacity): the other makespan lower bound. */
export function resourceBoundPs(graph: TaskGraph, resources: readonly ResourceDef[]): number {
  validateTaskGraph(graph, resources.length);
  const load = new Float64Array(resources.length);
  for (let i = 0; i < graph.count; i++) if (graph.resource[i] >= 0) load[graph.resource[i]] += graph.durationPs[i];
  let best = 0;
  for (let r = 0; r < resources.length; r++) best = Math.max(best, load[r] / resources[r].capacity);
  return best;
}

/** Play a task graph on the resources. Deterministic: same input, identical output. */
export function runTaskGraph(
  graph: TaskGraph,
  resources: readonly ResourceDef[],
  opts?: { record?: boolean; onProgress?: ((done: number, total: number) => void) | undefined },
): TaskGraphRun {
  if (!Array.isArray(resources)) throw bad("resources", "must be an array of { name, capacity }");
  const { succStart, succList } = checkGraph(graph, resources.length);
  const n = graph.count;
  const { resource, durationPs, depStart, priority, releasePs, chunks, chunkPs } = graph;
  const sim = new Simulator(1024);
  const rs = new ResourceSet(resources, sim, { order: priority ? "priority" : "fifo", record: opts?.record === true });
  const nRes = resources.length;
  const startPs = new Float64Array(n).fill(-1);
  const endPs = new Float64Array(n).fill(-1);
  const pending = new Int32Array(n);
  const dirty = new Uint8Array(nRes);
  const dirtyStack = new Int32Array(nRes);
  let nDirty = 0;
  const onProgress = opts?.onProgress;
  let finished = 0;

  // Macro-task state (allocated only when the graph has `chunks`): per task the pieces and picoseconds left,
  // the start of its current run, END events outstanding (a yield leaves a stale one behind), whether it runs
  // now, whether a yield is planned and whether it ever yielded; per resource the macro task holding it (-1).
  const macro = chunks !== undefined && chunkPs !== undefined;
  const piecesLeft = macro ? Int32Array.from(chunks) : new Int32Array(0);
  const psLeft = macro ? Float64Array.from(durationPs) : new Float64Array(0);
  const runStart = macro ? new Float64Array(n) : new Float64Array(0);
  const endsOut = macro ? new Int32Array(n) : new Int32Array(0);
  const runningNow = macro ? new Uint8Array(n) : new Uint8Array(0);
  const yieldPlanned = macro ? new Uint8Array(n) : new Uint8Array(0);
  const yielded = macro ? new Uint8Array(n) : new Uint8Array(0);
  const holder = macro ? new Int32Array(nRes).fill(-1) : new Int32Array(0);
  const pieceLog: number[] = [];
  // Gang state (only with `width`): per task parts not yet started and parts ended, batches started so far and
  // the FIFO of its running batches (parts started in one instant, ending together: equal durations) in a pool.
  const width = graph.width;
  const gang = width !== undefined;
  const unstarted = gang ? Int32Array.from(width) : new Int32Array(0);
  const partsDone = gang ? new Int32Array(n) : new Int32Array(0);
  const batchesStarted = gang ? new Int32Array(n) : new Int32Array(0);
  const batchHead = gang ? new Int32Array(n).fill(-1) : new Int32Array(0);
  const batchTail = gang ? new Int32Array(n).fill(-1) : new Int32Array(0);
  let poolStart = new Float64Array(gang ? 64 : 0);
  let poolCount = new Int32Array(gang ? 64 : 0);
  let poolNext = new Int32Array(gang ? 64 : 0);
  let poolFree = -1;
  let poolUsed = 0;
  const newBatch = (startAt: number): number => {
    let b = poolFree;
    if (b >= 0) poolFree = poolNext[b]!;
    else {
      if (poolUsed === poolStart.length) {
        const grow = <T extends Float64Array | Int32Array>(a: T): T => {
          const x = new (a.constructor as new (m: number) => T)(a.length * 2);
          x.set(a);
          return x;
        };
        poolStart = grow(poolStart);
        poolCount = grow(poolCount);
        poolNext = grow(poolNext);
      }
      b = poolUsed++;
    }
    poolStart[b] = startAt;
    poolCount[b] = 0;
    poolNext[b] = -1;
    return b;
  };
  if (macro)
    for (let i = 0; i < n; i++)
      if (chunks[i]! > 1 && rs.capacity[resource[i]!]! !== 1)
        throw bad(`task ${i}: graph.chunks[${i}]`, `a macro task needs a resource of capacity 1, resources[${resource[i]}] has ${rs.capacity[resource[i]!]}`);

  const markDirty = (r: number): void => {
    if (!dirty[r]) { dirty[r] = 1; dirtyStack[nDirty++] = r; }
  };
  const start = (i: number): void => {
    if (startPs[i] < 0) startPs[i] = sim.nowPs;
    if (gang && width[i]! > 1) {
      // One part granted: join the batch started this instant or open a new one (with its END event).
      const now = sim.nowPs;
      let b = batchTail[i]!;
      if (b < 0 || poolStart[b] !== now) {
        const nb = newBatch(now);
        if (b >= 0) poolNext[b] = nb;
        else batchHead[i] = nb;
        batchTail[i] = nb;
        if (++batchesStarted[i] === 2) pieceLog.push(i, startPs[i], startPs[i] + durationPs[i]); // the first batch
        if (batchesStarted[i]! >= 2) pieceLog.push(i, now, now + durationPs[i]);
        sim.schedule(durationPs[i], END, i);
        b = nb;
      }
      poolCount[b]++;
      // The remaining parts wait as the next waiters of the same priority (granted in this round if units are free).
      if (--unstarted[i] > 0) rs.enqueue(resource[i]!, i, priority ? priority[i] : 0);
      return;
    }
    if (macro && chunks[i]! > 1) {
      holder[resource[i]!] = i;
      runStart[i] = sim.nowPs;
      runningNow[i] = 1;
      endsOut[i]++;
      sim.schedule(psLeft[i]!, END, i);
      return;
    }
    sim.schedule(durationPs[i], END, i);
  };
  /** Time of the latest afterInstant (grant round); -1 before the first. */
  let grantRoundPs = -1;
  /** A waiter better than macro task h arrived: h gives up its unit at its next piece boundary (none while its
   *  last piece runs, which ends anyway). A waiter arriving exactly at a boundary takes it only before that
   *  instant's first grant round: separate pieces end among the instant's first events, so the next piece is
   *  granted in that round, and a later arrival waits for the boundary after. */
  const planYield = (h: number): void => {
    const d = chunkPs![h]!;
    const now = sim.nowPs;
    let j = Math.ceil((now - runStart[h]!) / d);
    if (runStart[h]! + j * d === now && grantRoundPs === now) j++;
    j = Math.max(1, j);
    if (j > piecesLeft[h]! - 1) return;
    yieldPlanned[h] = 1;
    sim.scheduleAt(runStart[h]! + j * d, YIELD, h);
  };
  const arrive = (i: number): void => {
    const r = resource[i];
    if (r < 0) return start(i);
    const key = priority ? priority[i] : 0;
    rs.enqueue(r, i, key);
    if (macro && priority) {
      const h = holder[r]!;
      if (h >= 0 && !yieldPlanned[h] && (key < priority[h]! || (key === priority[h] && i < h))) planYield(h);
    }
    markDirty(r);
  };
  const becomeReady = (i: number): void => {
    if (releasePs !== undefined && releasePs[i] > sim.nowPs) sim.scheduleAt(releasePs[i], READY, i);
    else arrive(i);
  };
  const handler = (kind: number, i: number): void => {
    if (kind === READY) return arrive(i);
    const r = resource[i];
    if (kind === YIELD) {
      const ran = sim.nowPs - runStart[i]!;
      piecesLeft[i] -= Math.round(ran / chunkPs![i]!);
      psLeft[i] -= ran;
      pieceLog.push(i, runStart[i]!, sim.nowPs);
      yieldPlanned[i] = 0;
      runningNow[i] = 0;
      yielded[i] = 1;
      holder[r] = -1;
      rs.release(r);
      rs.enqueue(r, i, priority ? priority[i] : 0);
      markDirty(r);
      return;
    }
    if (gang && width[i]! > 1) {
      // A batch of parts ended: free its units; the gang ends with its last part.
      const b = batchHead[i]!;
      const c = poolCount[b]!;
      batchHead[i] = poolNext[b]!;
      if (batchHead[i]! < 0) batchTail[i] = -1;
      poolNext[b] = poolFree;
      poolFree = b;
      for (let k = 0; k < c; k++) rs.release(r);
      markDirty(r);
      partsDone[i] += c;
      if (partsDone[i]! < width[i]!) return;
      endPs[i] = sim.nowPs;
      if (onProgress !== undefined && (++finished & 0xffff) === 0) onProgress(finished, n);
      for (let j = succStart[i], e = succStart[i + 1]; j < e; j++) {
        const s = succList[j];
        if (--pending[s] === 0) becomeReady(s);
      }
      return;
    }
    if (macro && chunks[i]! > 1) {
      // A yield leaves the END of the interrupted run behind: only the END of the last run, while running, counts.
      if (--endsOut[i] > 0 || !runningNow[i]) return;
      runningNow[i] = 0;
      holder[r] = -1;
      if (yielded[i]) pieceLog.push(i, runStart[i]!, sim.nowPs);
    }
    endPs[i] = sim.nowPs;
    if (onProgress !== undefined && (++finished & 0xffff) === 0) onProgress(finished, n);
    if (r >= 0) {
      rs.release(r);
      markDirty(r);
    }
    for (let j = succStart[i], e = succStart[i + 1]; j < e; j++) {
      const s = succList[j];
      if (--pending[s] === 0) becomeReady(s);
    }
  };
  const afterInstant = (): void => {
    grantRoundPs = sim.nowPs;
    while (nDirty > 0) {
      const r = dirtyStack[--nDirty];
      dirty[r] = 0;
      let t: number;
      while ((t = rs.grantNext(r)) >= 0) start(t);
    }
  };

  for (let i = 0; i < n; i++) {
    pending[i] = depStart[i + 1] - depStart[i];
    if (pending[i] === 0) becomeReady(i);
  }
  sim.run(handler, { afterInstant });

  let makespanPs = 0;
  for (let i = 0; i < n; i++) {
    if (endPs[i] < 0) throw bad(`task ${i}`, "never ran (internal error: the engine lost a task)");
    if (endPs[i] > makespanPs) makespanPs = endPs[i];
  }
  rs.finish(makespanPs);
  const busyPs = new Float64Array(nRes);
  const utilization = new Float64Array(nRes);
  const maxQueueDepth = new Int32Array(nRes);
  const meanQueueDepth = new Float64Array(nRes);
  for (let r = 0; r < nRes; r++) {
    busyPs[r] = rs.busyPs(r);
    utilization[r] = makespanPs > 0 ? busyPs[r] / (rs.capacity[r] * makespanPs) : 0;
    maxQueueDepth[r] = rs.maxQueueDepth(r);
    meanQueueDepth[r] = rs.meanQueueDepth(r, makespanPs);
  }
  const pieces = macro || gang
    ? {
        task: Int32Array.from({ length: pieceLog.length / 3 }, (_, k) => pieceLog[3 * k]!),
        startPs: Float64Array.from({ length: pieceLog.length / 3 }, (_, k) => pieceLog[3 * k + 1]!),
        endPs: Float64Array.from({ length: pieceLog.length / 3 }, (_, k) => pieceLog[3 * k + 2]!),
      }
    : undefined;
  const run: TaskGraphRun = { startPs, endPs, makespanPs, busyPs, utilization, maxQueueDepth, meanQueueDepth, events: sim.eventsProcessed, ...(pieces ? { pieces } : {}) };
  if (opts?.record) {
    const queueLog: QueueDepthLog[] = [];
    for (let r = 0; r < nRes; r++) queueLog.push(rs.queueLog(r)!);
    return { ...run, queueLog };
  }
  return run;
}
