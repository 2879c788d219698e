// Hugging Face config.json -> TransformerShape, for the families aimcsim knows: Llama (incl. Llama-3.x
// rope_scaling "llama3"), Phi-3 (fused qkv_proj / gate_up_proj), OPT (learned positions with offset 2,
// optional project_in/out, pre- or post-LayerNorm), GPT-2 (fused Conv1D c_attn) and BitNet b1.58
// (ternary BitLinear projections, ReLU^2 gated MLP, attn_sub_norm / ffn_sub_norm).
//
// Field names and defaults follow the transformers configuration classes:
//   llama:  transformers/models/llama/configuration_llama.py
//   phi3:   transformers/models/phi3/configuration_phi3.py
//   opt:    transformers/models/opt/configuration_opt.py (LayerNorm eps is PyTorch's default 1e-5:
//           modeling_opt.py builds nn.LayerNorm without an eps argument)
//   gpt2:   transformers/models/gpt2/configuration_gpt2.py (n_inner None => 4 * n_embd)
//   bitnet: transformers/models/bitnet/configuration_bitnet.py and modular_bitnet.py (sub-norms:
//           attn_sub_norm over hidden_size before o_proj, ffn_sub_norm over intermediate_size before down_proj)
//
// Every failure is an AimcsimError("ModelError", "<source>#<field>", rule).

import { readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { AimcsimError } from "../errors.ts";
import type { ArchFamily, Llama3RopeScaling, TransformerShape } from "./shape.ts";
import type { MoeDetails, MoeStyle } from "./moe.ts";

/** Details of the block structure that TransformerShape leaves implicit. Shapes built by this module carry
 *  them (ModelShape); for any other TransformerShape, `shapeDetails` derives them from the family. */
export interface ShapeDetails {
  /** "pre": norm -> sublayer -> residual (Llama, GPT-2, OPT >= 1.3B); "post": sublayer -> residual -> norm
   *  (OPT-350m, do_layer_norm_before = false). */
  readonly normPlacement: "pre" | "post";
  /** BitNet b1.58 sub-norms: RMSNorm(hidden) before o_proj and RMSNorm(intermediate) before down_proj. */
  readonly subNorms: boolean;
  /** Final norm before the head (absent for OPT post-LN and OPT with _remove_final_layer_norm). */
  readonly finalNorm: boolean;
  /** Rows of the learned position table before position 0 (OPT: 2, GPT-2: 0; 0 for RoPE models). */
  readonly positionOffset: number;
  /** Sliding-window attention (Phi-3 sliding_window): a query sees at most this many keys, itself included
   *  (transformers masking_utils sliding_window_overlay: kv_idx > q_idx - sliding_window); null = full causal. */
  readonly slidingWindow: number | null;
  /** Rotated dimensions per head (Phi-3 partial_rotary_factor x headDim); headDim for RoPE, 0 for learned. */
  readonly rotaryDim: number;
  /** Bias on q/k/v but not on o_proj (Qwen2: modeling_qwen2.py q/k/v_proj bias=True, o_proj bias=False). */
  readonly qkvBias: boolean;
  /** Per-head RMSNorm of q and k (over head_dim) before RoPE (Qwen3 q_norm/k_norm, Gemma-3). */
  readonly qkNorm: boolean;
  /** Gemma-2/3 block details (null for every other family). */
  readonly gemma: GemmaDetails | null;
  /** Where the shape came from (preset name, config.json path). */
  readonly source: string;
}

/** Gemma-2 (modeling_gemma2.py) and Gemma-3 text (modeling_gemma3.py): embeddings scaled by sqrt(hidden),
 *  RMSNorms that multiply by (1 + weight), a norm after attention and around the MLP (pre/post feed-forward),
 *  scores scaled by query_pre_attn_scalar^-0.5 and optionally soft-capped (cap * tanh(s / cap)), sliding-window
 *  and global layers, soft-capped final logits; Gemma-3 sliding layers use their own RoPE base. */
export interface GemmaDetails {
  readonly attnSoftcap: number | null;
  readonly finalSoftcap: number | null;
  readonly queryPreAttnScalar: number;
  /** Per layer: true for a sliding-window layer (window = slidingWindow), false for global attention. */
  readonly slidingLayers: readonly boolean[];
  /** RoPE base of the sliding layers (Gemma-3 rope_local_base_freq); null: the same as the global layers. */
  readonly localRopeTheta: number | null;
}

/** A TransformerShape with its block-structure details; assignable wherever TransformerShape is expected. */
export interface ModelShape extends TransformerShape, ShapeDetails {
  /** Mixture-of-experts block (src/model/moe.ts); absent for dense models. */
  readonly moe?: MoeDetails;
}

/** Details of any shape: the stored ones for a ModelShape, otherwise the family's defaults. */
export const shapeDetails = (shape: TransformerShape): ShapeDetails => {
  const s = shape as Partial<ModelShape>;
  return {
    normPlacement: s.normPlacement ?? "pre",
    subNorms: s.subNorms ?? shape.family === "bitnet",
    finalNorm: s.finalNorm ?? true,
    positionOffset: s.positionOffset ?? (shape.family === "opt" ? 2 : 0),
    slidingWindow: s.slidingWindow ?? null,
    rotaryDim: s.rotaryDim ?? (shape.positional === "rope" ? shape.headDim : 0),
    qkvBias: s.qkvBias ?? false,
    qkNorm: s.qkNorm ?? false,
    gemma: s.gemma ?? null,
    source: s.source ?? shape.name,
  };
};

// ---------------------------------------------------------------------------------------------------------
// Field readers

type Json = Record<string, unknown>;

const fail = (source: string, field: string, rule: string): never => {
  throw new AimcsimError("ModelError", `${source}#${field}`, rule);
};

const describe = (v: unknown): string => (typeof v === "string" ? `"${v}"` : JSON.stringify(v) ?? String(v));

/** Sanity maxima of config.json integers, ~8x beyond the largest published models (Llama-3.1-405B: 126 layers,
 *  hidden 16384, FFN 53248, 128 heads, vocab 128256; Gemma-3: vocab 262144; Llama-4-Scout: 10M-token context).
 *  Assumption: a value beyond is a corrupt file, and simulating it would not finish (e.g. n_layer 1e9). */
const CONFIG_INT_MAX: Readonly<Record<string, number>> = {
  num_hidden_layers: 1024,
  n_layer: 1024,
  hidden_size: 1 << 18,
  n_embd: 1 << 18,
  word_embed_proj_dim: 1 << 18,
  intermediate_size: 1 << 20,
  ffn_dim: 1 << 20,
  n_inner: 1 << 20,
  num_attention_heads: 4096,
  n_head: 4096,
  num_key_value_heads: 4096,
  head_dim: 1 << 14,
  vocab_size: 1 << 23,
  max_position_embeddings: 1 << 27,
  n_positions: 1 << 27,
  sliding_window: 1 << 27,
  num_local_experts: 4096,
  num_experts: 4096,
  num_experts_per_tok: 4096,
  moe_intermediate_size: 1 << 20,
  shared_expert_intermediate_size: 1 << 20,
  n_routed_experts: 4096,
  n_shared_experts: 4096,
  moe_layer_freq: 1024,
};

class Fields {
  constructor(
    readonly json: Json,
    readonly source: string,
    readonly modelType: string,
  ) {}

  has(field: string): boolean {
    return this.json[field] !== undefined && this.json[field] !== null;
  }

  int(field: string, fallback?: number): number {
    const v = this.json[field];
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      return fail(this.source, field, `missing (required for model_type "${this.modelType}")`);
    }
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
      return fail(this.source, field, `must be a positive integer, got ${describe(v)}`);
    }
    const max = CONFIG_INT_MAX[field];
    if (max !== undefined && v > max) return fail(this.source, field, `${v} is beyond the sanity bound ${max} (a corrupt config.json?)`);
    return v;
  }

  positive(field: string, fallback?: number): number {
    const v = this.json[field];
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      return fail(this.source, field, `missing (required for model_type "${this.modelType}")`);
    }
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      return fail(this.source, field, `must be a positive finite number, got ${describe(v)}`);
    }
    return v;
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.json[field];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "boolean") return fail(this.source, field, `must be true or false, got ${describe(v)}`);
    return v;
  }

  str(field: string, fallback?: string): string {
    const v = this.json[field];
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      return fail(this.source, field, `missing (required for model_type "${this.modelType}")`);
    }
    if (typeof v !== "string") return fail(this.source, field, `must be a string, got ${describe(v)}`);
    return v;
  }
}

const ACTIVATIONS: Record<string, TransformerShape["activation"]> = {
  silu: "silu",
  swish: "silu",
  gelu: "gelu",
  gelu_new: "gelu_new",
  // Same tanh approximation as gelu_new (transformers/activations.py: PytorchGELUTanh).
  gelu_pytorch_tanh: "gelu_new",
  relu: "relu",
  relu2: "relu2",
};

const activation = (f: Fields, field: string, fallback: string): TransformerShape["activation"] => {
  const name = f.str(field, fallback);
  const act = ACTIVATIONS[name];
  if (act === undefined) {
    return fail(f.source, field, `unsupported activation ${describe(name)} (supported: ${Object.keys(ACTIVATIONS).join(", ")})`);
  }
  return act;
};

/** torch_dtype (transformers < 4.56) or dtype (newer); absent => float32, PretrainedConfig's default. */
const weightFormat = (f: Fields): TransformerShape["weightFormat"] => {
  const field = f.has("dtype") ? "dtype" : "torch_dtype";
  const name = f.str(field, "float32");
  switch (name) {
    case "float32":
      return "fp32";
    case "float16":
      return "fp16";
    case "bfloat16":
      return "bf16";
    default:
      return fail(f.source, field, `unsupported dtype ${describe(name)} (supported: float32, float16, bfloat16)`);
  }
};

/** quantization_config.quant_method === "bitnet": BitLinear (ternary) projections, e.g. HF1BitLLM Llama3 1.58. */
const isBitnetQuantized = (json: Json): boolean => {
  const q = json["quantization_config"];
  return typeof q === "object" && q !== null && (q as Json)["quant_method"] === "bitnet";
};

interface RopeSettings {
  readonly theta: number;
  readonly scaling: Llama3RopeScaling | null;
  /** Fraction of each head's dimensions that is rotated (1 unless Phi-3 partial_rotary_factor says less). */
  readonly partialFactor: number;
}

/** The llama3 scaling fields of `r` (a rope_scaling or rope_parameters object); `at` prefixes error paths. */
const llama3Scaling = (f: Fields, r: Json, at: string): Llama3RopeScaling => {
  const sub = new Fields(r, f.source, f.modelType);
  const num = (field: string): number => {
    try {
      return sub.positive(field);
    } catch (e) {
      return fail(f.source, `${at}.${field}`, (e as AimcsimError).rule);
    }
  };
  const originalMaxPositions = num("original_max_position_embeddings");
  if (!Number.isInteger(originalMaxPositions)) {
    return fail(f.source, `${at}.original_max_position_embeddings`, `must be an integer, got ${originalMaxPositions}`);
  }
  const lowFreqFactor = num("low_freq_factor");
  const highFreqFactor = num("high_freq_factor");
  if (!(highFreqFactor > lowFreqFactor)) {
    return fail(f.source, `${at}.high_freq_factor`, `must exceed low_freq_factor (${lowFreqFactor}), got ${highFreqFactor}`);
  }
  return { type: "llama3", factor: num("factor"), lowFreqFactor, highFreqFactor, originalMaxPositions };
};

const partialFactor = (f: Fields, v: unknown, at: string): number => {
  if (v === undefined || v === null) return 1;
  if (typeof v !== "number" || !(v > 0 && v <= 1)) return fail(f.source, at, `must be in (0, 1], got ${describe(v)}`);
  return v;
};

/** RoPE settings from transformers v5 `rope_parameters` ({rope_type, rope_theta, partial_rotary_factor,
 *  llama3 fields}) or, for configs written by transformers 4.x, `rope_theta` + `rope_scaling` (+ top-level
 *  `partial_rotary_factor`). Scaling types other than "default" and "llama3" are refused. */
const ropeSettings = (f: Fields, defaultTheta: number): RopeSettings => {
  const params = f.json["rope_parameters"];
  if (params !== undefined && params !== null) {
    if (typeof params !== "object" || Array.isArray(params)) return fail(f.source, "rope_parameters", `must be an object, got ${describe(params)}`);
    const r = params as Json;
    const sub = new Fields(r, f.source, f.modelType);
    let theta: number;
    try {
      theta = sub.positive("rope_theta", defaultTheta);
    } catch (e) {
      return fail(f.source, "rope_parameters.rope_theta", (e as AimcsimError).rule);
    }
    const kind = r["rope_type"] ?? r["type"] ?? "default";
    let scaling: Llama3RopeScaling | null = null;
    if (kind === "llama3") scaling = llama3Scaling(f, r, "rope_parameters");
    else if (kind !== "default") return fail(f.source, "rope_parameters.rope_type", `unsupported rope type ${describe(kind)} (supported: "default", "llama3")`);
    return { theta, scaling, partialFactor: partialFactor(f, r["partial_rotary_factor"] ?? f.json["partial_rotary_factor"], "rope_parameters.partial_rotary_factor") };
  }
  const theta = f.positive("rope_theta", defaultTheta);
  const partial = partialFactor(f, f.json["partial_rotary_factor"], "partial_rotary_factor");
  const v = f.json["rope_scaling"];
  if (v === undefined || v === null) return { theta, scaling: null, partialFactor: partial };
  if (typeof v !== "object" || Array.isArray(v)) return fail(f.source, "rope_scaling", `must be an object or null, got ${describe(v)}`);
  const r = v as Json;
  const kind = r["rope_type"] ?? r["type"];
  if (kind === "default") return { theta, scaling: null, partialFactor: partial };
  if (kind !== "llama3") {
    return fail(f.source, "rope_scaling.rope_type", `unsupported rope scaling ${describe(kind)} (supported: "llama3")`);
  }
  return { theta, scaling: llama3Scaling(f, r, "rope_scaling"), partialFactor: partial };
};

const headGeometry = (f: Fields, hidden: number, heads: number, kvHeadsField: string | null) => {
  const numKvHeads = kvHeadsField === null ? heads : f.int(kvHeadsField, heads);
  if (heads % numKvHeads !== 0) {
    fail(f.source, kvHeadsField ?? "num_key_value_heads", `must divide the number of attention heads (${heads}), got ${numKvHeads}`);
  }
  let headDim: number;
  if (f.has("head_dim")) {
    headDim = f.int("head_dim");
  } else {
    if (hidden % heads !== 0) {
      fail(f.source, "head_dim", `missing, and hidden size ${hidden} is not divisible by ${heads} heads`);
    }
    headDim = hidden / heads;
  }
  return { numKvHeads, headDim };
};

const nameOf = (json: Json, source: string): string => {
  const n = json["_name_or_path"];
  return typeof n === "string" && n.length > 0 ? n : source;
};

// ---------------------------------------------------------------------------------------------------------
// Families

/** Llama, Phi-3 and BitNet share the Llama decoder layout (RMSNorm, RoPE, gated MLP, GQA). */
/** How a Llama-layout model_type differs from Llama (Qwen2/3, Mistral share the decoder otherwise). */
interface LlamaVariant {
  readonly qkvBias?: boolean;
  readonly qkNorm?: boolean;
  /** Reads sliding_window (Mistral always; Qwen2/3 only with use_sliding_window, refused below). */
  readonly slidingWindow?: "always" | "qwen";
}

const llamaLike = (f: Fields, family: ArchFamily, variant: LlamaVariant = {}): ModelShape => {
  const hidden = f.int("hidden_size");
  const heads = f.int("num_attention_heads");
  const { numKvHeads, headDim } = headGeometry(f, hidden, heads, "num_key_value_heads");
  const isPhi3 = family === "phi3";
  const isBitnet = family === "bitnet";
  const rope = ropeSettings(f, isBitnet ? 500000 : 10000);
  if (!isPhi3 && rope.partialFactor !== 1) {
    fail(f.source, "partial_rotary_factor", `partial rotary embeddings are only supported for phi3, got ${rope.partialFactor}`);
  }
  // modeling_phi3.py: rotary_ndims = int(head_dim * partial_rotary_factor).
  const rotaryDim = Math.floor(headDim * rope.partialFactor);
  // Phi-3 and Mistral read sliding_window (LlamaConfig and BitNetConfig have none); Qwen2/3 only when
  // use_sliding_window is set, and then only for layers >= max_window_layers (not implemented: refused).
  const swPresent = f.has("sliding_window") && f.json["sliding_window"] !== null;
  if (variant.slidingWindow === "qwen" && f.bool("use_sliding_window", false))
    fail(f.source, "use_sliding_window", "Qwen sliding-window layers (use_sliding_window: true) are not implemented");
  const slidingWindow = (isPhi3 || variant.slidingWindow === "always") && swPresent ? f.int("sliding_window") : null;
  return {
    name: nameOf(f.json, f.source),
    family,
    vocabSize: f.int("vocab_size"),
    hiddenSize: hidden,
    intermediateSize: f.int("intermediate_size"),
    numLayers: f.int("num_hidden_layers"),
    numHeads: heads,
    numKvHeads,
    headDim,
    maxPositions: f.int("max_position_embeddings"),
    norm: "rmsnorm",
    normEps: f.positive("rms_norm_eps", isBitnet ? 1e-5 : 1e-6),
    activation: activation(f, "hidden_act", isBitnet ? "relu2" : "silu"),
    gatedMlp: true,
    positional: "rope",
    ropeTheta: rope.theta,
    ropeScaling: rope.scaling,
    tiedEmbeddings: f.bool("tie_word_embeddings", false),
    fusedQkv: isPhi3,
    fusedGateUp: isPhi3,
    attentionBias: f.bool("attention_bias", false),
    mlpBias: f.bool("mlp_bias", false),
    weightFormat: isBitnet || isBitnetQuantized(f.json) ? "ternary" : weightFormat(f),
    wordEmbedProjDim: 0,
    normPlacement: "pre",
    subNorms: isBitnet,
    finalNorm: true,
    positionOffset: 0,
    slidingWindow,
    rotaryDim,
    qkvBias: variant.qkvBias ?? false,
    qkNorm: variant.qkNorm ?? false,
    gemma: null,
    source: f.source,
  };
};

const opt = (f: Fields): ModelShape => {
  const hidden = f.int("hidden_size");
  const heads = f.int("num_attention_heads");
  const { headDim } = headGeometry(f, hidden, heads, null);
  const preNorm = f.bool("do_layer_norm_before", true);
  const bias = f.bool("enable_bias", true);
  return {
    name: nameOf(f.json, f.source),
    family: "opt",
    vocabSize: f.int("vocab_size"),
    hiddenSize: hidden,
    intermediateSize: f.int("ffn_dim"),
    numLayers: f.int("num_hidden_layers"),
    numHeads: heads,
    numKvHeads: heads,
    headDim,
    maxPositions: f.int("max_position_embeddings"),
    norm: "layernorm",
    // PyTorch nn.LayerNorm default; modeling_opt.py passes no eps.
    normEps: 1e-5,
    activation: activation(f, "activation_function", "relu"),
    gatedMlp: false,
    positional: "learned",
    ropeTheta: 0,
    ropeScaling: null,
    tiedEmbeddings: f.bool("tie_word_embeddings", true),
    fusedQkv: false,
    fusedGateUp: false,
    attentionBias: bias,
    mlpBias: bias,
    weightFormat: isBitnetQuantized(f.json) ? "ternary" : weightFormat(f),
    wordEmbedProjDim: f.has("word_embed_proj_dim") ? f.int("word_embed_proj_dim") : 0,
    normPlacement: preNorm ? "pre" : "post",
    subNorms: false,
    // modeling_opt.py: final_layer_norm only when do_layer_norm_before and not _remove_final_layer_norm.
    finalNorm: preNorm && !f.bool("_remove_final_layer_norm", false),
    // modeling_opt.py OPTLearnedPositionalEmbedding: OPT is set up so that if padding_idx is specified then
    // offset the embedding ids by 2 and adjust num_embeddings appropriately.
    positionOffset: 2,
    slidingWindow: null,
    qkvBias: false,
    qkNorm: false,
    gemma: null,
    rotaryDim: 0,
    source: f.source,
  };
};

const gpt2 = (f: Fields): ModelShape => {
  const hidden = f.int("n_embd");
  const heads = f.int("n_head");
  const { headDim } = headGeometry(f, hidden, heads, null);
  return {
    name: nameOf(f.json, f.source),
    family: "gpt2",
    vocabSize: f.int("vocab_size"),
    hiddenSize: hidden,
    intermediateSize: f.has("n_inner") ? f.int("n_inner") : 4 * hidden,
    numLayers: f.int("n_layer"),
    numHeads: heads,
    numKvHeads: heads,
    headDim,
    maxPositions: f.int("n_positions"),
    norm: "layernorm",
    normEps: f.positive("layer_norm_epsilon", 1e-5),
    activation: activation(f, "activation_function", "gelu_new"),
    gatedMlp: false,
    positional: "learned",
    ropeTheta: 0,
    ropeScaling: null,
    tiedEmbeddings: f.bool("tie_word_embeddings", true),
    fusedQkv: true,
    fusedGateUp: false,
    attentionBias: true,
    mlpBias: true,
    weightFormat: isBitnetQuantized(f.json) ? "ternary" : weightFormat(f),
    wordEmbedProjDim: 0,
    normPlacement: "pre",
    subNorms: false,
    finalNorm: true,
    positionOffset: 0,
    slidingWindow: null,
    qkvBias: false,
    qkNorm: false,
    gemma: null,
    rotaryDim: 0,
    source: f.source,
  };
};

const softcap = (f: Fields, field: string): number | null => (f.json[field] === undefined || f.json[field] === null ? null : f.positive(field));

/** Gemma-2 and Gemma-3 text: the Llama projections and MLP with Gemma's norms, scaling and attention pattern. */
const gemma = (f: Fields, version: 2 | 3): ModelShape => {
  const hidden = f.int("hidden_size");
  const heads = f.int("num_attention_heads");
  const { numKvHeads, headDim } = headGeometry(f, hidden, heads, "num_key_value_heads");
  const layers = f.int("num_hidden_layers");
  // RoPE: Gemma-2 rope_theta or rope_parameters; Gemma-3 (transformers 5) rope_parameters per layer type
  let theta: number;
  let localTheta: number | null = null;
  const rp = f.json["rope_parameters"] as Json | null | undefined;
  const typed = rp && typeof rp === "object" && !Array.isArray(rp) && (rp["full_attention"] || rp["sliding_attention"]);
  if (typed) {
    const part = (k: string): number => {
      const r = rp![k] as Json | undefined;
      if (!r) return fail(f.source, `rope_parameters.${k}`, "missing");
      const kind = r["rope_type"] ?? "default";
      if (kind !== "default") return fail(f.source, `rope_parameters.${k}.rope_type`, `unsupported rope type ${describe(kind)} (supported: "default")`);
      return new Fields(r, f.source, f.modelType).positive("rope_theta");
    };
    theta = part("full_attention");
    localTheta = part("sliding_attention");
  } else {
    const rope = ropeSettings(f, 10000);
    if (rope.scaling || rope.partialFactor !== 1) fail(f.source, "rope_scaling", "Gemma rope scaling / partial rotary is not implemented");
    theta = rope.theta;
    if (version === 3) localTheta = f.positive("rope_local_base_freq", 10000);
  }
  // Layer pattern: layer_types when given, else Gemma-2: even layers slide; Gemma-3: every 6th layer is global.
  let slidingLayers: boolean[];
  const lt = f.json["layer_types"];
  if (Array.isArray(lt)) {
    if (lt.length !== layers) fail(f.source, "layer_types", `has ${lt.length} entries for ${layers} layers`);
    slidingLayers = lt.map((t, i) => {
      if (t !== "sliding_attention" && t !== "full_attention") fail(f.source, `layer_types[${i}]`, `must be "sliding_attention" or "full_attention", got ${describe(t)}`);
      return t === "sliding_attention";
    });
  } else {
    const pattern = version === 2 ? 2 : f.int("sliding_window_pattern", 6);
    slidingLayers = Array.from({ length: layers }, (_, i) => (version === 2 ? i % 2 === 0 : (i + 1) % pattern !== 0));
  }
  const win = f.json["sliding_window"] === null || f.json["sliding_window"] === undefined ? null : f.int("sliding_window");
  if (win === null && slidingLayers.some((x) => x)) fail(f.source, "sliding_window", "missing, but layer_types has sliding-window layers");
  return {
    name: nameOf(f.json, f.source),
    family: "llama",
    vocabSize: f.int("vocab_size"),
    hiddenSize: hidden,
    intermediateSize: f.int("intermediate_size"),
    numLayers: layers,
    numHeads: heads,
    numKvHeads,
    headDim,
    maxPositions: f.int("max_position_embeddings"),
    norm: "rmsnorm",
    normEps: f.positive("rms_norm_eps", 1e-6),
    activation: activation(f, "hidden_activation", "gelu_pytorch_tanh"),
    gatedMlp: true,
    positional: "rope",
    ropeTheta: theta,
    ropeScaling: null,
    tiedEmbeddings: f.bool("tie_word_embeddings", true),
    fusedQkv: false,
    fusedGateUp: false,
    attentionBias: f.bool("attention_bias", false),
    mlpBias: false,
    weightFormat: weightFormat(f),
    wordEmbedProjDim: 0,
    normPlacement: "pre",
    subNorms: false,
    finalNorm: true,
    positionOffset: 0,
    slidingWindow: win,
    rotaryDim: headDim,
    qkvBias: false,
    qkNorm: version === 3,
    gemma: {
      attnSoftcap: softcap(f, "attn_logit_softcapping"),
      finalSoftcap: softcap(f, "final_logit_softcapping"),
      queryPreAttnScalar: f.positive("query_pre_attn_scalar", headDim),
      slidingLayers,
      localRopeTheta: localTheta,
    },
    source: f.source,
  };
};

const FAMILIES: Record<string, (f: Fields) => ModelShape> = {
  llama: (f) => llamaLike(f, "llama"),
  phi3: (f) => llamaLike(f, "phi3"),
  bitnet: (f) => llamaLike(f, "bitnet"),
  // Qwen2/2.5 (modeling_qwen2.py): Llama layout with q/k/v bias; Qwen3 (modeling_qwen3.py): q_norm/k_norm;
  // Mistral (modeling_mistral.py): Llama layout with sliding_window. Phi-4 checkpoints are model_type phi3.
  qwen2: (f) => llamaLike(f, "llama", { qkvBias: true, slidingWindow: "qwen" }),
  qwen3: (f) => llamaLike(f, "llama", { qkNorm: true, slidingWindow: "qwen" }),
  mistral: (f) => llamaLike(f, "llama", { slidingWindow: "always" }),
  mixtral: (f) => moeLike(f, "mixtral"),
  olmoe: (f) => moeLike(f, "olmoe"),
  qwen2_moe: (f) => moeLike(f, "qwen2_moe"),
  deepseek: (f) => deepseekMoe(f),
  gemma2: (f) => gemma(f, 2),
  gemma3_text: (f) => gemma(f, 3),
  opt,
  gpt2,
};

// Mixture-of-experts decoders: the Llama layout with a sparse MoE block in place of the MLP.
//   mixtral:   configuration_mixtral.py (num_local_experts, num_experts_per_tok, sliding_window; routing weights
//              always renormalised over the top-k: modeling_mixtral.py MixtralSparseMoeBlock)
//   olmoe:     configuration_olmoe.py (num_experts, num_experts_per_tok, norm_topk_prob, clip_qkv; q_norm/k_norm
//              RMSNorms over the whole q/k rows: modeling_olmoe.py OlmoeAttention)
//   qwen2_moe: configuration_qwen2_moe.py (num_experts, moe_intermediate_size, shared_expert_intermediate_size,
//              norm_topk_prob, decoder_sparse_step, mlp_only_layers; q/k/v bias; shared_expert_gate)
const moeLike = (f: Fields, style: MoeStyle): ModelShape => {
  const base = llamaLike(f, "llama", style === "mixtral" ? { slidingWindow: "always" } : style === "olmoe" ? { qkNorm: true } : { qkvBias: true, slidingWindow: "qwen" });
  const numExperts = f.int(style === "mixtral" ? "num_local_experts" : "num_experts", style === "mixtral" ? 8 : style === "olmoe" ? 64 : 60);
  const topK = f.int("num_experts_per_tok", style === "mixtral" ? 2 : style === "olmoe" ? 8 : 4);
  if (topK > numExperts) fail(f.source, "num_experts_per_tok", `${topK} is more than the ${numExperts} experts`);
  if (style === "olmoe" && f.has("clip_qkv")) fail(f.source, "clip_qkv", "OLMoE q/k/v clipping is not implemented (only clip_qkv: null)");
  if (style === "qwen2_moe") {
    if (f.int("decoder_sparse_step", 1) !== 1) fail(f.source, "decoder_sparse_step", "only 1 (every layer sparse) is implemented");
    const mlpOnly = f.json["mlp_only_layers"];
    if (Array.isArray(mlpOnly) ? mlpOnly.length > 0 : mlpOnly !== undefined && mlpOnly !== null)
      fail(f.source, "mlp_only_layers", "dense layers inside a MoE model are not implemented (only [])");
  }
  const expertIntermediateSize = style === "qwen2_moe" ? f.int("moe_intermediate_size", 1408) : base.intermediateSize;
  const sharedIntermediateSize = style === "qwen2_moe" ? f.int("shared_expert_intermediate_size", 5632) : 0;
  return {
    ...base,
    moe: {
      style,
      numExperts,
      topK,
      expertIntermediateSize,
      normTopkProb: style === "mixtral" ? true : f.bool("norm_topk_prob", false),
      sharedIntermediateSize,
      sharedExpertGate: style === "qwen2_moe" && sharedIntermediateSize > 0,
      fullWidthQkNorm: style === "olmoe",
      expertLoad: null,
      loadSource: "uniform",
    },
  };
};

// DeepSeek-MoE (deepseek-ai/deepseek-moe-16b-base, model_type "deepseek", its configuration_deepseek.py and
// modeling_deepseek.py, trust_remote_code): the Llama decoder with Llama attention (q/k/v/o, no bias) and, in each
// layer from first_k_dense_replace on whose index is a multiple of moe_layer_freq, a MoE block of n_routed_experts
// fine-grained experts (moe_intermediate_size each; mlp.experts.e.{gate,up,down}_proj), a softmax router (mlp.gate,
// scoring_func "softmax", greedy top-k, renormalised when norm_topk_prob) and n_shared_experts always-on shared
// experts fused into one MLP of width n_shared_experts x moe_intermediate_size (mlp.shared_experts.*, no gate);
// the other layers keep the dense MLP of intermediate_size. routed_scaling_factor (DeepSeek-V2's field; 1 when
// absent) scales the routed sum.
const deepseekMoe = (f: Fields): ModelShape => {
  const base = llamaLike(f, "llama");
  if (!f.has("n_routed_experts")) fail(f.source, "n_routed_experts", "missing: a DeepSeek model without routed experts is dense (use model_type llama)");
  const numExperts = f.int("n_routed_experts");
  const topK = f.int("num_experts_per_tok");
  if (topK > numExperts) fail(f.source, "num_experts_per_tok", `${topK} is more than the ${numExperts} experts`);
  const scoring = f.str("scoring_func", "softmax");
  if (scoring !== "softmax") fail(f.source, "scoring_func", `only "softmax" routing is implemented, got ${describe(scoring)}`);
  const topkMethod = f.str("topk_method", "greedy");
  if (topkMethod !== "greedy") fail(f.source, "topk_method", `only "greedy" top-k is implemented (no grouped top-k), got ${describe(topkMethod)}`);
  const nonNegInt = (field: string, fallback: number): number => {
    const v = f.json[field];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 1024) return fail(f.source, field, `must be an integer in [0, 1024], got ${describe(v)}`);
    return v;
  };
  const firstDense = nonNegInt("first_k_dense_replace", 0);
  const freq = f.int("moe_layer_freq", 1);
  const layers = base.numLayers;
  let moeLayers = 0;
  for (let l = firstDense; l < layers; l++) if (l % freq === 0) moeLayers++;
  if (moeLayers === 0) fail(f.source, "first_k_dense_replace", `leaves no MoE layer among the ${layers} layers (moe_layer_freq ${freq})`);
  const expertIntermediateSize = f.int("moe_intermediate_size");
  const shared = nonNegInt("n_shared_experts", 0);
  return {
    ...base,
    moe: {
      style: "deepseek",
      numExperts,
      topK,
      expertIntermediateSize,
      normTopkProb: f.bool("norm_topk_prob", false),
      sharedIntermediateSize: shared * expertIntermediateSize,
      sharedExpertGate: false,
      fullWidthQkNorm: false,
      expertLoad: null,
      loadSource: "uniform",
      firstDenseLayers: firstDense,
      layerFreq: freq,
      routedScalingFactor: f.positive("routed_scaling_factor", 1),
    },
  };
};

/** model_type values refused by name, with the reason. */
const REFUSED_MODEL_TYPES: Readonly<Record<string, string>> = {
  deepseek_v2:
    "DeepSeek-V2 uses multi-head latent attention (MLA: kv_lora_rank, q_lora_rank, compressed KV cache), which aimcsim does not model; only DeepSeek-MoE with standard attention (model_type deepseek) is supported",
  deepseek_v3:
    "DeepSeek-V3 uses multi-head latent attention (MLA: kv_lora_rank, q_lora_rank, compressed KV cache) and grouped sigmoid routing, which aimcsim does not model; only DeepSeek-MoE with standard attention (model_type deepseek) is supported",
};

/** Supported config.json model_type values. */
export const SUPPORTED_MODEL_TYPES: readonly string[] = Object.keys(FAMILIES);

/** Parses a Hugging Face config.json (already JSON-decoded). `source` names the file in errors. */
export const shapeFromConfig = (json: unknown, source: string): ModelShape => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return fail(source, "", `must be a JSON object, got ${Array.isArray(json) ? "an array" : describe(json)}`);
  }
  const obj = json as Json;
  const modelType = obj["model_type"];
  if (typeof modelType !== "string") {
    return fail(source, "model_type", `missing or not a string (supported: ${SUPPORTED_MODEL_TYPES.join(", ")})`);
  }
  const refused = REFUSED_MODEL_TYPES[modelType];
  if (refused !== undefined) return fail(source, "model_type", `${describe(modelType)} is not supported: ${refused}`);
  const family = FAMILIES[modelType];
  if (family === undefined) {
    return fail(source, "model_type", `unknown model_type ${describe(modelType)} (supported: ${SUPPORTED_MODEL_TYPES.join(", ")})`);
  }
  return family(new Fields(obj, source, modelType));
};

/** Reads `<dir>/config.json`. The shape is named after `_name_or_path`, else the folder name. */
export const loadShapeFromFolder = (dir: string): ModelShape => {
  const file = join(dir, "config.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "read error";
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      isDir = false;
    }
    throw new AimcsimError(
      "ModelError",
      file,
      isDir ? `cannot read config.json (${code})` : `${dir} is not a folder (${code})`,
      { cause: e },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AimcsimError("ModelError", file, `not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const shape = shapeFromConfig(json, file);
  const named = typeof (json as Json)["_name_or_path"] === "string" && (json as Json)["_name_or_path"] !== "";
  return named ? shape : { ...shape, name: basename(resolve(dir)) };
};
