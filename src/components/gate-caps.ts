// Gate capacitances shared by the periphery (periphery.ts) and the converter models (dac/r2r-ladder.ts), in a
// file of their own so that a converter model need not import periphery.ts (which imports the model registry).
import { FJ } from "./technology.ts";

/** Access-transistor gate capacitance per cell on a word line: 1.5 fF at 130 nm, NeuRRAM's reported value
 *  (Wan et al. 2022, as used in CiMLoop wan_nature_2022 arch.yaml wordline_cap "Reported: 48fF drivers,
 *  1.5fF/access transistor"; docs/REFERENCES.md [cimloop, neurram-nature2022]). */
export const ACCESS_GATE_CAP_130NM_F = 1.5 * FJ;
/** Node of NeuRRAM's reported capacitances (Wan et al. 2022: 130 nm). CiMLoop scales them by (node / 130 nm)^2
 *  (wan_nature_2022 arch.yaml "base_cap * (TECHNOLOGY / 130) ** 2"), as aimcsim does. */
export const CAP_REFERENCE_NODE_NM = 130;
