// The architecture of a transformer, independent of its weights. Built from a Hugging Face config.json
// (src/model/config.ts) or a built-in preset (src/model/presets.ts); read by the op graph, the mapping
// and the numerics forward pass.

export type ArchFamily = "llama" | "phi3" | "opt" | "gpt2" | "bitnet";

export interface Llama3RopeScaling {
  readonly type: "llama3";
  readonly factor: number;
  readonly lowFreqFactor: number;
  readonly highFreqFactor: number;
  readonly originalMaxPositions: number;
}

export interface TransformerShape {
  readonly name: string;
  readonly family: ArchFamily;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly maxPositions: number;
  readonly norm: "rmsnorm" | "layernorm";
  readonly normEps: number;
  readonly activation: "silu" | "gelu" | "gelu_new" | "relu" | "relu2";
  /** Gated MLP (gate * act(up)): Llama, Phi-3, BitNet. */
  readonly gatedMlp: boolean;
  readonly positional: "rope" | "learned";
  readonly ropeTheta: number;
  readonly ropeScaling: Llama3RopeScaling | null;
  readonly tiedEmbeddings: boolean;
  /** q,k,v stored as one matrix (Phi-3 qkv_proj, GPT-2 c_attn). */
  readonly fusedQkv: boolean;
  /** gate and up stored as one matrix (Phi-3 gate_up_proj). */
  readonly fusedGateUp: boolean;
  readonly attentionBias: boolean;
  readonly mlpBias: boolean;
  /** Native precision of the projection weights: "ternary" for BitNet b1.58. */
  readonly weightFormat: "fp32" | "fp16" | "bf16" | "ternary";
  /** OPT: project embeddings when word_embed_proj_dim != hidden_size (0 when absent). */
  readonly wordEmbedProjDim: number;
}
