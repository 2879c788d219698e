// Public face of the component cost models: one model per component kind, each returning energy (J) per
// action, latency (ps) and area (mm^2), with every constant cited in its own file. `componentModels` is the
// registry: look a model up by ComponentKind instead of importing its file.

import type { ComponentKind } from "../sim/result.ts";
import { adcCost } from "./adc.ts";
import { dacCost } from "./dac.ts";
import { analogMvmCost, cellReadEnergyJ } from "./crossbar.ts";
import { bitSerialCost, systolicPeCost, vectorOpCost } from "./digital.ts";
import { dramCost, sramCost } from "./memory.ts";
import { nocCost } from "./noc.ts";

export { ADC_KINDS, adcCost, type ConverterCost } from "./adc.ts";
export { DAC_KINDS, dacCost, type DacCost } from "./dac.ts";
export {
  DEFAULT_INPUT_ACTIVITY,
  DEFAULT_MEAN_CONDUCTANCE,
  adcsPerTile,
  analogMvmCost,
  analogMvmCostPrepared,
  cellAreaMm2,
  cellReadEnergyJ,
  columnsPerWeight,
  newAnalogMvmCost,
  outputLines,
  prepareAnalogTile,
  weightColumnsPerTile,
  weightSlices,
  type AnalogMvmCost,
  type AnalogTileModel,
  type MvmActivity,
} from "./crossbar.ts";
export {
  DIGITAL_FORMATS,
  FORMAT_BITS,
  VECTOR_OP_MIX,
  addEnergyJ,
  adderAreaMm2,
  bitSerialCost,
  bitSerialDotEnergyJ,
  macEnergyJ,
  multEnergyJ,
  multiplierAreaMm2,
  systolicPeCost,
  vectorOpCost,
  type BitSerialCost,
  type UnitCost,
} from "./digital.ts";
export { DRAM_ENERGY_PER_BIT_J, dramCost, sramBitcellUm2, sramCost, type DramCost, type SramCost } from "./memory.ts";
export { NOC_TOPOLOGIES, averageHops, nocCost, type NocCost } from "./noc.ts";
export { TECH_NODES_NM, areaScale, energyScale, periodPs } from "./technology.ts";
export {
  describeChip,
  formatDescription,
  type ChipDescription,
  type DescriptionRow,
  type PeakPart,
} from "./describe.ts";

/** One entry per ComponentKind: which function models it and what its actions are. */
export interface ComponentModelEntry {
  readonly kind: ComponentKind;
  readonly actions: readonly string[];
  readonly model: (...args: never[]) => unknown;
  readonly source: string;
}

export const componentModels: Readonly<Record<ComponentKind, ComponentModelEntry>> = {
  dac: { kind: "dac", actions: ["convert"], model: dacCost, source: "ISAAC ISCA 2016 1-bit DAC; PWM per HERMES" },
  crossbar: { kind: "crossbar", actions: ["mvm", "read-cell"], model: cellReadEnergyJ, source: "V^2 G t per cell; area by device F^2" },
  adc: { kind: "adc", actions: ["convert"], model: adcCost, source: "Murmann survey (SAR), flash 2^b-1 comparators, HERMES CCO 300 ps/LSB" },
  accumulate: { kind: "accumulate", actions: ["shift-add", "mvm"], model: analogMvmCost, source: "Horowitz ISSCC 2014 adds; ISAAC shift-add area" },
  systolic: { kind: "systolic", actions: ["mac"], model: systolicPeCost, source: "Horowitz ISSCC 2014 + Eyeriss register overhead" },
  bitserial: { kind: "bitserial", actions: ["bit-plane cycle", "group accumulate"], model: bitSerialCost, source: "Anda HPCA 2025 structure, Horowitz energies" },
  vector: { kind: "vector", actions: ["softmax", "norm", "activation", "rope", "elementwise"], model: vectorOpCost, source: "op mixes (assumption) at Horowitz energies" },
  sram: { kind: "sram", actions: ["read", "write"], model: sramCost, source: "Horowitz ISSCC 2014 8 KB read, sqrt(capacity) scaling" },
  dram: { kind: "dram", actions: ["access"], model: dramCost, source: "per-kind pJ/bit table (HBM2: O'Connor MICRO 2017)" },
  noc: { kind: "noc", actions: ["hop"], model: nocCost, source: "ISAAC router ISCA 2016" },
};
