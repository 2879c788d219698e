// C-2C ladder DAC (the Intel 22 nm SRAM CIM macro's charge-domain multiply-DAC, Wang et al., VLSI 2022 / JSSC 2023;
// docs/REFERENCES.md [wang-c2c-2022]): per bit a 2C leg from the bit's driver into a ladder node and a series C to
// the next node, 3 bits x C_u in all. One conversion charges each bit's 2C leg from the supply when its bit goes
// high: E = bits x 2 C_u x V^2 x 1/2 (toggle probability 1/2 for uniform codes). This is a first-order closed form
// of the nodal solution hwcomponents-library dac_c2c_r2r.py computes (the series capacitors' charge
// redistribution, which draws nothing further from the supply, is neglected). One phase, settles in one cycle
// (assumption). The energy is written in the driver supply, so no (V / V_ref)^2 factor is applied on top.
import type { DacModel } from "../model.ts";
import { fmtJ } from "../format.ts";
import { FJ, UM2_TO_MM2, periodPs } from "../technology.ts";
import { DEFAULT_CAP_DAC_SUPPLY_V, capacitorAreaUm2, sigFf } from "./capacitive-common.ts";

/** Unit capacitor default: 2 fF (CiMLoop wang_vlsi_2022 arch.yaml c2c multiplier unit_capacitance 2e-15, the
 *  Intel 22 nm macro; docs/REFERENCES.md [cimloop, wang-c2c-2022]). */
export const C2C_UNIT_CAP_F = 2 * FJ;
/** A bit's 2C leg switches with probability 1/2 for uniform codes (definition). */
const TOGGLE_PROBABILITY = 0.5;
/** Capacitors of one ladder bit in units of C_u: the 2C leg and the series C (definition of the C-2C structure). */
const CAPS_PER_BIT = 3;
const LEG_CAPS = 2; // definition: the 2C leg of each bit

export const C2C_LADDER_DAC: DacModel = {
  kind: "c2c-ladder",
  reference: "C-2C ladder, E = bits x 2 C_u x V^2 / 2, C_u 2 fF (Intel 22 nm macro via CiMLoop)",
  sources: ["docs/REFERENCES.md [wang-c2c-2022, cimloop, hwcomponents]"],
  convert(dac, nodeNm, clockHz, supplyV) {
    const v = supplyV ?? DEFAULT_CAP_DAC_SUPPLY_V;
    const cu = dac.unitCapF ?? C2C_UNIT_CAP_F;
    const energyJ = dac.bits * LEG_CAPS * cu * v * v * TOGGLE_PROBABILITY;
    return {
      energyJ,
      latencyPs: periodPs(clockHz),
      phases: 1,
      areaMm2: capacitorAreaUm2(CAPS_PER_BIT * dac.bits * cu, nodeNm) * UM2_TO_MM2,
      supplyExplicit: true,
      passiveAreaFraction: 1, // definition: the modelled area is the capacitors'; a capacitor does not leak
      assumption: `C-2C ladder DAC ${dac.bits}-bit: E = bits x 2 C_u x V^2 / 2 = ${fmtJ(energyJ)} (C_u ${sigFf(cu)} fF, ${v} V); one phase settling in 1 cycle (assumption); area 3 x bits x C_u at CiMLoop's capacitor density, capacitors: no leakage charged over it.`,
    };
  },
};
