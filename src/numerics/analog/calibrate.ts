// Static input ranges per layer, calibrated on data (docs/REFERENCES.md [afm-neurips2025] static
// per-layer input ranges; aihwkit src/aihwkit/inference/calibration/calibration.py: CACHE_QUANTILE takes
// the 0.99995 quantile of the inputs, MAX the abs-max). Run the exact forward pass with `backend` over the
// calibration tokens, then read `bounds()`.

import type { LinearBackend } from "../backend.ts";
import { exactBackend } from "../backend.ts";
import type { InputCalibration } from "./backend.ts";
import { AimcsimError } from "../../errors.ts";

/** aihwkit calibrate_input_ranges default quantile (calibration.py: quantile = 0.99995). */
export const AIHWKIT_INPUT_RANGE_QUANTILE = 0.99995;

// |x| histogram: log2-spaced bins, BINS_PER_OCTAVE per factor of 2 from 2^LOG2_MIN to 2^LOG2_MAX
// (assumption: 1/64-octave bins bound the quantile's relative error by ~1.1%, enough for a clip range).
const BINS_PER_OCTAVE = 64;
const LOG2_MIN = -40;
const LOG2_MAX = 40;
const NBINS = (LOG2_MAX - LOG2_MIN) * BINS_PER_OCTAVE + 1;

export type CalibrationRule = "quantile" | "max" | "mse";

export interface RangeCalibratorOptions {
  /** "quantile": the `quantile` of |x| (aihwkit CACHE_QUANTILE; a percentile rule with quantile = p / 100);
   *  "max": abs-max (aihwkit MAX); "mse": the bound minimising the expected squared error of a `dacBits` DAC,
   *  clipping error sum (|x| - b)^2 above b plus rounding error (b / L)^2 / 12 per unclipped input (L = 2^(bits-1) - 1,
   *  uniform rounding error: assumption), over the recorded |x| histogram (docs/REFERENCES.md [aciq-banner2019]). */
  readonly mode: CalibrationRule;
  readonly quantile?: number;
  /** DAC bits for "mse" (default 8). */
  readonly dacBits?: number;
  /** Tile rows: calibrate one bound per row tile (rows [k * tileRows, (k + 1) * tileRows) of the input) as well. */
  readonly tileRows?: number;
}

export interface RangeCalibrator {
  /** Exact fp32 backend that records |x| per layer name while it computes. */
  readonly backend: LinearBackend;
  /** Per-layer bounds (and per-row-tile bounds when tileRows was given) from what was recorded. */
  bounds(): InputCalibration;
}

interface Hist {
  hist: Float64Array;
  max: number;
  n: number;
}
const newHist = (): Hist => ({ hist: new Float64Array(NBINS), max: 0, n: 0 });
const binOf = (a: number): number => {
  let b = a > 0 ? Math.ceil((Math.log2(a) - LOG2_MIN) * BINS_PER_OCTAVE) : 0;
  if (b < 0) b = 0;
  else if (b >= NBINS) b = NBINS - 1;
  return b;
};
/** Upper edge of bin b. */
const edgeOf = (b: number): number => 2 ** (b / BINS_PER_OCTAVE + LOG2_MIN);

function boundOf(h: Hist, opts: RangeCalibratorOptions, q: number): number {
  if (h.n === 0 || h.max === 0) return 0;
  if (opts.mode === "max" || (opts.mode === "quantile" && q === 1)) return h.max;
  if (opts.mode === "quantile") {
    const target = q * h.n;
    let cum = 0;
    let b = 0;
    for (; b < NBINS; b++) {
      cum += h.hist[b];
      if (cum >= target) break;
    }
    return Math.min(edgeOf(b), h.max); // upper edge of bin b, never above the observed max
  }
  // "mse": suffix sums of counts, sum |x| and sum x^2 (bin centres) give the clipping error for any b in O(1)
  const L = 2 ** ((opts.dacBits ?? 8) - 1) - 1;
  const c0 = new Float64Array(NBINS + 1);
  const c1 = new Float64Array(NBINS + 1);
  const c2 = new Float64Array(NBINS + 1);
  for (let b = NBINS - 1; b >= 0; b--) {
    const x = Math.min(b === 0 ? 0 : 2 ** ((b - 0.5) / BINS_PER_OCTAVE + LOG2_MIN), h.max);
    const n = h.hist[b];
    c0[b] = c0[b + 1] + n;
    c1[b] = c1[b + 1] + n * x;
    c2[b] = c2[b + 1] + n * x * x;
  }
  let best = h.max;
  let bestErr = Infinity;
  const top = binOf(h.max);
  for (let b = 1; b <= top; b++) {
    const bound = Math.min(edgeOf(b), h.max);
    const above = b + 1; // bins wholly above this bound
    const clipErr = c2[above] - 2 * bound * c1[above] + bound * bound * c0[above];
    const step = bound / L;
    const err = clipErr + (h.n - c0[above]) * (step * step) / 12;
    if (err < bestErr) {
      bestErr = err;
      best = bound;
    }
  }
  return best;
}

export function createRangeCalibrator(opts: RangeCalibratorOptions = { mode: "quantile" }): RangeCalibrator {
  const q = opts.quantile ?? AIHWKIT_INPUT_RANGE_QUANTILE;
  if (!(q > 0 && q <= 1)) throw new AimcsimError("UsageError", "calibration.quantile", "must be in (0, 1]");
  if (opts.tileRows !== undefined && !(Number.isInteger(opts.tileRows) && opts.tileRows >= 1))
    throw new AimcsimError("UsageError", "calibration.tileRows", "must be a positive integer");
  const dacBits = opts.dacBits ?? 8;
  if (!(Number.isInteger(dacBits) && dacBits >= 2 && dacBits <= 24)) throw new AimcsimError("UsageError", "calibration.dacBits", "must be an integer in 2..24");
  const hists = new Map<string, { all: Hist; tiles: Hist[] }>();
  const tileRows = opts.tileRows ?? 0;
  const backend: LinearBackend = {
    label: "fp32 exact (input-range calibration)",
    linear(w, x, tokens, out) {
      let h = hists.get(w.name);
      if (!h) {
        const nt = tileRows > 0 ? Math.ceil(w.inFeatures / tileRows) : 0;
        h = { all: newHist(), tiles: Array.from({ length: nt }, newHist) };
        hists.set(w.name, h);
      }
      const inF = w.inFeatures;
      const all = h.all;
      for (let t = 0; t < tokens; t++) {
        for (let i = 0; i < inF; i++) {
          const a = Math.abs(x[t * inF + i]);
          const b = binOf(a);
          all.hist[b]++;
          if (a > all.max) all.max = a;
          if (tileRows > 0) {
            const th = h.tiles[(i / tileRows) | 0];
            th.hist[b]++;
            th.n++;
            if (a > th.max) th.max = a;
          }
        }
      }
      all.n += tokens * inF;
      exactBackend.linear(w, x, tokens, out);
    },
  };
  return {
    backend,
    bounds() {
      const bounds: Record<string, number> = {};
      const tileBounds: Record<string, number[]> = {};
      for (const [name, h] of hists) {
        bounds[name] = boundOf(h.all, opts, q);
        if (tileRows > 0) tileBounds[name] = h.tiles.map((t) => boundOf(t, opts, q));
      }
      return tileRows > 0 ? { bounds, tileBounds } : { bounds };
    },
  };
}
