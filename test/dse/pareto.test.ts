import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crowdingDistance, dominates, nondominatedSort, paretoFront, violation } from "../../src/dse/index.ts";
import type { Objective } from "../../src/dse/index.ts";

const objectives: Objective[] = [
  { key: "a", goal: "max" },
  { key: "b", goal: "min" },
];
const rowArb = fc.record({ a: fc.integer({ min: 0, max: 20 }), b: fc.integer({ min: 0, max: 20 }) }).map((m) => ({ status: "ok" as const, metrics: m }));

describe("Pareto front", () => {
  it("is exactly the feasible rows no feasible row dominates", () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 40 }), fc.integer({ min: 0, max: 20 }), (rows, bMax) => {
        const constraints = [{ key: "b", max: bMax }];
        const front = paretoFront(rows, objectives, constraints);
        const feasible = rows.filter((r) => r.metrics.b <= bMax);
        for (const f of front) {
          expect(f.metrics.b).toBeLessThanOrEqual(bMax);
          expect(feasible.some((r) => dominates(r.metrics, f.metrics, objectives))).toBe(false);
        }
        for (const r of feasible) if (!front.includes(r)) expect(front.some((f) => dominates(f.metrics, r.metrics, objectives))).toBe(true);
      }),
    );
  });
  it("respects goals: max prefers larger, min smaller", () => {
    const rows = [
      { metrics: { a: 1, b: 1 } },
      { metrics: { a: 2, b: 1 } },
      { metrics: { a: 2, b: 0 } },
    ];
    expect(paretoFront(rows, objectives)).toEqual([rows[2]]);
    expect(paretoFront(rows, [{ key: "a", goal: "min" }])).toEqual([rows[0]]);
  });
  it("keeps failed points and points missing an objective off the front", () => {
    const rows: { status: "ok" | "failed"; metrics: Record<string, number> }[] = [
      { status: "failed", metrics: {} },
      { status: "ok", metrics: { a: 100 } },
      { status: "ok", metrics: { a: 1, b: 5 } },
    ];
    expect(paretoFront(rows, objectives)).toEqual([rows[2]]);
    expect(violation(rows[0], [])).toBe(Infinity);
  });
  it("non-dominated sort ranks the front 0 and every later row is dominated by an earlier rank", () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 30 }), (rows) => {
        const { rank, fronts } = nondominatedSort(rows, objectives, []);
        const f0 = new Set(fronts[0].map((i) => rows[i]));
        expect(new Set(paretoFront(rows, objectives))).toEqual(f0);
        rows.forEach((r, i) => {
          if (rank[i] > 0) expect(rows.some((s, j) => rank[j] === rank[i] - 1 && dominates(s.metrics, r.metrics, objectives))).toBe(true);
        });
        expect(fronts.flat().length).toBe(rows.length);
      }),
    );
  });
  it("crowding distance gives the extremes of a front infinity", () => {
    const rows = [0, 1, 2, 3].map((i) => ({ metrics: { a: i, b: i } }));
    const d = crowdingDistance(rows, [0, 1, 2, 3], objectives);
    expect(d.get(0)).toBe(Infinity);
    expect(d.get(3)).toBe(Infinity);
    expect(d.get(1)).toBeCloseTo(4 / 3);
  });
});
