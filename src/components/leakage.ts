// Static (leakage) power of every on-die component, charged by the simulator over the whole run, idle time
// included (src/sim/run.ts), so a low-utilisation decode step pays for the silicon it keeps powered. With
// ChipSpec.powerGating a component kind is charged only for the share of the run its units are busy.
//
// Model: leakage power density of the die's CMOS logic and SRAM per mm^2, times each component's modelled area:
//   P_static(kind) = area(kind) x density(node) x (V / 0.9 V),
// density(node) = 11.5 mW/mm^2 at 40 nm scaled as hwcomponents scales leakage power (tech_node_leak = the
// Stillmaker-Baas energy factor) over the area factor: 11.5 mW/mm^2 is the area-weighted leakage of Aladdin's
// 40 nm component library (adder 2.4 uW / 278 um^2, multiplier 80 uW / 6350 um^2, counter 0.32 uW / 495.5 um^2,
// comparator 0.025 uW / 71 um^2: 82.7 uW over 7194.5 um^2; Shao et al., ISCA 2014, as packaged in
// hwcomponents-library aladdin.py; docs/REFERENCES.md [aladdin-isca2014, hwcomponents]). A general-purpose
// library's leakage; a low-power process leaks one to three orders of magnitude less, so a preset of such a
// chip states its own density (ChipSpec.leakageWPerMm2, e.g. from its hwcomponents-library components).
// Assumptions, stated with every result: linear in the supply (I_off held fixed), Aladdin's library at 0.9 V.
// Non-volatile crossbar cells (PCM, RRAM, Flash) hold no bias when idle: 0. SRAM compute cells leak like logic.
// Off-chip DRAM is not on the die: its background and refresh power are not modelled (stated).
import type { ChipSpec } from "../spec/types.ts";
import { ANALOG_TILE_KINDS, COMPONENT_KINDS, type ComponentKind } from "./kinds.ts";
import { areaScale, energyScale } from "./technology.ts";

/** Aladdin 40 nm library leakage per area (W/mm^2), area-weighted over adder, multiplier, counter, comparator
 *  (82.7 uW / 7194.5 um^2; Aladdin ISCA 2014 via hwcomponents-library aladdin.py). */
export const LEAKAGE_W_PER_MM2_40NM = 82.7e-6 / 7194.5e-6; // Aladdin ISCA 2014 (see above): uW / um^2 -> W / mm^2
/** Supply of Aladdin's 40 nm library. Assumption: 0.9 V, the nominal 40 nm core supply (as Horowitz's 45 nm table). */
export const LEAKAGE_REFERENCE_SUPPLY_V = 0.9;

export const ALADDIN_LEAKAGE_NODE_NM = 40; // Aladdin's library node (Shao et al., ISCA 2014)

/** Leakage power density (W/mm^2) of logic/SRAM at nodeNm and supplyV: the chip's own figure when it states one
 *  (taken at its supply), else Aladdin's 40 nm figure scaled as above. */
export function leakageWPerMm2(nodeNm: number, supplyV: number, specified?: number): number {
  if (specified !== undefined) return specified;
  const node = energyScale(ALADDIN_LEAKAGE_NODE_NM, nodeNm) / areaScale(ALADDIN_LEAKAGE_NODE_NM, nodeNm);
  return LEAKAGE_W_PER_MM2_40NM * node * (supplyV / LEAKAGE_REFERENCE_SUPPLY_V);
}

/** Whether a kind's modelled area leaks: off-chip DRAM has no die area here, non-volatile cells hold no bias. */
const leaks = (k: ComponentKind, nvm: boolean): boolean => k !== "dram" && !(k === "crossbar" && nvm);

/** The factor by which a stated die area (ChipSpec.dieAreaMm2) larger than the modelled components' area scales
 *  the modelled kinds' leakage: the rest of the die (a GPU's schedulers, L1 caches, FP64 and integer units,
 *  I/O and PHYs, which aimcsim does not model) leaks at the same density, attributed to the leaking kinds in
 *  proportion to their area. 1 without dieAreaMm2, or when it is not larger than the modelled area. */
export function dieLeakageFactor(chip: Pick<ChipSpec, "analog" | "dieAreaMm2">, areaByComponentMm2: Readonly<Record<ComponentKind, number>>): number {
  if (chip.dieAreaMm2 === undefined) return 1;
  const nvm = chip.analog !== undefined && chip.analog.tile.device !== "SRAM";
  const modelled = COMPONENT_KINDS.reduce((s, k) => s + areaByComponentMm2[k], 0);
  const leaking = COMPONENT_KINDS.reduce((s, k) => s + (leaks(k, nvm) ? areaByComponentMm2[k] : 0), 0);
  if (leaking <= 0 || chip.dieAreaMm2 <= modelled) return 1;
  return 1 + (chip.dieAreaMm2 - modelled) / leaking;
}

/** Static power (W) by component kind of a chip with these areas (mm^2) by kind. */
export function staticPowerByComponentW(
  chip: Pick<ChipSpec, "supplyV" | "analog" | "technologyNm" | "leakageWPerMm2" | "dieAreaMm2">,
  areaByComponentMm2: Readonly<Record<ComponentKind, number>>,
): Record<ComponentKind, number> {
  const d = leakageWPerMm2(chip.technologyNm, chip.supplyV, chip.leakageWPerMm2) * dieLeakageFactor(chip, areaByComponentMm2);
  const nvm = chip.analog !== undefined && chip.analog.tile.device !== "SRAM";
  const out = Object.fromEntries(COMPONENT_KINDS.map((k) => [k, 0])) as Record<ComponentKind, number>;
  // dram: off-chip, its background power not modelled; crossbar: non-volatile cells hold no bias when idle.
  for (const k of COMPONENT_KINDS) if (leaks(k, nvm)) out[k] = areaByComponentMm2[k] * d;
  return out;
}

export const leakageAssumption = (chip: Pick<ChipSpec, "supplyV" | "technologyNm" | "leakageWPerMm2" | "powerGating" | "dieAreaMm2">): string =>
  `static power: leakage ${(leakageWPerMm2(chip.technologyNm, chip.supplyV, chip.leakageWPerMm2) * 1e3).toPrecision(3)} mW/mm^2 of modelled area ` + // W -> mW, 3 significant digits (formatting)
  (chip.leakageWPerMm2 !== undefined
    ? "(the spec's figure)"
    : "(Aladdin 40 nm library 11.5 mW/mm^2, scaled to the node as hwcomponents scales leakage, x V / 0.9 V: assumptions)") +
  (chip.dieAreaMm2 !== undefined ? `; the stated ${chip.dieAreaMm2} mm^2 die's unmodelled rest leaks at the same density, attributed to the modelled kinds by area` : "") +
  `, charged over the whole run${chip.powerGating ? " while each kind's units are busy (power gating)" : ", idle time included"}; non-volatile crossbar cells 0; off-chip DRAM background/refresh power not modelled.`;

/** Static energy (J) by component kind over `latencyS`: each kind's leakage over the whole interval (idle
 *  included), or, power-gated, only over the share of it its units are busy (busy time over latency x capacity;
 *  the analog tile's kinds, which have no resources of their own, follow its crossbar banks: one resource per
 *  weight matrix, so a mean over matrices, assumption). The one rule `run` and `serve` both book. */
export function staticEnergyByComponentJ(
  staticW: Readonly<Record<ComponentKind, number>>,
  latencyS: number,
  powerGating: boolean,
  busyS: Readonly<Record<ComponentKind, number>>,
  capacity: Readonly<Record<ComponentKind, number>>,
): Record<ComponentKind, number> {
  const activity = (k: ComponentKind): number => {
    const kk: ComponentKind = capacity[k] > 0 ? k : ANALOG_TILE_KINDS.includes(k) ? "crossbar" : k;
    if (capacity[kk] <= 0 || latencyS <= 0) return 1;
    return Math.min(1, busyS[kk] / (latencyS * capacity[kk]));
  };
  const out = Object.fromEntries(COMPONENT_KINDS.map((k) => [k, 0])) as Record<ComponentKind, number>;
  for (const k of COMPONENT_KINDS) out[k] = staticW[k] * latencyS * (powerGating ? activity(k) : 1);
  return out;
}
