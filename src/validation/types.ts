// The rows of aimcsim's validation against published silicon and the seed papers' claims.

/** One published number against aimcsim's value for it. */
export interface ValidationRow {
  readonly id: string;
  readonly quantity: string;
  readonly unit: string;
  readonly published: number;
  readonly simulated: number;
  /** 100 * (simulated - published) / published. */
  readonly errorPct: number;
  /** True when a preset parameter was chosen so that this very number matches (it is then not evidence). */
  readonly usedForCalibration: boolean;
  /** The maximum |errorPct| (src/validation/checks.ts BOUNDS: 25 % for a held-out row, 50 % for a known gap, 1 % for a
   *  calibrated row; Infinity for a known gap beyond 50 %, which is listed, not claimed). */
  readonly bound: number;
  /** The mechanism aimcsim lacks, when the row is a known gap (its error is beyond the 25 % held-out bound). */
  readonly knownGap?: string;
  /** The row whose published or simulated number this one is computed from: not separate evidence. */
  readonly derivedFrom?: string;
  readonly source: string;
  /** What the simulated number is and what the model leaves out for it, in a few words. */
  readonly note: string;
}

/** A claim reproduced in its trend (direction and shape), not in its value. */
export interface TrendRow {
  readonly id: string;
  readonly claim: string;
  readonly source: string;
  /** The measured series: x (e.g. context length) and y (e.g. decode speed-up), with a label per point. */
  readonly series: readonly { readonly label: string; readonly x: number; readonly y: number }[];
  /** The trend the claim predicts, in words. */
  readonly expectation: string;
  readonly holds: boolean;
}

export interface ValidationReport {
  readonly rows: readonly ValidationRow[];
  readonly trends: readonly TrendRow[];
  /** Rows whose |errorPct| exceeds their bound, and trends that do not hold. */
  readonly failures: readonly string[];
}
