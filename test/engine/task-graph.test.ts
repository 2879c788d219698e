import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  criticalPathPs,
  resourceBoundPs,
  runTaskGraph,
  validateTaskGraph,
  type ResourceDef,
  type TaskGraph,
} from "../../src/engine/index.ts";
import { AimcsimError } from "../../src/errors.ts";

/** Build a TaskGraph from per-task records. */
function graphOf(
  tasks: { r: number; d: number; deps: number[]; prio?: number; rel?: number }[],
  withPriority = false,
  withRelease = false,
): TaskGraph {
  const depStart = new Int32Array(tasks.length + 1);
  const depList: number[] = [];
  tasks.forEach((t, i) => {
    depList.push(...t.deps);
    depStart[i + 1] = depList.length;
  });
  return {
    count: tasks.length,
    resource: Int32Array.from(tasks.map((t) => t.r)),
    durationPs: Float64Array.from(tasks.map((t) => t.d)),
    depStart,
    depList: Int32Array.from(depList),
    ...(withPriority ? { priority: Int32Array.from(tasks.map((t) => t.prio ?? 0)) } : {}),
    ...(withRelease ? { releasePs: Float64Array.from(tasks.map((t) => t.rel ?? 0)) } : {}),
  };
}

/** Random DAG: deps point to earlier tasks, then indices are shuffled so order != index order. */
const arbCase = fc
  .record({
    caps: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
    n: fc.integer({ min: 0, max: 50 }),
    withPriority: fc.boolean(),
    withRelease: fc.boolean(),
    zeroDurations: fc.boolean(),
    seed: fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 300, maxLength: 300 }),
  })
  .map(({ caps, n, withPriority, withRelease, zeroDurations, seed }) => {
    let k = 0;
    const next = (m: number) => seed[k++ % seed.length] % m;
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = (seed[(i * 7) % seed.length] + i) % (i + 1);
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const raw = Array.from({ length: n }, (_, i) => {
      const nd = i === 0 ? 0 : next(4);
      const deps = Array.from({ length: nd }, () => next(i));
      return {
        r: next(caps.length + 1) - 1,
        d: zeroDurations ? next(20) : 1 + next(40),
        deps,
        prio: next(3),
        rel: next(3) === 0 ? next(100) : 0,
      };
    });
    const tasks = new Array(n);
    raw.forEach((t, i) => (tasks[perm[i]] = { ...t, deps: t.deps.map((d) => perm[d]) }));
    const resources: ResourceDef[] = caps.map((c, r) => ({ name: `u${r}`, capacity: c }));
    return { graph: graphOf(tasks, withPriority, withRelease), resources };
  });

function readyPs(g: TaskGraph, end: Float64Array, i: number): number {
  let t = g.releasePs ? g.releasePs[i] : 0;
  for (let j = g.depStart[i]; j < g.depStart[i + 1]; j++) t = Math.max(t, end[g.depList[j]]);
  return t;
}

/** Tasks of resource r with positive duration running at time p. */
function runningAt(g: TaskGraph, start: Float64Array, end: Float64Array, r: number, p: number): number {
  let c = 0;
  for (let i = 0; i < g.count; i++) if (g.resource[i] === r && start[i] <= p && p < end[i]) c++;
  return c;
}

describe("runTaskGraph invariants (random DAGs)", () => {
  it("respects deps, release times, durations, capacity; is work-conserving and obeys the bounds", () => {
    fc.assert(
      fc.property(arbCase, ({ graph: g, resources }) => {
        const run = runTaskGraph(g, resources);
        const { startPs: s, endPs: e } = run;
        for (let i = 0; i < g.count; i++) {
          const ready = readyPs(g, e, i);
          expect(s[i]).toBeGreaterThanOrEqual(ready); // never before deps end / release
          expect(e[i]).toBe(s[i] + g.durationPs[i]);
          const r = g.resource[i];
          if (r < 0) expect(s[i]).toBe(ready); // pure delays never wait
          else if (s[i] > ready) {
            // It waited: at every breakpoint of its wait the resource was full.
            const points = [ready];
            for (let j = 0; j < g.count; j++) if (g.resource[j] === r && e[j] > ready && e[j] < s[i]) points.push(e[j]);
            for (const p of points) expect(runningAt(g, s, e, r, p)).toBe(resources[r].capacity);
          }
        }
        // Capacity: check at every start time.
        for (let i = 0; i < g.count; i++) {
          const r = g.resource[i];
          if (r >= 0) expect(runningAt(g, s, e, r, s[i])).toBeLessThanOrEqual(resources[r].capacity);
        }
        // Bounds and accounting.
        expect(run.makespanPs).toBe(g.count ? Math.max(...e) : 0);
        expect(run.makespanPs).toBeGreaterThanOrEqual(criticalPathPs(g));
        expect(run.makespanPs).toBeGreaterThanOrEqual(resourceBoundPs(g, resources) - 1e-9);
        resources.forEach((res, r) => {
          let sum = 0;
          for (let i = 0; i < g.count; i++) if (g.resource[i] === r) sum += g.durationPs[i];
          expect(run.busyPs[r]).toBe(sum);
          expect(run.makespanPs * res.capacity).toBeGreaterThanOrEqual(run.busyPs[r]);
          expect(run.utilization[r]).toBeLessThanOrEqual(1);
          expect(run.meanQueueDepth[r]).toBeLessThanOrEqual(run.maxQueueDepth[r] + 1e-12);
        });
        expect(run.events).toBeGreaterThanOrEqual(g.count);
      }),
      { numRuns: 300 },
    );
  });

  it("grants freed units by priority (then task index) with priorities, by readiness without", () => {
    fc.assert(
      fc.property(arbCase, ({ graph: g, resources }) => {
        const { startPs: s, endPs: e } = runTaskGraph(g, resources);
        for (let j = 0; j < g.count; j++) {
          const r = g.resource[j];
          if (r < 0) continue;
          for (let i = 0; i < g.count; i++) {
            if (i === j || g.resource[i] !== r) continue;
            // i was already waiting (strictly before) when j got the unit, and i started later.
            if (readyPs(g, e, i) < s[j] && s[j] < s[i]) {
              if (g.priority) {
                const pi = g.priority[i], pj = g.priority[j];
                expect(pj < pi || (pj === pi && j < i)).toBe(true);
              } else expect(readyPs(g, e, j)).toBeLessThanOrEqual(readyPs(g, e, i));
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("is deterministic: same input, identical output", () => {
    fc.assert(
      fc.property(arbCase, ({ graph, resources }) => {
        const a = runTaskGraph(graph, resources, { record: true });
        const b = runTaskGraph(graph, resources, { record: true });
        expect(b).toEqual(a);
      }),
      { numRuns: 50 },
    );
  });

  it("matches a hand-computed single-server (M/D/1-like) schedule", () => {
    // Arrivals (release times) 0,1,2,10,11; deterministic service 3 ps; one server.
    const g = graphOf([0, 1, 2, 10, 11].map((rel) => ({ r: 0, d: 3, deps: [], rel })), false, true);
    const run = runTaskGraph(g, [{ name: "server", capacity: 1 }], { record: true });
    expect([...run.startPs]).toEqual([0, 3, 6, 10, 13]);
    expect([...run.endPs]).toEqual([3, 6, 9, 13, 16]);
    expect(run.makespanPs).toBe(16);
    expect(run.busyPs[0]).toBe(15);
    expect(run.utilization[0]).toBe(15 / 16);
    expect(run.maxQueueDepth[0]).toBe(2);
    // waiting: [1,2):1 [2,3):2 [3,6):1 [11,13):1 -> 1+2+3+2 = 8 over 16 ps
    expect(run.meanQueueDepth[0]).toBe(0.5);
    expect([...run.queueLog![0].timePs]).toEqual([0, 1, 2, 3, 6, 11, 13]);
    expect([...run.queueLog![0].depth]).toEqual([0, 1, 2, 1, 0, 1, 0]);
  });

  it("matches the Lindley recursion for a FIFO single server with random arrivals and services", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 60 })), { maxLength: 80 }), (xs) => {
        let t = 0;
        const tasks = xs.map(([gap, d]) => ({ r: 0, d, deps: [] as number[], rel: (t += gap) }));
        const run = runTaskGraph(graphOf(tasks, false, true), [{ name: "s", capacity: 1 }]);
        let free = 0;
        tasks.forEach((task, i) => {
          const start = Math.max(task.rel, free);
          expect(run.startPs[i]).toBe(start);
          free = start + task.d;
        });
      }),
      { numRuns: 100 },
    );
  });

  it("computes the critical path with release times", () => {
    // 0 -> 1 -> 3, 0 -> 2 -> 3; 2 released at 50.
    const g = graphOf(
      [
        { r: -1, d: 10, deps: [] },
        { r: 0, d: 5, deps: [0] },
        { r: 0, d: 7, deps: [0], rel: 50 },
        { r: -1, d: 1, deps: [1, 2] },
      ],
      false,
      true,
    );
    expect(criticalPathPs(g)).toBe(58);
    expect(resourceBoundPs(g, [{ name: "x", capacity: 2 }])).toBe(6);
    expect(runTaskGraph(g, [{ name: "x", capacity: 1 }]).makespanPs).toBe(58);
  });
});

describe("task graph validation", () => {
  const ok = () => graphOf([{ r: 0, d: 1, deps: [] }, { r: 0, d: 1, deps: [0] }, { r: -1, d: 2, deps: [1] }]);
  const res = [{ name: "u", capacity: 1 }];
  const expectSimError = (f: () => unknown, re: RegExp) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(AimcsimError);
      expect((e as AimcsimError)._tag).toBe("SimError");
      expect((e as AimcsimError).message).toMatch(re);
      return;
    }
    throw new Error("expected a SimError");
  };

  it("accepts a good graph and returns a topological order", () => {
    expect([...validateTaskGraph(ok(), 1)]).toEqual([0, 1, 2]);
  });
  it("names a task on a cycle", () => {
    const g = graphOf([{ r: 0, d: 1, deps: [] }, { r: 0, d: 1, deps: [3] }, { r: 0, d: 1, deps: [1] }, { r: 0, d: 1, deps: [2] }, { r: 0, d: 1, deps: [3] }]);
    expectSimError(() => runTaskGraph(g, res), /task [123]: lies on a dependency cycle/);
  });
  it("rejects self-dependencies, bad indices, bad durations and release times", () => {
    expectSimError(() => runTaskGraph(graphOf([{ r: 0, d: 1, deps: [0] }]), res), /task 0.*itself/);
    expectSimError(() => runTaskGraph(graphOf([{ r: 0, d: 1, deps: [] }, { r: 0, d: 1, deps: [7] }]), res), /task 1: graph\.depList\[0\]/);
    expectSimError(() => runTaskGraph(graphOf([{ r: 1, d: 1, deps: [] }]), res), /task 0: graph\.resource\[0\]/);
    expectSimError(() => runTaskGraph(graphOf([{ r: -2, d: 1, deps: [] }]), res), /graph\.resource\[0\]/);
    for (const d of [-1, NaN, Infinity, 0.5]) expectSimError(() => runTaskGraph(graphOf([{ r: 0, d, deps: [] }]), res), /task 0: graph\.durationPs\[0\]/);
    expectSimError(() => runTaskGraph(graphOf([{ r: 0, d: 1, deps: [], rel: -3 }], false, true), res), /releasePs\[0\]/);
  });
  it("rejects malformed arrays", () => {
    expectSimError(() => runTaskGraph({ ...ok(), durationPs: [1, 1, 2] as unknown as Float64Array }, res), /graph\.durationPs: must be a Float64Array/);
    expectSimError(() => runTaskGraph({ ...ok(), resource: new Int32Array(2) }, res), /graph\.resource: must have length 3/);
    expectSimError(() => runTaskGraph({ ...ok(), depStart: Int32Array.from([0, 0, 1, 5]) }, res), /depStart\[3\]/);
    expectSimError(() => runTaskGraph({ ...ok(), depStart: Int32Array.from([0, 1, 0, 2]) }, res), /task 1: graph\.depStart\[2\]/);
    expectSimError(() => runTaskGraph({ ...ok(), count: -1 }, res), /graph\.count/);
    expectSimError(() => runTaskGraph(ok(), [{ name: "u", capacity: 0 }]), /resources\[0\]\.capacity/);
  });
});
