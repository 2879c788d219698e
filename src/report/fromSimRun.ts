// Adapters from a full simulation run (result + schedule) to report inputs: the timeline of one
// decode step (or of the prefill) as slices per unit.
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
}

const CLASS_OF = OP_CLASSES.map((c) => ({ c, i: CLASS_INDEX[c] })).sort((a, b) => a.i - b.i).map((x) => x.c);

export const defaultTrackOf = (name: string): string => (isCrossbarUnit(name) ? "crossbars" : name);
const defaultTrack = (r: ChipResource): string => (r.component === "crossbar" ? "crossbars" : r.name);

/** Slices of one phase / decode step of a run, categorised by op class, in picoseconds. */
export function slicesFromSimRun(sim: SimRun, opts: SliceOptions = {}): TimelineSlice[] {
  const { tasks, schedule, resources } = sim;
  const phase = opts.phase === "prefill" ? PHASE_PREFILL : PHASE_DECODE;
  const step = opts.phase === "prefill" ? -1 : (opts.step ?? 0);
  const trackOf = opts.trackOf;
  const skip = opts.skipEmpty ?? true;
  const out: TimelineSlice[] = [];
  for (let t = 0; t < tasks.count; t++) {
    if (tasks.phase[t] !== phase) continue;
    if (phase === PHASE_DECODE && tasks.step[t] !== step) continue;
    const dur = schedule.endPs[t] - schedule.startPs[t];
    if (skip && dur <= 0) continue;
    out.push({
      track: trackOf ? trackOf(resources[tasks.resource[t]].name) : defaultTrack(resources[tasks.resource[t]]),
      name: tasks.labels[t].replace(/^(prefill\[\d+\]|decode\[\d+\]) /, ""),
      startPs: schedule.startPs[t],
      durPs: dur,
      category: CLASS_OF[tasks.opClass[t]] ?? "other",
    });
  }
  return out;
}
