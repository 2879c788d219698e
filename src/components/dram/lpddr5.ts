// LPDDR5: no published per-bit figure at hand; LPDDR4's 8 pJ/bit (docs/REFERENCES.md [lpddr4-estimate]) less ~25 % (assumption).
import type { DramModel } from "../model.ts";
import { PJ } from "../technology.ts";

export const LPDDR5: DramModel = {
  kind: "LPDDR5",
  energyPerBitJ: 6 * PJ, // assumption: LPDDR4's 8 pJ/bit less ~25 % (JEDEC LPDDR5's lower I/O voltage and DVFS); uncertain
  source: "assumption (LPDDR4 - 25 %), uncertain",
};
