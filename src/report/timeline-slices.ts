// The one timeline adapter: slices of a simulation run's schedule (one decode step, or the prefill) per
// unit, for the timeline chart; and the same from Chrome trace events.
import { OP_CLASSES, isCrossbarUnit } from "../sim/result.ts";
import type { ChipResource } from "../sim/resources.ts";
import type { SimRun } from "../sim/run.ts";
import { CLASS_INDEX, PHASE_DECODE, PHASE_PREFILL } from "../sim/tasks.ts";
import type { TimelineSlice } from "./charts/timeline.ts";

export interface SliceOptions {
  /** "decode" (default) or "prefill". */
  readonly phase?: "prefill" | "decode";
  /** Decode step (default 0, the first step after prefill). Ignored for prefill. */
  readonly step?: number;
  /** Track name of a resource (default: every crossbar bank becomes one "crossbars" track). */
  readonly trackOf?: (resourceName: string) => string;
  /** Skip zero-duration tasks (default true). */
  readonly skipEmpty?: boolean;
  /** Times relative to the first slice's start (default false: times since the start of the run). */
  readonly rebase?: boolean;
}

const CLASS_OF = OP_CLASSES.map((c) => ({ c, i: CLASS_INDEX[c] })).sort((a, b) => a.i - b.i).map((x) => x.c);

export const defaultTrackOf = (name: string): string => (isCrossbarUnit(name) ? "crossbars" : name);
const defaultTrack = (r: ChipResource): string => (r.component === "crossbar" ? "crossbars" : r.name);

/** The middle decode step of a run (-1 when it has none). */
export function middleDecodeStep(sim: SimRun): number {
  const { tasks } = sim;
  let maxStep = -1;
  for (let t = 0; t < tasks.count; t++) if (tasks.phase[t] === PHASE_DECODE) maxStep = Math.max(maxStep, tasks.step[t]);
  return maxStep < 0 ? -1 : Math.floor(maxStep / 2);
}

/** Slices of one phase / decode step of a run, categorised by op class, in picoseconds. */
export function slicesFromSimRun(sim: SimRun, opts: SliceOptions = {}): TimelineSlice[] {
  const { tasks, schedule, resources } = sim;
  const phase = opts.phase === "prefill" ? PHASE_PREFILL : PHASE_DECODE;
  const step = opts.phase === "prefill" ? -1 : (opts.step ?? 0);
  const trackOf = opts.trackOf;
  const skip = opts.skipEmpty ?? true;
  const out: TimelineSlice[] = [];
  let t0 = Infinity;
  // A DRAM macro task that yielded the channel ran in pieces (schedule.pieces): one slice per piece.
  const pieces = new Map<number, [number, number][]>();
  const p = schedule.pieces;
  if (p) for (let k = 0; k < p.task.length; k++) pieces.set(p.task[k]!, [...(pieces.get(p.task[k]!) ?? []), [p.startPs[k]!, p.endPs[k]!]]);
  for (let t = 0; t < tasks.count; t++) {
    if (tasks.phase[t] !== phase || tasks.resource[t] < 0) continue;
    if (phase === PHASE_DECODE && tasks.step[t] !== step) continue;
    for (const [start, end] of pieces.get(t) ?? [[schedule.startPs[t], schedule.endPs[t]]]) {
      const dur = end - start;
      if (skip && dur <= 0) continue;
      t0 = Math.min(t0, start);
      out.push({
        track: trackOf ? trackOf(resources[tasks.resource[t]].name) : defaultTrack(resources[tasks.resource[t]]),
        name: tasks.labels[t].replace(/^(prefill\[\d+\]|decode\[\d+\]) /, ""),
        startPs: start,
        durPs: dur,
        category: CLASS_OF[tasks.opClass[t]] ?? "other",
      });
    }
  }
  return opts.rebase ? out.map((s) => ({ ...s, startPs: s.startPs - t0 })) : out;
}

/** A Chrome Trace Event "complete" event (ph "X"); ts and dur in microseconds as the format defines. */
export interface TraceCompleteEvent {
  readonly ph: string;
  readonly name: string;
  readonly ts: number;
  readonly dur?: number;
  readonly tid?: number | string;
  readonly pid?: number | string;
  readonly cat?: string;
}

/** Slices from trace events (only ph "X"); tracks named by `trackName(pid, tid)` (default "pid/tid"). */
export function slicesFromTraceEvents(
  events: readonly TraceCompleteEvent[],
  trackName: (pid: number | string | undefined, tid: number | string | undefined) => string = (p, t) => `${p ?? 0}/${t ?? 0}`,
): TimelineSlice[] {
  return events
    .filter((e) => e.ph === "X")
    .map((e) => ({
      track: trackName(e.pid, e.tid),
      name: e.name,
      startPs: Math.round(e.ts * 1e6),
      durPs: Math.round((e.dur ?? 0) * 1e6),
      ...(e.cat ? { category: e.cat } : {}),
    }));
}
