// ADC cost models, selected by AdcSpec.kind. Peers disagree 10-20x on ADC energy (docs/REFERENCES.md [neurosim, cimloop, isaac-isca2016],
// "Tool spread for an 8-bit ADC conversion"), so every model returns the assumption it made, and the
// reports print it. Explicit AdcSpec overrides (energyPerConversionJ, latencyPs, waldenFomJ) win.
//
// Action: convert (one conversion of one column): energyJ, latencyPs. Area: one ADC instance.

import type { AdcKind, AdcSpec } from "../spec/types.ts";
import { AimcsimError } from "../errors.ts";
import { requireClock } from "./checks.ts";
import { FJ, ISAAC_NODE_NM, PJ, UM2_TO_MM2, areaScale, periodPs } from "./technology.ts";
import type { ComponentModelInfo } from "./model.ts";
import { formatQuantity } from "../util/numbers.ts";

export interface ConverterCost {
  /** Energy of one conversion (J). */
  readonly energyJ: number;
  /** Latency of one conversion (ps). */
  readonly latencyPs: number;
  /** Area of one converter instance (mm^2). */
  readonly areaMm2: number;
  /** Which model, which numbers, which source: printed by every report. */
  readonly assumption: string;
}

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
/** ISAAC's ADC: 1.67 pJ per conversion at 32 nm, 16 mW per 8 ADCs at 1.2 GS/s (ISAAC ISCA 2016 via
 *  hwcomponents-library isaac.py). Not used as a default; quoted in the SAR assumption for context. */
export const ISAAC_ADC_ENERGY_J = 1.67 * PJ;

/** Flash: energy of one comparator decision incl. its share of the reference ladder. Assumption: 40 fJ, chosen
 *  so that a 6-bit flash (63 comparators, 2.5 pJ) sits at the survey's 2.7 pJ median for 6-8 ENOB converters
 *  (Murmann survey, docs/REFERENCES.md [murmann-adc-survey]); a flash converter's energy then grows as 2^bits - 1 comparators. */
export const FLASH_COMPARATOR_ENERGY_J = 40 * FJ;
/** Flash comparator area at 32 nm. Assumption: 30 um^2 (a StrongARM latch with offset trim is a few tens of
 *  um^2 at 32 nm; 1/40 of the ISAAC 8-bit SAR's 1200 um^2, ISCA 2016). */
export const FLASH_COMPARATOR_AREA_UM2 = 30;

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

export const ADC_KINDS: readonly AdcKind[] = ["sar", "flash", "cco", "ramp"];

function checkBits(bits: number, path: string): void {
  if (!Number.isInteger(bits) || bits < 1) {
    throw new AimcsimError("SpecError", path, `ADC bits must be an integer >= 1, got ${bits}`);
  }
}

/** Cost of one conversion by an ADC of this spec at nodeNm, clocked (for SAR bit cycles and flash) at clockHz. */
export function adcCost(adc: AdcSpec, nodeNm: number, clockHz: number): ConverterCost {
  checkBits(adc.bits, "adc.bits");
  requireClock(clockHz, "analog.clockHz");
  const bits = adc.bits;
  const toNode = areaScale(ISAAC_NODE_NM, nodeNm);
  let energyJ: number;
  let latencyPs: number;
  let areaUm2: number;
  let what: string;
  switch (adc.kind) {
    case "sar": {
      const fom = adc.waldenFomJ ?? SAR_WALDEN_FOM_J;
      const enob = bits - ENOB_LOSS_BITS; // 1-bit: 2^0 = one step, still one FOM
      energyJ = fom * 2 ** enob;
      latencyPs = (bits + SAR_EXTRA_CYCLES) * periodPs(clockHz);
      areaUm2 = ISAAC_ADC_AREA_UM2 * 2 ** (bits - ISAAC_ADC_BITS);
      what =
        `SAR ADC ${bits}-bit: E = FOM_W * 2^ENOB = ${fmtJ(fom)}/step * 2^${enob} = ${fmtJ(energyJ)}` +
        (adc.waldenFomJ !== undefined ? " (FOM from the spec)" : " (Murmann ADC survey median FOM 20.6 fJ/step, ENOB = bits - 1)") +
        `, not node-scaled (the survey spans nodes); latency (bits+1) cycles at ${fmtHz(clockHz)} (NeuroSim); area from ISAAC 1200 um^2 @ 32 nm * 2^(bits-8), node-scaled. ` +
        `Peers: ISAAC 1.67 pJ @ 32 nm, NeuroSim ~0.08 pJ @ 22 nm.`;
      break;
    }
    case "flash": {
      const comparators = 2 ** bits - 1;
      energyJ = comparators * FLASH_COMPARATOR_ENERGY_J;
      latencyPs = periodPs(clockHz);
      areaUm2 = comparators * FLASH_COMPARATOR_AREA_UM2;
      what =
        `flash ADC ${bits}-bit: ${comparators} comparators * 40 fJ (assumption anchored to the Murmann survey median) = ` +
        `${fmtJ(energyJ)}; 1 cycle at ${fmtHz(clockHz)}; area ${comparators} * 30 um^2 @ 32 nm (assumption).`;
      break;
    }
    case "cco":
    case "ramp": {
      const lsbs = 2 ** bits;
      energyJ = lsbs * TIME_ENCODED_ENERGY_PER_LSB_J;
      latencyPs = lsbs * TIME_ENCODED_LSB_PS;
      areaUm2 = bits * TIME_ENCODED_AREA_UM2_PER_BIT;
      what =
        `${adc.kind === "cco" ? "CCO" : "ramp"} ADC ${bits}-bit (time-encoded): 2^${bits} LSB periods of 300 ps (HERMES CCO, JSSC 2022) = ` +
        `${fmtPs(latencyPs)}; energy 2^bits * 10.5 fJ (assumption: 8-bit = Murmann survey median 2.7 pJ) = ${fmtJ(energyJ)}.`;
      break;
    }
    default: {
      const k: never = adc.kind;
      throw new AimcsimError("SpecError", "adc.kind", `unknown ADC kind ${String(k)}; expected one of ${ADC_KINDS.join(", ")}`);
    }
  }
  const overrides: string[] = [];
  if (adc.energyPerConversionJ !== undefined) {
    energyJ = adc.energyPerConversionJ;
    overrides.push(`energy ${fmtJ(energyJ)}`);
  }
  if (adc.latencyPs !== undefined) {
    latencyPs = adc.latencyPs;
    overrides.push(`latency ${fmtPs(latencyPs)}`);
  }
  const assumption = overrides.length > 0 ? `${what} OVERRIDDEN by the spec: ${overrides.join(", ")}.` : what;
  return { energyJ, latencyPs, areaMm2: areaUm2 * UM2_TO_MM2 * toNode, assumption };
}

// Formatting helpers for assumption strings: the one SI formatter (src/util/numbers.ts).
export const fmtJ = (j: number): string => formatQuantity(j, "J");
export const fmtPs = (ps: number): string => formatQuantity(ps * 1e-12, "s"); // unit conversion ps -> s
export const fmtHz = (hz: number): string => formatQuantity(hz, "Hz");


export const ADC_MODEL: ComponentModelInfo = {
  kind: "adc",
  parameters: ["adc.kind", "adc.bits", "adc.colsPerAdc", "adc.energyPerConversionJ", "adc.latencyPs", "adc.waldenFomJ", "technologyNm", "analog.clockHz", "tile.dac.planesPerConversion", "tile.slicesPerConversion"],
  reference: "SAR: Murmann survey median (FOM 20.6 fJ/step, 2.7 pJ at 6-8 ENOB); area: ISAAC 8-bit SAR 1200 um^2 at 32 nm; CCO: HERMES 300 ps/LSB",
  scaling: "conversions per MVM: output columns x slice groups (tile.slicesPerConversion) x plane groups (dac.planesPerConversion), each at adc.bits; energy: SAR FOM*2^(bits-1), flash (2^bits-1) comparators, CCO/ramp 2^bits LSB periods; not node-scaled (the survey spans nodes); area: ISAAC area * 2^(bits-8) (SAR), per comparator (flash), per counter bit (time-encoded), Stillmaker-Baas node scaling; latency: (bits+1) cycles (SAR), 1 cycle (flash), 2^bits * 300 ps (CCO, ramp)",
  actions: ["convert"],
  sources: ["Murmann ADC survey 1997-2025", "NeuroSim", "ISAAC ISCA 2016", "HERMES JSSC 2022"],
};
