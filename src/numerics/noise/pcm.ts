// PCM: IBM aihwkit's PCMLikeNoiseModel (docs/REFERENCES.md [aihwkit, nandakumar-icecs2019]): programming noise
// polynomial in g_T, drift exponent nu(g_T), 1/f read noise accumulated up to t_inf; each term scaled by the
// spec (progNoiseScale, driftScale, readNoiseScale; 1 = the published fit).
import type { NoiseSpec } from "../../spec/types.ts";
import { normal } from "./gaussian.ts";
import {
  PCM_NU_MEAN_MAX,
  PCM_NU_MEAN_MIN,
  PCM_NU_MEAN_OFFSET,
  PCM_NU_MEAN_SLOPE,
  PCM_NU_STD_MAX,
  PCM_NU_STD_MIN,
  PCM_NU_STD_OFFSET,
  PCM_NU_STD_SLOPE,
  PCM_PROG_COEFF_GMAX_REF_US,
  PCM_PROG_COEFF_US,
  PCM_QS_COEFF,
  PCM_QS_DENOM_MIN,
  PCM_QS_EXPONENT,
  PCM_QS_MAX,
  PCM_T0_S,
  PCM_T_READ_S,
  PCM_ZERO_CLIP,
} from "./constants.ts";
import type { ConductanceNoiseModel } from "./model.ts";

/** sigma_prog(g_T) in uS (aihwkit pcm.py apply_programming_noise_to_conductance), before prog_noise_scale. */
export function pcmProgSigmaUs(gTargetUs: number, gMaxUs: number): number {
  const x = gTargetUs / gMaxUs;
  const s = PCM_PROG_COEFF_US[0] + PCM_PROG_COEFF_US[1] * x + PCM_PROG_COEFF_US[2] * x * x;
  return s * (gMaxUs / PCM_PROG_COEFF_GMAX_REF_US);
}

/** Mean and spread of the PCM drift exponent at relative conductance x = |g_T|/g_max. */
export function pcmNuMoments(x: number): { mean: number; std: number } {
  const lx = Math.log(Math.max(Math.abs(x), PCM_ZERO_CLIP));
  const mean = clamp(PCM_NU_MEAN_SLOPE * lx + PCM_NU_MEAN_OFFSET, PCM_NU_MEAN_MIN, PCM_NU_MEAN_MAX);
  const std = clamp(PCM_NU_STD_SLOPE * lx + PCM_NU_STD_OFFSET, PCM_NU_STD_MIN, PCM_NU_STD_MAX);
  return { mean, std };
}

/** 1/f read-noise relative sigma accumulated up to t_inf (aihwkit pcm.py), before read_noise_scale. */
export function pcmReadSigmaRel(gProgUs: number, gMaxUs: number, tInfS: number): number {
  const t = tInfS + PCM_T0_S;
  const qs = Math.min(PCM_QS_COEFF / Math.max(Math.pow(Math.abs(gProgUs) / gMaxUs, PCM_QS_EXPONENT), PCM_QS_DENOM_MIN), PCM_QS_MAX);
  return qs * Math.sqrt(Math.log((t + PCM_T_READ_S) / (2 * PCM_T_READ_S)));
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

export function pcmModel(spec: NoiseSpec, gMaxUs: number): ConductanceNoiseModel {
  // Per-t_inf constants cached (the programming loop calls atTime millions of times with one t_inf):
  // ln((t_inf + t0)/t0) for the drift and sqrt(ln((t + t_read)/(2 t_read))) for the 1/f noise.
  let cachedT = NaN;
  let lnRatio = 0;
  let readFactor = 0;
  const prepare = (tInfS: number) => {
    cachedT = tInfS;
    const t = tInfS + PCM_T0_S;
    lnRatio = t > PCM_T0_S ? Math.log(t / PCM_T0_S) : 0;
    readFactor = Math.sqrt(Math.log((t + PCM_T_READ_S) / (2 * PCM_T_READ_S)));
  };
  const driftFactor = (nu: number, tInfS: number) => {
    if (tInfS !== cachedT) prepare(tInfS);
    return lnRatio > 0 ? Math.exp(-nu * lnRatio) : 1;
  };
  const invGMax = 1 / gMaxUs;
  const readScale = spec.readNoiseScale;
  // Per-target terms cached (a weight's cells take few target levels): sigma_prog(g_T) and the drift-exponent
  // moments, the same values as computed afresh; a direct-mapped cache keyed by the bits of g_T.
  const CACHE = 4096;
  const keys = new Float64Array(CACHE).fill(NaN);
  const sigProg = new Float64Array(CACHE);
  const nuMean = new Float64Array(CACHE);
  const nuStd = new Float64Array(CACHE);
  const kf = new Float64Array(1);
  const ku = new Int32Array(kf.buffer);
  const slot = (gT: number): number => {
    kf[0] = gT;
    const h = (Math.imul(ku[0]! ^ ku[1]!, 0x9e3779b1) >>> 20) & (CACHE - 1);
    if (keys[h] !== gT) {
      keys[h] = gT;
      sigProg[h] = pcmProgSigmaUs(gT, gMaxUs);
      // pcmNuMoments inlined (no object per level)
      const lx = Math.log(Math.max(Math.abs(gT * invGMax), PCM_ZERO_CLIP));
      nuMean[h] = clamp(PCM_NU_MEAN_SLOPE * lx + PCM_NU_MEAN_OFFSET, PCM_NU_MEAN_MIN, PCM_NU_MEAN_MAX);
      nuStd[h] = clamp(PCM_NU_STD_SLOPE * lx + PCM_NU_STD_OFFSET, PCM_NU_STD_MIN, PCM_NU_STD_MAX);
    }
    return h;
  };
  return {
    kind: "pcm",
    // A scale of 0 switches a term off without drawing (deterministic either way: same spec, same draws).
    program(gT, rng) {
      if (spec.progNoiseScale === 0) return gT;
      const g = gT + spec.progNoiseScale * sigProg[slot(gT)]! * normal(rng);
      return g > 0 ? g : 0;
    },
    driftNu(gT, rng) {
      if (spec.driftScale === 0) return 0;
      const h = slot(gT);
      return Math.abs(nuMean[h]! + nuStd[h]! * normal(rng)) * spec.driftScale;
    },
    atTime(gProg, nu, tInfS, rng) {
      const gDrift = gProg * driftFactor(nu, tInfS);
      if (readScale === 0) return gDrift > 0 ? gDrift : 0;
      // Q_s as pcmReadSigmaRel, with the time factor cached
      const qs = Math.min(PCM_QS_COEFF / Math.max(Math.pow(Math.abs(gProg) * invGMax, PCM_QS_EXPONENT), PCM_QS_DENOM_MIN), PCM_QS_MAX);
      const g = gDrift + Math.abs(gDrift) * readScale * qs * readFactor * normal(rng);
      return g > 0 ? g : 0;
    },
    driftFactor,
  };
}
