// LPDDR4: about 8 pJ/bit, interface + core, as used for whole-system edge estimates (an estimate, not a measurement: docs/REFERENCES.md [lpddr4-estimate]).
import type { DramModel } from "../model.ts";
import { PJ } from "../technology.ts";

export const LPDDR4: DramModel = {
  kind: "LPDDR4",
  energyPerBitJ: 8 * PJ, // estimate, not a measurement: docs/REFERENCES.md [lpddr4-estimate]
  source: "LPDDR4 ~8 pJ/bit, an estimate: docs/REFERENCES.md [lpddr4-estimate]",
};
