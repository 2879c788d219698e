// Chip-to-chip link cost model (multi-chip runs, `chips: N | "auto"`): the bits that cross a chip boundary pay
// an energy per bit and move at the link's bandwidth after a fixed latency.
//
// Action: "bit" (one bit across one link): energy; a transfer of B bytes takes latency + 8 B / bandwidth on a link.
//
// Topology (chipLink.topology): which links there are and which a transfer from chip a to chip b crosses
// (`ChipLinkTopology.route`). Every link has the energy, bandwidth and latency of chipLink. A transfer over a path of
// k links pays the energy per bit on each link it crosses, occupies each for latency + bytes / bandwidth, and arrives
// k x latency + bytes / bandwidth after it starts when nothing else is on its links (cut-through: the bytes stream
// through all the path's links at once; src/sim/lowering.ts).
//
// Defaults: a UCIe standard-package (2D, organic substrate) die-to-die link, docs/REFERENCES.md [ucie-2025]:
// 0.5 pJ/bit at <= 16 GT/s, about 2 ns round trip; bandwidth of one x16 standard-package module at 16 GT/s.

import { AimcsimError } from "../errors.ts";
import { CHIP_LINK_TOPOLOGIES } from "../spec/schema.ts";
import type { ChipLinkSpec } from "../spec/types.ts";
import { BITS_PER_BYTE, PJ } from "./technology.ts";
import type { ComponentModelInfo } from "./model.ts";

/** UCIe 2D (standard package) power efficiency at <= 16 GT/s: 0.5 pJ/bit (Das Sharma et al., arXiv 2510.06513,
 *  Hot Interconnects 2025; docs/REFERENCES.md [ucie-2025]). */
export const UCIE_STD_ENERGY_PER_BIT_J = 0.5 * PJ;
/** One UCIe standard-package module: 16 data lanes (UCIe 1.0 x16 standard-package module,
 *  docs/REFERENCES.md [ucie-2025]) at 16 GT/s, i.e. 16 x 16e9 / 8 bytes/s per direction. */
export const UCIE_STD_LANES = 16; // docs/REFERENCES.md [ucie-2025]
export const UCIE_STD_GTPS = 16e9; // docs/REFERENCES.md [ucie-2025] (the <= 16 GT/s operating point of the energy figure)
export const UCIE_STD_BANDWIDTH_BYTES_PER_S = (UCIE_STD_LANES * UCIE_STD_GTPS) / BITS_PER_BYTE;
/** UCIe die-to-die round trip about 2 ns (docs/REFERENCES.md [ucie-2025]); one way taken as half (assumption). */
export const UCIE_ONE_WAY_LATENCY_S = 1e-9;

export type ChipLinkTopologyKind = NonNullable<ChipLinkSpec["topology"]>;

export interface ChipLinkCost {
  readonly energyPerBitJ: number;
  readonly bandwidthBytesPerS: number;
  readonly latencyS: number;
  readonly topology: ChipLinkTopologyKind;
}

export function chipLinkCost(spec: ChipLinkSpec | undefined): ChipLinkCost {
  return {
    energyPerBitJ: spec?.energyPerBitJ ?? UCIE_STD_ENERGY_PER_BIT_J,
    bandwidthBytesPerS: spec?.bandwidthBytesPerS ?? UCIE_STD_BANDWIDTH_BYTES_PER_S,
    latencyS: spec?.latencyS ?? UCIE_ONE_WAY_LATENCY_S,
    topology: spec?.topology ?? "shared",
  };
}

/** Most chips a ring routes over: a transfer on a ring of N chips crosses up to N/2 links, one engine task each, so a
 *  ring of hundreds of thousands of macro-chips would build tasks by the million per transfer. A simulation-cost
 *  limit, not hardware. */
export const MAX_RING_CHIPS = 1024; // assumption: a simulation-cost limit

/** The links of `chips` chips wired as `kind`, and the links a transfer crosses. Link ids are small integers for
 *  shared / ring / switch, and a x chips + b (a < b) for a mesh; `linkName` names each. */
export class ChipLinkTopology {
  constructor(
    readonly kind: ChipLinkTopologyKind,
    readonly chips: number,
  ) {
    if (!(Number.isSafeInteger(chips) && chips >= 1)) throw new AimcsimError("UsageError", "chips", `must be a whole number >= 1, got ${chips}`);
    if (kind === "ring" && chips > MAX_RING_CHIPS)
      throw new AimcsimError("UsageError", "chipLink.topology", `"ring" routes over at most ${MAX_RING_CHIPS} chips (a transfer crosses up to half of them, one task per link); this run has ${chips}: use "mesh", "switch" or "shared"`);
  }

  /** The links from chip `from` to chip `to`, in order (empty when from === to). */
  route(from: number, to: number): number[] {
    const n = this.chips;
    if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 0 && to >= 0 && from < n && to < n))
      throw new AimcsimError("SimError", "chipLink", `no chip ${from} or ${to} among ${n}`);
    if (from === to) return [];
    switch (this.kind) {
      case "shared":
        return [0];
      case "mesh":
        return [Math.min(from, to) * n + Math.max(from, to)];
      case "switch":
        return [from, to];
      case "ring": {
        if (n === 2) return [0];
        // link i joins chips i and i+1 (mod n); the shorter way round; on a tie clockwise (increasing) from the
        // lower-numbered chip, so a route and its way back cross the same links
        const up = (to - from + n) % n;
        const path: number[] = [];
        if (up < n - up || (up === n - up && from < to)) for (let c = from; c !== to; c = (c + 1) % n) path.push(c);
        else for (let c = from; c !== to; c = (c - 1 + n) % n) path.push((c - 1 + n) % n);
        return path;
      }
    }
  }

  /** The two ends of a link: chips, or -1 for the switch (and for the shared link's far side). */
  ends(link: number): readonly [number, number] {
    const n = this.chips;
    switch (this.kind) {
      case "shared":
        return [0, -1];
      case "mesh":
        return [Math.floor(link / n), link % n];
      case "switch":
        return [link, -1];
      case "ring":
        return [link, (link + 1) % n];
    }
  }

  linkName(link: number): string {
    if (this.kind === "shared") return "chip-link";
    const [a, b] = this.ends(link);
    return this.kind === "switch" ? `link ${a}-switch` : `link ${a}-${b}`;
  }
}

export const CHIP_LINK_MODEL: ComponentModelInfo = {
  kind: "link",
  parameters: ["chipLink.energyPerBitJ", "chipLink.bandwidthBytesPerS", "chipLink.latencyS", "chipLink.topology"],
  reference: "UCIe standard package: 0.5 pJ/bit at <= 16 GT/s, x16 module 32 GB/s, ~2 ns round trip",
  scaling: "energy linear in bits times links crossed; time = links x latency + bytes / bandwidth (each link serialised; topology shared, ring, mesh or switch)",
  actions: ["bit"],
  sources: ["Das Sharma et al., arXiv 2510.06513 (UCIe, Hot Interconnects 2025)"],
};

/** `chip` with chipLink.topology set (the CLI's --link-topology); UsageError naming `field` for an unknown one. */
export const withChipLinkTopology = <C extends { readonly chipLink?: ChipLinkSpec }>(chip: C, topology: string, field = "--link-topology"): C => {
  if (!(CHIP_LINK_TOPOLOGIES as readonly string[]).includes(topology)) throw new AimcsimError("UsageError", field, `must be one of ${CHIP_LINK_TOPOLOGIES.join(", ")}, got "${topology}"`);
  return { ...chip, chipLink: { ...chip.chipLink, topology: topology as ChipLinkTopologyKind } };
};
