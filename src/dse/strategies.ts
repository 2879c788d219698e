// Search strategies. Each proposes batches of genomes (axis-index vectors) and reads back their records;
// a batch is evaluated in parallel by the runner, and the next batch depends only on the records (never on
// completion order), so every strategy is deterministic for a given seed, runner and resume state alike.
import { AimcsimError } from "../errors.ts";
import { Rng } from "../util/rng.ts";
import { crowdingDistance, nondominatedSort } from "./pareto.ts";
import { axisValues, genomeAt, genomeIndex, genomeOfAssignment, type Space } from "./space.ts";
import type { PointRecord, SweepDef } from "./types.ts";

export type EvaluateGenomes = (genomes: readonly (readonly number[])[]) => Promise<PointRecord[]>;

/** Grid batches are this many points, so a huge grid streams instead of living in memory at once. */
const GRID_BATCH = 4096;
/** Refuse grids beyond this many points: enumerate-all is the wrong strategy there (use random/evolutionary). */
const GRID_MAX_POINTS = 50_000_000;

/** Points the strategy will propose at most (for progress and ETA). */
export function plannedPoints(def: SweepDef, space: Space): number | undefined {
  const s = def.strategy;
  switch (s.kind) {
    case "grid":
      return space.size;
    case "random":
      return Math.min(s.points, space.size);
    case "evolutionary":
      return Math.min(space.size, s.population * (s.generations + 1));
    case "delegate":
      return undefined;
  }
}

/** Walks the strategy; resolves to what a delegated search returned (undefined for the built-ins). */
export async function runStrategy(def: SweepDef, space: Space, evaluate: EvaluateGenomes): Promise<unknown> {
  const s = def.strategy;
  switch (s.kind) {
    case "grid": {
      if (space.size > GRID_MAX_POINTS)
        throw new AimcsimError("SweepError", "strategy", `grid of ${space.size} points exceeds ${GRID_MAX_POINTS}; use random() or evolutionary()`);
      for (let start = 0; start < space.size; start += GRID_BATCH) {
        const end = Math.min(space.size, start + GRID_BATCH);
        const batch: number[][] = [];
        for (let i = start; i < end; i++) batch.push(genomeAt(space, i));
        await evaluate(batch);
      }
      return;
    }
    case "random": {
      const idx = sampleDistinct(new Rng(s.seed), space.size, Math.min(s.points, space.size));
      for (let start = 0; start < idx.length; start += GRID_BATCH) {
        await evaluate(idx.slice(start, start + GRID_BATCH).map((i) => genomeAt(space, i)));
      }
      return;
    }
    case "evolutionary":
      await evolve(def, space, evaluate, s);
      return;
    case "delegate": {
      const axes: Record<string, readonly (string | number | boolean)[]> = {};
      for (const n of space.names) axes[n] = def.axes[n].values;
      return await s.search({
        axes,
        objectives: def.objectives,
        constraints: def.constraints,
        seed: def.seed,
        evaluate: (assignments) => evaluate(assignments.map((a) => genomeOfAssignment(def, space, a))),
      });
    }
  }
}

/** k distinct integers from [0, n) in draw order (Fisher-Yates prefix for dense draws, rejection otherwise). */
export function sampleDistinct(rng: Rng, n: number, k: number): number[] {
  if (k >= n / 4 && n <= 1 << 24) {
    const all = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + rng.nextInt(n - i);
      const t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return all.slice(0, k);
  }
  const seen = new Set<number>();
  const out: number[] = [];
  while (out.length < k) {
    const i = rng.nextInt(n);
    if (!seen.has(i)) {
      seen.add(i);
      out.push(i);
    }
  }
  return out;
}

interface Member {
  readonly genome: readonly number[];
  readonly index: number;
  readonly record: PointRecord;
}

async function evolve(
  def: SweepDef,
  space: Space,
  evaluate: EvaluateGenomes,
  s: Extract<SweepDef["strategy"], { kind: "evolutionary" }>,
): Promise<void> {
  const rng = new Rng(s.seed);
  const P = Math.min(s.population, space.size);
  const seen = new Set<number>();
  const initIdx = sampleDistinct(rng, space.size, P);
  initIdx.forEach((i) => seen.add(i));
  const initGenomes = initIdx.map((i) => genomeAt(space, i));
  const initRecs = await evaluate(initGenomes);
  let pop: Member[] = initGenomes.map((g, i) => ({ genome: g, index: initIdx[i], record: initRecs[i] }));

  for (let gen = 0; gen < s.generations; gen++) {
    const { rank, fronts } = nondominatedSort(pop.map((m) => m.record), def.objectives, def.constraints);
    const crowd = new Map<number, number>();
    for (const f of fronts) for (const [i, d] of crowdingDistance(pop.map((m) => m.record), f, def.objectives)) crowd.set(i, d);
    const better = (a: number, b: number) =>
      rank[a] !== rank[b] ? rank[a] < rank[b] : crowd.get(a) !== crowd.get(b) ? crowd.get(a)! > crowd.get(b)! : pop[a].index <= pop[b].index;
    const tournament = () => {
      const a = rng.nextInt(pop.length);
      const b = rng.nextInt(pop.length);
      return better(a, b) ? a : b;
    };
    const children: number[][] = [];
    const childIdx: number[] = [];
    for (let attempts = 0; children.length < P && attempts < P * 50; attempts++) {
      const p1 = pop[tournament()].genome;
      const p2 = pop[tournament()].genome;
      const child = p1.map((g, a) => (rng.nextFloat() < s.crossoverRate && rng.nextFloat() < 0.5 ? p2[a] : g));
      for (let a = 0; a < child.length; a++) {
        if (space.sizes[a] > 1 && rng.nextFloat() < s.mutationRate) {
          const r = rng.nextInt(space.sizes[a] - 1);
          child[a] = r >= child[a] ? r + 1 : r;
        }
      }
      const idx = genomeIndex(space, child);
      if (seen.has(idx)) continue;
      seen.add(idx);
      children.push(child);
      childIdx.push(idx);
    }
    if (children.length === 0) return; // the space is exhausted around the population
    const recs = await evaluate(children);
    const combined: Member[] = [...pop, ...children.map((g, i) => ({ genome: g, index: childIdx[i], record: recs[i] }))];
    pop = selectSurvivors(def, combined, P);
  }
}

/** NSGA-II environmental selection: whole fronts by rank, the last one cut by crowding distance. */
function selectSurvivors(def: SweepDef, members: Member[], P: number): Member[] {
  const recs = members.map((m) => m.record);
  const { fronts } = nondominatedSort(recs, def.objectives, def.constraints);
  const out: Member[] = [];
  for (const f of fronts) {
    if (out.length + f.length <= P) {
      for (const i of f) out.push(members[i]);
      continue;
    }
    const d = crowdingDistance(recs, f, def.objectives);
    const sorted = [...f].sort((a, b) => {
      const da = d.get(a)!;
      const db = d.get(b)!;
      if (da !== db) return da > db ? -1 : 1;
      return members[a].index - members[b].index;
    });
    for (const i of sorted.slice(0, P - out.length)) out.push(members[i]);
    break;
  }
  return out;
}

/** Axis values of a genome (re-exported for delegated searches and tests). */
export { axisValues };
