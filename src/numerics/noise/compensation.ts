// Global drift compensation (aihwkit src/aihwkit/inference/compensation/drift.py, GlobalDriftCompensation):
// read the array out with calibration inputs right after programming (reference) and at t_inf, then scale
// every output digitally by alpha = mean|y_ref| / mean|y_t|.

import { DRIFT_COMP_READOUT_MIN } from "./constants.ts";

/** aihwkit readout: clamp(mean|y|, min=1e-4). */
export function driftReadout(meanAbsY: number): number {
  return Math.max(meanAbsY, DRIFT_COMP_READOUT_MIN);
}

/** alpha = readout(y_ref) / readout(y_t). */
export function globalDriftAlpha(meanAbsYRef: number, meanAbsYT: number): number {
  return driftReadout(meanAbsYRef) / driftReadout(meanAbsYT);
}
