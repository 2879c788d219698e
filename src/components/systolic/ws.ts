// Weight-stationary dataflow: an R x C tile of B (the weights) is preloaded into the PEs, all M rows of A
// stream through it. SCALE-Sim v2 (Samajdar et al., systolic_compute_ws.py; docs/REFERENCES.md [scalesim]).
import type { SystolicDataflow } from "../model.ts";

export const WEIGHT_STATIONARY: SystolicDataflow = {
  kind: "WS",
  stationary: "weights (an R x C tile of B)",
  sources: ["SCALE-Sim v2 systolic_compute_ws.py"],
  folds: (R, C, _M, K, N) => Math.ceil(K / R) * Math.ceil(N / C),
  cyclesPerFold: (R, C, M) => 2 * R + C + M - 2,
  // the stationary weight tile + all of A's slice
  foldOperandElements: (R, C, M, K, N) => Math.min(R, K) * Math.min(C, N) + M * Math.min(R, K),
};
