// HBM2: 3.9 pJ/bit (O'Connor et al., "Fine-Grained DRAM", MICRO 2017; used by Anda HPCA 2025; docs/REFERENCES.md [oconnor-micro2017]).
import type { DramModel } from "../model.ts";
import { PJ } from "../technology.ts";

export const HBM2: DramModel = {
  kind: "HBM2",
  energyPerBitJ: 3.9 * PJ, // O'Connor et al., "Fine-Grained DRAM", MICRO 2017; used by Anda HPCA 2025 (docs/REFERENCES.md [oconnor-micro2017])
  source: "O'Connor et al. MICRO 2017, as used by Anda HPCA 2025",
};
