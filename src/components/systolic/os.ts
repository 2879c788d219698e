// Output-stationary dataflow: each PE keeps one output C[m][n]; rows of A enter from the left and columns of
// B from the top, K steps per output tile. SCALE-Sim v2 (Samajdar et al., systolic_compute_os.py; docs/REFERENCES.md [scalesim]).
import type { SystolicDataflow } from "../model.ts";

export const OUTPUT_STATIONARY: SystolicDataflow = {
  kind: "OS",
  stationary: "outputs (one C element per PE)",
  sources: ["SCALE-Sim v2 systolic_compute_os.py"],
  folds: (R, C, M, _K, N) => Math.ceil(M / R) * Math.ceil(N / C),
  cyclesPerFold: (R, C, _M, K) => K + R + C - 2,
  // rows of A and columns of B for one output tile
  foldOperandElements: (R, C, M, K, N) => Math.min(R, M) * K + Math.min(C, N) * K,
};
