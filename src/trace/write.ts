// Validate a Chrome trace and write it atomically (temp file in the same folder, then rename), in
// chunks so traces larger than one JS string can be written.

import { writeFileAtomicSync } from "../util/atomic-write.ts";
import { AimcsimError } from "../errors.ts";
import type { ChromeTrace } from "./build.ts";

const bad = (path: string, rule: string): AimcsimError => new AimcsimError("SimError", path, rule);

function checkNumbers(x: unknown, path: string): void {
  if (typeof x === "number") {
    if (!Number.isFinite(x)) throw bad(path, `must be a finite number, got ${x}`);
  } else if (Array.isArray(x)) x.forEach((v, i) => checkNumbers(v, `${path}[${i}]`));
  else if (x !== null && typeof x === "object") for (const [k, v] of Object.entries(x)) checkNumbers(v, `${path}.${k}`);
}

/**
 * Check what Perfetto needs: every event has name, ph, pid and a finite ts; "X" has tid and dur >= 0;
 * "C" has numeric args; no NaN/Infinity anywhere; "X" events are sorted by ts on each (pid, tid).
 */
export function validateTrace(trace: ChromeTrace): void {
  if (trace === null || typeof trace !== "object" || !Array.isArray(trace.traceEvents))
    throw bad("trace.traceEvents", "must be an array");
  const lastTs = new Map<string, number>();
  trace.traceEvents.forEach((e, i) => {
    const p = `trace.traceEvents[${i}]`;
    if (typeof e?.name !== "string") throw bad(`${p}.name`, "must be a string");
    if (e.ph !== "M" && e.ph !== "X" && e.ph !== "C") throw bad(`${p}.ph`, `must be "M", "X" or "C", got ${String(e.ph)}`);
    if (!Number.isInteger(e.pid)) throw bad(`${p}.pid`, "must be an integer");
    if (typeof e.ts !== "number" || !Number.isFinite(e.ts) || e.ts < 0) throw bad(`${p}.ts`, `must be a finite number >= 0, got ${String(e.ts)}`);
    checkNumbers(e.args, `${p}.args`);
    if (e.ph === "X") {
      if (!Number.isInteger(e.tid)) throw bad(`${p}.tid`, "must be an integer");
      if (typeof e.dur !== "number" || !Number.isFinite(e.dur) || e.dur < 0) throw bad(`${p}.dur`, `must be a finite number >= 0, got ${String(e.dur)}`);
      const key = `${e.pid}:${e.tid}`;
      const prev = lastTs.get(key);
      if (prev !== undefined && e.ts < prev) throw bad(`${p}.ts`, `slices of pid ${e.pid} tid ${e.tid} must be sorted by ts (${e.ts} after ${prev})`);
      lastTs.set(key, e.ts);
    } else if (e.ph === "C") {
      if (e.args === undefined || Object.values(e.args).some((v) => typeof v !== "number")) throw bad(`${p}.args`, "a counter needs numeric args");
    }
  });
  checkNumbers(trace.otherData, "trace.otherData");
}

/** Validate, then write `trace` as JSON to `path` atomically (creating the folder). */
export function writeTraceFile(path: string, trace: ChromeTrace): void {
  validateTrace(trace);
  writeFileAtomicSync(path, traceChunks(trace), "the trace");
}

/** The trace JSON in chunks of 4096 events, so a large trace is never one giant string. */
function* traceChunks(trace: ChromeTrace): Generator<string> {
  yield `{"displayTimeUnit":${JSON.stringify(trace.displayTimeUnit)},"otherData":${JSON.stringify(trace.otherData ?? {})},"traceEvents":[\n`;
  const ev = trace.traceEvents;
  const CHUNK = 4096;
  for (let i = 0; i < ev.length; i += CHUNK) {
    const part = ev.slice(i, i + CHUNK).map((e) => JSON.stringify(e)).join(",\n");
    yield i === 0 ? part : ",\n" + part;
  }
  yield "\n]}\n";
}
