// The simulation's resources: engine resources (a name and a capacity) that also say which hardware component
// they are. Trace, report, results and invariants read `component`; nobody parses it back from the name.
import type { ComponentKind } from "../components/index.ts";
import type { ResourceDef } from "../engine/index.ts";
import { CROSSBAR_UNIT_PREFIX } from "./result.ts";

/** An engine resource of the chip: its name (as the result's `utilization` keys it), capacity and component kind. */
export interface ChipResource extends ResourceDef {
  readonly component: ComponentKind;
}

/** The resource list of one run, in creation order (the engine indexes resources by position). */
export class ChipResources {
  readonly list: ChipResource[] = [];

  add(name: string, capacity: number, component: ComponentKind): number {
    const i = this.list.length;
    this.list.push({ name, capacity, component });
    return i;
  }

  /** The bank of crossbar tiles a weight matrix owns (one resource per matrix). */
  addCrossbarBank(matrix: string): number {
    return this.add(`${CROSSBAR_UNIT_PREFIX}${matrix}`, 1, "crossbar");
  }
}
