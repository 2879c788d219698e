// The seed papers' claims reproduced in their trend:
//  - PIM-LLM (Malekar et al., arXiv 2504.01994; docs/REFERENCES.md [pimllm-2025]): the hybrid analog/digital chip
//    speeds up decode of 1-bit GPT-2/OPT models over a digital baseline, most at short contexts; as the context
//    grows, attention (digital on both chips) takes a larger share and the speed-up shrinks (Amdahl: Malekar & Zand,
//    TMLR 2025, arXiv 2408.11939: "f falls as context length grows").
//  - Anda (HPCA 2025): the bit-serial Anda-format units are faster and spend less energy than an FP16 array.
// The numbers are aimcsim's (hw-specs/hybrid-bitnet.ts vs hw-specs/digital-baseline.ts, hw-specs/anda-like.ts);
// the claim is the direction. PIM-LLM's headline values (up to ~80x tokens/s, +70 % tokens/J) are against its own
// baseline, which the integrator's digital-baseline preset does not reproduce, so they are not compared as values.
import { simulate } from "../sim/index.ts";
import { digitalBaseline as digital, hybridBitnet as hybrid } from "./presets.ts";
import { ANDA_MODELS, andaRuns, type CheckContext } from "./checks.ts";
import type { TrendRow } from "./types.ts";

/** Contexts of the PIM-LLM study (128 to 4096, docs/REFERENCES.md [pimllm-2025]). */
export const PIMLLM_CONTEXTS: readonly number[] = [128, 512, 1024, 2048, 4096];
/** BitNet-style models of the PIM-LLM study that aimcsim has as presets (the smallest GPT-2 and OPT). */
export const PIMLLM_MODELS: readonly string[] = ["bitnet-gpt2-350m", "bitnet-opt-1.3b"];

const PIMLLM_SRC = "Malekar et al., PIM-LLM, arXiv 2504.01994; Malekar & Zand, Amdahl's law for LLMs, arXiv 2408.11939";

/** Non-increasing within a relative tolerance (ties from noise-free but discrete schedules are allowed). */
const nonIncreasing = (ys: readonly number[], relTol = 0.01): boolean => ys.every((y, i) => i === 0 || y <= ys[i - 1]! * (1 + relTol));

function pimLlm(ctx: CheckContext, model: string, contexts: readonly number[]): TrendRow[] {
  const pts = contexts.map((n) =>
    ctx.cached(`pimllm:${model}:${n}`, () => {
      // One measured decode step after an n-token prompt; the whole prompt as one prefill chunk (prefill is not measured).
      const h = simulate({ chip: hybrid, model, promptTokens: n, genTokens: 2, prefillChunk: n, chips: "auto" }).result;
      const d = simulate({ chip: digital, model, promptTokens: n, genTokens: 2, chips: "auto" }).result;
      return { n, speedup: d.tpotS / h.tpotS, energyGain: d.decodeEnergyPerTokenJ / h.decodeEnergyPerTokenJ };
    }),
  );
  const sp = pts.map((p) => p.speedup);
  const eg = pts.map((p) => p.energyGain);
  return [
    {
      id: `pimllm.${model}.decodeSpeedup`,
      claim: `hybrid-bitnet vs digital-baseline decode tokens/s on ${model}`,
      source: PIMLLM_SRC,
      series: pts.map((p) => ({ label: `ctx ${p.n}`, x: p.n, y: p.speedup })),
      expectation: "speed-up > 1 at the shortest context, largest there, non-increasing as the context grows",
      holds: sp[0]! > 1 && sp[0]! === Math.max(...sp) && nonIncreasing(sp),
    },
    {
      id: `pimllm.${model}.decodeTokensPerJGain`,
      claim: `hybrid-bitnet vs digital-baseline decode tokens/J on ${model}`,
      source: PIMLLM_SRC,
      series: pts.map((p) => ({ label: `ctx ${p.n}`, x: p.n, y: p.energyGain })),
      expectation: "tokens/J gain > 1 at every context, largest at the shortest, non-increasing",
      holds: eg.every((g) => g > 1) && nonIncreasing(eg),
    },
  ];
}

function andaTrend(ctx: CheckContext): TrendRow[] {
  const rows: TrendRow[] = [];
  const series = (f: (r: ReturnType<typeof andaRuns>) => number) =>
    ANDA_MODELS.map((m, i) => ({ label: m, x: i, y: f(andaRuns(ctx, m)) }));
  const prefill = series((r) => r.base.prefill.latencyS / r.anda.prefill.latencyS);
  const prefillE = series((r) => r.base.prefill.energyJ / r.anda.prefill.energyJ);
  const decode = series((r) => r.base.tpotS / r.anda.tpotS);
  const decodeE = series((r) => r.base.decodeEnergyPerTokenJ / r.anda.decodeEnergyPerTokenJ);
  const src = "Fang et al., Anda, HPCA 2025 (arXiv 2411.15982)";
  rows.push(
    { id: "anda.prefill.time", claim: "anda-like vs FP16 baseline: prefill time ratio (baseline / Anda)", source: src, series: prefill, expectation: "> 1 (Anda faster) on every model", holds: prefill.every((p) => p.y > 1) },
    { id: "anda.prefill.energy", claim: "anda-like vs FP16 baseline: prefill energy ratio", source: src, series: prefillE, expectation: "> 1 (Anda spends less) on every model", holds: prefillE.every((p) => p.y > 1) },
    { id: "anda.decode.time", claim: "anda-like vs FP16 baseline: decode time per token ratio", source: src, series: decode, expectation: "> 1 on every model", holds: decode.every((p) => p.y > 1) },
    { id: "anda.decode.energy", claim: "anda-like vs FP16 baseline: decode energy per token ratio", source: src, series: decodeE, expectation: ">= 1 (decode is dominated by the same HBM weight traffic on both)", holds: decodeE.every((p) => p.y >= 1) },
  );
  return rows;
}

export function runTrends(ctx: CheckContext, contexts: readonly number[] = PIMLLM_CONTEXTS): TrendRow[] {
  return [...PIMLLM_MODELS.flatMap((m) => pimLlm(ctx, m, contexts)), ...andaTrend(ctx)];
}
