// Time-encoded ADCs (current-controlled oscillator "cco", or ramp + counter "ramp"): 2^bits LSB periods of
// 300 ps (HERMES CCO ADC, Khaddam-Aljameh et al. JSSC 2022; docs/REFERENCES.md [hermes-jssc2022]), energy anchored to the Murmann
// survey median, area from ISAAC's ADC scaled with the counter width (ISCA 2016).
import type { AdcKind } from "../../spec/types.ts";
import type { AdcModel } from "../model.ts";
import { fmtJ, fmtPs } from "../format.ts";
import { ISAAC_NODE_NM, UM2_TO_MM2, areaScale } from "../technology.ts";
import { ISAAC_ADC_AREA_UM2, ISAAC_ADC_BITS, SAR_MEDIAN_ENERGY_J } from "./sar.ts";
import { CONVERTER_REFERENCE_SUPPLY_V } from "../supply.ts";

/** Time-encoded ADCs: 300 ps per LSB (HERMES CCO ADC, Khaddam-Aljameh et al. JSSC 2022; docs/REFERENCES.md [hermes-jssc2022]). */
export const TIME_ENCODED_LSB_PS = 300;
/** Energy per LSB period of a time-encoded (CCO or ramp) ADC. Assumption: 2.7 pJ / 2^8 = 10.5 fJ, so that an
 *  8-bit time-encoded conversion costs the survey's 2.7 pJ SAR median (Murmann survey, docs/REFERENCES.md [murmann-adc-survey]); the
 *  oscillator/counter (CCO) or comparator + counter (ramp) is active for 2^bits LSB periods. */
export const TIME_ENCODED_ENERGY_PER_LSB_J = SAR_MEDIAN_ENERGY_J / 256; // 256 = 2^8 (8-bit anchor above)
/** Share of a time-encoded conversion's energy that does not depend on the output code (bias, reference ramp,
 *  counter clock). Assumption: 0.5; the other half (oscillator edges counted) scales with |code| / full scale,
 *  since a CCO's frequency is proportional to its input current. The default energy is the full-scale one. */
export const TIME_ENCODED_STATIC_FRACTION = 0.5;
/** Time-encoded ADC area: oscillator or comparator plus a bits-wide counter. Assumption: 1200 um^2 * bits / 8 at
 *  32 nm (ISAAC 8-bit ADC area, ISCA 2016, scaled linearly with the counter width). */
export const TIME_ENCODED_AREA_UM2_PER_BIT = ISAAC_ADC_AREA_UM2 / ISAAC_ADC_BITS;

const timeEncoded = (kind: AdcKind & ("cco" | "ramp")): AdcModel => ({
  kind,
  reference: "HERMES CCO ADC 300 ps per LSB (JSSC 2022); 8-bit energy = Murmann survey median 2.7 pJ (assumption)",
  sources: ["HERMES JSSC 2022", "Murmann ADC survey 1997-2025", "ISAAC ISCA 2016"],
  convertsDuringRead: kind === "cco",
  referenceSupplyV: CONVERTER_REFERENCE_SUPPLY_V, // src/components/supply.ts (1.0 V; per-model statement there)
  codeIndependentEnergyFraction: TIME_ENCODED_STATIC_FRACTION,
  convert(adc, nodeNm) {
    const bits = adc.bits;
    const lsbs = 2 ** bits;
    const energyJ = lsbs * TIME_ENCODED_ENERGY_PER_LSB_J;
    const latencyPs = lsbs * TIME_ENCODED_LSB_PS;
    const areaUm2 = bits * TIME_ENCODED_AREA_UM2_PER_BIT;
    const assumption =
      `${kind === "cco" ? "CCO" : "ramp"} ADC ${bits}-bit (time-encoded): 2^${bits} LSB periods of 300 ps (HERMES CCO, JSSC 2022) = ` +
      `${fmtPs(latencyPs)}; energy 2^bits * 10.5 fJ (assumption: 8-bit = Murmann survey median 2.7 pJ) = ${fmtJ(energyJ)}.`;
    return { energyJ, latencyPs, areaMm2: areaUm2 * UM2_TO_MM2 * areaScale(ISAAC_NODE_NM, nodeNm), assumption };
  },
});

export const CCO_ADC: AdcModel = timeEncoded("cco");
export const RAMP_ADC: AdcModel = timeEncoded("ramp");
