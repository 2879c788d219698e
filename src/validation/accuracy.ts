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

/** The AFM accuracy trend: fp32 reference, W4A8 and the analog chip's perplexity on held-out text. */
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
    claim: "tiny-llama-wordnet held-out perplexity: fp32, digital W4A8, afm-pcm (8-bit static-range I/O, PCM noise at 1 h)",
    source: "Buchel et al., Analog Foundation Models, NeurIPS 2025 (arXiv 2505.09663)",
    series: [
      { label: "fp32", x: 0, y: ref },
      { label: "W4A8", x: 1, y: w },
      { label: `afm-pcm (mean of ${r.seeds.length} seeds, 95 % low ${analog.low.toFixed(1)})`, x: 2, y: analog.mean },
    ],
    expectation: "W4A8 within 10 % of fp32; the analog chip's perplexity (95 % interval low end) above W4A8's by more than 10 %",
    holds: w <= ref * 1.1 && analog.low > w * 1.1,
  };
}
