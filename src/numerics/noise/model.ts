// The interface every conductance noise model implements (one file per model in this folder, registered in
// ./registry.ts). A model is applied once when the weights are programmed and once at the inference time
// t_inf (as aihwkit's drift_analog_weights does: the read noise accumulated up to t_inf is one fixed draw per
// device; fresh per-MVM noise is the output-referred w_noise/out_noise of the periphery, in
// src/numerics/analog/). Scalar functions, so the programming loop allocates nothing.
import type { NoiseSpec } from "../../spec/types.ts";
import type { Rng } from "../../util/rng.ts";

export interface ConductanceNoiseModel {
  readonly kind: string;
  /** Programmed conductance (uS) of a device whose target is gTargetUs; never negative. */
  program(gTargetUs: number, rng: Rng): number;
  /** Drift exponent nu of one device, drawn once (0 for models without drift). */
  driftNu(gTargetUs: number, rng: Rng): number;
  /** Conductance (uS) at tInfS seconds after programming: drift, then accumulated read noise. */
  atTime(gProgUs: number, nu: number, tInfS: number, rng: Rng): number;
  /** Drift factor alone ((t+t0)/t0)^-nu, for tests and reports. */
  driftFactor(nu: number, tInfS: number): number;
}

/** Builds a model for one tile from the spec's noise parameters and the tile's g_max (uS). */
export type NoiseModelFactory = (spec: NoiseSpec, gMaxUs: number) => ConductanceNoiseModel;
