// Flash ADC: 2^bits - 1 comparators decide in one cycle. Energy and area per comparator are assumptions
// anchored to the Murmann ADC survey median (docs/REFERENCES.md [murmann-adc-survey]) and ISAAC's SAR area (docs/REFERENCES.md [isaac-isca2016]).
import type { AdcModel } from "../model.ts";
import { fmtHz, fmtJ } from "../format.ts";
import { FJ, ISAAC_NODE_NM, UM2_TO_MM2, areaScale, periodPs } from "../technology.ts";
import { CONVERTER_REFERENCE_SUPPLY_V } from "../supply.ts";

/** Flash: energy of one comparator decision incl. its share of the reference ladder. Assumption: 40 fJ, chosen
 *  so that a 6-bit flash (63 comparators, 2.5 pJ) sits at the survey's 2.7 pJ median for 6-8 ENOB converters
 *  (Murmann survey, docs/REFERENCES.md [murmann-adc-survey]); a flash converter's energy then grows as 2^bits - 1 comparators. */
export const FLASH_COMPARATOR_ENERGY_J = 40 * FJ;
/** Flash comparator area at 32 nm. Assumption: 30 um^2 (a StrongARM latch with offset trim is a few tens of
 *  um^2 at 32 nm; 1/40 of the ISAAC 8-bit SAR's 1200 um^2, ISCA 2016). */
export const FLASH_COMPARATOR_AREA_UM2 = 30;

export const FLASH_ADC: AdcModel = {
  kind: "flash",
  referenceSupplyV: CONVERTER_REFERENCE_SUPPLY_V, // src/components/supply.ts (1.0 V; per-model statement there)
  reference: "2^bits - 1 comparators of 40 fJ and 30 um^2 at 32 nm (assumptions anchored to the Murmann survey median)",
  sources: ["Murmann ADC survey 1997-2025", "ISAAC ISCA 2016"],
  convert(adc, nodeNm, clockHz) {
    const bits = adc.bits;
    const comparators = 2 ** bits - 1;
    const energyJ = comparators * FLASH_COMPARATOR_ENERGY_J;
    const latencyPs = periodPs(clockHz);
    const areaUm2 = comparators * FLASH_COMPARATOR_AREA_UM2;
    const assumption =
      `flash ADC ${bits}-bit: ${comparators} comparators * 40 fJ (assumption anchored to the Murmann survey median) = ` +
      `${fmtJ(energyJ)}; 1 cycle at ${fmtHz(clockHz)}; area ${comparators} * 30 um^2 @ 32 nm (assumption).`;
    return { energyJ, latencyPs, areaMm2: areaUm2 * UM2_TO_MM2 * areaScale(ISAAC_NODE_NM, nodeNm), assumption };
  },
};
