// Public face of the component cost models: one model per component kind, each returning energy (J) per
// action, latency (ps) and area (mm^2), with every constant cited in its own file. `componentModels` is the
// registry: look a model up by ComponentKind instead of importing its file.

import type { ComponentKind } from "./kinds.ts";
import { ADC_MODEL, adcCost } from "./adc.ts";
import { DAC_MODEL, dacCost } from "./dac.ts";
import { ACCUMULATE_MODEL, CROSSBAR_MODEL, analogMvmCost } from "./crossbar.ts";
import { BITSERIAL_MODEL, SYSTOLIC_MODEL, VECTOR_MODEL, bitSerialCost, vectorOpCost } from "./digital.ts";
import { systolicMacCost } from "./operand-delivery.ts";
import { DRAM_MODEL, SRAM_MODEL, dramCost, sramCost } from "./memory.ts";
import type { ComponentModelInfo } from "./model.ts";
import { NOC_MODEL, nocCost } from "./noc.ts";
import { PERIPHERY_MODEL, tilePeriphery } from "./periphery.ts";

export type { AdcModel, ComponentModelInfo, DacConversion, DacModel, DramModel, NocTopologyModel, SystolicDataflow } from "./model.ts";
export { ModelRegistry, adcModels, dacModels, dataflows, dramModels, nocTopologies } from "./registry.ts";
export { systolicGemmCycles, systolicGemmTiming, type SystolicGemmTiming } from "./systolic/gemm.ts";
export { bitSerialGemmCycles, bitSerialGemmEstimatePs } from "./bit-serial-gemm.ts";
export { crossbarBankCost, type BankBlock, type CrossbarBankCost } from "./crossbar-bank.ts";
export {
  DRAM_BURST_BYTES,
  dramBurstBytes,
  dramBurstCount,
  dramTransferEnergyJ,
  dramTransferPs,
  sramAccessEnergyJ,
  sramTransferPs,
} from "./memory-traffic.ts";
export { nocEnergyJ, nocParallelLinks, nocRouters, nocTransferPs } from "./noc-traffic.ts";

export { COMPONENT_KINDS, type ComponentKind } from "./kinds.ts";
export { adcCost, type ConverterCost } from "./adc.ts";
export { dacCost, type DacCost } from "./dac.ts";
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
export { operandDeliveryCost, systolicMacCost, type OperandDeliveryCost } from "./operand-delivery.ts";
export { DRAM_ENERGY_PER_BIT_J, dramCost, sramBitcellUm2, sramCost, type DramCost, type SramCost } from "./memory.ts";
export { averageHops, nocCost, type NocCost } from "./noc.ts";
export { TECH_NODES_NM, areaScale, energyScale, periodPs } from "./technology.ts";
export {
  describeChip,
  formatDescription,
  type ChipDescription,
  type DescriptionRow,
  type PeakPart,
} from "./describe.ts";

import { CHIP_LINK_MODEL, chipLinkCost } from "./chiplink.ts";
export { chipLinkCost, type ChipLinkCost } from "./chiplink.ts";

/** A registry entry: what the model declares about itself plus the function that computes it. */
export interface ComponentModelEntry extends ComponentModelInfo {
  readonly cost: (...args: never[]) => unknown;
}

/** One model per ComponentKind: look it up by kind instead of importing its file. */
export const componentModels: Readonly<Record<ComponentKind, ComponentModelEntry>> = {
  dac: { ...DAC_MODEL, cost: dacCost },
  crossbar: { ...CROSSBAR_MODEL, cost: analogMvmCost },
  adc: { ...ADC_MODEL, cost: adcCost },
  accumulate: { ...ACCUMULATE_MODEL, cost: analogMvmCost },
  periphery: { ...PERIPHERY_MODEL, cost: tilePeriphery },
  systolic: { ...SYSTOLIC_MODEL, cost: systolicMacCost },
  bitserial: { ...BITSERIAL_MODEL, cost: bitSerialCost },
  vector: { ...VECTOR_MODEL, cost: vectorOpCost },
  sram: { ...SRAM_MODEL, cost: sramCost },
  dram: { ...DRAM_MODEL, cost: dramCost },
  noc: { ...NOC_MODEL, cost: nocCost },
  link: { ...CHIP_LINK_MODEL, cost: chipLinkCost },
};
export { staticEnergyByComponentJ } from "./leakage.ts";
