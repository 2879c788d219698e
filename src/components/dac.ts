// DAC (input driver) cost: the model registered for DacSpec.kind (src/components/registry.ts; one file per model
// in src/components/dac/). DacSpec overrides (energyPerConversionJ, latencyPs) win. One conversion = one input
// row driven for one analog phase.

import type { DacSpec } from "../spec/types.ts";
import { fmtJ, fmtPs } from "./format.ts";
import type { ComponentModelInfo } from "./model.ts";
import { dacModels } from "./registry.ts";

export { ISAAC_DAC_AREA_UM2, ISAAC_DAC_ENERGY_J } from "./dac/bit-serial.ts";
export { PWM_COUNTER_AREA_UM2_PER_BIT_45NM } from "./dac/pwm.ts";

export interface DacCost {
  /** Energy of one conversion of one row for one phase (J). */
  readonly energyJ: number;
  /** Latency of one conversion (ps); for PWM the whole pulse window. */
  readonly latencyPs: number;
  /** Analog phases one input needs (bit-serial: bits; pwm and current-steering: 1). */
  readonly phases: number;
  /** One DAC (row driver) instance (mm^2). */
  readonly areaMm2: number;
  readonly assumption: string;
  /** The energy already uses the chip supply (capacitive kinds): no converter supply scaling on top. */
  readonly supplyExplicit: boolean;
  /** Static power while the DAC holds a code (W; r2r-ladder), charged by crossbar.ts over one MVM interval per phase. */
  readonly holdPowerW: number;
  /** Share of the area that is passive (resistor / capacitor ladders), charged no leakage. */
  readonly passiveAreaFraction: number;
}


/** supplyV: the driver supply, used by the models whose energy is written in it (capacitive DACs). */
export function dacCost(dac: DacSpec, nodeNm: number, clockHz: number, supplyV?: number): DacCost {
  const base = dacModels.get(dac.kind).convert(dac, nodeNm, clockHz, supplyV);
  let energyJ = base.energyJ;
  let latencyPs = base.latencyPs;
  const overrides: string[] = [];
  if (dac.energyPerConversionJ !== undefined) {
    energyJ = dac.energyPerConversionJ;
    overrides.push(`energy ${fmtJ(energyJ)} (the whole conversion: no held static power on top)`);
  }
  if (dac.latencyPs !== undefined) {
    latencyPs = dac.latencyPs;
    overrides.push(`latency ${fmtPs(latencyPs)}`);
  }
  const assumption = overrides.length > 0 ? `${base.assumption} OVERRIDDEN by the spec: ${overrides.join(", ")}.` : base.assumption;
  const holdPowerW = dac.energyPerConversionJ !== undefined ? 0 : (base.holdPowerW ?? 0);
  return { energyJ, latencyPs, phases: base.phases, areaMm2: base.areaMm2, assumption, supplyExplicit: base.supplyExplicit ?? false, holdPowerW, passiveAreaFraction: base.passiveAreaFraction ?? 0 };
}

export const DAC_MODEL: ComponentModelInfo = {
  kind: "dac",
  parameters: ["dac.kind", "dac.bits", "dac.unitCapF", "dac.unitResistanceOhm", "dac.referenceV", "dac.laddersPerInput", "dac.energyPerConversionJ", "dac.latencyPs", "technologyNm", "analog.clockHz", "supplyV"],
  reference: "ISAAC 1-bit DAC: 0.417 pJ, 0.166 um^2 at 32 nm",
  scaling: "bit-serial: bits phases of the 1-bit DAC; PWM: one pulse of 2^(bits-1) clock periods plus a (bits-1)-bit counter; current-steering: 2^(bits-1) unit cells; node: Stillmaker-Baas; supply (V / 1.0 V)^2 (src/components/supply.ts); c2c-ladder: bits 2 C_u V^2 / 2; capacitive: 2^bits C_u V^2 / 6; r2r-ladder: static V_ref^2 mean(I) / 2R over the MVM interval + bit switches",
  actions: ["convert"],
  sources: ["ISAAC ISCA 2016 via hwcomponents-library isaac.py", "HERMES JSSC 2022 (PWM)", "docs/REFERENCES.md [cimloop, wang-c2c-2022, mccreary-gray-1975]"],
};
