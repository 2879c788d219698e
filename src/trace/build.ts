// Chrome Trace Event / Perfetto JSON (the "JSON Object Format" that ui.perfetto.dev and
// chrome://tracing open). Generic: tracks are named timelines (hardware units), grouped into
// processes; slices are timed work on a track; counters are (timePs, value) series.
//
// Mapping to trace events:
//   process  -> pid (1, 2, ... in order of first appearance), "M" process_name + process_sort_index
//   track    -> tid (1, 2, ...), "M" thread_name + thread_sort_index
//   slice    -> "X" complete event, ts/dur in microseconds (ps / 1e6)
//   counter  -> "C" events on the counter's process, args { value }
// A track's slices that overlap in time (a unit with capacity > 1) are spread over extra lanes,
// threads named "<track> #2", "#3", ..., so no thread holds partially overlapping slices (which
// Perfetto would mis-nest). Times are converted by one division: for integer picoseconds below
// 10^15 (1000 s) the JSON text is the exact decimal number of microseconds.

import { AimcsimError } from "../errors.ts";

export interface TraceTrack {
  readonly name: string;
  /** Group shown as one process in the UI (default "aimcsim"). */
  readonly process?: string;
}

export type TraceArgValue = string | number | boolean;

export interface TraceSlice {
  readonly name: string;
  /** Name of a track in `tracks`. */
  readonly track: string;
  readonly startPs: number;
  readonly durPs: number;
  readonly category?: string;
  readonly args?: Readonly<Record<string, TraceArgValue>>;
}

export interface TraceCounter {
  readonly name: string;
  /** A track or process name: the counter is drawn under that process (default: the first process). */
  readonly track?: string;
  /** Either pairs [timePs, value] ... */
  readonly points?: readonly (readonly [number, number])[];
  /** ... or two parallel arrays (e.g. a QueueDepthLog's timePs and depth). */
  readonly timePs?: ArrayLike<number>;
  readonly values?: ArrayLike<number>;
}

export interface TraceInput {
  readonly tracks: readonly TraceTrack[];
  readonly slices: readonly TraceSlice[];
  readonly counters?: readonly TraceCounter[];
  /** Free-form run description (chip, model, seed, ...), stored as the trace's "otherData". */
  readonly metadata?: Readonly<Record<string, TraceArgValue>>;
}

export interface TraceEvent {
  readonly name: string;
  readonly ph: "M" | "X" | "C";
  readonly pid: number;
  readonly tid?: number;
  readonly ts: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly args?: Readonly<Record<string, TraceArgValue>>;
}

export interface ChromeTrace {
  readonly traceEvents: readonly TraceEvent[];
  readonly displayTimeUnit: "ns" | "ms";
  readonly otherData: Readonly<Record<string, TraceArgValue>>;
}

const DEFAULT_PROCESS = "aimcsim";

const bad = (path: string, rule: string): AimcsimError => new AimcsimError("SimError", path, rule);

/** Picoseconds to trace microseconds. */
export const psToUs = (ps: number): number => ps / 1e6;

const checkTime = (x: unknown, path: string): number => {
  if (typeof x !== "number" || !Number.isFinite(x) || x < 0) throw bad(path, `must be a finite number of picoseconds >= 0, got ${String(x)}`);
  return x;
};

const checkArgs = (args: unknown, path: string): Record<string, TraceArgValue> | undefined => {
  if (args === undefined) return undefined;
  if (args === null || typeof args !== "object") throw bad(path, "must be an object of string/number/boolean values");
  const out: Record<string, TraceArgValue> = {};
  for (const [k, v] of Object.entries(args)) {
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw bad(`${path}.${k}`, `must be a finite number, got ${v}`);
    } else if (typeof v !== "string" && typeof v !== "boolean") throw bad(`${path}.${k}`, "must be a string, number or boolean");
    out[k] = v;
  }
  return out;
};

/** Build the trace object. Throws AimcsimError("SimError") naming the bad slice/counter field. */
export function buildTrace(input: TraceInput): ChromeTrace {
  if (input === null || typeof input !== "object") throw bad("trace", "must be { tracks, slices, counters?, metadata? }");
  if (!Array.isArray(input.tracks)) throw bad("trace.tracks", "must be an array");
  if (!Array.isArray(input.slices)) throw bad("trace.slices", "must be an array");
  const counters = input.counters ?? [];
  if (!Array.isArray(counters)) throw bad("trace.counters", "must be an array");
  const meta: TraceEvent[] = [];

  // Processes and tracks.
  const pidOf = new Map<string, number>();
  const trackIndex = new Map<string, number>();
  const trackPid: number[] = [];
  const addProcess = (name: string): number => {
    let pid = pidOf.get(name);
    if (pid === undefined) {
      pid = pidOf.size + 1;
      pidOf.set(name, pid);
      meta.push({ name: "process_name", ph: "M", pid, ts: 0, args: { name } });
      meta.push({ name: "process_sort_index", ph: "M", pid, ts: 0, args: { sort_index: pid } });
    }
    return pid;
  };
  input.tracks.forEach((t, i) => {
    if (typeof t?.name !== "string" || t.name === "") throw bad(`trace.tracks[${i}].name`, "must be a non-empty string");
    if (trackIndex.has(t.name)) throw bad(`trace.tracks[${i}].name`, `duplicate track name "${t.name}"`);
    if (t.process !== undefined && typeof t.process !== "string") throw bad(`trace.tracks[${i}].process`, "must be a string");
    trackIndex.set(t.name, i);
    trackPid.push(addProcess(t.process ?? DEFAULT_PROCESS));
  });

  // Slices, validated, grouped by track.
  const byTrack: number[][] = input.tracks.map(() => []);
  input.slices.forEach((s, i) => {
    const p = `trace.slices[${i}]`;
    if (typeof s?.name !== "string") throw bad(`${p}.name`, "must be a string");
    const ti = trackIndex.get(s.track);
    if (ti === undefined) throw bad(`${p}.track`, `unknown track "${String(s.track)}"`);
    checkTime(s.startPs, `${p}.startPs`);
    checkTime(s.durPs, `${p}.durPs`);
    if (s.category !== undefined && typeof s.category !== "string") throw bad(`${p}.category`, "must be a string");
    byTrack[ti].push(i);
  });

  // Lanes: interval partitioning per track (first lane free by the slice's start).
  const timed: TraceEvent[] = [];
  let nextTid = 1;
  input.tracks.forEach((t, ti) => {
    const ids = byTrack[ti].sort((a, b) => input.slices[a].startPs - input.slices[b].startPs || a - b);
    const laneEnd: number[] = [];
    const laneTid: number[] = [];
    const pid = trackPid[ti];
    const newLane = (): number => {
      const tid = nextTid++;
      const k = laneTid.length;
      laneTid.push(tid);
      laneEnd.push(-Infinity);
      meta.push({ name: "thread_name", ph: "M", pid, tid, ts: 0, args: { name: k === 0 ? t.name : `${t.name} #${k + 1}` } });
      meta.push({ name: "thread_sort_index", ph: "M", pid, tid, ts: 0, args: { sort_index: tid } });
      return k;
    };
    newLane(); // every track is shown, even without slices
    for (const i of ids) {
      const s = input.slices[i];
      let k = 0;
      while (k < laneEnd.length && laneEnd[k] > s.startPs) k++;
      if (k === laneEnd.length) newLane();
      laneEnd[k] = s.startPs + s.durPs;
      const args = checkArgs(s.args, `trace.slices[${i}].args`);
      timed.push({
        name: s.name,
        ph: "X",
        pid,
        tid: laneTid[k],
        ts: psToUs(s.startPs),
        dur: psToUs(s.durPs),
        ...(s.category !== undefined ? { cat: s.category } : {}),
        ...(args ? { args } : {}),
      });
    }
  });

  // Counters.
  counters.forEach((c, i) => {
    const p = `trace.counters[${i}]`;
    if (typeof c?.name !== "string" || c.name === "") throw bad(`${p}.name`, "must be a non-empty string");
    let pid: number;
    if (c.track === undefined) pid = pidOf.size > 0 ? 1 : addProcess(DEFAULT_PROCESS);
    else {
      const ti = trackIndex.get(c.track);
      const pp = ti !== undefined ? trackPid[ti] : pidOf.get(c.track);
      if (pp === undefined) throw bad(`${p}.track`, `unknown track or process "${c.track}"`);
      pid = pp;
    }
    const push = (tPs: number, v: number, j: number): void => {
      checkTime(tPs, `${p}.points[${j}][0]`);
      if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`${p}.points[${j}][1]`, `must be a finite number, got ${String(v)}`);
      timed.push({ name: c.name, ph: "C", pid, ts: psToUs(tPs), args: { value: v } });
    };
    if (c.points !== undefined) {
      if (!Array.isArray(c.points)) throw bad(`${p}.points`, "must be an array of [timePs, value]");
      c.points.forEach((pt: readonly [number, number], j: number) => push(pt?.[0], pt?.[1], j));
    } else if (c.timePs !== undefined && c.values !== undefined) {
      if (c.timePs.length !== c.values.length) throw bad(`${p}.values`, `must have the length of timePs (${c.timePs.length})`);
      for (let j = 0; j < c.timePs.length; j++) push(c.timePs[j], c.values[j], j);
    } else throw bad(p, "needs points, or timePs and values");
  });

  // Stable sort by time (Array.prototype.sort is stable), metadata first.
  timed.sort((a, b) => a.ts - b.ts);
  return {
    traceEvents: [...meta, ...timed],
    displayTimeUnit: "ns",
    otherData: checkArgs(input.metadata ?? {}, "trace.metadata") ?? {},
  };
}
