// Charge-domain C-2C multiply of an SRAM compute-in-memory tile (the Intel 22 nm macro, Wang et al., VLSI 2022 /
// JSSC 2023; docs/REFERENCES.md [wang-c2c-2022]), as CiMLoop models it (components/c2c_multiplier.yaml;
// docs/REFERENCES.md [cimloop]). Each weight bit of a multiplier has a C and a 2C capacitor (3 C_u per bit); the
// analog input A (the DAC's voltage) and the weight bits B switch them:
//   switch A: every capacitor follows A; the ladder's reference node sees C_u x 1.67 / 8 per capacitor on average,
//             and a capacitor charged from a0 to a1 > a0 draws C (a1 - a0) V from the supply:
//             E_A = 3 C_u x (1.67 / 8) x V^2 x E[(a1 - a0)+], E[(a1 - a0)+] = 1/6 for independent uniform a in [0, 1];
//   switch B: a weight bit going 0 -> 1 (probability p (1 - p), 1/4 for random bits, as the select line picks the
//             next stored weight) charges its 3 C_u to the input's rms level a_rms = V / sqrt(3) (uniform a):
//             E_B = 3 C_u x (1/4) x V^2 / sqrt(3).
// Per weight bit (one SRAM cell feeding the multiplier) per MVM: E = 3 C_u V^2 (1.67 / 48 + 1 / (4 sqrt 3)),
// 1.07 fF x V^2 at C_u = 2 fF. Uniform inputs and random weight bits are assumptions (stated); the MVM's activity
// statistics (mean conductance, input activity) do not apply to this charge-domain cell.
import { FJ } from "./technology.ts";

/** Capacitors per weight bit in units of C_u: C + 2C (CiMLoop c2c_multiplier.yaml unit_cap and unit2_cap; the
 *  C-2C structure of Wang et al. 2022). */
export const C2C_CAPS_PER_BIT = 3;
/** The reference node's equivalent capacitance per capacitor: C_u x 1.67 / 8 (CiMLoop c2c_multiplier.yaml
 *  c2c_mult_input_port_a ref_node_equivalent_capacitance_scale "1.67 / 8"; docs/REFERENCES.md [cimloop]). */
export const C2C_REF_NODE_SCALE = 1.67 / 8;
/** E[(a1 - a0)+] for independent uniform a0, a1 in [0, 1] (definition: the integral gives 1/6). */
export const UNIFORM_RISE_MEAN = 1 / 6;
/** p (1 - p) with p = 1/2: a random weight bit rises between two stored weights (assumption: random bits). */
export const RANDOM_BIT_RISE_PROBABILITY = 1 / 4;
/** rms of a uniform input in [0, 1] (definition: sqrt(1/3)). */
export const UNIFORM_RMS = Math.sqrt(1 / 3);
/** Unit capacitor default: 2 fF (CiMLoop wang_vlsi_2022 arch.yaml c2c multiplier unit_capacitance 2e-15;
 *  docs/REFERENCES.md [cimloop, wang-c2c-2022]). */
export const C2C_MULTIPLY_UNIT_CAP_F = 2 * FJ;

/** Energy of one weight bit's C-2C capacitors for one MVM at supply v (J). */
export function c2cBitEnergyJ(unitCapF: number, v: number): number {
  return C2C_CAPS_PER_BIT * unitCapF * v * v * (C2C_REF_NODE_SCALE * UNIFORM_RISE_MEAN + RANDOM_BIT_RISE_PROBABILITY * UNIFORM_RMS);
}
