// Macro tasks (TaskGraph.chunks / chunkPs): a task standing for N back-to-back pieces on a capacity-1 resource
// must schedule exactly like the expanded graph (N separate piece tasks with the task's dependencies, resource,
// release time and consecutive priorities, joined by a zero-duration task its successors wait for): the same
// start and end, makespan, busy time per resource and (where it yielded) the same run intervals.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { runTaskGraph, type ResourceDef, type TaskGraph, type TaskGraphRun } from "../../src/engine/index.ts";
import { AimcsimError } from "../../src/errors.ts";

interface Spec {
  readonly r: number;
  readonly deps: number[];
  readonly pieces: number; // 1 = ordinary task
  readonly width: number; // gang: identical parallel parts (1 = ordinary task)
  readonly chunk: number; // every piece but the last
  readonly last: number; // the last piece (or the whole task when pieces is 1)
  readonly prio: number;
  readonly rel: number;
}

const RESOURCES: ResourceDef[] = [
  { name: "dram", capacity: 1 },
  { name: "link", capacity: 1 },
  { name: "array", capacity: 2 },
  { name: "vector", capacity: 3 },
];

function csr(deps: number[][]): { depStart: Int32Array; depList: Int32Array } {
  const depStart = new Int32Array(deps.length + 1);
  const list: number[] = [];
  deps.forEach((d, i) => {
    list.push(...d);
    depStart[i + 1] = list.length;
  });
  return { depStart, depList: Int32Array.from(list) };
}

/** The graph with macro tasks, and its expansion; `idOf[i]` = the expanded task whose end is task i's end,
 *  `firstOf[i]` = its first piece. Priorities: spec.prio * 16 (+ piece index when expanded, < 16). */
function build(specs: readonly Spec[], withPriority: boolean, withRelease: boolean) {
  const duration = (s: Spec) => (s.pieces - 1) * s.chunk + s.last;
  const macroDeps = specs.map((s) => s.deps);
  const macro: TaskGraph = {
    count: specs.length,
    resource: Int32Array.from(specs.map((s) => s.r)),
    durationPs: Float64Array.from(specs.map(duration)),
    ...csr(macroDeps),
    ...(withPriority ? { priority: Int32Array.from(specs.map((s) => s.prio * 16)) } : {}),
    ...(withRelease ? { releasePs: Float64Array.from(specs.map((s) => s.rel)) } : {}),
    chunks: Int32Array.from(specs.map((s) => s.pieces)),
    chunkPs: Float64Array.from(specs.map((s) => s.chunk)),
    width: Int32Array.from(specs.map((s) => s.width)),
  };
  const res: number[] = [];
  const dur: number[] = [];
  const deps: number[][] = [];
  const prio: number[] = [];
  const rel: number[] = [];
  const idOf: number[] = [];
  const firstOf: number[] = [];
  specs.forEach((s) => {
    const d = s.deps.map((x) => idOf[x]!);
    if (s.width > 1) {
      firstOf.push(res.length);
      const ids: number[] = [];
      for (let k = 0; k < s.width; k++) {
        ids.push(res.length);
        res.push(s.r), dur.push(s.last), deps.push(d), prio.push(s.prio * 16 + k), rel.push(s.rel);
      }
      idOf.push(res.length);
      res.push(-1), dur.push(0), deps.push(ids), prio.push(s.prio * 16 + 15), rel.push(0);
      return;
    }
    if (s.pieces === 1) {
      firstOf.push(res.length);
      idOf.push(res.length);
      res.push(s.r), dur.push(s.last), deps.push(d), prio.push(s.prio * 16), rel.push(s.rel);
      return;
    }
    firstOf.push(res.length);
    const ids: number[] = [];
    for (let k = 0; k < s.pieces; k++) {
      ids.push(res.length);
      res.push(s.r), dur.push(k < s.pieces - 1 ? s.chunk : s.last), deps.push(d), prio.push(s.prio * 16 + k), rel.push(s.rel);
    }
    idOf.push(res.length);
    res.push(-1), dur.push(0), deps.push(ids), prio.push(s.prio * 16 + 15), rel.push(0);
  });
  const expanded: TaskGraph = {
    count: res.length,
    resource: Int32Array.from(res),
    durationPs: Float64Array.from(dur),
    ...csr(deps),
    ...(withPriority ? { priority: Int32Array.from(prio) } : {}),
    ...(withRelease ? { releasePs: Float64Array.from(rel) } : {}),
  };
  return { macro, expanded, idOf, firstOf };
}

/** Run intervals of task i's pieces in the expanded run, adjacent ones merged. */
function expandedIntervals(run: TaskGraphRun, first: number, pieces: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < pieces; k++) {
    const s = run.startPs[first + k]!;
    const e = run.endPs[first + k]!;
    const prev = out[out.length - 1];
    if (prev && prev[1] === s) prev[1] = e;
    else out.push([s, e]);
  }
  return out;
}

const arbCase = fc
  .record({
    n: fc.integer({ min: 1, max: 40 }),
    withPriority: fc.constant(true),
    withRelease: fc.boolean(),
    seed: fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 400, maxLength: 400 }),
  })
  .map(({ n, withPriority, withRelease, seed }) => {
    let k = 0;
    const next = (m: number) => seed[k++ % seed.length]! % m;
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = next(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const specs: Spec[] = Array.from({ length: n }, (_, i) => {
      const r = next(5) - 1;
      const deps = i === 0 ? [] : Array.from({ length: next(3) }, () => next(i));
      const macro = r >= 0 && r <= 1 && next(2) === 0;
      const gangWidth = !macro && r >= 0 && next(2) === 0 ? 2 + next(4) : 1;
      const chunk = 1 + next(12);
      return {
        r,
        deps: [...new Set(deps)],
        pieces: macro ? 2 + next(5) : 1,
        width: gangWidth,
        chunk: macro ? chunk : 1,
        last: macro ? 1 + next(chunk) : next(4) === 0 ? 0 : 1 + next(30),
        prio: order[i]!,
        rel: next(3) === 0 ? next(60) : 0,
      };
    });
    return { specs, withPriority, withRelease };
  });

describe("macro tasks (chunks) and gang tasks (width) schedule exactly like their expanded pieces and parts", () => {
  it("start, end, makespan, busy time and run intervals equal the expanded graph's (random DAGs)", () => {
    let yields = 0;
    let gangBatches = 0;
    fc.assert(
      fc.property(arbCase, ({ specs, withPriority, withRelease }) => {
        const { macro, expanded, idOf, firstOf } = build(specs, withPriority, withRelease);
        const a = runTaskGraph(macro, RESOURCES);
        const b = runTaskGraph(expanded, RESOURCES);
        expect(a.makespanPs).toBe(b.makespanPs);
        expect(Array.from(a.busyPs)).toEqual(Array.from(b.busyPs));
        const pieceRuns = new Map<number, [number, number][]>();
        for (let p = 0; p < (a.pieces?.task.length ?? 0); p++) {
          const t = a.pieces!.task[p]!;
          pieceRuns.set(t, [...(pieceRuns.get(t) ?? []), [a.pieces!.startPs[p]!, a.pieces!.endPs[p]!]]);
        }
        specs.forEach((s, i) => {
          expect(a.startPs[i], `start of task ${i}`).toBe(b.startPs[firstOf[i]!]);
          expect(a.endPs[i], `end of task ${i}`).toBe(b.endPs[idOf[i]!]);
          if (s.width > 1) {
            // the gang's batches: the expanded parts' distinct (start, end) intervals
            const want = [...new Set(Array.from({ length: s.width }, (_, k) => `${b.startPs[firstOf[i]! + k]}-${b.endPs[firstOf[i]! + k]}`))].sort();
            const got = [...new Set((pieceRuns.get(i) ?? [[a.startPs[i]!, a.endPs[i]!]]).map(([x, y]) => `${x}-${y}`))].sort();
            expect(got, `batches of gang ${i}`).toEqual(want);
            if (pieceRuns.has(i)) gangBatches++;
            return;
          }
          if (s.pieces === 1) return;
          const want = expandedIntervals(b, firstOf[i]!, s.pieces);
          const got = pieceRuns.get(i) ?? [[a.startPs[i]!, a.endPs[i]!]];
          // merge the macro's own adjacent runs (a yield granted straight back to it leaves no gap)
          const merged: [number, number][] = [];
          for (const [x, y] of got) {
            const prev = merged[merged.length - 1];
            if (prev && prev[1] === x) prev[1] = y;
            else merged.push([x, y]);
          }
          expect(merged, `run intervals of task ${i}`).toEqual(want);
          if (pieceRuns.has(i)) yields++;
        });
      }),
      { numRuns: 400 },
    );
    // the property is only worth something if yields happen: some runs must have interrupted a macro task
    expect(yields).toBeGreaterThan(20);
    // and some gangs must have started their parts in more than one batch
    expect(gangBatches).toBeGreaterThan(20);
  });

  it("a macro task yields to a better waiter at the next piece boundary and resumes after it", () => {
    // task 0: 4 pieces of 10 ps on dram (priority 5); task 2 (priority 1) arrives at 13 ps (after task 1 on the link)
    const g: TaskGraph = {
      count: 3,
      resource: Int32Array.from([0, 1, 0]),
      durationPs: Float64Array.from([40, 13, 7]),
      depStart: Int32Array.from([0, 0, 0, 1]),
      depList: Int32Array.from([1]),
      priority: Int32Array.from([5, 0, 1]),
      chunks: Int32Array.from([4, 1, 1]),
      chunkPs: Float64Array.from([10, 0, 0]),
    };
    const r = runTaskGraph(g, RESOURCES);
    expect(r.startPs[2]).toBe(20); // the boundary after 13 ps
    expect(r.endPs[2]).toBe(27);
    expect(r.startPs[0]).toBe(0);
    expect(r.endPs[0]).toBe(47); // 20 ps, then 7 ps of task 2, then the remaining 20 ps
    expect(Array.from(r.pieces!.task)).toEqual([0, 0]);
    expect(Array.from(r.pieces!.startPs)).toEqual([0, 27]);
    expect(Array.from(r.pieces!.endPs)).toEqual([20, 47]);
    // a worse waiter (priority 9) does not interrupt it
    const worse = runTaskGraph({ ...g, priority: Int32Array.from([5, 0, 9]) }, RESOURCES);
    expect(worse.endPs[0]).toBe(40);
    expect(worse.startPs[2]).toBe(40);
    expect(worse.pieces!.task.length).toBe(0);
  });

  it("rejects malformed macro tasks with a SimError naming the field", () => {
    const base: TaskGraph = {
      count: 1,
      resource: Int32Array.from([0]),
      durationPs: Float64Array.from([30]),
      depStart: Int32Array.from([0, 0]),
      depList: new Int32Array(0),
      chunks: Int32Array.from([4]),
      chunkPs: Float64Array.from([10]),
    };
    const err = (g: TaskGraph, re: RegExp) => {
      expect(() => runTaskGraph(g, RESOURCES)).toThrow(AimcsimError);
      expect(() => runTaskGraph(g, RESOURCES)).toThrow(re);
    };
    err(base, /chunkPs\[0\].*\(chunks - 1\) \* chunkPs < durationPs/); // 3 x 10 ps leave 0 ps for the last piece
    err({ ...base, chunks: Int32Array.from([3]), chunkPs: Float64Array.from([0]) }, /chunkPs\[0\].*>= 1/);
    err({ ...base, chunks: Int32Array.from([3]), chunkPs: Float64Array.from([15]) }, /chunkPs\[0\]/);
    err({ ...base, chunks: Int32Array.from([0]) }, /chunks\[0\].*>= 1/);
    err({ ...base, resource: Int32Array.from([-1]), chunks: Int32Array.from([2]) }, /needs a resource/);
    err({ ...base, resource: Int32Array.from([2]), chunks: Int32Array.from([2]) }, /capacity 1/);
    err({ ...base, chunkPs: undefined }, /chunks and chunkPs must be given together/);
    err({ ...base, chunks: Int32Array.from([2]), width: Int32Array.from([2]) }, /both a gang .* and a macro task/);
    err({ ...base, chunks: Int32Array.from([1]), width: Int32Array.from([0]) }, /width\[0\].*>= 1/);
    err({ ...base, resource: Int32Array.from([-1]), chunks: Int32Array.from([1]), width: Int32Array.from([3]) }, /gang task .* needs a resource/);
    expect(runTaskGraph({ ...base, chunks: Int32Array.from([3]) }, RESOURCES).endPs[0]).toBe(30);
  });
});
