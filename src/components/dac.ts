// DAC (input driver) cost models, selected by DacSpec.kind. DacSpec overrides (energyPerConversionJ,
// latencyPs) win. One conversion = one input row driven for one analog phase.
//
//  - "bit-serial": 1-bit drivers; an input of `bits` bits takes `bits` phases (one bit-plane each, two's
//    complement, the MSB plane weighted negatively in the shift-add). Energy per phase = one 1-bit conversion.
//    With DacSpec.planesPerConversion > 1 the column integrator sums groups of planes before one ADC conversion
//    (src/components/crossbar.ts); the driver still applies every plane once, so its cost here is unchanged.
//    Assumption: a group is summed with positive binary weights, so the inputs are sign-magnitude (the sign as
//    pulse polarity, as NeuRRAM's ternary pulses) or the integrator subtracts a two's-complement MSB plane.
//  - "pwm": time-encoded; the sign selects the read-voltage polarity (HERMES applies signed pulses), the
//    magnitude (bits - 1 bits) sets the pulse width in unit periods, so one phase of 2^(bits-1) unit periods
//    (the largest magnitude 2^(bits-1) - 1 rounded up to a power of two window).
//  - "current-steering": 2^(bits-1) unit current cells (magnitude) + sign switch, one phase, settles in one cycle.

import type { DacKind, DacSpec } from "../spec/types.ts";
import { AimcsimError } from "../errors.ts";
import { HOROWITZ_NODE_NM, addEnergyJ } from "./digital.ts";
import { ISAAC_NODE_NM, PJ, UM2_TO_MM2, areaScale, energyScale, periodPs } from "./technology.ts";
import { requireClock } from "./checks.ts";
import { fmtJ, fmtPs } from "./adc.ts";
import type { ComponentModelInfo } from "./model.ts";

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
}

/** ISAAC 1-bit DAC: 0.41667 pJ per conversion at 32 nm (4 mW for 8x128 DACs, ISAAC ISCA 2016, as derived in
 *  Accelergy-Project/hwcomponents-library hwcomponents_library/library/isaac.py IsaacDAC). */
export const ISAAC_DAC_ENERGY_J = 0.41667 * PJ;
/** ISAAC 1-bit DAC area at 32 nm: 170 um^2 / (128 * 8) = 0.166 um^2 (ISAAC ISCA 2016 via hwcomponents-library isaac.py). */
export const ISAAC_DAC_AREA_UM2 = 0.166015625;
/** PWM pulse counter/comparator area per bit. Assumption: 4.5 um^2 at 45 nm = Horowitz's 8-bit adder area
 *  36 um^2 / 8 (ISSCC 2014 area table), one bit of a down-counter per row. */
export const PWM_COUNTER_AREA_UM2_PER_BIT_45NM = 4.5;
export const DAC_KINDS: readonly DacKind[] = ["pwm", "current-steering", "bit-serial"];

export function dacCost(dac: DacSpec, nodeNm: number, clockHz: number): DacCost {
  if (!Number.isInteger(dac.bits) || dac.bits < 1) {
    throw new AimcsimError("SpecError", "dac.bits", `DAC bits must be an integer >= 1, got ${dac.bits}`);
  }
  requireClock(clockHz, "analog.clockHz");
  const bits = dac.bits;
  const e1 = ISAAC_DAC_ENERGY_J * energyScale(ISAAC_NODE_NM, nodeNm);
  const a1 = ISAAC_DAC_AREA_UM2 * areaScale(ISAAC_NODE_NM, nodeNm);
  const cycle = periodPs(clockHz);
  let energyJ: number;
  let latencyPs: number;
  let phases: number;
  let areaUm2: number;
  let what: string;
  switch (dac.kind) {
    case "bit-serial":
      energyJ = e1;
      latencyPs = cycle;
      phases = bits;
      areaUm2 = a1;
      what = `bit-serial DAC: ${bits} phases of a 1-bit driver, ${fmtJ(e1)} per phase (ISAAC 1-bit DAC 0.417 pJ @ 32 nm, node-scaled), 1 cycle each.`;
      break;
    case "pwm": {
      const magnitudeBits = Math.max(1, bits - 1);
      const units = 2 ** magnitudeBits;
      // Row driver: one pulse (two edges) regardless of its width; its down-counter decrements every unit period.
      energyJ = e1 + units * magnitudeBits * addEnergyJ("int8", nodeNm) / 8; // per-bit share of an int8 add; 8 = int8 width (definition)
      latencyPs = units * cycle;
      phases = 1;
      areaUm2 = a1 + magnitudeBits * PWM_COUNTER_AREA_UM2_PER_BIT_45NM * areaScale(HOROWITZ_NODE_NM, nodeNm);
      what =
        `PWM DAC ${bits}-bit signed: sign by pulse polarity (HERMES), pulse window 2^${magnitudeBits} unit periods of one clock ` +
        `(${fmtPs(latencyPs)}); energy = one 1-bit driver pulse (ISAAC) + a ${magnitudeBits}-bit down-counter per unit period = ${fmtJ(energyJ)}.`;
      break;
    }
    case "current-steering": {
      const cells = 2 ** Math.max(0, bits - 1);
      energyJ = cells * e1;
      latencyPs = cycle;
      phases = 1;
      areaUm2 = cells * a1;
      what = `current-steering DAC ${bits}-bit: 2^(bits-1) = ${cells} unit cells of the ISAAC 1-bit DAC each (assumption) = ${fmtJ(energyJ)}; settles in 1 cycle (assumption).`;
      break;
    }
    default: {
      const k: never = dac.kind;
      throw new AimcsimError("SpecError", "dac.kind", `unknown DAC kind ${String(k)}; expected one of ${DAC_KINDS.join(", ")}`);
    }
  }
  const overrides: string[] = [];
  if (dac.energyPerConversionJ !== undefined) {
    energyJ = dac.energyPerConversionJ;
    overrides.push(`energy ${fmtJ(energyJ)}`);
  }
  if (dac.latencyPs !== undefined) {
    latencyPs = dac.latencyPs;
    overrides.push(`latency ${fmtPs(latencyPs)}`);
  }
  const assumption = overrides.length > 0 ? `${what} OVERRIDDEN by the spec: ${overrides.join(", ")}.` : what;
  return { energyJ, latencyPs, phases, areaMm2: areaUm2 * UM2_TO_MM2, assumption };
}


export const DAC_MODEL: ComponentModelInfo = {
  kind: "dac",
  parameters: ["dac.kind", "dac.bits", "dac.energyPerConversionJ", "dac.latencyPs", "technologyNm", "analog.clockHz"],
  reference: "ISAAC 1-bit DAC: 0.417 pJ, 0.166 um^2 at 32 nm",
  scaling: "bit-serial: bits phases of the 1-bit DAC; PWM: one pulse of 2^(bits-1) clock periods plus a (bits-1)-bit counter; current-steering: 2^(bits-1) unit cells; node: Stillmaker-Baas",
  actions: ["convert"],
  sources: ["ISAAC ISCA 2016 via hwcomponents-library isaac.py", "HERMES JSSC 2022 (PWM)"],
};
