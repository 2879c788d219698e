// Accuracy under analog non-idealities on the bundled trained model (models/tiny-llama-wordnet), fixed seeds.
// One window of 256 (ADC) or 128 (drift) tokens: the effects tested are large (see the comments), far above
// the seed-to-seed spread of a single window.
import { beforeAll, describe, expect, it } from "vitest";
import { produce } from "immer";
import { loadModel, type LoadedModel } from "../../src/model/checkpoint.ts";
import { evaluate, interval, prepareEval, scoreAnalog, studentT975, type PreparedEval } from "../../src/eval/index.ts";
import type { ChipSpec, NoiseSpec } from "../../src/spec/types.ts";
import afm from "../../hw-specs/afm-pcm.ts";

const MODEL = "models/tiny-llama-wordnet";
let model: LoadedModel;
let prep: PreparedEval;
let prep128: PreparedEval;

const quiet: NoiseSpec = { ...afm.analog!.tile.noise, model: "none", wNoise: 0, outNoise: 0, driftCompensation: false };
/** afm-pcm with ideal devices, no periphery noise and dynamic input ranges: only the converters err. */
const convertersOnly: ChipSpec = produce(afm, (d) => {
  d.analog!.tile.noise = quiet;
  d.analog!.tile.inputRange = { mode: "dynamic" };
});
/** PCM drift alone (aihwkit nu statistics; programming and read noise scaled to 0), 8-bit converters. */
const driftOnly: ChipSpec = produce(convertersOnly, (d) => {
  d.analog!.tile.noise = { ...quiet, model: "pcm", progNoiseScale: 0, readNoiseScale: 0, driftScale: 1 };
});

beforeAll(async () => {
  model = await loadModel(MODEL);
  prep = await prepareEval({ model, tokens: 256 });
  prep128 = await prepareEval({ model, tokens: 128 });
}, 600_000);

describe("evaluate on the bundled model", () => {
  it("perplexity rises monotonically as ADC bits fall 8 -> 6 -> 4", () => {
    // measured: reference 23.42, 8b 23.49, 6b 25.26, 4b 187
    const ppl = [8, 6, 4].map((bits) => {
      const chip = produce(convertersOnly, (d) => {
        d.analog!.tile.adc.bits = bits;
      });
      return scoreAnalog(prep, chip, { seeds: 1 }).analog.perplexity.mean;
    });
    expect(ppl[0]).toBeGreaterThanOrEqual(prep.reference.perplexity * 0.999);
    expect(ppl[1]).toBeGreaterThan(ppl[0] * 1.02);
    expect(ppl[2]).toBeGreaterThan(ppl[1] * 1.5);
  }, 600_000);

  it("perplexity rises with t_inf (1 s -> 1 day -> 1 year) without compensation; global compensation recovers most", () => {
    // 128 tokens (127 predictions); measured on 256 tokens: 23.45, 27.44, 56.2; compensated at 1 year 25.3
    const at = (tInfS: number, driftCompensation: boolean) =>
      scoreAnalog(prep128, driftOnly, { seeds: 1, tInfS, driftCompensation }).analog.perplexity.mean;
    const p1s = at(1, false);
    const pDay = at(86400, false);
    const pYear = at(3.15e7, false);
    expect(pDay).toBeGreaterThan(p1s * 1.05);
    expect(pYear).toBeGreaterThan(pDay * 1.3);
    const comp = at(3.15e7, true);
    expect(comp).toBeLessThan(pYear - 0.5 * (pYear - p1s)); // recovers more than half of the drift loss
  }, 600_000);

  it("returns a JSON-able result with seed intervals, the W4A8 baseline and per-layer stats", async () => {
    const r = await evaluate({ model, chip: afm, tokens: 128, seeds: 2, baselineW4A8: true, tInfS: 3600, calibrationTokens: 128 });
    const back = JSON.parse(JSON.stringify(r));
    expect(back).toEqual(r);
    expect(r.tokensScored).toBe(127);
    expect(r.analogLayers).toHaveLength(28); // 4 layers x 7 projections; lm_head digital under afm-pcm's policy
    expect(r.stats.layers).toHaveLength(28);
    expect(r.stats.digitalCalls).toBe(1); // lm_head, once per window
    expect(r.calibration?.mode).toBe("quantile");
    const p = r.analog.perplexity;
    expect(p.perSeed).toHaveLength(2);
    expect(p.perSeed[0]).not.toBe(p.perSeed[1]);
    expect(p.low).toBeLessThanOrEqual(p.mean);
    expect(p.high).toBeGreaterThanOrEqual(p.mean);
    expect(p.mean).toBeGreaterThan(r.reference.perplexity);
    expect(r.baselines[0].label).toMatch(/^W4A8/);
    expect(r.baselines[0].perplexity).toBeGreaterThan(r.reference.perplexity * 0.9);
    const l = r.stats.layers[0];
    expect(l.adcHistogram).toHaveLength(256);
    expect(l.adcHistogram.reduce((a, v) => a + v, 0)).toBe(l.adcConversions);
    expect(l.meanDriftAlpha).toBeGreaterThan(1);
  }, 600_000);
});

describe("seed statistics", () => {
  it("Student-t 95% interval: table values and the large-df expansion", () => {
    expect(studentT975(1)).toBeCloseTo(12.706, 3);
    expect(studentT975(30)).toBeCloseTo(2.042, 3);
    expect(studentT975(60)).toBeCloseTo(2.0003, 2);
    expect(studentT975(1e6)).toBeCloseTo(1.96, 2);
    const iv = interval([1, 2, 3]);
    expect(iv.mean).toBe(2);
    expect(iv.std).toBe(1);
    expect(iv.high - iv.mean).toBeCloseTo((4.303 * 1) / Math.sqrt(3), 6);
    expect(interval([5])).toMatchObject({ mean: 5, low: 5, high: 5, std: 0 });
  });
});
