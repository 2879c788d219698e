// The Analog Foundation Models finding (Buchel et al., NeurIPS 2025, arXiv 2505.09663; docs/REFERENCES.md [afm-neurips2025]): an
// off-the-shelf LLM whose linear layers run on PCM tiles with 8-bit static-range inputs and 8-bit outputs loses
// accuracy that a digital W4A8 model (4-bit weights, 8-bit activations) keeps. Reproduced in its trend on the one
// trained checkpoint aimcsim ships (models/tiny-llama-wordnet, held-out WordNet glosses) with hw-specs/afm-pcm.ts
// (static input ranges calibrated on held-out text, PCM noise one hour after programming, drift compensation) and
// the W4A8 fake-quant baseline of src/numerics, through src/eval `evaluate`.
import { join } from "node:path";
import { loadModel } from "../model/checkpoint.ts";
import { evaluate } from "../eval/index.ts";
import { afmPcm as afm } from "./presets.ts";
import type { TrendRow } from "./types.ts";

export interface AccuracyTrendOptions {
  /** Held-out tokens scored (default 512). */
  readonly tokens?: number;
  /** Monte Carlo programming seeds (default 3). */
  readonly seeds?: number;
  /** Repository root (default: two folders above this file). */
  readonly root?: string;
}

/** The AFM accuracy trend: fp32 reference, W4A8 and the analog chip's perplexity on held-out text. Two-sided
 *  (issue 15.5): the AFM paper reports a drop of a few points for off-the-shelf models on this hardware, not a
 *  collapse, so the analog/fp32 perplexity ratio is expected in [1.05, 1.6] (the upper end allows the tiny model's
 *  larger relative sensitivity; assumption) and W4A8 within 10 % of fp32. calibration: yes — the chip's static
 *  ranges use aimcsim's default percentile rule (DEFAULT_STATIC_RANGE_QUANTILE), chosen after aihwkit's 0.99995
 *  quantile was measured to collapse this model (perplexity ~750). */
export async function runAccuracyTrend(opts: AccuracyTrendOptions = {}): Promise<TrendRow> {
  const root = opts.root ?? join(import.meta.dirname, "..", "..");
  const model = await loadModel(join(root, "models", "tiny-llama-wordnet"));
  const r = await evaluate({ model, chip: afm, tokens: opts.tokens ?? 512, seeds: opts.seeds ?? 3, baselineW4A8: true });
  const w4a8 = r.baselines.find((b) => b.label.startsWith("W4A8"));
  const ref = r.reference.perplexity;
  const analog = r.analog.perplexity;
  const w = w4a8?.perplexity ?? Number.NaN;
  return {
    id: "afm.accuracy.perplexity",
    claim: "tiny-llama-wordnet held-out perplexity: fp32, digital W4A8, afm-pcm (8-bit static-range I/O, PCM noise at 1 h; default percentile-99.9 ranges, calibration: yes)",
    source: "Buchel et al., Analog Foundation Models, NeurIPS 2025 (arXiv 2505.09663)",
    series: [
      { label: "fp32", x: 0, y: ref },
      { label: "W4A8", x: 1, y: w },
      { label: `afm-pcm (mean of ${r.seeds.length} seeds, 95 % interval ${analog.low.toFixed(1)}-${analog.high.toFixed(1)})`, x: 2, y: analog.mean },
    ],
    expectation: "W4A8 within 10 % of fp32; afm-pcm / fp32 perplexity in [1.05, 1.6] (a drop of a few points, no collapse)",
    holds: w <= ref * 1.1 && analog.mean >= ref * 1.05 && analog.mean <= ref * 1.6,
  };
}

/** Expected interval of the remedy ratio R (runAfmRemedyTrend), written down before the fine-tuned model was first
 *  evaluated by aimcsim: at most 0.5 (issue 15.4's goal: at most half the off-the-shelf degradation) and at least
 *  0.05 (the fine-tuned model still sees the PCM noise; R near 0 would mean the noise path is not exercised). */
export const AFM_REMEDY_INTERVAL = [0.05, 0.5] as const;

/** The AFM remedy: models/tiny-llama-wordnet-afm (hardware-aware fine-tuning by models/scripts/train_afm.py:
 *  noise injection, input-range learning, output clipping) on afm-pcm with its learned ranges, against the
 *  off-the-shelf model with the default ranges. Degradation = analog / own-fp32 perplexity - 1 (seed means);
 *  R = fine-tuned degradation / off-the-shelf degradation, expected in AFM_REMEDY_INTERVAL. */
export async function runAfmRemedyTrend(opts: AccuracyTrendOptions = {}): Promise<TrendRow> {
  const root = opts.root ?? join(import.meta.dirname, "..", "..");
  const run = async (dir: string) => {
    const model = await loadModel(join(root, "models", dir));
    return evaluate({ model, chip: afm, tokens: opts.tokens ?? 512, seeds: opts.seeds ?? 3 });
  };
  const ots = await run("tiny-llama-wordnet");
  const hwa = await run("tiny-llama-wordnet-afm");
  const deg = (r: typeof ots) => r.analog.perplexity.mean / r.reference.perplexity - 1;
  const ci = (r: typeof ots) => `${r.analog.perplexity.low.toFixed(2)}-${r.analog.perplexity.high.toFixed(2)}`;
  const R = deg(hwa) / deg(ots);
  const [lo, hi] = AFM_REMEDY_INTERVAL;
  return {
    id: "afm.remedy.degradation",
    claim: "hardware-aware fine-tuning (AFM recipe) halves the afm-pcm degradation of tiny-llama-wordnet at least",
    source: "Buchel et al., Analog Foundation Models, NeurIPS 2025 (arXiv 2505.09663)",
    series: [
      { label: "off-the-shelf fp32", x: 0, y: ots.reference.perplexity },
      { label: `off-the-shelf afm-pcm (${ots.seeds.length} seeds, 95 % ${ci(ots)})`, x: 1, y: ots.analog.perplexity.mean },
      { label: "fine-tuned fp32", x: 2, y: hwa.reference.perplexity },
      { label: `fine-tuned afm-pcm, learned ranges (${hwa.seeds.length} seeds, 95 % ${ci(hwa)})`, x: 3, y: hwa.analog.perplexity.mean },
      { label: "R = fine-tuned / off-the-shelf degradation", x: 4, y: R },
    ],
    expectation: `R in [${lo}, ${hi}] (interval set before the fine-tuned model was evaluated)`,
    holds: R >= lo && R <= hi,
  };
}
