// Successive-approximation (SAR) ADC: energy from the Walden figure of merit, latency (bits + 1) cycles, area
// from ISAAC's 8-bit SAR. Sources: B. Murmann, ADC Performance Survey 1997-2025; NeuroSim SAR latency; ISAAC
// (Shafiee et al., ISCA 2016) via Accelergy-Project/hwcomponents-library isaac.py (docs/REFERENCES.md [murmann-adc-survey, neurosim, isaac-isca2016, hwcomponents]).
import type { AdcModel } from "../model.ts";
import { fmtHz, fmtJ } from "../format.ts";
import { FJ, ISAAC_NODE_NM, PJ, UM2_TO_MM2, areaScale, periodPs } from "../technology.ts";
import { CONVERTER_REFERENCE_SUPPLY_V } from "../supply.ts";

/** Median Walden FOM of single-channel SAR ADCs at 6-8 ENOB, 2010-2025 (B. Murmann, ADC Performance Survey
 *  1997-2025; docs/REFERENCES.md [murmann-adc-survey]): 20.6 fJ per conversion step. */
export const SAR_WALDEN_FOM_J = 20.6 * FJ;
/** Survey median energy per conversion for SAR at 6-8 ENOB (Murmann survey 1997-2025, docs/REFERENCES.md [murmann-adc-survey]): 2.7 pJ. */
export const SAR_MEDIAN_ENERGY_J = 2.7 * PJ;
/** ENOB = bits - ENOB_LOSS_BITS. Assumption: ~1 bit lost to noise and nonlinearity; it makes the 8-bit SAR cost
 *  20.6 fJ * 2^7 = 2.64 pJ, consistent with the survey's 2.7 pJ median energy (Murmann survey, docs/REFERENCES.md [murmann-adc-survey]). */
export const ENOB_LOSS_BITS = 1;
/** SAR latency is (bits + SAR_EXTRA_CYCLES) cycles of its clock: one sample cycle plus one per bit
 *  (NeuroSim SAR model, docs/REFERENCES.md [neurosim]). */
export const SAR_EXTRA_CYCLES = 1;
/** ISAAC 8-bit SAR ADC area at 32 nm: 9600 um^2 for 8 ADCs = 1200 um^2 each (Shafiee et al., ISCA 2016, Table;
 *  Accelergy-Project/hwcomponents-library hwcomponents_library/library/isaac.py IsaacADC, from Kull et al. ISSCC 2013). */
export const ISAAC_ADC_AREA_UM2 = 1200;
/** Reference resolution of the ISAAC ADC (ISAAC, ISCA 2016: 8-bit; its node is ISAAC_NODE_NM). */
export const ISAAC_ADC_BITS = 8;
export const SAR_ADC: AdcModel = {
  kind: "sar",
  referenceSupplyV: CONVERTER_REFERENCE_SUPPLY_V, // src/components/supply.ts (1.0 V; per-model statement there)
  reference: "Murmann survey median FOM 20.6 fJ/step (ENOB = bits - 1); ISAAC 8-bit SAR 1200 um^2 at 32 nm",
  sources: ["Murmann ADC survey 1997-2025", "NeuroSim", "ISAAC ISCA 2016"],
  convert(adc, nodeNm, clockHz) {
    const bits = adc.bits;
    const fom = adc.waldenFomJ ?? SAR_WALDEN_FOM_J;
    const enob = bits - ENOB_LOSS_BITS; // 1-bit: 2^0 = one step, still one FOM
    const energyJ = fom * 2 ** enob;
    const latencyPs = (bits + SAR_EXTRA_CYCLES) * periodPs(clockHz);
    const areaUm2 = ISAAC_ADC_AREA_UM2 * 2 ** (bits - ISAAC_ADC_BITS);
    const assumption =
      `SAR ADC ${bits}-bit: E = FOM_W * 2^ENOB = ${fmtJ(fom)}/step * 2^${enob} = ${fmtJ(energyJ)}` +
      (adc.waldenFomJ !== undefined ? " (FOM from the spec)" : " (Murmann ADC survey median FOM 20.6 fJ/step, ENOB = bits - 1)") +
      `, not node-scaled (the survey spans nodes); latency (bits+1) cycles at ${fmtHz(clockHz)} (NeuroSim); area from ISAAC 1200 um^2 @ 32 nm * 2^(bits-8), node-scaled. ` +
      `Peers: ISAAC 1.67 pJ @ 32 nm, NeuroSim ~0.08 pJ @ 22 nm.`;
    return { energyJ, latencyPs, areaMm2: areaUm2 * UM2_TO_MM2 * areaScale(ISAAC_NODE_NM, nodeNm), assumption };
  },
};
