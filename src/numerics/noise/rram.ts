// RRAM (the model "rram"): Gaussian programming noise plus one read-noise draw at t_inf, no drift.
import type { NoiseSpec } from "../../spec/types.ts";
import { normal } from "./gaussian.ts";
import type { ConductanceNoiseModel } from "./model.ts";

/** RRAM-style: Gaussian programming noise relSigma * g_max, then a read-noise draw readRelSigma * |g|
 *  fixed at t_inf (assumption: RRAM read fluctuation treated like aihwkit's accumulated read noise;
 *  per-read fluctuation is the periphery's w_noise). No drift. */
export function rramModel(spec: NoiseSpec, gMaxUs: number): ConductanceNoiseModel {
  return {
    kind: "rram",
    program(gT, rng) {
      const g = gT + spec.relSigma * gMaxUs * normal(rng);
      return g > 0 ? g : 0;
    },
    driftNu: () => 0,
    atTime(g, _nu, _t, rng) {
      const r = g + Math.abs(g) * spec.readRelSigma * normal(rng);
      return r > 0 ? r : 0;
    },
    driftFactor: () => 1,
  };
}
