// Pareto machinery over metric rows: constraint violation, (constrained) dominance, non-dominated sorting
// and crowding distance as in NSGA-II (Deb, Pratap, Agarwal, Meyarivan, IEEE TEVC 6(2), 2002), and the
// front of a finished sweep.
import type { Constraint, Metrics, Objective } from "./types.ts";

export interface Scored {
  readonly status?: "ok" | "failed";
  readonly metrics: Metrics;
}

/** Total violation of the constraints (0 = feasible). A failed point or a missing metric is +Infinity. */
export function violation(row: Scored, constraints: readonly Constraint[], objectives: readonly Objective[] = []): number {
  if (row.status === "failed") return Infinity;
  for (const o of objectives) if (!Number.isFinite(row.metrics[o.key])) return Infinity;
  let v = 0;
  for (const c of constraints) {
    const x = row.metrics[c.key];
    if (typeof x !== "number" || Number.isNaN(x)) return Infinity;
    // Relative to the bound's magnitude so that constraints in different units add up fairly.
    if (c.max !== undefined && x > c.max) v += (x - c.max) / Math.max(Math.abs(c.max), 1e-30);
    if (c.min !== undefined && x < c.min) v += (c.min - x) / Math.max(Math.abs(c.min), 1e-30);
  }
  return v;
}

/** a is no worse than b on every objective and strictly better on at least one. */
export function dominates(a: Metrics, b: Metrics, objectives: readonly Objective[]): boolean {
  let strictly = false;
  for (const o of objectives) {
    const x = o.goal === "max" ? -a[o.key] : a[o.key];
    const y = o.goal === "max" ? -b[o.key] : b[o.key];
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}

/** Deb's constrained dominance: feasible beats infeasible; less violation beats more; else Pareto. */
function constrainedDominates(va: number, vb: number, a: Metrics, b: Metrics, objectives: readonly Objective[]): boolean {
  if (va === 0 && vb === 0) return dominates(a, b, objectives);
  if (va === 0) return true;
  if (vb === 0) return false;
  return va < vb;
}

/** Non-dominated sorting: rank[i] = 0 for the first front, 1 for the next, ... (fronts as index lists). */
export function nondominatedSort(rows: readonly Scored[], objectives: readonly Objective[], constraints: readonly Constraint[]): { rank: number[]; fronts: number[][] } {
  const n = rows.length;
  const v = rows.map((r) => violation(r, constraints, objectives));
  const dominatedBy = new Int32Array(n);
  const dominating: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (constrainedDominates(v[i], v[j], rows[i].metrics, rows[j].metrics, objectives)) {
        dominating[i].push(j);
        dominatedBy[j]++;
      } else if (constrainedDominates(v[j], v[i], rows[j].metrics, rows[i].metrics, objectives)) {
        dominating[j].push(i);
        dominatedBy[i]++;
      }
    }
  }
  const rank = new Array<number>(n).fill(-1);
  const fronts: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) current.push(i);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      rank[i] = fronts.length - 1;
      for (const j of dominating[i]) if (--dominatedBy[j] === 0) next.push(j);
    }
    next.sort((a, b) => a - b);
    current = next;
  }
  return { rank, fronts };
}

/** Crowding distance of the members of one front (boundary points get +Infinity). */
export function crowdingDistance(rows: readonly Scored[], front: readonly number[], objectives: readonly Objective[]): Map<number, number> {
  const d = new Map<number, number>();
  for (const i of front) d.set(i, 0);
  if (front.length <= 2) {
    for (const i of front) d.set(i, Infinity);
    return d;
  }
  for (const o of objectives) {
    const sorted = [...front].sort((a, b) => rows[a].metrics[o.key] - rows[b].metrics[o.key] || a - b);
    const lo = rows[sorted[0]].metrics[o.key];
    const hi = rows[sorted[sorted.length - 1]].metrics[o.key];
    d.set(sorted[0], Infinity);
    d.set(sorted[sorted.length - 1], Infinity);
    if (!(hi > lo) || !Number.isFinite(hi - lo)) continue;
    for (let k = 1; k < sorted.length - 1; k++) {
      const i = sorted[k];
      d.set(i, d.get(i)! + (rows[sorted[k + 1]].metrics[o.key] - rows[sorted[k - 1]].metrics[o.key]) / (hi - lo));
    }
  }
  return d;
}

/** The feasible, successful rows that no other feasible row dominates (input order kept). */
export function paretoFront<T extends Scored>(rows: readonly T[], objectives: readonly Objective[], constraints: readonly Constraint[] = []): T[] {
  const feasible = rows.filter((r) => violation(r, constraints, objectives) === 0);
  return feasible.filter((r) => !feasible.some((s) => s !== r && dominates(s.metrics, r.metrics, objectives)));
}
