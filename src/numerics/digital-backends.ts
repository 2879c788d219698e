// Digital LinearBackends: fake-quantised baselines a hybrid analog chip is compared against.
//   fakeQuantBackend  INT weights x INT activations (e.g. W4A8: 4-bit per-channel weights, 8-bit per-token activations)
//   fp16Backend       FP16 weights and activations, fp32 accumulation, FP16 output (tensor-core style)
//   andaBackend       Anda (HPCA 2025) activations with an M chosen per tensor type [qkv, o, up, down]; the rest FP16
// Quantised weights are computed once per LinearWeight and cached; activations go through a scratch buffer that
// grows only when a larger call arrives (no per-call allocation in steady state).

import { AimcsimError } from "../errors.ts";
import { exactBackend, type LinearBackend, type LinearWeight } from "./backend.ts";
import { quantiseAnda, quantiseIntSymmetric, roundToFp16, type AndaOptions, type Granularity } from "../formats/numbers.ts";

class Scratch {
  private buf = new Float32Array(0);
  get(n: number): Float32Array {
    if (this.buf.length < n) this.buf = new Float32Array(n);
    return this.buf.length === n ? this.buf : this.buf.subarray(0, n);
  }
}

function cachedWeights(transform: (w: LinearWeight) => LinearWeight): (w: LinearWeight) => LinearWeight {
  const cache = new WeakMap<LinearWeight, LinearWeight>();
  return (w) => {
    let q = cache.get(w);
    if (!q) {
      q = transform(w);
      cache.set(w, q);
    }
    return q;
  };
}

export interface FakeQuantOptions {
  readonly weightBits: number;
  readonly activationBits: number;
  readonly weightGranularity: Granularity;
  readonly activationGranularity: Granularity;
  /** Leave lm_head in full precision (common practice in W4A8 evaluations). Default true. */
  readonly keepHeadFp?: boolean;
}

const isHead = (w: LinearWeight) => w.name === "lm_head" || w.name.endsWith(".lm_head");

const granLabel = (g: Granularity) => (typeof g === "string" ? g : `group ${g.groupSize}`);

/** Symmetric INT weights and activations (round-half-even, restricted range), fp32 accumulation. */
export function fakeQuantBackend(o: FakeQuantOptions): LinearBackend {
  const keepHead = o.keepHeadFp !== false;
  const weights = cachedWeights((w) => ({
    ...w,
    data: quantiseIntSymmetric(w.data, o.weightBits, o.weightGranularity, w.inFeatures, new Float32Array(w.data.length)),
  }));
  const scratch = new Scratch();
  return {
    label: `W${o.weightBits}A${o.activationBits} (weights ${granLabel(o.weightGranularity)}, activations ${granLabel(o.activationGranularity)})`,
    linear(w, x, tokens, out) {
      if (keepHead && isHead(w)) return exactBackend.linear(w, x, tokens, out);
      const n = tokens * w.inFeatures;
      const xq = scratch.get(n);
      quantiseIntSymmetric(x.length === n ? x : x.subarray(0, n), o.activationBits, o.activationGranularity, w.inFeatures, xq);
      exactBackend.linear(weights(w), xq, tokens, out);
    },
  };
}

/** FP16 weights and activations, fp32 accumulate, bias added in fp32, output rounded to FP16. */
export function fp16Backend(): LinearBackend {
  const weights = cachedWeights((w) => ({
    ...w,
    data: roundToFp16(w.data, new Float32Array(w.data.length)),
    bias: w.bias ? roundToFp16(w.bias, new Float32Array(w.bias.length)) : null,
  }));
  const scratch = new Scratch();
  return {
    label: "fp16 (fp32 accumulate)",
    linear(w, x, tokens, out) {
      const n = tokens * w.inFeatures;
      const xq = roundToFp16(x.length === n ? x : x.subarray(0, n), scratch.get(n));
      exactBackend.linear(weights(w), xq, tokens, out);
      roundToFp16(out.subarray(0, tokens * w.outFeatures));
    },
  };
}

export type TensorType = "qkv" | "o" | "up" | "down";

/** Which Anda tensor type a projection is, from its HF name; null for lm_head / OPT project_in/out. */
export function classifyProjection(name: string): TensorType | null {
  const leaf = name.split(".").slice(-2).join(".");
  if (/(^|\.)(q_proj|k_proj|v_proj|qkv_proj|query_key_value|c_attn)$/.test(leaf)) return "qkv";
  if (/(^|\.)(o_proj|out_proj|attn\.c_proj|dense)$/.test(leaf)) return "o";
  if (/(^|\.)(gate_proj|up_proj|gate_up_proj|fc1|c_fc|w1|w3)$/.test(leaf)) return "up";
  if (/(^|\.)(down_proj|fc2|mlp\.c_proj|w2)$/.test(leaf)) return "down";
  return null;
}

export interface AndaBackendOptions extends AndaOptions {
  /** Optional INT weight quantisation (Anda targets weight-only-quantised LLMs, e.g. W4 group 128); default none. */
  readonly weights?: { readonly bits: number; readonly granularity: Granularity } | null;
}

/**
 * Anda activations: for q/k/v, o, gate/up and down projections the input activations are converted to the Anda
 * format with that tensor type's mantissa length; other projections (lm_head) see FP16 activations.
 */
export function andaBackend(mantissaBitsByTensorType: Readonly<Record<TensorType, number>>, opts: AndaBackendOptions = {}): LinearBackend {
  for (const k of ["qkv", "o", "up", "down"] as const) {
    const m = mantissaBitsByTensorType[k];
    if (!(Number.isInteger(m) && m >= 1 && m <= 16))
      throw new AimcsimError("SpecError", `anda.mantissaBits.${k}`, `must be an integer in [1, 16], got ${m}`);
  }
  const wq = opts.weights ?? null;
  const weights = cachedWeights((w) =>
    wq && !isHead(w) ? { ...w, data: quantiseIntSymmetric(w.data, wq.bits, wq.granularity, w.inFeatures, new Float32Array(w.data.length)) } : w,
  );
  const scratch = new Scratch();
  const m = mantissaBitsByTensorType;
  return {
    label: `Anda activations M[qkv,o,up,down]=[${m.qkv},${m.o},${m.up},${m.down}]${wq ? ` W${wq.bits}` : ""}`,
    linear(w, x, tokens, out) {
      const n = tokens * w.inFeatures;
      const src = x.length === n ? x : x.subarray(0, n);
      const xq = scratch.get(n);
      const type = classifyProjection(w.name);
      if (type === null) roundToFp16(src, xq);
      else quantiseAnda(src, m[type], w.inFeatures, opts, xq);
      exactBackend.linear(weights(w), xq, tokens, out);
    },
  };
}
