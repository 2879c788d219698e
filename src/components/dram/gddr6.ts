// GDDR6: ~7.5 pJ/bit, vendor-quoted efficiency of roughly half of GDDR5's (assumption).
import type { DramModel } from "../model.ts";
import { PJ } from "../technology.ts";

export const GDDR6: DramModel = {
  kind: "GDDR6",
  energyPerBitJ: 7.5 * PJ, // assumption: ~7.5 pJ/bit (vendor-quoted GDDR6 efficiency, roughly half of GDDR5); uncertain
  source: "assumption (~7.5 pJ/bit), uncertain",
};
