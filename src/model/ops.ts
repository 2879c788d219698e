// The operations of one prefill pass or one decode step, as a dependency graph of plain records.
// Built by src/model/opgraph.ts; consumed by the mapping (src/mapping) and the event simulation (src/sim).

export type OpKind =
  | "projection" // weight x activation GEMM/GEMV: q,k,v,o,gate,up,down,lm_head (analog-mappable)
  | "attn-score" // Q K^T per head
  | "softmax"
  | "attn-value" // P V per head
  | "norm"
  | "rope"
  | "activation"
  | "elementwise" // residual adds, gating multiply
  | "embedding"
  | "kv-write"
  | "kv-read";

/** The Amdahl split: what the analog crossbars can take over vs the digital attention and the rest. */
export type OpClass = "projection" | "attention" | "other";

export interface Op {
  readonly id: number;
  /** Decoder layer index; -1 for embedding and the output head. */
  readonly layer: number;
  readonly kind: OpKind;
  readonly opClass: OpClass;
  /** Stable name, e.g. "L3.q_proj", "L3.attn_score", "lm_head". */
  readonly name: string;
  /** GEMM C[m x n] = A[m x k] B[k x n], repeated `batch` times (heads x sequences).
   *  For projections: m = tokens, k = in_features, n = out_features, batch = 1.
   *  For vector ops: m x n elements, k = 1. */
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly batch: number;
  /** Multiply-accumulates (0 for vector ops). */
  readonly macs: number;
  /** Element operations for vector ops (0 for GEMMs). */
  readonly elements: number;
  /** Bytes moved to/from memory that this op needs beyond on-chip activations (KV cache, embeddings). */
  readonly bytes: number;
  /** For projections: the weight matrix (HF tensor name without the ".weight" suffix). */
  readonly weight?: string;
  readonly deps: readonly number[];
}

export interface Workload {
  readonly phase: "prefill" | "decode";
  /** Sequences processed together. */
  readonly batch: number;
  /** Prefill: prompt length. Decode: context length before this step (the new token attends to context+1). */
  readonly tokens: number;
  readonly context: number;
}

export interface OpGraph {
  readonly workload: Workload;
  readonly ops: readonly Op[];
}
