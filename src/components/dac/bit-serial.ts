// Bit-serial DAC: 1-bit drivers; an input of `bits` bits takes `bits` phases (one bit-plane each, two's
// complement, the MSB plane weighted negatively in the shift-add). Energy per phase = one 1-bit conversion of
// ISAAC's DAC (Shafiee et al., ISCA 2016, via Accelergy-Project/hwcomponents-library isaac.py IsaacDAC).
// With DacSpec.planesPerConversion > 1 the column integrator sums groups of planes before one ADC conversion
// (src/components/crossbar.ts); the driver still applies every plane once, so its cost here is unchanged.
// Assumption: a group is summed with positive binary weights, so the inputs are sign-magnitude (the sign as
// pulse polarity, as NeuRRAM's ternary pulses) or the integrator subtracts a two's-complement MSB plane.
import type { DacModel } from "../model.ts";
import { fmtJ } from "../format.ts";
import { ISAAC_NODE_NM, PJ, UM2_TO_MM2, areaScale, energyScale, periodPs } from "../technology.ts";
import { CONVERTER_REFERENCE_SUPPLY_V } from "../supply.ts";

/** ISAAC 1-bit DAC: 0.41667 pJ per conversion at 32 nm (4 mW for 8x128 DACs, ISAAC ISCA 2016, as derived in
 *  Accelergy-Project/hwcomponents-library hwcomponents_library/library/isaac.py IsaacDAC). */
export const ISAAC_DAC_ENERGY_J = 0.41667 * PJ;
/** ISAAC 1-bit DAC area at 32 nm: 170 um^2 / (128 * 8) = 0.166 um^2 (ISAAC ISCA 2016 via hwcomponents-library isaac.py). */
export const ISAAC_DAC_AREA_UM2 = 0.166015625;

/** Energy (J) and area (um^2) of ISAAC's 1-bit DAC at nodeNm (Stillmaker-Baas scaling from 32 nm). */
export const isaacDac1Bit = (nodeNm: number): { readonly energyJ: number; readonly areaUm2: number } => ({
  energyJ: ISAAC_DAC_ENERGY_J * energyScale(ISAAC_NODE_NM, nodeNm),
  areaUm2: ISAAC_DAC_AREA_UM2 * areaScale(ISAAC_NODE_NM, nodeNm),
});

export const BIT_SERIAL_DAC: DacModel = {
  kind: "bit-serial",
  referenceSupplyV: CONVERTER_REFERENCE_SUPPLY_V, // src/components/supply.ts (1.0 V; per-model statement there)
  reference: "ISAAC 1-bit DAC: 0.417 pJ, 0.166 um^2 at 32 nm; one phase per input bit",
  sources: ["ISAAC ISCA 2016 via hwcomponents-library isaac.py"],
  bitPlanePhases: true,
  convert(dac, nodeNm, clockHz) {
    const bits = dac.bits;
    const { energyJ: e1, areaUm2: a1 } = isaacDac1Bit(nodeNm);
    return {
      energyJ: e1,
      latencyPs: periodPs(clockHz),
      phases: bits,
      areaMm2: a1 * UM2_TO_MM2,
      assumption: `bit-serial DAC: ${bits} phases of a 1-bit driver, ${fmtJ(e1)} per phase (ISAAC 1-bit DAC 0.417 pJ @ 32 nm, node-scaled), 1 cycle each.`,
    };
  },
};
