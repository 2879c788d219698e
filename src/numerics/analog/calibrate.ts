// Static input ranges per layer, calibrated on data (Analog Foundation Models, Buchel et al. 2025: static
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

export interface RangeCalibrator {
  /** Exact fp32 backend that records |x| per layer name while it computes. */
  readonly backend: LinearBackend;
  /** Per-layer bounds from what was recorded. */
  bounds(): InputCalibration;
}

export function createRangeCalibrator(opts: { mode: "quantile" | "max"; quantile?: number } = { mode: "quantile" }): RangeCalibrator {
  const q = opts.quantile ?? AIHWKIT_INPUT_RANGE_QUANTILE;
  if (!(q > 0 && q <= 1)) throw new AimcsimError("UsageError", "calibration.quantile", "must be in (0, 1]");
  const hists = new Map<string, { hist: Float64Array; max: number; n: number }>();
  const backend: LinearBackend = {
    label: "fp32 exact (input-range calibration)",
    linear(w, x, tokens, out) {
      let h = hists.get(w.name);
      if (!h) {
        h = { hist: new Float64Array(NBINS), max: 0, n: 0 };
        hists.set(w.name, h);
      }
      const n = tokens * w.inFeatures;
      const hist = h.hist;
      let m = h.max;
      for (let j = 0; j < n; j++) {
        const a = Math.abs(x[j]);
        if (a > m) m = a;
        let b = a > 0 ? Math.ceil((Math.log2(a) - LOG2_MIN) * BINS_PER_OCTAVE) : 0;
        if (b < 0) b = 0;
        else if (b >= NBINS) b = NBINS - 1;
        hist[b]++;
      }
      h.max = m;
      h.n += n;
      exactBackend.linear(w, x, tokens, out);
    },
  };
  return {
    backend,
    bounds() {
      const bounds: Record<string, number> = {};
      for (const [name, h] of hists) {
        if (opts.mode === "max" || q === 1) {
          bounds[name] = h.max;
          continue;
        }
        const target = q * h.n;
        let cum = 0;
        let b = 0;
        for (; b < NBINS; b++) {
          cum += h.hist[b];
          if (cum >= target) break;
        }
        // upper edge of bin b, never above the observed max
        const edge = 2 ** (b / BINS_PER_OCTAVE + LOG2_MIN);
        bounds[name] = Math.min(edge, h.max);
      }
      return { bounds };
    },
  };
}
