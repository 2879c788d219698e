// Built-in transformer shapes. Each preset is the published config.json of its Hugging Face repository
// (architecture fields copied verbatim; training-only fields such as dropout and token ids left out), run
// through the same parser as a checkpoint folder, so a preset and a downloaded config give the same shape.
//
// The "bitnet-*" 1-bit variants are the models of PIM-LLM (Malekar et al., arXiv 2504.01994, docs/REFERENCES.md [pimllm-2025]
// "Seed architectures"): GPT2-350M/774M/1.5B, OPT-1.3B/2.7B/6.7B and LLaMA-7B as BitNet-style 1-bit models.
// They keep the shape of the full-precision model and set weightFormat "ternary" (BitNet b1.58 weights in
// {-1, 0, +1}); no sub-norms are added (PIM-LLM changes the projection precision, not the block layout).

import { existsSync, statSync } from "node:fs";
import { AimcsimError } from "../errors.ts";
import { didYouMean } from "../util/suggest.ts";
import type { TransformerShape } from "./shape.ts";
import { loadShapeFromFolder, shapeFromConfig, shapeDetails, type ModelShape } from "./config.ts";
import { embeddingDim, projectionMatrices } from "./projections.ts";
import { moeDetails } from "./moe.ts";

// --- Published config.json values ------------------------------------------------------------------------

/** https://huggingface.co/meta-llama/Llama-3.2-1B/blob/main/config.json (also the config scripts/make-llama-1b.ts writes) */
export const LLAMA_3_2_1B = {
  architectures: ["LlamaForCausalLM"],
  attention_bias: false,
  head_dim: 64,
  hidden_act: "silu",
  hidden_size: 2048,
  intermediate_size: 8192,
  max_position_embeddings: 131072,
  mlp_bias: false,
  model_type: "llama",
  num_attention_heads: 32,
  num_hidden_layers: 16,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-5,
  rope_scaling: {
    factor: 32.0,
    high_freq_factor: 4.0,
    low_freq_factor: 1.0,
    original_max_position_embeddings: 8192,
    rope_type: "llama3",
  },
  rope_theta: 500000.0,
  tie_word_embeddings: true,
  torch_dtype: "bfloat16",
  vocab_size: 128256,
};

/** https://huggingface.co/meta-llama/Meta-Llama-3-70B/blob/main/config.json (the fields the shape reads) */
const LLAMA_3_70B = {
  architectures: ["LlamaForCausalLM"],
  attention_bias: false,
  hidden_act: "silu",
  hidden_size: 8192,
  intermediate_size: 28672,
  max_position_embeddings: 8192,
  model_type: "llama",
  num_attention_heads: 64,
  num_hidden_layers: 80,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-5,
  rope_theta: 500000.0,
  tie_word_embeddings: false,
  torch_dtype: "bfloat16",
  vocab_size: 128256,
};

/** https://huggingface.co/microsoft/Phi-3-mini-4k-instruct/blob/main/config.json */
const PHI_3_MINI_4K = {
  architectures: ["Phi3ForCausalLM"],
  attention_bias: false,
  hidden_act: "silu",
  hidden_size: 3072,
  intermediate_size: 8192,
  max_position_embeddings: 4096,
  model_type: "phi3",
  num_attention_heads: 32,
  num_hidden_layers: 32,
  num_key_value_heads: 32,
  original_max_position_embeddings: 4096,
  rms_norm_eps: 1e-5,
  rope_scaling: null,
  rope_theta: 10000.0,
  sliding_window: 2047,
  tie_word_embeddings: false,
  torch_dtype: "bfloat16",
  vocab_size: 32064,
};

/** https://huggingface.co/facebook/opt-1.3b/blob/main/config.json (and opt-2.7b, opt-6.7b below). */
const OPT_COMMON = {
  architectures: ["OPTForCausalLM"],
  activation_function: "relu",
  do_layer_norm_before: true,
  max_position_embeddings: 2048,
  model_type: "opt",
  torch_dtype: "float16",
  vocab_size: 50272,
};
const OPT_1_3B = { ...OPT_COMMON, ffn_dim: 8192, hidden_size: 2048, num_attention_heads: 32, num_hidden_layers: 24, word_embed_proj_dim: 2048 };
/** https://huggingface.co/facebook/opt-350m/blob/main/config.json (post-norm, 512-wide embeddings with
 *  project_in/project_out). */
const OPT_350M = { ...OPT_COMMON, do_layer_norm_before: false, ffn_dim: 4096, hidden_size: 1024, num_attention_heads: 16, num_hidden_layers: 24, word_embed_proj_dim: 512 };
/** https://huggingface.co/facebook/opt-2.7b/blob/main/config.json */
const OPT_2_7B = { ...OPT_COMMON, _remove_final_layer_norm: false, ffn_dim: 10240, hidden_size: 2560, num_attention_heads: 32, num_hidden_layers: 32, word_embed_proj_dim: 2560 };
/** https://huggingface.co/facebook/opt-6.7b/blob/main/config.json */
const OPT_6_7B = { ...OPT_COMMON, _remove_final_layer_norm: false, ffn_dim: 16384, hidden_size: 4096, num_attention_heads: 32, num_hidden_layers: 32, word_embed_proj_dim: 4096 };
/** https://huggingface.co/facebook/opt-13b/blob/main/config.json */
const OPT_13B = { ...OPT_COMMON, _remove_final_layer_norm: false, ffn_dim: 20480, hidden_size: 5120, num_attention_heads: 40, num_hidden_layers: 40, word_embed_proj_dim: 5120 };
/** https://huggingface.co/facebook/opt-30b/blob/main/config.json */
const OPT_30B = { ...OPT_COMMON, _remove_final_layer_norm: false, ffn_dim: 28672, hidden_size: 7168, num_attention_heads: 56, num_hidden_layers: 48, word_embed_proj_dim: 7168 };
/** https://huggingface.co/facebook/opt-66b/blob/main/config.json */
const OPT_66B = { ...OPT_COMMON, _remove_final_layer_norm: false, ffn_dim: 36864, hidden_size: 9216, num_attention_heads: 72, num_hidden_layers: 64, word_embed_proj_dim: 9216 };

/** https://huggingface.co/openai-community/gpt2/blob/main/config.json (n_inner null => 4 * n_embd). */
const GPT2_COMMON = {
  architectures: ["GPT2LMHeadModel"],
  activation_function: "gelu_new",
  layer_norm_epsilon: 1e-5,
  model_type: "gpt2",
  n_ctx: 1024,
  n_inner: null,
  n_positions: 1024,
  vocab_size: 50257,
};
const GPT2_SMALL = { ...GPT2_COMMON, n_embd: 768, n_head: 12, n_layer: 12 };
/** https://huggingface.co/openai-community/gpt2-medium/blob/main/config.json */
const GPT2_MEDIUM = { ...GPT2_COMMON, n_embd: 1024, n_head: 16, n_layer: 24 };
/** https://huggingface.co/openai-community/gpt2-large/blob/main/config.json */
const GPT2_LARGE = { ...GPT2_COMMON, n_embd: 1280, n_head: 20, n_layer: 36 };
/** https://huggingface.co/openai-community/gpt2-xl/blob/main/config.json */
const GPT2_XL = { ...GPT2_COMMON, n_embd: 1600, n_head: 25, n_layer: 48 };

/** https://huggingface.co/microsoft/bitnet-b1.58-2B-4T/blob/main/config.json (architecture per
 *  transformers/models/bitnet/modular_bitnet.py: relu2 gated MLP with attn_sub_norm and ffn_sub_norm). */
const BITNET_B158_2B_4T = {
  architectures: ["BitNetForCausalLM"],
  attention_bias: false,
  hidden_act: "relu2",
  hidden_size: 2560,
  intermediate_size: 6912,
  max_position_embeddings: 4096,
  model_type: "bitnet",
  num_attention_heads: 20,
  num_hidden_layers: 30,
  num_key_value_heads: 5,
  rms_norm_eps: 1e-5,
  rope_theta: 500000.0,
  tie_word_embeddings: true,
  torch_dtype: "bfloat16",
  vocab_size: 128256,
  quantization_config: { quant_method: "bitnet", linear_class: "autobitlinear", quantization_mode: "online" },
};

/** https://huggingface.co/huggyllama/llama-7b/blob/main/config.json (the original LLaMA-7B, Touvron et al. 2023). */
const LLAMA_7B = {
  architectures: ["LlamaForCausalLM"],
  hidden_act: "silu",
  hidden_size: 4096,
  intermediate_size: 11008,
  max_position_embeddings: 2048,
  model_type: "llama",
  num_attention_heads: 32,
  num_hidden_layers: 32,
  rms_norm_eps: 1e-6,
  tie_word_embeddings: false,
  torch_dtype: "float16",
  vocab_size: 32000,
};

/** https://huggingface.co/mistralai/Mixtral-8x7B-v0.1/blob/main/config.json */
const MIXTRAL_8X7B = {
  architectures: ["MixtralForCausalLM"],
  hidden_act: "silu",
  hidden_size: 4096,
  intermediate_size: 14336,
  max_position_embeddings: 32768,
  model_type: "mixtral",
  num_attention_heads: 32,
  num_experts_per_tok: 2,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  num_local_experts: 8,
  rms_norm_eps: 1e-5,
  rope_theta: 1000000.0,
  sliding_window: null,
  tie_word_embeddings: false,
  torch_dtype: "bfloat16",
  vocab_size: 32000,
};

/** https://huggingface.co/allenai/OLMoE-1B-7B-0924/blob/main/config.json */
const OLMOE_1B_7B = {
  architectures: ["OlmoeForCausalLM"],
  attention_bias: false,
  clip_qkv: null,
  hidden_act: "silu",
  hidden_size: 2048,
  intermediate_size: 1024,
  max_position_embeddings: 4096,
  model_type: "olmoe",
  norm_topk_prob: false,
  num_attention_heads: 16,
  num_experts: 64,
  num_experts_per_tok: 8,
  num_hidden_layers: 16,
  num_key_value_heads: 16,
  rms_norm_eps: 1e-5,
  rope_scaling: null,
  rope_theta: 10000.0,
  tie_word_embeddings: false,
  torch_dtype: "bfloat16",
  vocab_size: 50304,
};

/** https://huggingface.co/deepseek-ai/deepseek-moe-16b-base/blob/main/config.json (the fields the shape reads);
 *  Dai et al., DeepSeekMoE, arXiv 2401.06066, docs/REFERENCES.md [deepseekmoe-2024]: 16.4B total, 2.8B activated. */
const DEEPSEEK_MOE_16B = {
  architectures: ["DeepseekForCausalLM"],
  attention_bias: false,
  first_k_dense_replace: 1,
  hidden_act: "silu",
  hidden_size: 2048,
  intermediate_size: 10944,
  max_position_embeddings: 4096,
  model_type: "deepseek",
  moe_intermediate_size: 1408,
  moe_layer_freq: 1,
  n_routed_experts: 64,
  n_shared_experts: 2,
  norm_topk_prob: false,
  num_attention_heads: 16,
  num_experts_per_tok: 6,
  num_hidden_layers: 28,
  num_key_value_heads: 16,
  rms_norm_eps: 1e-6,
  rope_scaling: null,
  rope_theta: 10000,
  scoring_func: "softmax",
  tie_word_embeddings: false,
  torch_dtype: "bfloat16",
  vocab_size: 102400,
};

// --- Registry ----------------------------------------------------------------------------------------------

const fromConfig = (name: string, config: object, repo: string): ModelShape => ({
  ...shapeFromConfig(config, `preset:${name} (${repo})`),
  name,
});

const oneBit = (name: string, base: ModelShape): ModelShape => ({
  ...base,
  name,
  weightFormat: "ternary",
  source: `preset:${name} (1-bit ${base.name}, PIM-LLM arXiv 2504.01994)`,
});

const build = (): ReadonlyMap<string, ModelShape> => {
  const gpt2Medium = fromConfig("gpt2-medium", GPT2_MEDIUM, "openai-community/gpt2-medium");
  const gpt2Large = fromConfig("gpt2-large", GPT2_LARGE, "openai-community/gpt2-large");
  const gpt2Xl = fromConfig("gpt2-xl", GPT2_XL, "openai-community/gpt2-xl");
  const opt350 = fromConfig("opt-350m", OPT_350M, "facebook/opt-350m");
  const opt13 = fromConfig("opt-1.3b", OPT_1_3B, "facebook/opt-1.3b");
  const opt27 = fromConfig("opt-2.7b", OPT_2_7B, "facebook/opt-2.7b");
  const opt67 = fromConfig("opt-6.7b", OPT_6_7B, "facebook/opt-6.7b");
  const opt13b = fromConfig("opt-13b", OPT_13B, "facebook/opt-13b");
  const opt30b = fromConfig("opt-30b", OPT_30B, "facebook/opt-30b");
  const opt66b = fromConfig("opt-66b", OPT_66B, "facebook/opt-66b");
  const llama7 = fromConfig("llama-7b", LLAMA_7B, "huggyllama/llama-7b");
  const list: ModelShape[] = [
    fromConfig("llama-3.2-1b", LLAMA_3_2_1B, "meta-llama/Llama-3.2-1B"),
    fromConfig("llama-3-70b", LLAMA_3_70B, "meta-llama/Meta-Llama-3-70B"),
    fromConfig("phi-3-mini-4k-instruct", PHI_3_MINI_4K, "microsoft/Phi-3-mini-4k-instruct"),
    opt350,
    opt13,
    opt27,
    opt67,
    opt13b,
    opt30b,
    opt66b,
    fromConfig("gpt2", GPT2_SMALL, "openai-community/gpt2"),
    gpt2Medium,
    gpt2Large,
    gpt2Xl,
    llama7,
    fromConfig("bitnet-b1.58-2b-4t", BITNET_B158_2B_4T, "microsoft/bitnet-b1.58-2B-4T"),
    oneBit("bitnet-gpt2-350m", gpt2Medium),
    oneBit("bitnet-gpt2-774m", gpt2Large),
    oneBit("bitnet-gpt2-1.5b", gpt2Xl),
    oneBit("bitnet-opt-1.3b", opt13),
    oneBit("bitnet-opt-2.7b", opt27),
    oneBit("bitnet-opt-6.7b", opt67),
    oneBit("bitnet-llama-7b", llama7),
    fromConfig("mixtral-8x7b", MIXTRAL_8X7B, "mistralai/Mixtral-8x7B-v0.1"),
    fromConfig("olmoe-1b-7b", OLMOE_1B_7B, "allenai/OLMoE-1B-7B-0924"),
    fromConfig("deepseek-moe-16b", DEEPSEEK_MOE_16B, "deepseek-ai/deepseek-moe-16b-base"),
  ];
  return new Map(list.map((s) => [s.name, s]));
};

const PRESETS = build();

/** Names of the built-in shapes (lower case). */
export const presetNames = (): readonly string[] => [...PRESETS.keys()];

/** A built-in shape by name (case-insensitive), or undefined. */
export const findPreset = (name: string): ModelShape | undefined => PRESETS.get(name.trim().toLowerCase());

/** A built-in shape by name (case-insensitive); unknown names list the presets in the error. */
export const presetShape = (name: string): ModelShape => {
  const s = findPreset(name);
  if (s === undefined) {
    throw new AimcsimError("ModelError", "model", `unknown preset "${name}"${didYouMean(name, presetNames())} (known: ${presetNames().join(", ")})`);
  }
  return s;
};

/** A preset name (case-insensitive) or a folder holding a Hugging Face config.json. */
export const resolveModelShape = (nameOrFolder: string): ModelShape => {
  const preset = findPreset(nameOrFolder);
  if (preset !== undefined) return preset;
  let isDir = false;
  try {
    isDir = existsSync(nameOrFolder) && statSync(nameOrFolder).isDirectory();
  } catch {
    isDir = false;
  }
  if (isDir) return loadShapeFromFolder(nameOrFolder);
  throw new AimcsimError(
    "ModelError",
    "model",
    `"${nameOrFolder}" is neither a preset nor a folder with a config.json${didYouMean(nameOrFolder, presetNames())} (presets: ${presetNames().join(", ")})`,
  );
};

// --- Parameter count ------------------------------------------------------------------------------------------

export interface ParameterCount {
  /** Token embedding table (vocab x embedding width). */
  readonly embedding: number;
  /** Learned position table (GPT-2: n_positions rows, OPT: max_positions + 2 rows); 0 for RoPE. */
  readonly positions: number;
  /** Weights of the decoder-layer projections (q,k,v,o + MLP) and OPT project_in/out, no biases. */
  readonly projections: number;
  /** Attention part of `projections` (q, k, v, o). */
  readonly attentionProjections: number;
  /** MLP part of `projections`. */
  readonly mlpProjections: number;
  /** Untied lm_head weights (0 when tied to the embedding). */
  readonly head: number;
  /** Projection biases. */
  readonly biases: number;
  /** Norm gains (and LayerNorm biases), sub-norms included. */
  readonly norms: number;
  readonly total: number;
}

/** Parameters of the model, broken down; `total` matches the HF model's parameter count. */
export const parameterCount = (shape: TransformerShape): ParameterCount => {
  const d = shapeDetails(shape);
  const perNorm = shape.norm === "layernorm" ? 2 : 1;
  let attentionProjections = 0;
  let mlpProjections = 0;
  let other = 0;
  let head = 0;
  let biases = 0;
  for (const m of projectionMatrices(shape)) {
    const w = m.inFeatures * m.outFeatures;
    if (m.bias) biases += m.outFeatures;
    if (m.role === "lm_head") head += m.tied ? 0 : w;
    else if (m.role === "q" || m.role === "k" || m.role === "v" || m.role === "o") attentionProjections += w;
    else if (m.role === "project_in" || m.role === "project_out") other += w;
    else mlpProjections += w;
  }
  const moe = moeDetails(shape);
  // OLMoE's q_norm / k_norm span the whole q and k rows (modeling_olmoe.py OlmoeAttention).
  const qkNorms = moe?.fullWidthQkNorm ? (shape.numHeads + shape.numKvHeads) * shape.headDim : 0;
  const layerNorms = 2 * shape.hiddenSize + (d.subNorms ? shape.hiddenSize + shape.intermediateSize : 0) + qkNorms;
  const norms = perNorm * (shape.numLayers * layerNorms + (d.finalNorm ? shape.hiddenSize : 0));
  const embedding = shape.vocabSize * embeddingDim(shape);
  const positions = shape.positional === "learned" ? (shape.maxPositions + d.positionOffset) * shape.hiddenSize : 0;
  const projections = attentionProjections + mlpProjections + other;
  return {
    embedding,
    positions,
    projections,
    attentionProjections,
    mlpProjections,
    head,
    biases,
    norms,
    total: embedding + positions + projections + head + biases + norms,
  };
};

/** Parameters one token activates: the total less the routed experts it is not routed to (E - k of them in every
 *  MoE layer; a layer's experts all have one size, so those of index >= k stand for them); the total for a dense
 *  model. */
export const activeParameterCount = (shape: TransformerShape): number => {
  const total = parameterCount(shape).total;
  const moe = moeDetails(shape);
  if (moe === null) return total;
  let idle = 0;
  for (const m of projectionMatrices(shape)) if (m.expert !== undefined && m.expert >= moe.topK) idle += m.inFeatures * m.outFeatures + (m.bias ? m.outFeatures : 0);
  return total - idle;
};
