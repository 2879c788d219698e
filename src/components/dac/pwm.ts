// PWM DAC: time-encoded; the sign selects the read-voltage polarity (HERMES applies signed pulses,
// Khaddam-Aljameh et al. JSSC 2022), the magnitude (bits - 1 bits) sets the pulse width in unit periods, so one
// phase of 2^(bits-1) unit periods (the largest magnitude 2^(bits-1) - 1 rounded up to a power of two window).
// Driver energy: one ISAAC 1-bit DAC pulse (ISCA 2016) plus a down-counter (Horowitz ISSCC 2014 adder energy).
import type { DacModel } from "../model.ts";
import { HOROWITZ_NODE_NM, addEnergyJ } from "../digital.ts";
import { fmtJ, fmtPs } from "../format.ts";
import { UM2_TO_MM2, areaScale, periodPs } from "../technology.ts";
import { isaacDac1Bit } from "./bit-serial.ts";
import { CONVERTER_REFERENCE_SUPPLY_V } from "../supply.ts";

/** PWM pulse counter/comparator area per bit. Assumption: 4.5 um^2 at 45 nm = Horowitz's 8-bit adder area
 *  36 um^2 / 8 (ISSCC 2014 area table), one bit of a down-counter per row. */
export const PWM_COUNTER_AREA_UM2_PER_BIT_45NM = 4.5;

export const PWM_DAC: DacModel = {
  kind: "pwm",
  referenceSupplyV: CONVERTER_REFERENCE_SUPPLY_V, // src/components/supply.ts (1.0 V; per-model statement there)
  reference: "one ISAAC 1-bit DAC pulse of 2^(bits-1) clock periods plus a (bits-1)-bit down-counter",
  sources: ["ISAAC ISCA 2016 via hwcomponents-library isaac.py", "HERMES JSSC 2022 (PWM)", "Horowitz ISSCC 2014"],
  pulseWidth: true,
  convert(dac, nodeNm, clockHz) {
    const bits = dac.bits;
    const { energyJ: e1, areaUm2: a1 } = isaacDac1Bit(nodeNm);
    const magnitudeBits = Math.max(1, bits - 1);
    const units = 2 ** magnitudeBits;
    // Row driver: one pulse (two edges) regardless of its width; its down-counter decrements every unit period.
    const energyJ = e1 + units * magnitudeBits * addEnergyJ("int8", nodeNm) / 8; // per-bit share of an int8 add; 8 = int8 width (definition)
    const latencyPs = units * periodPs(clockHz);
    const areaUm2 = a1 + magnitudeBits * PWM_COUNTER_AREA_UM2_PER_BIT_45NM * areaScale(HOROWITZ_NODE_NM, nodeNm);
    return {
      energyJ,
      latencyPs,
      phases: 1,
      areaMm2: areaUm2 * UM2_TO_MM2,
      assumption:
        `PWM DAC ${bits}-bit signed: sign by pulse polarity (HERMES), pulse window 2^${magnitudeBits} unit periods of one clock ` +
        `(${fmtPs(latencyPs)}); energy = one 1-bit driver pulse (ISAAC) + a ${magnitudeBits}-bit down-counter per unit period = ${fmtJ(energyJ)}.`,
    };
  },
};
