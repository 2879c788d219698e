// On-chip network cost model: energy per bit per hop, router area by node, and the average hop count of
// a topology for N endpoints under uniform random traffic.
//
// Action: "hop" (one bit over one router + link): energy; latency hopLatencyCycles of the NoC clock.

import type { NocSpec, NocTopology } from "../spec/types.ts";
import { AimcsimError } from "../errors.ts";
import { ISAAC_NODE_NM, PJ, UM2_TO_MM2, areaScale, energyScale, periodPs } from "./technology.ts";
import type { ComponentModelInfo } from "./model.ts";
import { nocTopologies } from "./registry.ts";

/** ISAAC router (shared by 4 tiles): 20.74 pJ per 256-bit transfer at 32 nm, i.e. 0.081 pJ/bit/hop (ISAAC ISCA
 *  2016, 42 mW router; derivation in Accelergy-Project/hwcomponents-library hwcomponents_library/library/isaac.py
 *  IsaacRouter). Includes the router traversal; the link to the neighbour is assumed included (assumption:
 *  ISAAC's tile-to-tile links are short, a tile pitch of under 1 mm). */
export const ISAAC_ROUTER_ENERGY_PER_TRANSFER_J = 20.74 * PJ;
export const ISAAC_ROUTER_WIDTH_BITS = 256; // ISAAC ISCA 2016 via hwcomponents-library isaac.py
/** ISAAC router area: 0.151 mm^2 at 32 nm for a 256-bit router (ISAAC ISCA 2016; 150000 um^2 in hwcomponents-
 *  library isaac.py IsaacRouter). Scaled linearly with link width as that file does (assumption: a crossbar
 *  router grows faster, ~width^2, so this is optimistic for wide links). */
export const ISAAC_ROUTER_AREA_UM2 = 150000;

/** Average hops between two endpoints chosen uniformly under the topology (src/components/noc/, one file each). */
export function averageHops(topology: NocTopology, endpoints: number): number {
  if (!Number.isInteger(endpoints) || endpoints < 1) {
    throw new AimcsimError("SpecError", "noc", `endpoint count must be an integer >= 1, got ${endpoints}`);
  }
  const model = nocTopologies.get(topology);
  return endpoints === 1 ? 0 : model.averageHops(endpoints);
}

export interface NocCost {
  readonly energyPerBitHopJ: number;
  readonly hopLatencyPs: number;
  readonly routerAreaMm2: number;
  /** Bits per second one link carries. */
  readonly linkBandwidthBitsPerS: number;
}

export function nocCost(noc: NocSpec, nodeNm: number, supplyV?: number): NocCost {
  void supplyV; // ISAAC's supply is not stated per component; only the node is scaled (assumption)
  return {
    energyPerBitHopJ: (ISAAC_ROUTER_ENERGY_PER_TRANSFER_J / ISAAC_ROUTER_WIDTH_BITS) * energyScale(ISAAC_NODE_NM, nodeNm),
    hopLatencyPs: noc.hopLatencyCycles * periodPs(noc.clockHz),
    routerAreaMm2:
      ISAAC_ROUTER_AREA_UM2 * (noc.linkWidthBits / ISAAC_ROUTER_WIDTH_BITS) * UM2_TO_MM2 * areaScale(ISAAC_NODE_NM, nodeNm),
    linkBandwidthBitsPerS: noc.linkWidthBits * noc.clockHz,
  };
}


export const NOC_MODEL: ComponentModelInfo = {
  kind: "noc",
  parameters: ["noc.topology", "noc.linkWidthBits", "noc.hopLatencyCycles", "noc.clockHz", "technologyNm"],
  reference: "ISAAC router: 20.74 pJ per 256-bit transfer, 0.15 mm^2 at 32 nm",
  scaling: "energy per bit per hop, node-scaled; area linear in link width, node-scaled; hops by topology",
  actions: ["hop"],
  sources: ["ISAAC ISCA 2016 via hwcomponents-library isaac.py"],
};
