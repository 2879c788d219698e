// Shared by the capacitive DAC models (c2c-ladder.ts, capacitive.ts): CiMLoop's capacitor area model and the
// supply a capacitive DAC is charged from when no chip supply is given.
import { FJ } from "../technology.ts";

/** Capacitor density 2.3 fF/um^2 at 22 nm and a 1 um^2 border per capacitor at 22 nm (CiMLoop
 *  accelergy_plug_ins/misc.py Capacitor; docs/REFERENCES.md [cimloop]). */
export const CAP_DENSITY_F_PER_UM2_22NM = 2.3 * FJ;
export const CAP_BORDER_UM2_22NM = 1; // CiMLoop misc.py Capacitor, 1 um^2 at 22 nm
export const CAP_REFERENCE_NODE_NM = 22; // CiMLoop misc.py Capacitor (22 nm reference; docs/REFERENCES.md [cimloop])
/** Supply when the chip gives none: the converters' reference supply (src/components/supply.ts, an assumption there). */
export const DEFAULT_CAP_DAC_SUPPLY_V = 1.0; // src/components/supply.ts CONVERTER_REFERENCE_SUPPLY_V (assumption)

/** Area of a capacitor of totalF at nodeNm (um^2): density scaled (22 nm / node)^2, border (node / 22 nm)^2 (CiMLoop). */
export function capacitorAreaUm2(totalF: number, nodeNm: number): number {
  const density = CAP_DENSITY_F_PER_UM2_22NM * (CAP_REFERENCE_NODE_NM / nodeNm) ** 2;
  return totalF / density + CAP_BORDER_UM2_22NM * (nodeNm / CAP_REFERENCE_NODE_NM) ** 2;
}

export const sigFf = (f: number): string => (f / FJ).toPrecision(3); // formatting: fF, 3 significant digits
