// ADC cost: the model registered for AdcSpec.kind (src/components/registry.ts; one file per model in
// src/components/adc/). Peers disagree 10-20x on ADC energy (docs/REFERENCES.md [neurosim, cimloop, isaac-isca2016], "Tool spread for an 8-bit ADC
// conversion"), so every model returns the assumption it made, and the reports print it. Explicit AdcSpec
// overrides (energyPerConversionJ, latencyPs) win; waldenFomJ is read by the SAR model.
//
// Action: convert (one conversion of one column): energyJ, latencyPs. Area: one ADC instance.

import type { AdcSpec } from "../spec/types.ts";
import { fmtJ, fmtPs } from "./format.ts";
import type { ComponentModelInfo, ConverterCost } from "./model.ts";
import { adcModels } from "./registry.ts";

export type { ConverterCost } from "./model.ts";
export { fmtHz, fmtJ, fmtPs } from "./format.ts";
export {
  ENOB_LOSS_BITS,
  ISAAC_ADC_AREA_UM2,
  ISAAC_ADC_BITS,
  SAR_EXTRA_CYCLES,
  SAR_MEDIAN_ENERGY_J,
  SAR_WALDEN_FOM_J,
} from "./adc/sar.ts";
export { FLASH_COMPARATOR_AREA_UM2, FLASH_COMPARATOR_ENERGY_J } from "./adc/flash.ts";
export {
  TIME_ENCODED_AREA_UM2_PER_BIT,
  TIME_ENCODED_ENERGY_PER_LSB_J,
  TIME_ENCODED_LSB_PS,
  TIME_ENCODED_STATIC_FRACTION,
} from "./adc/time-encoded.ts";

/** Cost of one conversion by an ADC of this spec at nodeNm, clocked (for SAR bit cycles and flash) at clockHz. */
export function adcCost(adc: AdcSpec, nodeNm: number, clockHz: number): ConverterCost {
  const model = adcModels.get(adc.kind);
  const base = model.convert(adc, nodeNm, clockHz);
  let energyJ = base.energyJ;
  let latencyPs = base.latencyPs;
  const what = base.assumption;
  const overrides: string[] = [];
  if (adc.energyPerConversionJ !== undefined) {
    energyJ = adc.energyPerConversionJ;
    overrides.push(`energy ${fmtJ(energyJ)}`);
  }
  if (adc.latencyPs !== undefined) {
    latencyPs = adc.latencyPs;
    overrides.push(`latency ${fmtPs(latencyPs)}`);
  }
  const assumption = overrides.length > 0 ? `${what} OVERRIDDEN by the spec: ${overrides.join(", ")}.` : what;
  return { energyJ, latencyPs, areaMm2: base.areaMm2, assumption };
}

export const ADC_MODEL: ComponentModelInfo = {
  kind: "adc",
  parameters: ["adc.kind", "adc.bits", "adc.colsPerAdc", "adc.energyPerConversionJ", "adc.latencyPs", "adc.waldenFomJ", "technologyNm", "analog.clockHz", "tile.dac.planesPerConversion", "tile.slicesPerConversion"],
  reference: "SAR: Murmann survey median (FOM 20.6 fJ/step, 2.7 pJ at 6-8 ENOB); area: ISAAC 8-bit SAR 1200 um^2 at 32 nm; CCO: HERMES 300 ps/LSB",
  scaling: "conversions per MVM: output columns x slice groups (tile.slicesPerConversion) x plane groups (dac.planesPerConversion), each at adc.bits; energy: SAR FOM*2^(bits-1), flash (2^bits-1) comparators, CCO/ramp 2^bits LSB periods; not node-scaled (the survey spans nodes); area: ISAAC area * 2^(bits-8) (SAR), per comparator (flash), per counter bit (time-encoded), Stillmaker-Baas node scaling; latency: (bits+1) cycles (SAR), 1 cycle (flash), 2^bits * 300 ps (CCO, ramp)",
  actions: ["convert"],
  sources: ["Murmann ADC survey 1997-2025", "NeuroSim", "ISAAC ISCA 2016", "HERMES JSSC 2022"],
};
