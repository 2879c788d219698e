// The Amdahl-style throughput analysis of a hybrid chip against a digital baseline
// (Malekar & Zand, "Amdahl's law for LLMs", TMLR 2025, arXiv 2408.11939; docs/REFERENCES.md [amdahl-llm-2025]):
// only the projection layers move to the analog crossbars. With f the share of the baseline's time spent
// in them and s their measured speed-up, Amdahl predicts S = 1 / ((1 - f) + f / s), bounded by the ceiling
// 1 / (1 - f) however fast the analog part gets. f falls as the context grows (attention grows with it)
// and rises with model width.
//
// For each model and context L, one run per chip: prefill of L tokens (the "prefill" row) and one decode
// step at context L (the "decode" row). f and s come from the schedule's time by op class (time shared
// equally by the classes running at each instant, src/sim/run.ts), and the same for energy.
import type { ChipSpec } from "../spec/types.ts";
import { AimcsimError, isAimcsimError } from "../errors.ts";
import { simulate } from "../sim/index.ts";
import { chipPrecision, formatChipPrecision, modelChips, withPrecisionOf } from "../mapping/index.ts";
import { resolveModelShape } from "../model/index.ts";
import type { PhaseResult, SimResult } from "../sim/result.ts";
import type { TransformerShape } from "../model/shape.ts";

export interface AmdahlOptions {
  readonly chip: ChipSpec;
  readonly baseline: ChipSpec;
  /** Preset names, checkpoint folders, or shapes. */
  readonly models: readonly (string | TransformerShape)[];
  readonly contexts: readonly number[];
  readonly batch?: number;
  /** Hypothetical analog speed-ups for the what-if sweep (Infinity allowed). */
  readonly sweepS?: readonly number[];
  /** Called after each (model, context) point, for progress output. */
  readonly onPoint?: (done: number, total: number) => void;
  /** Simulate the baseline with the hybrid chip's KV-cache, attention and (stated) lm_head formats, so the two
   *  differ only in where the projections run (default true; false keeps each chip's own). */
  readonly samePrecision?: boolean;
}

export interface AmdahlRow {
  readonly model: string;
  readonly phase: "prefill" | "decode";
  readonly context: number;
  /** Share of the baseline's time in the projections. */
  readonly f: number;
  /** Share of the baseline's MACs in the projections. */
  readonly fOps: number;
  /** Measured speed-up of the projections (baseline projection time / hybrid projection time). */
  readonly s: number;
  /** Measured end-to-end speed-up (baseline latency / hybrid latency). */
  readonly speedup: number;
  /** Amdahl's prediction 1 / ((1 - f) + f / s). */
  readonly amdahl: number;
  /** The ceiling 1 / (1 - f). */
  readonly ceiling: number;
  readonly baselineLatencyS: number;
  readonly hybridLatencyS: number;
  /** The same for energy: projection share of baseline energy, its measured reduction, end-to-end gain. */
  readonly fEnergy: number;
  readonly sEnergy: number;
  readonly energyGain: number;
  readonly amdahlEnergy: number;
  readonly ceilingEnergy: number;
  readonly baselineEnergyJ: number;
  readonly hybridEnergyJ: number;
  /** Amdahl's prediction for each hypothetical s of `sweepS` (same order). */
  readonly whatIf: readonly number[];
  /** Overlap-aware projection share: 1 - T_free / T, with T_free the baseline re-simulated with its projections
   *  made free (projectionTimeScale 0). Where projections and other work overlap, f (equal shares of the
   *  overlapped time) overstates what removing the projections saves; fFree is exactly that saving. */
  readonly fFree: number;
  /** Amdahl's prediction with fFree: 1 / ((1 - fFree) + fFree / s). */
  readonly amdahlFree: number;
  /** The overlap-aware ceiling 1 / (1 - fFree) = T / T_free: the baseline's speed-up if its projections were free. */
  readonly ceilingFree: number;
  /** Hybrid time with its projections free / baseline time with its projections free: 1 where Amdahl's
   *  assumption holds (the rest runs as on the baseline); above 1 where the hybrid's non-projection part is
   *  slower (e.g. chunked, pipelined prefill or a smaller attention unit), which lowers the measured speed-up. */
  readonly restRatio: number;
}

export interface AmdahlResult {
  readonly chip: string;
  readonly baseline: string;
  readonly batch: number;
  readonly contexts: readonly number[];
  readonly models: readonly string[];
  readonly sweepS: readonly (number | "inf")[];
  readonly rows: readonly AmdahlRow[];
  /** (model, context) points that could not be simulated (e.g. the KV cache exceeds the DRAM), with why;
   *  the other points' rows are still given. */
  readonly skipped: readonly AmdahlSkipped[];
  readonly assumptions: readonly string[];
}

export interface AmdahlSkipped {
  readonly model: string;
  readonly context: number;
  /** The typed error's path and rule. */
  readonly reason: string;
}

export const amdahlSpeedup = (f: number, s: number): number => 1 / (1 - f + (s === Infinity ? 0 : f / s));
export const amdahlCeiling = (f: number): number => (f >= 1 ? Infinity : 1 / (1 - f));

function row(
  model: string,
  phase: "prefill" | "decode",
  context: number,
  b: PhaseResult,
  h: PhaseResult,
  bFree: PhaseResult,
  hFree: PhaseResult,
  sweepS: readonly number[],
): AmdahlRow {
  const f = b.timeByOpClassS.projection / b.latencyS;
  const fFree = 1 - bFree.latencyS / b.latencyS;
  const totalMacs = b.macsByOpClass.projection + b.macsByOpClass.attention + b.macsByOpClass.other;
  const s = b.timeByOpClassS.projection / h.timeByOpClassS.projection;
  const fE = b.energyByOpClassJ.projection / b.energyJ;
  const sE = b.energyByOpClassJ.projection / h.energyByOpClassJ.projection;
  return {
    model,
    phase,
    context,
    f,
    fOps: b.macsByOpClass.projection / totalMacs,
    s,
    speedup: b.latencyS / h.latencyS,
    amdahl: amdahlSpeedup(f, s),
    ceiling: amdahlCeiling(f),
    baselineLatencyS: b.latencyS,
    hybridLatencyS: h.latencyS,
    fEnergy: fE,
    sEnergy: sE,
    energyGain: b.energyJ / h.energyJ,
    amdahlEnergy: amdahlSpeedup(fE, sE),
    ceilingEnergy: amdahlCeiling(fE),
    baselineEnergyJ: b.energyJ,
    hybridEnergyJ: h.energyJ,
    whatIf: sweepS.map((x) => amdahlSpeedup(f, x)),
    fFree,
    amdahlFree: amdahlSpeedup(fFree, s),
    ceilingFree: amdahlCeiling(fFree),
    restRatio: hFree.latencyS / bFree.latencyS,
  };
}

/** One decode step at `context` (and the prefill of `context` tokens) on `chips` chips. */
function point(chip: ChipSpec, model: TransformerShape, context: number, batch: number, chips: number, projectionTimeScale = 1): SimResult {
  // prefill chunk = whole context for the baseline; the hybrid pipelines in its default chunks.
  return simulate({ chip, model, promptTokens: context, genTokens: 2, batch, chips, projectionTimeScale }).result;
}

export function amdahl(opts: AmdahlOptions): AmdahlResult {
  if (!Array.isArray(opts.models)) throw new AimcsimError("UsageError", "models", "must be an array of model names or shapes");
  opts.models.forEach((m: unknown, i) => {
    if (typeof m !== "string" && (m === null || typeof m !== "object" || typeof (m as { name?: unknown }).name !== "string"))
      throw new AimcsimError("UsageError", `models[${i}]`, "must be a model name, a checkpoint folder or a TransformerShape");
  });
  const batch = opts.batch ?? 1;
  const sweepS = opts.sweepS ?? [2, 10, 100, Infinity];
  const rows: AmdahlRow[] = [];
  const skipped: AmdahlSkipped[] = [];
  const total = opts.models.length * opts.contexts.length;
  let done = 0;
  const baseline = opts.samePrecision === false ? opts.baseline : withPrecisionOf(opts.baseline, opts.chip);
  for (const model of opts.models) {
    // The chips each chip needs for the model (tiles, weights in DRAM), the same at every context: a context whose
    // KV cache does not fit them is a skipped row (src/mapping/dram.ts). Worked out once, at the first context.
    let sized: { shape: TransformerShape; hc: number; bc: number } | undefined;
    for (const context of opts.contexts) {
      try {
        if (sized === undefined) {
          const shape = typeof model === "string" ? resolveModelShape(model) : model;
          sized = { shape, hc: modelChips(shape, opts.chip), bc: modelChips(shape, baseline) };
        }
        const { shape, hc, bc } = sized;
        const h = point(opts.chip, shape, context, batch, hc);
        const b = point(baseline, shape, context, batch, bc);
        const hFree = point(opts.chip, shape, context, batch, hc, 0);
        const bFree = point(baseline, shape, context, batch, bc, 0);
        rows.push(row(h.model, "prefill", context, b.prefill, h.prefill, bFree.prefill, hFree.prefill, sweepS));
        rows.push(row(h.model, "decode", context, b.decode, h.decode, bFree.decode, hFree.decode, sweepS));
      } catch (e) {
        // A point that does not fit (a typed error) is reported and the others go on; anything else is a bug.
        if (!isAimcsimError(e)) throw e;
        skipped.push({ model: typeof model === "string" ? model : String((model as { name?: unknown } | null | undefined)?.name ?? typeof model), context, reason: `${e.path}: ${e.rule}` });
      }
      opts.onPoint?.(++done, total);
    }
  }
  return {
    chip: opts.chip.name,
    baseline: opts.baseline.name,
    batch,
    contexts: [...opts.contexts],
    models: opts.models.map((m) => (typeof m === "string" ? m : m.name)),
    sweepS: sweepS.map((x) => (x === Infinity ? "inf" : x)),
    rows,
    skipped,
    assumptions: [
      `precision (${opts.samePrecision === false ? "each chip its own" : "the baseline takes the chip's"}): ${opts.chip.name}: ${formatChipPrecision(chipPrecision(opts.chip))}; ${baseline.name}: ${formatChipPrecision(chipPrecision(baseline))}.`,
      "f = share of the baseline's schedule time attributed to projection ops (time shared equally by the op classes running at each instant); s = baseline projection time / hybrid projection time.",
      "prefill row: the prompt of `context` tokens; decode row: one decode step with `context` cached tokens; models that do not fit one chip are spread over as many as their crossbar tiles and their weights stored in DRAM need, the same count at every context (a context whose KV cache does not fit those chips is skipped, with the reason).",
      "Amdahl's bound assumes the non-projection work is no faster on the hybrid than on the baseline; where the phases overlap (pipelined prefill) the measured speed-up may differ from the prediction.",
      "fFree = 1 - T(baseline, projections free) / T(baseline): the overlap-aware share, from a re-simulation with every projection task (GEMM/GEMV, weight streaming, its NoC hops) taking zero time; amdahlFree uses it. restRatio = T(hybrid, projections free) / T(baseline, projections free): where it exceeds 1 the hybrid's non-projection part is slower than the baseline's and the measured speed-up falls short of either prediction by about that factor.",
    ],
  };
}
