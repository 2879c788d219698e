// Every physical constant of the conductance noise models, each with its source beside it.
// Sources: IBM aihwkit, src/aihwkit/inference/noise/pcm.py (PCMLikeNoiseModel), fitted on PCM devices in
// Nandakumar et al., "Phase-change memory models for deep learning training and inference", ICECS 2019,
// and used in Joshi et al., "Accurate deep neural network inference using computational phase-change
// memory", Nat. Commun. 11, 2473 (2020).

/** Programming-noise polynomial sigma_prog = c0 + c1 x + c2 x^2 (uS at g_max = 25 uS), x = g_T / g_max.
 *  aihwkit pcm.py: prog_coeff = [0.26348, 1.9650, -1.1731]. */
export const PCM_PROG_COEFF_US = [0.26348, 1.965, -1.1731] as const;
/** g_max the polynomial was fitted at (aihwkit pcm.py: prog_coeff_g_max_reference = 25.0 uS). */
export const PCM_PROG_COEFF_GMAX_REF_US = 25.0;

/** Drift exponent mean: mu_nu = clamp(-0.0155 ln x + 0.0244, 0.049, 0.1) (aihwkit pcm.py generate_drift_coefficients). */
export const PCM_NU_MEAN_SLOPE = -0.0155;
export const PCM_NU_MEAN_OFFSET = 0.0244;
export const PCM_NU_MEAN_MIN = 0.049;
export const PCM_NU_MEAN_MAX = 0.1;
/** Drift exponent spread: sigma_nu = clamp(-0.0125 ln x - 0.0059, 0.008, 0.045) (aihwkit pcm.py). */
export const PCM_NU_STD_SLOPE = -0.0125;
export const PCM_NU_STD_OFFSET = -0.0059;
export const PCM_NU_STD_MIN = 0.008;
export const PCM_NU_STD_MAX = 0.045;
/** Lower clip of x = |g_T|/g_max before the logarithm (aihwkit pcm.py _ZERO_CLIP = 1e-7). */
export const PCM_ZERO_CLIP = 1e-7;

/** Drift reference time t0 (s): g(t) = g_prog ((t_inf + t0)/t0)^(-nu) (aihwkit pcm.py t_0 = 20.0). */
export const PCM_T0_S = 20.0;
/** 1/f read-noise fit parameter t_read (s) (aihwkit pcm.py t_read = 250.0e-9). */
export const PCM_T_READ_S = 250.0e-9;
/** 1/f noise amplitude Q_s = min(0.0088 / max(x^0.65, 1e-3), 0.2) (aihwkit pcm.py apply_drift_noise_to_conductance). */
export const PCM_QS_COEFF = 0.0088;
export const PCM_QS_EXPONENT = 0.65;
export const PCM_QS_DENOM_MIN = 1e-3;
export const PCM_QS_MAX = 0.2;

/** Global drift compensation: readout clamp of mean|y| (aihwkit compensation/drift.py: clamp(min=0.0001)). */
export const DRIFT_COMP_READOUT_MIN = 1e-4;
