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
// Two event kinds: END (a task finished) and READY (a release time was reached).

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
}

const END = 0;
const READY = 1;

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
  const { resource, durationPs, depStart, depList, releasePs } = graph;
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
  const { resource, durationPs, depStart, priority, releasePs } = graph;
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

  const start = (i: number): void => {
    startPs[i] = sim.nowPs;
    sim.schedule(durationPs[i], END, i);
  };
  const arrive = (i: number): void => {
    const r = resource[i];
    if (r < 0) return start(i);
    rs.enqueue(r, i, priority ? priority[i] : 0);
    if (!dirty[r]) { dirty[r] = 1; dirtyStack[nDirty++] = r; }
  };
  const becomeReady = (i: number): void => {
    if (releasePs !== undefined && releasePs[i] > sim.nowPs) sim.scheduleAt(releasePs[i], READY, i);
    else arrive(i);
  };
  const handler = (kind: number, i: number): void => {
    if (kind === READY) return arrive(i);
    endPs[i] = sim.nowPs;
    if (onProgress !== undefined && (++finished & 0xffff) === 0) onProgress(finished, n);
    const r = resource[i];
    if (r >= 0) {
      rs.release(r);
      if (!dirty[r]) { dirty[r] = 1; dirtyStack[nDirty++] = r; }
    }
    for (let j = succStart[i], e = succStart[i + 1]; j < e; j++) {
      const s = succList[j];
      if (--pending[s] === 0) becomeReady(s);
    }
  };
  const afterInstant = (): void => {
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
  const run: TaskGraphRun = { startPs, endPs, makespanPs, busyPs, utilization, maxQueueDepth, meanQueueDepth, events: sim.eventsProcessed };
  if (opts?.record) {
    const queueLog: QueueDepthLog[] = [];
    for (let r = 0; r < nRes; r++) queueLog.push(rs.queueLog(r)!);
    return { ...run, queueLog };
  }
  return run;
}
