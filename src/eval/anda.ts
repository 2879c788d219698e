// Anda precision search (Fang et al., "Anda: Unlocking Efficient LLM Inference with a Variable-Length
// Grouped Activation Data Format", HPCA 2025; docs/REFERENCES.md [anda-hpca2025]): choose a mantissa length per activation
// tensor type [qkv, o, up, down]. A priority queue starts with the uniform tuples [m, m, m, m] for
// m = 4..13; the tuple with the lowest bit-operation count is popped and evaluated; it is accepted when
// its accuracy is >= (1 - delta) of the floating-point model, and only accepted tuples are expanded by
// pushing each tuple with one entry decremented; at most 32 iterations (evaluations).

import type { TransformerShape } from "../model/shape.ts";
import { AimcsimError } from "../errors.ts";
import { andaBackend } from "../numerics/digital-backends.ts";
import { scoreBackend, type PreparedEval } from "./evaluate.ts";

/** Mantissa bits of the Anda activations feeding [qkv, o, up(+gate), down]. */
export type AndaTuple = readonly [qkv: number, o: number, up: number, down: number];

/** Anda paper search range for uniform starting tuples (4..13 mantissa bits) and its iteration cap. */
export const ANDA_MIN_BITS = 4;
export const ANDA_MAX_BITS = 13;
export const ANDA_MAX_ITERATIONS = 32;

export interface AndaSearchOptions {
  /** Shape for the bit-operation weights (MACs per token of each tensor type). */
  readonly model: { readonly shape: TransformerShape };
  /** Tokens the accuracy function evaluates on (passed through to evaluateTuple). */
  readonly tokens: number;
  /** Tolerated relative accuracy loss (Anda: e.g. 0.01 for 1%). */
  readonly delta: number;
  /** Accuracy (higher is better) of the model with activations in the given Anda format. */
  readonly evaluateTuple: (tuple: AndaTuple, tokens: number) => number | Promise<number>;
  /** Accuracy of the floating-point model; evaluated with [16,16,16,16] when absent. */
  readonly fpAccuracy?: number;
  readonly maxIterations?: number;
  readonly minBits?: number;
  readonly maxBits?: number;
}

export interface AndaStep {
  readonly tuple: AndaTuple;
  readonly bitOps: number;
  readonly accuracy: number;
  readonly accepted: boolean;
}

export interface AndaSearchResult {
  /** Lowest-bit-operation accepted tuple (null when none met the threshold). */
  readonly best: AndaTuple | null;
  readonly bestBitOps: number | null;
  readonly fpAccuracy: number;
  readonly threshold: number;
  /** Every evaluation, in order. */
  readonly history: readonly AndaStep[];
}

/** MACs per token of each tensor type in one decoder layer (q/k/v share an input, as do gate/up). */
export function andaMacsPerToken(shape: TransformerShape): [number, number, number, number] {
  const H = shape.hiddenSize;
  const qDim = shape.numHeads * shape.headDim;
  const kvDim = shape.numKvHeads * shape.headDim;
  const I = shape.intermediateSize;
  return [H * (qDim + 2 * kvDim), qDim * H, H * I * (shape.gatedMlp ? 2 : 1), I * H];
}

/** Activation bit-operations per token and layer: sum over types of MACs x mantissa bits (weights fixed). */
export function andaBitOps(shape: TransformerShape, t: AndaTuple): number {
  const m = andaMacsPerToken(shape);
  return m[0] * t[0] + m[1] * t[1] + m[2] * t[2] + m[3] * t[3];
}

export async function andaPrecisionSearch(opts: AndaSearchOptions): Promise<AndaSearchResult> {
  if (!(opts.delta >= 0 && opts.delta < 1)) throw new AimcsimError("UsageError", "delta", "must be in [0, 1)");
  const lo = opts.minBits ?? ANDA_MIN_BITS;
  const hi = opts.maxBits ?? ANDA_MAX_BITS;
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 1 && hi >= lo && hi <= 16))
    throw new AimcsimError("UsageError", "minBits", "need integers 1 <= minBits <= maxBits <= 16");
  const maxIter = opts.maxIterations ?? ANDA_MAX_ITERATIONS;
  const shape = opts.model.shape;
  const fp = opts.fpAccuracy ?? (await opts.evaluateTuple([16, 16, 16, 16], opts.tokens));
  const threshold = (1 - opts.delta) * fp;

  // Binary min-heap on (bitOps, tuple key) so ties break deterministically.
  const heap: { ops: number; key: string; t: AndaTuple }[] = [];
  const less = (a: (typeof heap)[0], b: (typeof heap)[0]) => a.ops < b.ops || (a.ops === b.ops && a.key < b.key);
  const push = (t: AndaTuple) => {
    const key = t.join(",");
    if (seen.has(key)) return;
    seen.add(key);
    heap.push({ ops: andaBitOps(shape, t), key, t });
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };
  const seen = new Set<string>();
  for (let m = lo; m <= hi; m++) push([m, m, m, m]);

  const history: AndaStep[] = [];
  let best: AndaTuple | null = null;
  let bestOps: number | null = null;
  while (heap.length > 0 && history.length < maxIter) {
    const { ops, t } = pop();
    const acc = await opts.evaluateTuple(t, opts.tokens);
    const accepted = acc >= threshold;
    history.push({ tuple: t, bitOps: ops, accuracy: acc, accepted });
    if (!accepted) continue;
    if (bestOps === null || ops < bestOps) {
      best = t;
      bestOps = ops;
    }
    for (let j = 0; j < 4; j++) {
      if (t[j] <= lo) continue;
      const n = [...t] as [number, number, number, number];
      n[j]--;
      push(n);
    }
  }
  return { best, bestBitOps: bestOps, fpAccuracy: fp, threshold, history };
}

/**
 * The default accuracy function: next-token top-1 accuracy on the prepared held-out windows with Anda
 * activations (andaBackend from src/numerics/digital-backends.ts); [16,16,16,16] scores the fp32 model.
 */
export function andaTop1Evaluator(prep: PreparedEval): (t: AndaTuple) => number {
  return (t) => {
    if (t.every((m) => m >= 16)) return prep.reference.top1Accuracy;
    return scoreBackend(prep, andaBackend({ qkv: t[0], o: t[1], up: t[2], down: t[3] })).top1Accuracy;
  };
}
