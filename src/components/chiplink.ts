// Chip-to-chip link cost model (multi-chip runs, `chips: N | "auto"`): the bits that cross a chip boundary pay
// an energy per bit and move at the link's bandwidth after a fixed latency.
//
// Action: "bit" (one bit across one chip boundary): energy; a transfer of B bytes takes latency + 8 B / bandwidth.
//
// Defaults: a UCIe standard-package (2D, organic substrate) die-to-die link, docs/REFERENCES.md [ucie-2025]:
// 0.5 pJ/bit at <= 16 GT/s, about 2 ns round trip; bandwidth of one x16 standard-package module at 16 GT/s.

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

export interface ChipLinkCost {
  readonly energyPerBitJ: number;
  readonly bandwidthBytesPerS: number;
  readonly latencyS: number;
}

export function chipLinkCost(spec: ChipLinkSpec | undefined): ChipLinkCost {
  return {
    energyPerBitJ: spec?.energyPerBitJ ?? UCIE_STD_ENERGY_PER_BIT_J,
    bandwidthBytesPerS: spec?.bandwidthBytesPerS ?? UCIE_STD_BANDWIDTH_BYTES_PER_S,
    latencyS: spec?.latencyS ?? UCIE_ONE_WAY_LATENCY_S,
  };
}

export const CHIP_LINK_MODEL: ComponentModelInfo = {
  kind: "link",
  parameters: ["chipLink.energyPerBitJ", "chipLink.bandwidthBytesPerS", "chipLink.latencyS"],
  reference: "UCIe standard package: 0.5 pJ/bit at <= 16 GT/s, x16 module 32 GB/s, ~2 ns round trip",
  scaling: "energy linear in bits crossing chips; time = latency + bytes / bandwidth (one link per chip pair, serialised)",
  actions: ["bit"],
  sources: ["Das Sharma et al., arXiv 2510.06513 (UCIe, Hot Interconnects 2025)"],
};
