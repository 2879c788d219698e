// The one table of Hugging Face tensor names per model family (transformers' modeling_*.py state dicts).
// The projection list (projections.ts: op names, parameter count, crossbar mapping) and the checkpoint
// loader (checkpoint.ts) both read it, so a tensor is named in one place. Names are without ".weight".
import type { ArchFamily } from "./shape.ts";

/** Tensor names of one decoder layer. A family that lacks a tensor still names where it would be; the
 *  shape flags (fusedQkv, gatedMlp, fusedGateUp, subNorms) say which ones a checkpoint has. */
export interface LayerTensorNames {
  readonly attnNorm: string;
  readonly q: string;
  readonly k: string;
  readonly v: string;
  /** Fused [q; k; v] (Phi-3 qkv_proj, GPT-2 c_attn). */
  readonly qkv: string;
  readonly o: string;
  /** BitNet's norm before o_proj. */
  readonly attnSubNorm: string;
  /** Gemma's norms before and after the MLP (its post_attention_layernorm follows attention). */
  readonly preFfnNorm: string;
  readonly postFfnNorm: string;
  /** Qwen3's per-head norms of q and k. */
  readonly qNorm: string;
  readonly kNorm: string;
  readonly mlpNorm: string;
  readonly gate: string;
  readonly up: string;
  /** Fused [gate; up] (Phi-3 gate_up_proj). */
  readonly gateUp: string;
  readonly down: string;
  /** BitNet's norm before down_proj. */
  readonly ffnSubNorm: string;
  /** Non-gated MLP: first and second matrix (OPT fc1/fc2, GPT-2 c_fc/c_proj). */
  readonly fc1: string;
  readonly fc2: string;
}

export interface TensorNames {
  readonly embed: string;
  /** Learned position embedding (GPT-2, OPT), or null. */
  readonly positions: string | null;
  readonly finalNorm: string;
  /** OPT-350m's projections between the embedding width and the hidden size. */
  readonly projectIn: string;
  readonly projectOut: string;
  readonly lmHead: string;
  layer(l: number): LayerTensorNames;
}

/** The tensor names of `family`. `root` replaces the family's top-level prefix ("transformer." for GPT-2,
 *  which Hub safetensors of GPT-2 often omit); other families keep their fixed "model." prefix. */
export function hfTensorNames(family: ArchFamily, opts: { readonly root?: string } = {}): TensorNames {
  switch (family) {
    case "gpt2": {
      const r = opts.root ?? "transformer.";
      return {
        embed: `${r}wte`,
        positions: `${r}wpe`,
        finalNorm: `${r}ln_f`,
        projectIn: `${r}project_in`,
        projectOut: `${r}project_out`,
        lmHead: "lm_head",
        layer: (l) => {
          const p = `${r}h.${l}`;
          return {
            attnNorm: `${p}.ln_1`, q: `${p}.attn.q_proj`, k: `${p}.attn.k_proj`, v: `${p}.attn.v_proj`, qkv: `${p}.attn.c_attn`, o: `${p}.attn.c_proj`,
            attnSubNorm: `${p}.attn.attn_sub_norm`, qNorm: `${p}.attn.q_norm`, kNorm: `${p}.attn.k_norm`, mlpNorm: `${p}.ln_2`,
            preFfnNorm: `${p}.pre_feedforward_layernorm`, postFfnNorm: `${p}.post_feedforward_layernorm`,
            gate: `${p}.mlp.gate_proj`, up: `${p}.mlp.up_proj`, gateUp: `${p}.mlp.gate_up_proj`, down: `${p}.mlp.down_proj`, ffnSubNorm: `${p}.mlp.ffn_sub_norm`,
            fc1: `${p}.mlp.c_fc`, fc2: `${p}.mlp.c_proj`,
          };
        },
      };
    }
    case "opt": {
      const r = "model.decoder";
      return {
        embed: `${r}.embed_tokens`,
        positions: `${r}.embed_positions`,
        finalNorm: `${r}.final_layer_norm`,
        projectIn: `${r}.project_in`,
        projectOut: `${r}.project_out`,
        lmHead: "lm_head",
        layer: (l) => {
          const p = `${r}.layers.${l}`;
          return {
            attnNorm: `${p}.self_attn_layer_norm`, q: `${p}.self_attn.q_proj`, k: `${p}.self_attn.k_proj`, v: `${p}.self_attn.v_proj`, qkv: `${p}.self_attn.qkv_proj`, o: `${p}.self_attn.out_proj`,
            attnSubNorm: `${p}.self_attn.attn_sub_norm`, qNorm: `${p}.self_attn.q_norm`, kNorm: `${p}.self_attn.k_norm`, mlpNorm: `${p}.final_layer_norm`,
            preFfnNorm: `${p}.pre_feedforward_layernorm`, postFfnNorm: `${p}.post_feedforward_layernorm`,
            gate: `${p}.gate_proj`, up: `${p}.up_proj`, gateUp: `${p}.gate_up_proj`, down: `${p}.down_proj`, ffnSubNorm: `${p}.ffn_sub_norm`,
            fc1: `${p}.fc1`, fc2: `${p}.fc2`,
          };
        },
      };
    }
    case "llama":
    case "phi3":
    case "bitnet":
      return {
        embed: "model.embed_tokens",
        positions: null,
        finalNorm: "model.norm",
        projectIn: "model.project_in",
        projectOut: "model.project_out",
        lmHead: "lm_head",
        layer: (l) => {
          const p = `model.layers.${l}`;
          return {
            attnNorm: `${p}.input_layernorm`, q: `${p}.self_attn.q_proj`, k: `${p}.self_attn.k_proj`, v: `${p}.self_attn.v_proj`, qkv: `${p}.self_attn.qkv_proj`, o: `${p}.self_attn.o_proj`,
            attnSubNorm: `${p}.self_attn.attn_sub_norm`, qNorm: `${p}.self_attn.q_norm`, kNorm: `${p}.self_attn.k_norm`, mlpNorm: `${p}.post_attention_layernorm`,
            preFfnNorm: `${p}.pre_feedforward_layernorm`, postFfnNorm: `${p}.post_feedforward_layernorm`,
            gate: `${p}.mlp.gate_proj`, up: `${p}.mlp.up_proj`, gateUp: `${p}.mlp.gate_up_proj`, down: `${p}.mlp.down_proj`, ffnSubNorm: `${p}.mlp.ffn_sub_norm`,
            fc1: `${p}.mlp.fc1`, fc2: `${p}.mlp.fc2`,
          };
        },
      };
  }
}
