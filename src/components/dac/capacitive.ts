// Binary-weighted capacitor DAC (charge redistribution, McCreary & Gray, JSSC 1975;
// docs/REFERENCES.md [mccreary-gray-1975]): total 2^bits C_u. Switching a fraction x of the array from reset to V_ref draws
// V^2 C x (1 - x) from the reference, which averages to 2^bits C_u V^2 / 6 over uniform codes (derived). One
// phase, settles in one cycle (assumption); the energy is written in the driver supply (no extra supply factor).
import type { DacModel } from "../model.ts";
import { fmtJ } from "../format.ts";
import { FJ, UM2_TO_MM2, periodPs } from "../technology.ts";
import { DEFAULT_CAP_DAC_SUPPLY_V, capacitorAreaUm2, sigFf } from "./capacitive-common.ts";

/** Unit capacitor default: 1 fF (CiMLoop components c2c_multiplier.yaml unit_capacitance 1e-15; docs/REFERENCES.md [cimloop]). */
export const CAP_DAC_UNIT_CAP_F = 1 * FJ;
/** E[x (1 - x)] for x uniform on [0, 1] (definition: the integral of x - x^2). */
const MEAN_X_ONE_MINUS_X = 1 / 6; // definition (see above)

export const CAPACITIVE_DAC: DacModel = {
  kind: "capacitive",
  reference: "binary-weighted capacitor array, E = 2^bits C_u V^2 / 6 (uniform codes), C_u 1 fF",
  sources: ["docs/REFERENCES.md [mccreary-gray-1975, cimloop]"],
  convert(dac, nodeNm, clockHz, supplyV) {
    const v = supplyV ?? DEFAULT_CAP_DAC_SUPPLY_V;
    const cu = dac.unitCapF ?? CAP_DAC_UNIT_CAP_F;
    const total = 2 ** dac.bits * cu;
    const energyJ = total * v * v * MEAN_X_ONE_MINUS_X;
    return {
      energyJ,
      latencyPs: periodPs(clockHz),
      phases: 1,
      areaMm2: capacitorAreaUm2(total, nodeNm) * UM2_TO_MM2,
      supplyExplicit: true,
      passiveAreaFraction: 1, // definition: the modelled area is the capacitors'; a capacitor does not leak
      assumption: `capacitor DAC ${dac.bits}-bit (binary-weighted, charge redistribution): E = 2^bits C_u V^2 / 6 = ${fmtJ(energyJ)} (C_u ${sigFf(cu)} fF, ${v} V, uniform codes); one phase, 1 cycle (assumption); capacitors: no leakage charged over their area.`,
    };
  },
};
