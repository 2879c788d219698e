// DDR4: a DIMM channel including termination, ~15 pJ/bit (assumption; between LPDDR4 and GDDR5, O'Connor MICRO 2017 context).
import type { DramModel } from "../model.ts";
import { PJ } from "../technology.ts";

export const DDR4: DramModel = {
  kind: "DDR4",
  energyPerBitJ: 15 * PJ, // assumption: ~15 pJ/bit for a DIMM channel incl. termination (between LPDDR4 8 and GDDR5 ~14-18, O'Connor MICRO 2017 context); uncertain
  source: "assumption (~15 pJ/bit DIMM channel), uncertain",
};
