// NoC timing and energy of the traffic a simulation schedules: how many transfers the fabric carries at once
// (its bisection bound), how long a transfer takes and what it costs per bit and hop. The per-hop energy and
// latency are noc.ts's (cited there).
import type { ChipSpec, NocTopology } from "../spec/types.ts";
import { ANALOG_TILES_PER_ROUTER } from "./describe.ts";
import type { NocCost } from "./noc.ts";
import { nocTopologies } from "./registry.ts";
import { PS_PER_S } from "./technology.ts";

/** Routers the simulation's NoC model counts: one per group of ANALOG_TILES_PER_ROUTER analog tiles, one per
 *  systolic, vector and bit-serial unit kind and per SRAM; at least 2 (a network joins two endpoints). */
export function nocRouters(chip: ChipSpec): number {
  return Math.max(
    2,
    Math.ceil((chip.analog?.tiles ?? 0) / ANALOG_TILES_PER_ROUTER) + chip.systolic.length + chip.vector.length + chip.bitSerial.length + chip.sram.length,
  );
}

/** Parallel transfers the fabric sustains over `routers` routers (the topology's bisection bound,
 *  src/components/noc/): a mesh ~sqrt(N), a ring two, a bus and a tree's root one, a crossbar N. */
export function nocParallelLinks(topology: NocTopology, routers: number): number {
  return nocTopologies.get(topology).parallelLinks(routers);
}

/** Time (ps) to move `bits` over `links` parallel links, plus the head latency of `hops` hops. */
export const nocTransferPs = (c: NocCost, links: number, bits: number, hops: number): number =>
  (bits / (c.linkBandwidthBitsPerS * links)) * PS_PER_S + hops * c.hopLatencyPs;

/** Energy (J) of `bitHops` bit-hops. */
export const nocEnergyJ = (c: NocCost, bitHops: number): number => bitHops * c.energyPerBitHopJ;
