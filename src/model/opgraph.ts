// The op graph of one prefill pass and one decode step: every norm, projection, RoPE, KV-cache access,
// attention GEMM, softmax, activation, residual add, embedding lookup and the head, as plain records with
// dependencies in dataflow order (deps always have smaller ids, so `ops` is a topological order).
//
// Projections stay LOGICAL (q, k, v, o, gate, up, down / fc1, fc2) even where the checkpoint fuses them;
// each records its HF tensor in `weight` and, for fused tensors, the output-feature slice in `weightSlice`.
//
// Counting conventions (all exact integers):
// - projection: m = tokens (batch x tokens), k = in_features, n = out_features, macs = m k n.
// - attn-score: m = query tokens, k = headDim, n = keys, batch = heads x sequences. Causal prefill counts
//   only the lower triangle: query i (0-based) of a prompt after `context` cached tokens sees context+i+1
//   keys, so the key count summed over queries is T*context + T(T+1)/2 (T = prompt tokens).
// - attn-value: m = query tokens, k = keys, n = headDim; same triangle.
// - softmax: one element per (head, query, visible key).
// - kv-read (decode): bytes of the cached K and V, `context` tokens x 2 x numKvHeads x headDim x 2 bytes (fp16 default; kvBytesPerElement).
// - sliding window W (Phi-3): each query sees min(position + 1, W) keys; kv-read reads min(context, W - 1).
// - rope: elements = tokens x (heads + kvHeads) x rotated dims per head.
// - kv-write: bytes of the new K and V rows (fp16 default; kvBytesPerElement).
// - embedding: bytes of the looked-up rows (token rows, plus position rows for learned positions).
// - lm_head: logits for the last token of each sequence only (what generation needs) unless
//   `logits: "all"` (what perplexity evaluation needs).

import { AimcsimError } from "../errors.ts";
import type { Op, OpClass, OpGraph, OpKind, Workload } from "./ops.ts";
import type { TransformerShape } from "./shape.ts";
import { shapeDetails } from "./config.ts";
import { expertTokenCounts, isMoeLayer, layerLoad, moeDetails, routingPhase } from "./moe.ts";
import {
  embeddingDim,
  layerProjections,
  lmHead,
  moeProjections,
  projectIn,
  projectOut,
  type ProjectionMatrix,
  type WeightSlice,
} from "./projections.ts";

/** Bytes of one cached K or V element by default. Assumption: an FP16 KV cache, as the Analog Foundation Models
 *  deployment keeps it (Buchel et al., arXiv 2505.09663; docs/REFERENCES.md [afm-neurips2025]); a chip sets
 *  another with mapping.kvCacheFormat (the graphs then take `kvBytesPerElement`). */
export const KV_BYTES_PER_ELEMENT = 2;

/** An op of the graph with the fused-tensor slice of its weight (projections over fused HF tensors). */
export interface ModelOp extends Op {
  readonly weightSlice?: WeightSlice;
}

export interface ModelOpGraph extends OpGraph {
  readonly ops: readonly ModelOp[];
}

export interface PrefillOptions {
  readonly batch: number;
  readonly promptTokens: number;
  /** Tokens already in the KV cache before this prompt chunk (chunked prefill); default 0. */
  readonly context?: number;
  /** Logits for the last token of each sequence (default) or for every token. */
  readonly logits?: "last" | "all";
  /** Bytes of one cached K or V element (default KV_BYTES_PER_ELEMENT, fp16). */
  readonly kvBytesPerElement?: number;
}

export interface DecodeOptions {
  readonly batch: number;
  /** Tokens in the KV cache before this step; the new token attends to context + 1 keys. */
  readonly context: number;
  /** Bytes of one cached K or V element (default KV_BYTES_PER_ELEMENT, fp16). */
  readonly kvBytesPerElement?: number;
}

const opClassOf = (kind: OpKind): OpClass => {
  switch (kind) {
    case "projection":
      return "projection";
    case "attn-score":
    case "softmax":
    case "attn-value":
    case "rope":
    case "kv-read":
    case "kv-write":
      return "attention";
    default:
      return "other";
  }
};

const checkInt = (field: string, v: number, min: number): void => {
  if (!Number.isSafeInteger(v) || v < min) {
    throw new AimcsimError("ModelError", `workload.${field}`, `must be an integer >= ${min}, got ${v}`);
  }
};

/** Element bytes of embedding tables (ternary models keep bf16 embeddings; fp32 checkpoints 4 bytes). */
export const embeddingBytesPerElement = (shape: TransformerShape): number => (shape.weightFormat === "fp32" ? 4 : 2);

/** Sum over the queries at positions context .. context+tokens-1 of the keys each sees: min(p + 1, window). */
export const visibleKeySum = (context: number, tokens: number, window: number | null): number => {
  const a = context + 1;
  const b = context + tokens;
  if (window === null) return ((a + b) * tokens) / 2;
  const hi = Math.min(b, window);
  const below = hi >= a ? ((a + hi) * (hi - a + 1)) / 2 : 0;
  const above = Math.max(0, b - Math.max(a - 1, window)) * window;
  return below + above;
};

class GraphBuilder {
  readonly ops: ModelOp[] = [];

  add(
    kind: OpKind,
    name: string,
    layer: number,
    deps: readonly number[],
    dims: { m?: number; k?: number; n?: number; batch?: number; macs?: number; elements?: number; bytes?: number },
    weight?: ProjectionMatrix,
  ): number {
    const id = this.ops.length;
    const op: ModelOp = {
      id,
      layer,
      kind,
      opClass: opClassOf(kind),
      name,
      m: dims.m ?? 1,
      k: dims.k ?? 1,
      n: dims.n ?? 1,
      batch: dims.batch ?? 1,
      macs: dims.macs ?? 0,
      elements: dims.elements ?? 0,
      bytes: dims.bytes ?? 0,
      deps: [...new Set(deps)].sort((a, b) => a - b),
      ...(weight ? { weight: weight.weight } : {}),
      ...(weight?.slice ? { weightSlice: weight.slice } : {}),
    };
    this.ops.push(op);
    return id;
  }

  projection(p: ProjectionMatrix, tokens: number, deps: readonly number[]): number {
    return this.add("projection", p.name, p.layer, deps, { m: tokens, k: p.inFeatures, n: p.outFeatures, macs: tokens * p.inFeatures * p.outFeatures }, p);
  }

  vector(kind: OpKind, name: string, layer: number, deps: readonly number[], rows: number, cols: number): number {
    return this.add(kind, name, layer, deps, { m: rows, n: cols, elements: rows * cols });
  }
}

interface Pass {
  readonly batch: number;
  /** New tokens per sequence in this pass (prompt length, or 1 for decode). */
  readonly tokens: number;
  /** Cached tokens per sequence before this pass. */
  readonly context: number;
  readonly logitsTokens: number;
  readonly kvBytes: number;
}

const buildGraph = (shape: TransformerShape, workload: Workload, pass: Pass): ModelOpGraph => {
  const d = shapeDetails(shape);
  const g = new GraphBuilder();
  const T = pass.batch * pass.tokens; // activation rows through the projections
  const H = shape.hiddenSize;
  const F = shape.intermediateSize;
  const heads = shape.numHeads;
  const hd = shape.headDim;
  const kvRow = 2 * shape.numKvHeads * hd; // K and V elements per token
  // Visible keys summed over the queries of one sequence (causal lower triangle, see header; a sliding
  // window caps each query's keys at W), the key extent of the dense GEMM, and the cached tokens read.
  // Gemma's global layers see everything; its sliding layers and every layer of other families use W.
  const windowOf = (l: number): number | null => (d.gemma && !d.gemma.slidingLayers[l] ? null : d.slidingWindow);
  const extents = (W: number | null) => ({
    keySum: visibleKeySum(pass.context, pass.tokens, W),
    keysMax: W === null ? pass.context + pass.tokens : Math.min(pass.context + pass.tokens, pass.tokens + W - 1),
    cachedTokens: W === null ? pass.context : Math.min(pass.context, W - 1),
  });

  // Embedding lookup (+ learned positions).
  const eb = embeddingBytesPerElement(shape);
  const ed = embeddingDim(shape);
  const posBytes = shape.positional === "learned" ? T * H * eb : 0;
  let x = g.add("embedding", "embed_tokens", -1, [], { m: T, n: ed, bytes: T * ed * eb + posBytes });
  // OPT (modeling_opt.py OPTDecoder.forward): project_in first, then the position embeddings are added.
  const pin = projectIn(shape);
  if (pin) x = g.projection(pin, T, [x]);
  if (shape.positional === "learned") x = g.vector("elementwise", "embed_positions_add", -1, [x], T, H);

  const preNorm = d.normPlacement === "pre";
  for (let l = 0; l < shape.numLayers; l++) {
    const L = `L${l}`;
    const proj = new Map(layerProjections(shape, l).map((p) => [p.role, p]));
    const get = (role: ProjectionMatrix["role"]): ProjectionMatrix => proj.get(role)!;
    const layerIn = x;
    const { keySum, keysMax, cachedTokens } = extents(windowOf(l));

    // --- attention block ---
    const attnIn = preNorm ? g.vector("norm", `${L}.attn_norm`, l, [layerIn], T, H) : layerIn;
    const q = g.projection(get("q"), T, [attnIn]);
    const k = g.projection(get("k"), T, [attnIn]);
    const v = g.projection(get("v"), T, [attnIn]);
    let qk = [q, k];
    // Qwen3 / Gemma-3: per-head RMSNorm of q and k before RoPE
    if (d.qkNorm) qk = [g.vector("norm", `${L}.q_norm`, l, [q], T, heads * hd), g.vector("norm", `${L}.k_norm`, l, [k], T, shape.numKvHeads * hd)];
    if (shape.positional === "rope") {
      qk = [g.vector("rope", `${L}.rope`, l, qk, T, (heads + shape.numKvHeads) * d.rotaryDim)];
    }
    // The write is a sink: nothing downstream waits for the cache store.
    g.add("kv-write", `${L}.kv_write`, l, [...qk, v], { m: T, n: kvRow, bytes: T * kvRow * pass.kvBytes });
    const cached: number[] = [];
    if (cachedTokens > 0) {
      // Prefetchable as soon as the layer starts: depends on the layer input only.
      cached.push(
        g.add("kv-read", `${L}.kv_read`, l, [layerIn], {
          m: pass.batch * cachedTokens,
          n: kvRow,
          bytes: pass.batch * cachedTokens * kvRow * pass.kvBytes,
        }),
      );
    }
    const scoreMacs = pass.batch * heads * hd * keySum;
    const score = g.add("attn-score", `${L}.attn_score`, l, [...qk, ...cached], {
      m: pass.tokens,
      k: hd,
      n: keysMax,
      batch: heads * pass.batch,
      macs: scoreMacs,
    });
    const soft = g.add("softmax", `${L}.softmax`, l, [score], { m: pass.tokens, n: keysMax, batch: heads * pass.batch, elements: pass.batch * heads * keySum });
    let attn = g.add("attn-value", `${L}.attn_value`, l, [soft, v, ...cached], {
      m: pass.tokens,
      k: keysMax,
      n: hd,
      batch: heads * pass.batch,
      macs: scoreMacs,
    });
    if (d.subNorms) attn = g.vector("norm", `${L}.attn_sub_norm`, l, [attn], T, heads * hd);
    let o = g.projection(get("o"), T, [attn]);
    if (d.gemma) o = g.vector("norm", `${L}.post_attn_norm`, l, [o], T, H);
    let h = g.vector("elementwise", `${L}.attn_residual`, l, [o, layerIn], T, H);
    if (!preNorm) h = g.vector("norm", `${L}.attn_norm`, l, [h], T, H);

    // --- MLP block ---
    const mlpIn = preNorm ? g.vector("norm", `${L}.mlp_norm`, l, [h], T, H) : h;
    let mlpOut: number;
    const moe = moeDetails(shape);
    if (moe !== null && isMoeLayer(moe, l)) {
      // Mixture of experts (src/model/moe.ts): router logits, softmax + top-k over E, then each expert's gated
      // MLP on the tokens routed to it (integer counts sampled from the layer's expert load at a phase set by the
      // layer and the context, so successive steps route to different experts; an expert with
      // no token has no op), the weighted sum of the k expert outputs per token, and the shared expert.
      const mats = moeProjections(shape, moe, l);
      const router = g.projection(mats[0]!, T, [mlpIn]);
      const route = g.vector("softmax", `${L}.router_topk`, l, [router], T, moe.numExperts);
      const counts = expertTokenCounts(T, moe.topK, layerLoad(moe, l), routingPhase(l, pass.context));
      const outs: number[] = [];
      const Fe = moe.expertIntermediateSize;
      for (let e = 0; e < moe.numExperts; e++) {
        const c = counts[e]!;
        if (c === 0) continue;
        const [gm, um, dm] = [mats[1 + 3 * e]!, mats[2 + 3 * e]!, mats[3 + 3 * e]!];
        const X = `${L}.experts.${e}`;
        const gate = g.projection(gm, c, [route]);
        const up = g.projection(um, c, [route]);
        const act = g.vector("activation", `${X}.act`, l, [gate], c, Fe);
        const prod = g.vector("elementwise", `${X}.gate_mul`, l, [act, up], c, Fe);
        outs.push(g.projection(dm, c, [prod]));
      }
      // Scale each routed output by its routing weight and sum the k per token: tokens x k x H multiply-adds.
      mlpOut = g.vector("elementwise", `${L}.moe_combine`, l, [route, ...outs], T * moe.topK, H);
      if (moe.sharedIntermediateSize > 0) {
        const S = moe.sharedIntermediateSize;
        const sm = mats.slice(1 + 3 * moe.numExperts);
        const X = `${L}.shared_expert`;
        const gate = g.projection(sm[0]!, T, [mlpIn]);
        const up = g.projection(sm[1]!, T, [mlpIn]);
        const act = g.vector("activation", `${X}.act`, l, [gate], T, S);
        const prod = g.vector("elementwise", `${X}.gate_mul`, l, [act, up], T, S);
        let shared = g.projection(sm[2]!, T, [prod]);
        if (moe.sharedExpertGate) {
          const sg = g.projection(sm[3]!, T, [mlpIn]);
          const sig = g.vector("activation", `${L}.shared_expert_sigmoid`, l, [sg], T, 1);
          shared = g.vector("elementwise", `${X}.gate_scale`, l, [sig, shared], T, H);
        }
        mlpOut = g.vector("elementwise", `${L}.shared_expert_add`, l, [mlpOut, shared], T, H);
      }
    } else if (shape.gatedMlp) {
      const gate = g.projection(get("gate"), T, [mlpIn]);
      const up = g.projection(get("up"), T, [mlpIn]);
      const act = g.vector("activation", `${L}.act`, l, [gate], T, F);
      let prod = g.vector("elementwise", `${L}.gate_mul`, l, [act, up], T, F);
      if (d.subNorms) prod = g.vector("norm", `${L}.ffn_sub_norm`, l, [prod], T, F);
      mlpOut = g.projection(get("down"), T, [prod]);
    } else {
      const fc1 = g.projection(get("fc1"), T, [mlpIn]);
      const act = g.vector("activation", `${L}.act`, l, [fc1], T, F);
      mlpOut = g.projection(get("fc2"), T, [act]);
    }
    if (d.gemma) mlpOut = g.vector("norm", `${L}.post_ffn_norm`, l, [mlpOut], T, H);
    x = g.vector("elementwise", `${L}.mlp_residual`, l, [mlpOut, h], T, H);
    if (!preNorm) x = g.vector("norm", `${L}.mlp_norm`, l, [x], T, H);
  }

  // Head: only the rows whose logits are needed go through final norm / project_out / lm_head.
  const R = pass.batch * pass.logitsTokens;
  if (d.finalNorm) x = g.vector("norm", "final_norm", -1, [x], R, H);
  const pout = projectOut(shape);
  if (pout) x = g.projection(pout, R, [x]);
  g.projection(lmHead(shape), R, [x]);
  return { workload, ops: g.ops };
};

const kvBytesOf = (b: number | undefined): number => {
  if (b === undefined) return KV_BYTES_PER_ELEMENT;
  if (!(b > 0 && b <= 8)) throw new AimcsimError("ModelError", "workload.kvBytesPerElement", `must be in (0, 8] bytes, got ${b}`);
  return b;
};

/** The ops of one prefill pass over `promptTokens` tokens for each of `batch` sequences. */
export const buildPrefillGraph = (shape: TransformerShape, options: PrefillOptions): ModelOpGraph => {
  const context = options.context ?? 0;
  checkInt("batch", options.batch, 1);
  checkInt("promptTokens", options.promptTokens, 1);
  checkInt("context", context, 0);
  const logitsTokens = options.logits === "all" ? options.promptTokens : 1;
  return buildGraph(
    shape,
    { phase: "prefill", batch: options.batch, tokens: options.promptTokens, context },
    { batch: options.batch, tokens: options.promptTokens, context, logitsTokens, kvBytes: kvBytesOf(options.kvBytesPerElement) },
  );
};

/** The ops of one decode step: one new token per sequence attending to `context` cached tokens + itself. */
export const buildDecodeGraph = (shape: TransformerShape, options: DecodeOptions): ModelOpGraph => {
  checkInt("batch", options.batch, 1);
  checkInt("context", options.context, 0);
  return buildGraph(
    shape,
    { phase: "decode", batch: options.batch, tokens: 1, context: options.context },
    { batch: options.batch, tokens: 1, context: options.context, logitsTokens: 1, kvBytes: kvBytesOf(options.kvBytesPerElement) },
  );
};

export interface GraphTotals {
  readonly macs: number;
  readonly elements: number;
  readonly bytes: number;
  readonly macsByClass: Readonly<Record<OpClass, number>>;
  readonly elementsByClass: Readonly<Record<OpClass, number>>;
}

/** Sums of the graph's work, overall and per Amdahl class. */
export const graphTotals = (graph: OpGraph): GraphTotals => {
  const macsByClass = { projection: 0, attention: 0, other: 0 };
  const elementsByClass = { projection: 0, attention: 0, other: 0 };
  let macs = 0;
  let elements = 0;
  let bytes = 0;
  for (const op of graph.ops) {
    macs += op.macs;
    elements += op.elements;
    bytes += op.bytes;
    macsByClass[op.opClass] += op.macs;
    elementsByClass[op.opClass] += op.elements;
  }
  return { macs, elements, bytes, macsByClass, elementsByClass };
};

/** KV-cache bytes of `tokens` tokens of `batch` sequences (all layers, K and V; fp16 unless `bytesPerElement`). */
export const kvCacheBytes = (shape: TransformerShape, batch: number, tokens: number, bytesPerElement: number = KV_BYTES_PER_ELEMENT): number =>
  batch * tokens * shape.numLayers * 2 * shape.numKvHeads * shape.headDim * bytesPerElement;

/** Tokens per sequence the KV cache must hold at `context` tokens: all of them, or the sliding window. */
export const kvCacheTokens = (shape: TransformerShape, context: number): number => {
  const d = shapeDetails(shape);
  // Gemma: global layers keep every token (this per-layer figure is then an upper bound for its sliding layers)
  const w = d.gemma && d.gemma.slidingLayers.some((s) => !s) ? null : d.slidingWindow;
  return w === null ? context : Math.min(context, w);
};
