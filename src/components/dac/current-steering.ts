// Current-steering DAC: 2^(bits-1) unit current cells (magnitude) + a sign switch, one phase, settles in one
// cycle. Each unit cell is costed as ISAAC's 1-bit DAC (ISCA 2016, via hwcomponents-library isaac.py).
import type { DacModel } from "../model.ts";
import { fmtJ } from "../format.ts";
import { UM2_TO_MM2, periodPs } from "../technology.ts";
import { isaacDac1Bit } from "./bit-serial.ts";
import { CONVERTER_REFERENCE_SUPPLY_V } from "../supply.ts";

export const CURRENT_STEERING_DAC: DacModel = {
  kind: "current-steering",
  referenceSupplyV: CONVERTER_REFERENCE_SUPPLY_V, // src/components/supply.ts (1.0 V; per-model statement there)
  reference: "2^(bits-1) unit cells of the ISAAC 1-bit DAC (0.417 pJ, 0.166 um^2 at 32 nm) each (assumption)",
  sources: ["ISAAC ISCA 2016 via hwcomponents-library isaac.py"],
  convert(dac, nodeNm, clockHz) {
    const bits = dac.bits;
    const { energyJ: e1, areaUm2: a1 } = isaacDac1Bit(nodeNm);
    const cells = 2 ** Math.max(0, bits - 1);
    const energyJ = cells * e1;
    return {
      energyJ,
      latencyPs: periodPs(clockHz),
      phases: 1,
      areaMm2: cells * a1 * UM2_TO_MM2,
      assumption: `current-steering DAC ${bits}-bit: 2^(bits-1) = ${cells} unit cells of the ISAAC 1-bit DAC each (assumption) = ${fmtJ(energyJ)}; settles in 1 cycle (assumption).`,
    };
  },
};
