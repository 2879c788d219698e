// Generic Gaussian programming noise (the model "gaussian").
import type { NoiseSpec } from "../../spec/types.ts";
import { normal } from "./gaussian.ts";
import type { ConductanceNoiseModel } from "./model.ts";

/** Generic Gaussian: programming noise relSigma * g_max, no drift, no read noise (assumption: the
 *  simplest device-agnostic model; AFM's "additive Gaussian 5% of max|W_row|" is relSigma = 0.05). */
export function gaussianModel(spec: NoiseSpec, gMaxUs: number): ConductanceNoiseModel {
  return {
    kind: "gaussian",
    program(gT, rng) {
      const g = gT + spec.relSigma * gMaxUs * normal(rng);
      return g > 0 ? g : 0;
    },
    driftNu: () => 0,
    atTime: (g) => g,
    driftFactor: () => 1,
  };
}
