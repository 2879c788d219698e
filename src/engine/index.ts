// aimcsim's discrete-event kernel. It knows nothing about transformers or chips.
//
// Design (SimPy-sized, allocation-free in the loop):
// - Time is an integer number of picoseconds held in a double (exact up to 2^53 ps ~ 2.5 h).
// - BinaryHeap: the one priority queue, (key, tie, a, b) records in parallel typed arrays, doubling
//   when full. The Simulator's pending events are one keyed by (timePs, seq): ties in time pop in
//   scheduling order, so runs are deterministic; each resource's wait queue is another. EventQueue wraps
//   one with the Simulator's ordering for stand-alone use.
// - Simulator: now + queue + `run(handler)`. An event is an int `kind` and an int `payload`; the
//   model's handler switches on `kind` and keeps its own state in typed arrays.
//     const sim = new Simulator();
//     sim.schedule(1000, ARRIVE, customer);            // 1000 ps from now
//     sim.run((kind, payload) => { switch (kind) { ... } });
// - ResourceSet: resources with capacity and FIFO (or priority) wait queues, with busy time,
//   max / time-weighted mean queue depth and an optional queue-depth log (for trace counters).
// - runTaskGraph: the executor the chip simulation uses: tasks (resource, duration, CSR deps,
//   optional priority and release time) played on a Simulator + ResourceSet; returns start/end per
//   task, makespan and per-resource statistics. criticalPathPs / resourceBoundPs give the two
//   classic makespan lower bounds, for invariant checks.
// Bad input raises AimcsimError("SimError", path, rule) naming the task or resource index.

export { BinaryHeap } from "./heap.ts";
export { EventQueue } from "./event-queue.ts";
export { Simulator, type EventHandler, type RunOptions } from "./simulator.ts";
export { ResourceSet, type ResourceDef, type WaitOrder, type QueueDepthLog } from "./resources.ts";
export {
  runTaskGraph,
  validateTaskGraph,
  criticalPathPs,
  resourceBoundPs,
  type TaskGraph,
  type TaskGraphRun,
} from "./task-graph.ts";
