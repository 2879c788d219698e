// Memory cost models: on-chip SRAM (read/write energy per bit scaling with bank capacity, area per byte by
// node) and off-chip DRAM (energy per bit by kind; DramSpec.energyPerBitJ wins).
//
// Actions: sram "read"/"write" (per bit, and per access of bytesPerCyclePerBank), dram "access" (per bit).

import type { DramKind, DramSpec, SramSpec } from "../spec/types.ts";
import { BITS_PER_BYTE, PJ, UM2_TO_MM2, areaScale, energyScale, periodPs } from "./technology.ts";
import { HOROWITZ_NODE_NM, HOROWITZ_VDD_V } from "./digital.ts";
import { requireNode } from "./checks.ts";
import type { ComponentModelInfo, DramModel } from "./model.ts";
import { dramModels } from "./registry.ts";

/** 64-bit read of an 8 KB SRAM at 45 nm: about 10 pJ (Horowitz ISSCC 2014; docs/REFERENCES.md [horowitz-isscc2014]). */
export const HOROWITZ_SRAM_READ_J = 10 * PJ;
export const HOROWITZ_SRAM_BYTES = 8192; // 8 KB, Horowitz ISSCC 2014
export const HOROWITZ_SRAM_WORD_BITS = 64; // Horowitz ISSCC 2014 (64-bit access)
/** Read energy grows as capacity^SRAM_ENERGY_EXPONENT per bank (bit-line and word-line length grow as
 *  sqrt(capacity) in a square array). Assumption (CACTI-like): 0.5. Check: Horowitz's 32 KB (20 pJ) and 1 MB
 *  (100 pJ) points give exponents 0.5 and 0.47. hwcomponents' CACTI fit (cacti_depth_energy) uses 0.78 for
 *  depth at fixed width, an upper bound. */
export const SRAM_ENERGY_EXPONENT = 0.5;
/** Write energy relative to read. Assumption: 1 (CACTI reports writes within ~10-20 % of reads for
 *  small arrays; no better published number at hand). */
export const SRAM_WRITE_OVER_READ = 1;

/** 6T SRAM bitcell areas (um^2) by node: Intel 45 nm 0.346, Intel 32 nm 0.171, Intel 22 nm 0.092, Intel 14 nm
 *  0.0588 (IEDM/ISSCC announcements 2007-2014), TSMC N7 0.027 um^2 (IEDM 2016 HD cell). Recalled figures, not in
 *  docs/REFERENCES.md [sram-bitcells]: verify before validating a preset's area. Interpolated log-log between nodes. */
const BITCELL_NODES_NM: readonly number[] = [45, 32, 22, 14, 7]; // nodes of the table above (Intel/TSMC 2007-2016)
const BITCELL_UM2: readonly number[] = [0.346, 0.171, 0.092, 0.0588, 0.027]; // see the table comment above (2007-2016)
/** Array efficiency (bitcells / macro area incl. decoders, sense amps, I/O). Assumption: 0.7, typical of
 *  compiled SRAM macros of a few KB to MB. */
export const SRAM_ARRAY_EFFICIENCY = 0.7;

/** 6T SRAM bitcell area at nodeNm (um^2). Outside 7..45 nm: Stillmaker & Baas area scaling from the nearest entry. */
export function sramBitcellUm2(nodeNm: number): number {
  requireNode(nodeNm);
  const n = BITCELL_NODES_NM.length;
  if (nodeNm >= BITCELL_NODES_NM[0]) return BITCELL_UM2[0] * areaScale(BITCELL_NODES_NM[0], nodeNm);
  if (nodeNm <= BITCELL_NODES_NM[n - 1]) return BITCELL_UM2[n - 1] * areaScale(BITCELL_NODES_NM[n - 1], nodeNm);
  for (let i = 0; i < n - 1; i++) {
    const hi = BITCELL_NODES_NM[i];
    const lo = BITCELL_NODES_NM[i + 1];
    if (nodeNm <= hi && nodeNm >= lo) {
      const t = Math.log(hi / nodeNm) / Math.log(hi / lo);
      return Math.exp(Math.log(BITCELL_UM2[i]) * (1 - t) + Math.log(BITCELL_UM2[i + 1]) * t);
    }
  }
  return BITCELL_UM2[n - 1];
}

export interface SramCost {
  readonly readEnergyPerBitJ: number;
  readonly writeEnergyPerBitJ: number;
  /** One access cycle (ps). */
  readonly latencyPs: number;
  /** Bytes per second the whole SRAM delivers (all banks). */
  readonly bandwidthBytesPerS: number;
  readonly areaMm2: number;
}

export function sramCost(s: SramSpec, nodeNm: number, supplyV?: number): SramCost {
  const bankBytes = s.capacityBytes / s.banks;
  const perBit45 =
    (HOROWITZ_SRAM_READ_J / HOROWITZ_SRAM_WORD_BITS) * (bankBytes / HOROWITZ_SRAM_BYTES) ** SRAM_ENERGY_EXPONENT;
  const scale = energyScale(HOROWITZ_NODE_NM, nodeNm, supplyV === undefined ? undefined : HOROWITZ_VDD_V, supplyV);
  const read = perBit45 * scale;
  return {
    readEnergyPerBitJ: read,
    writeEnergyPerBitJ: read * SRAM_WRITE_OVER_READ,
    latencyPs: periodPs(s.clockHz),
    bandwidthBytesPerS: s.banks * s.bytesPerCyclePerBank * s.clockHz,
    areaMm2: (s.capacityBytes * BITS_PER_BYTE * sramBitcellUm2(nodeNm) * UM2_TO_MM2) / SRAM_ARRAY_EFFICIENCY,
  };
}

/** DRAM access energy per bit (J) by kind, interface + core, as used for whole-system estimates: the built-in
 *  DRAM models (one file each in src/components/dram/, registered in src/components/registry.ts). */
export const DRAM_ENERGY_PER_BIT_J: Readonly<Record<DramKind, number>> = Object.fromEntries(
  Object.values<DramModel>(dramModels.builtIn).map((m) => [m.kind, m.energyPerBitJ]),
) as Record<DramKind, number>;

export interface DramCost {
  readonly energyPerBitJ: number;
  readonly bandwidthBytesPerS: number;
  readonly assumption: string;
}

export function dramCost(d: DramSpec): DramCost {
  const model = dramModels.get(d.kind);
  const table = model.energyPerBitJ;
  const override = d.energyPerBitJ !== undefined;
  const e = override ? (d.energyPerBitJ as number) : table;
  const pj = (e / PJ).toPrecision(3); // 3 significant digits (formatting)
  return {
    energyPerBitJ: e,
    bandwidthBytesPerS: d.bandwidthBytesPerS,
    assumption: override
      ? `DRAM ${d.kind}: ${pj} pJ/bit from the spec (overrides the ${d.kind} default ${(table / PJ).toPrecision(3)} pJ/bit).` // formatting
      : `DRAM ${d.kind}: ${pj} pJ/bit (${model.source}).`,
  };
}


export const SRAM_MODEL: ComponentModelInfo = {
  kind: "sram",
  parameters: ["sram[].capacityBytes", "sram[].banks", "sram[].bytesPerCyclePerBank", "sram[].clockHz", "technologyNm", "supplyV"],
  reference: "Horowitz ISSCC 2014: 8 KB, 64-bit read 10 pJ at 45 nm; 6T bitcell areas by node",
  scaling: "energy per bit * sqrt(bank capacity / 8 KB), node Stillmaker-Baas; area capacity * bitcell / 0.7",
  actions: ["read", "write"],
  sources: ["Horowitz ISSCC 2014", "Intel/TSMC bitcell announcements 2007-2016"],
};
export const DRAM_MODEL: ComponentModelInfo = {
  kind: "dram",
  parameters: ["dram.kind", "dram.energyPerBitJ", "dram.bandwidthBytesPerS", "dram.channels"],
  reference: "per-kind energy per bit table (HBM2 3.9 pJ/bit, LPDDR4 8 pJ/bit; others assumptions)",
  scaling: "energy linear in bits moved; off-chip, no die area",
  actions: ["access"],
  sources: ["O'Connor et al. MICRO 2017", "docs/REFERENCES.md [oconnor-micro2017, lpddr4-estimate]"],
};
