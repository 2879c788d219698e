import { describe, expect, it } from "vitest";
import hermes from "../../hw-specs/hermes.ts";
import { activityFromStats, simulate } from "../../src/sim/index.ts";
import type { AnalogStats } from "../../src/numerics/analog/stats.ts";

const layer = (over: Partial<AnalogStats["layers"][number]>) => ({
  name: "l",
  inFeatures: 64,
  outFeatures: 64,
  tiles: 1,
  slices: 1,
  calls: 1,
  tokens: 10,
  inputAbsMax: 1,
  inputAbsMean: 0.1,
  dacConversions: 640,
  dacClipRate: 0,
  inputActivity: 0.1,
  inputNonzeroFraction: 0.9,
  adcConversions: 640,
  adcClipRate: 0,
  adcHistogram: [0, 0, 10, 10], // 2-bit ADC: codes -2..1; |code| 0 and 1 → mean 0.5 of half-scale 2 = 0.25
  meanAbsConductanceNorm: 0.2,
  meanDriftAlpha: 1,
  ...over,
});

describe("data-dependent energy", () => {
  it("reduces the numerics stats to token-weighted activity factors", () => {
    const stats: AnalogStats = { dacBits: 8, adcBits: 2, ideal: false, tInfS: 0, digitalCalls: 0, layers: [layer({}), layer({ tokens: 30, inputActivity: 0.3, meanAbsConductanceNorm: 0.4 })] };
    const a = activityFromStats(stats);
    expect(a.inputActivity).toBeCloseTo((10 * 0.1 + 30 * 0.3) / 40, 12);
    expect(a.meanConductance).toBeCloseTo((10 * 0.2 + 30 * 0.4) / 40, 12);
    expect(a.adcCodeFraction).toBeCloseTo(0.25, 12);
    expect(() => activityFromStats({ ...stats, layers: [] })).toThrow(/no analog activity/);
  });

  it("measured low activity lowers the crossbar energy of a run below the default assumption", () => {
    const base = simulate({ chip: hermes, model: "gpt2", promptTokens: 16, genTokens: 3, chips: "auto" }).result;
    const low = simulate({ chip: hermes, model: "gpt2", promptTokens: 16, genTokens: 3, chips: "auto", activity: { inputActivity: 0.05, meanConductance: 0.1 } }).result;
    expect(low.decode.energyByComponentJ.crossbar).toBeLessThan(base.decode.energyByComponentJ.crossbar);
    expect(low.assumptions.some((s) => /data-dependent analog energy/.test(s))).toBe(true);
    expect(low.tpotS).toBe(base.tpotS);
  });
});
