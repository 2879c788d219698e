// Turn a task-graph run into trace input: one track per resource, one slice per task that holds a
// resource (pure delays optionally on their own track), and a queue-depth counter per resource
// when the run was recorded (runTaskGraph(..., { record: true })).

import type { ResourceDef, TaskGraph, TaskGraphRun } from "../engine/index.ts";
import type { TraceArgValue, TraceCounter, TraceInput, TraceSlice, TraceTrack } from "./build.ts";

export interface TaskGraphTraceOptions {
  /** Slice name of task i (default "task <i>"). */
  readonly taskName?: (task: number) => string;
  readonly taskCategory?: (task: number) => string;
  readonly taskArgs?: (task: number) => Readonly<Record<string, TraceArgValue>>;
  /** Process (group) that resource r is shown in (default "aimcsim"). */
  readonly resourceProcess?: (resource: number) => string;
  /** Also show resource-less tasks (pure delays) on a track named "delays" (default false). */
  readonly includeDelays?: boolean;
  readonly metadata?: Readonly<Record<string, TraceArgValue>>;
}

export function taskGraphTrace(
  graph: TaskGraph,
  resources: readonly ResourceDef[],
  run: TaskGraphRun,
  opts: TaskGraphTraceOptions = {},
): TraceInput {
  const tracks: TraceTrack[] = resources.map((r, i) => ({ name: r.name, process: opts.resourceProcess?.(i) }));
  const DELAYS = "delays";
  if (opts.includeDelays) tracks.push({ name: DELAYS });
  const slices: TraceSlice[] = [];
  for (let i = 0; i < graph.count; i++) {
    const r = graph.resource[i];
    if (r < 0 && !opts.includeDelays) continue;
    slices.push({
      name: opts.taskName ? opts.taskName(i) : `task ${i}`,
      track: r >= 0 ? resources[r].name : DELAYS,
      startPs: run.startPs[i],
      durPs: run.endPs[i] - run.startPs[i],
      category: opts.taskCategory?.(i),
      args: { task: i, ...(opts.taskArgs?.(i) ?? {}) },
    });
  }
  const counters: TraceCounter[] = [];
  if (run.queueLog)
    run.queueLog.forEach((log, r) =>
      counters.push({ name: `queue ${resources[r].name}`, track: resources[r].name, timePs: log.timePs, values: log.depth }),
    );
  return { tracks, slices, counters, metadata: opts.metadata };
}
