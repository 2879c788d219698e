// Unit selection while lowering (a mapping decision): among the units an op may run on (src/mapping/units.ts),
// pick the one that would finish it first given the work already assigned to each (greedy list scheduling).
import { AimcsimError } from "../errors.ts";

/** One unit of the chip as the lowering sees it: its engine resource, its identical instances and the work
 *  assigned to it so far. */
export interface UnitLoad {
  readonly name: string;
  /** The engine resource its tasks occupy. */
  readonly resource: number;
  /** Identical instances of the unit. */
  readonly count: number;
  /** Work already assigned (ps per instance), for greedy balancing between units able to run an op. */
  assignedPs: number;
}

/** The unit among `units` (names, looked up in `table`) whose assigned work plus `estimatePs` of this op spread
 *  over its instances is least; the first listed wins ties. MappingError when none of them is on the chip. */
export function pickLeastLoaded<T extends { readonly load: UnitLoad }>(
  units: readonly string[],
  table: ReadonlyMap<string, T>,
  estimatePs: (u: T) => number,
): T {
  let best: T | undefined;
  let bestScore = Infinity;
  for (const name of units) {
    const u = table.get(name);
    if (!u) continue;
    const score = u.load.assignedPs + estimatePs(u) / u.load.count;
    if (score < bestScore) {
      bestScore = score;
      best = u;
    }
  }
  if (!best) throw new AimcsimError("MappingError", units.join(","), "no unit of this kind on the chip");
  return best;
}

/** Book `totalPs` of work (on one instance) to a unit, spread over its instances. */
export function assignWork(load: UnitLoad, totalPs: number): void {
  load.assignedPs += totalPs / load.count;
}
