// Data-dependent energy: what the numerics pass measured on the analog tiles (src/numerics/analog stats)
// reduced to the activity factors the crossbar energy model takes, instead of its worst-case defaults.
import type { MvmActivity } from "../components/index.ts";
import { AimcsimError } from "../errors.ts";
import type { AnalogStats } from "../numerics/analog/stats.ts";

/** Token-weighted means over the layers: input activity (mean |DAC code| / full scale), mean normalised
 *  conductance, and the mean |ADC code| / full scale (from the ADC code histograms). */
export function activityFromStats(stats: AnalogStats): MvmActivity {
  let w = 0;
  let act = 0;
  let g = 0;
  let codeSum = 0;
  let codeCount = 0;
  const half = 2 ** (stats.adcBits - 1);
  for (const l of stats.layers) {
    const weight = l.tokens * l.inFeatures;
    if (weight <= 0) continue;
    w += weight;
    act += weight * l.inputActivity;
    g += weight * l.meanAbsConductanceNorm;
    l.adcHistogram.forEach((count, bin) => {
      codeSum += count * Math.abs(bin - half);
      codeCount += count;
    });
  }
  if (w === 0) throw new AimcsimError("UsageError", "stats", "the numerics stats hold no analog activity (no layer processed a token)");
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  return {
    inputActivity: clamp(act / w),
    meanConductance: clamp(g / w),
    ...(codeCount > 0 ? { adcCodeFraction: clamp(codeSum / codeCount / half) } : {}),
  };
}
