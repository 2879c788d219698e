import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdtempSync, readdirSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTrace, psToUs, taskGraphTrace, validateTrace, writeTraceFile, type ChromeTrace, type TraceInput } from "../../src/trace/index.ts";
import { runTaskGraph } from "../../src/engine/index.ts";
import { AimcsimError } from "../../src/errors.ts";

/** Exact decimal text of ps / 10^6 (no floating point). */
function exactUs(ps: bigint): string {
  const s = ps.toString().padStart(7, "0");
  const int = s.slice(0, -6).replace(/^0+(?=\d)/, "");
  const frac = s.slice(-6).replace(/0+$/, "");
  return frac ? `${int}.${frac}` : int;
}

const small: TraceInput = {
  tracks: [{ name: "adc0", process: "analog" }, { name: "sa0", process: "digital" }, { name: "dram" }],
  slices: [
    { name: "L0.q_proj", track: "adc0", startPs: 1_000, durPs: 2_500_000, category: "projection", args: { macs: 4096 } },
    { name: "L0.attn", track: "sa0", startPs: 2_501_000, durPs: 7, args: { note: "x", ok: true } },
  ],
  counters: [{ name: "queue adc0", track: "adc0", points: [[0, 0], [1_000, 2], [2_501_000, 0]] }],
  metadata: { chip: "test", seed: 1 },
};

describe("buildTrace", () => {
  it("emits the fields Perfetto needs: names for every process and thread, X with tid/ts/dur, C with numeric args", () => {
    const t = buildTrace(small);
    validateTrace(t);
    const ev = t.traceEvents;
    for (const e of ev) {
      expect(typeof e.name).toBe("string");
      expect(["M", "X", "C"]).toContain(e.ph);
      expect(Number.isInteger(e.pid)).toBe(true);
      expect(Number.isFinite(e.ts)).toBe(true);
    }
    const procNames = ev.filter((e) => e.ph === "M" && e.name === "process_name").map((e) => [e.pid, e.args!.name]);
    expect(procNames).toEqual([[1, "analog"], [2, "digital"], [3, "aimcsim"]]);
    const threadNames = ev.filter((e) => e.ph === "M" && e.name === "thread_name").map((e) => [e.pid, e.tid, e.args!.name]);
    expect(threadNames).toEqual([[1, 1, "adc0"], [2, 2, "sa0"], [3, 3, "dram"]]);
    const xs = ev.filter((e) => e.ph === "X");
    expect(xs).toEqual([
      { name: "L0.q_proj", ph: "X", pid: 1, tid: 1, ts: 0.001, dur: 2.5, cat: "projection", args: { macs: 4096 } },
      { name: "L0.attn", ph: "X", pid: 2, tid: 2, ts: 2.501, dur: 0.000007, args: { note: "x", ok: true } },
    ]);
    const cs = ev.filter((e) => e.ph === "C");
    expect(cs.map((e) => [e.pid, e.ts, e.args!.value])).toEqual([[1, 0, 0], [1, 0.001, 2], [1, 2.501, 0]]);
    expect(t.otherData).toEqual({ chip: "test", seed: 1 });
    // every X/C pid and every X tid has a name
    const namedTids = new Set(threadNames.map(([, tid]) => tid));
    for (const e of [...xs, ...cs]) expect(procNames.some(([pid]) => pid === e.pid)).toBe(true);
    for (const e of xs) expect(namedTids.has(e.tid!)).toBe(true);
  });

  it("converts integer picoseconds to microseconds exactly (JSON text is the exact decimal below 10^15 ps)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }), (ps) => {
        const us = psToUs(Number(ps));
        expect(JSON.stringify(us)).toBe(exactUs(ps));
        expect(Math.round(us * 1e6)).toBe(Number(ps));
      }),
      { numRuns: 2000 },
    );
    const t = buildTrace({ tracks: [{ name: "u" }], slices: [{ name: "s", track: "u", startPs: 123_456_789_012, durPs: 1 }] });
    const x = t.traceEvents.find((e) => e.ph === "X")!;
    expect(JSON.stringify([x.ts, x.dur])).toBe("[123456.789012,0.000001]");
  });

  it("spreads overlapping slices of one track over lanes; no lane holds overlapping slices", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 30 })), { maxLength: 40 }), (iv) => {
        const t = buildTrace({ tracks: [{ name: "sa" }], slices: iv.map(([s, d], i) => ({ name: `t${i}`, track: "sa", startPs: s, durPs: d })) });
        validateTrace(t);
        const xs = t.traceEvents.filter((e) => e.ph === "X");
        expect(xs.length).toBe(iv.length);
        const byTid = new Map<number, { ts: number; dur: number }[]>();
        for (const e of xs) byTid.set(e.tid!, [...(byTid.get(e.tid!) ?? []), { ts: e.ts, dur: e.dur! }]);
        for (const list of byTid.values()) for (let i = 1; i < list.length; i++) expect(list[i].ts).toBeGreaterThanOrEqual(list[i - 1].ts + list[i - 1].dur - 1e-12);
        // lanes used = maximum overlap
        let maxOverlap = 0;
        for (const [s] of iv) maxOverlap = Math.max(maxOverlap, iv.filter(([s2, d2]) => s2 <= s && s < s2 + d2).length);
        expect(byTid.size).toBe(maxOverlap);
        // every lane is named, even when empty
        expect(t.traceEvents.filter((e) => e.name === "thread_name").length).toBe(Math.max(1, maxOverlap));
      }),
      { numRuns: 200 },
    );
  });

  it("never lets NaN or Infinity out: bad numbers are SimErrors naming the field", () => {
    const badNums = fc.constantFrom(NaN, Infinity, -Infinity, -1);
    fc.assert(
      fc.property(badNums, fc.integer({ min: 0, max: 3 }), (v, where) => {
        const slice = { name: "s", track: "u", startPs: 5, durPs: 5, args: { a: 1 } as Record<string, number> };
        const input: TraceInput =
          where === 0 ? { tracks: [{ name: "u" }], slices: [{ ...slice, startPs: v }] }
          : where === 1 ? { tracks: [{ name: "u" }], slices: [{ ...slice, durPs: v }] }
          : where === 2 ? { tracks: [{ name: "u" }], slices: [{ ...slice, args: { a: v } }] }
          : { tracks: [{ name: "u" }], slices: [], counters: [{ name: "c", points: [[0, v]] }] };
        if (where === 2 && v === -1) return; // -1 is a fine arg value
        if (where === 3 && v === -1) return; // and a fine counter value
        expect(() => buildTrace(input)).toThrow(AimcsimError);
        try {
          buildTrace(input);
        } catch (e) {
          expect((e as AimcsimError).path).toMatch(where === 3 ? /trace\.counters\[0\]\.points\[0\]\[1\]/ : /trace\.slices\[0\]\.(startPs|durPs|args\.a)/);
        }
      }),
    );
    // Valid random input never produces NaN/null/Infinity in the JSON text.
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(10 ** 9), fc.nat(10 ** 6), fc.double({ noNaN: true, noDefaultInfinity: true })), { maxLength: 30 }), (xs) => {
        const t = buildTrace({
          tracks: [{ name: "u" }],
          slices: xs.map(([s, d, a], i) => ({ name: `t${i}`, track: "u", startPs: s, durPs: d, args: { a } })),
          counters: [{ name: "c", track: "u", points: xs.map(([s, , a]) => [s, a] as [number, number]) }],
        });
        const text = JSON.stringify(t);
        expect(text).not.toMatch(/NaN|Infinity|null/);
      }),
      { numRuns: 100 },
    );
  });

  it("rejects unknown tracks and duplicate track names", () => {
    expect(() => buildTrace({ tracks: [{ name: "u" }], slices: [{ name: "s", track: "v", startPs: 0, durPs: 1 }] })).toThrow(/trace\.slices\[0\]\.track: unknown track "v"/);
    expect(() => buildTrace({ tracks: [{ name: "u" }, { name: "u" }], slices: [] })).toThrow(/trace\.tracks\[1\]\.name: duplicate/);
    expect(() => buildTrace({ tracks: [{ name: "u" }], slices: [], counters: [{ name: "c", track: "zz", points: [] }] })).toThrow(/unknown track or process/);
  });
});

describe("validateTrace", () => {
  const base = buildTrace(small);
  it("rejects NaN anywhere, missing fields and unsorted slices on a thread", () => {
    const withEvent = (i: number, patch: object): ChromeTrace => ({ ...base, traceEvents: base.traceEvents.map((e, j) => (j === i ? { ...e, ...patch } : e)) });
    const xi = base.traceEvents.findIndex((e) => e.ph === "X");
    expect(() => validateTrace(withEvent(xi, { dur: NaN }))).toThrow(/traceEvents\[\d+\]\.dur/);
    expect(() => validateTrace(withEvent(xi, { args: { v: NaN } }))).toThrow(/args\.v/);
    expect(() => validateTrace(withEvent(xi, { tid: undefined }))).toThrow(/tid/);
    expect(() => validateTrace({ ...base, otherData: { x: Infinity } })).toThrow(/otherData\.x/);
    const two = buildTrace({ tracks: [{ name: "u" }], slices: [{ name: "a", track: "u", startPs: 0, durPs: 1 }, { name: "b", track: "u", startPs: 5, durPs: 1 }] });
    const ev = [...two.traceEvents];
    const [a, b] = [ev.length - 2, ev.length - 1];
    [ev[a], ev[b]] = [ev[b], ev[a]];
    expect(() => validateTrace({ ...two, traceEvents: ev })).toThrow(/must be sorted by ts/);
  });
});

describe("writeTraceFile", () => {
  it("writes parseable JSON atomically (no temp file left) and creates the folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "aimcsim-trace-"));
    const path = join(dir, "sub", "run.json");
    const t = buildTrace(small);
    writeTraceFile(path, t);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual(JSON.parse(JSON.stringify(t)));
    expect(readdirSync(join(dir, "sub"))).toEqual(["run.json"]);
  });
  it("refuses an invalid trace and leaves no file behind", () => {
    const dir = mkdtempSync(join(tmpdir(), "aimcsim-trace-"));
    const path = join(dir, "bad.json");
    const t = buildTrace(small);
    const badTrace = { ...t, traceEvents: t.traceEvents.map((e) => (e.ph === "C" ? { ...e, ts: NaN } : e)) };
    expect(() => writeTraceFile(path, badTrace)).toThrow(AimcsimError);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("taskGraphTrace", () => {
  it("turns a recorded engine run into a valid trace with one slice per resource task and queue counters", () => {
    const g = {
      count: 4,
      resource: Int32Array.from([0, 0, 0, -1]),
      durationPs: Float64Array.from([1000, 1000, 1000, 500]),
      depStart: Int32Array.from([0, 0, 0, 0, 3]),
      depList: Int32Array.from([0, 1, 2]),
    };
    const res = [{ name: "sa0", capacity: 2 }];
    const run = runTaskGraph(g, res, { record: true });
    const t = buildTrace(taskGraphTrace(g, res, run, { taskName: (i) => `op${i}`, resourceProcess: () => "digital" }));
    validateTrace(t);
    const xs = t.traceEvents.filter((e) => e.ph === "X");
    expect(xs.map((e) => [e.name, e.ts, e.dur])).toEqual([["op0", 0, 0.001], ["op1", 0, 0.001], ["op2", 0.001, 0.001]]);
    expect(new Set(xs.map((e) => e.tid)).size).toBe(2); // capacity 2 -> two lanes
    const cs = t.traceEvents.filter((e) => e.ph === "C");
    // op2 waits from 0 to 1000 ps (the same-instant enqueue/grant churn at 0 collapses to one entry)
    expect(cs.map((e) => [e.name, e.ts, e.args!.value])).toEqual([["queue sa0", 0, 1], ["queue sa0", 0.001, 0]]);
  });
});
