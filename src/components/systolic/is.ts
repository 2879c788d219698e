// Input-stationary dataflow: an R x C tile of A (the inputs) is preloaded into the PEs, all N columns of B
// stream through it. SCALE-Sim v2 (Samajdar et al., systolic_compute_is.py; docs/REFERENCES.md [scalesim]).
import type { SystolicDataflow } from "../model.ts";

export const INPUT_STATIONARY: SystolicDataflow = {
  kind: "IS",
  stationary: "inputs (an R x C tile of A)",
  sources: ["SCALE-Sim v2 systolic_compute_is.py"],
  folds: (R, C, M, K) => Math.ceil(K / R) * Math.ceil(M / C),
  cyclesPerFold: (R, C, _M, _K, N) => 2 * R + C + N - 2,
  // the stationary input tile + all of B's slice
  foldOperandElements: (R, C, M, K, N) => Math.min(R, K) * Math.min(C, M) + N * Math.min(R, K),
};
