// HBM3: HBM2's 3.9 pJ/bit (O'Connor MICRO 2017) less ~10 % for the lower core and I/O voltages (assumption).
import type { DramModel } from "../model.ts";
import { PJ } from "../technology.ts";

export const HBM3: DramModel = {
  kind: "HBM3",
  energyPerBitJ: 3.5 * PJ, // assumption: HBM2's 3.9 pJ/bit less ~10 % (lower 1.1 V core / 0.4 V I/O); uncertain
  source: "assumption (HBM2 - 10 %), uncertain",
};
