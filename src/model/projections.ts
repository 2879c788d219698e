// The projection (weight x activation) matrices of a transformer, one record per LOGICAL matrix
// (q, k, v, o, gate, up, down, fc1, fc2, lm_head, OPT project_in/out), each naming the Hugging Face tensor
// that stores it. Where the checkpoint fuses several logical matrices into one tensor (Phi-3 qkv_proj and
// gate_up_proj, GPT-2 c_attn), `slice` says which output features of that tensor the logical matrix is.
// The op graph (opgraph.ts), the parameter count (presets.ts) and the crossbar mapping (src/mapping) all
// read this one list, so they agree on names and sizes.

import { shapeDetails } from "./config.ts";
import { hfTensorNames } from "./hf-names.ts";
import type { TransformerShape } from "./shape.ts";
import { isMoeLayer, moeDetails, type MoeDetails } from "./moe.ts";

export type ProjectionRole =
  | "q"
  | "k"
  | "v"
  | "o"
  | "gate"
  | "up"
  | "down"
  | "fc1"
  | "fc2"
  | "lm_head"
  | "project_in"
  | "project_out"
  // Mixture of experts: the router ([E x H] gate) and Qwen2-MoE's shared_expert_gate ([1 x H]).
  | "router"
  | "shared_gate";

/** Output features [outStart, outEnd) of a fused HF tensor that a logical matrix occupies. */
export interface WeightSlice {
  readonly outStart: number;
  readonly outEnd: number;
  /** Output features of the whole fused tensor. */
  readonly fusedOut: number;
}

export interface ProjectionMatrix {
  /** Logical name, also the op name in the graph: "L3.q_proj", "lm_head", "project_in". */
  readonly name: string;
  readonly role: ProjectionRole;
  /** Decoder layer; -1 for the head and OPT's project_in/out. */
  readonly layer: number;
  /** HF tensor name without ".weight" (e.g. "model.layers.3.self_attn.q_proj"). */
  readonly weight: string;
  /** Present when `weight` is a fused tensor holding more than this matrix. */
  readonly slice?: WeightSlice;
  /** GPT-2 stores Conv1D weights as [in, out]; everything else as nn.Linear [out, in]. */
  readonly storage: "linear" | "conv1d";
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bias: boolean;
  /** lm_head tied to the token embedding (same tensor as `weight`). */
  readonly tied: boolean;
  /** Mixture of experts: the routed expert this gate/up/down matrix belongs to (0-based). */
  readonly expert?: number;
  /** Mixture of experts: a matrix of the always-active shared expert. */
  readonly shared?: boolean;
}

/** HF tensor names (without ".weight") of a MoE block of layer `l`: router, expert e's gate/up/down, shared expert. */
export const moeTensorNames = (moe: MoeDetails, l: number) => {
  const p = `model.layers.${l}`;
  if (moe.style === "mixtral") {
    // modeling_mixtral.py (transformers < 5 checkpoints, as on the Hub): block_sparse_moe.gate, experts.e.w1 (gate),
    // w3 (up), w2 (down).
    const b = `${p}.block_sparse_moe`;
    return { router: `${b}.gate`, expert: (e: number) => ({ gate: `${b}.experts.${e}.w1`, up: `${b}.experts.${e}.w3`, down: `${b}.experts.${e}.w2` }), shared: null, sharedGate: null };
  }
  const b = `${p}.mlp`;
  // DeepSeek-MoE (modeling_deepseek.py DeepseekMoE): the n_shared_experts are one MLP named shared_experts
  const sh = moe.style === "deepseek" ? "shared_experts" : "shared_expert";
  return {
    router: `${b}.gate`,
    expert: (e: number) => ({ gate: `${b}.experts.${e}.gate_proj`, up: `${b}.experts.${e}.up_proj`, down: `${b}.experts.${e}.down_proj` }),
    shared: moe.sharedIntermediateSize > 0 ? { gate: `${b}.${sh}.gate_proj`, up: `${b}.${sh}.up_proj`, down: `${b}.${sh}.down_proj` } : null,
    sharedGate: moe.sharedExpertGate ? `${b}.shared_expert_gate` : null,
  };
};

/** The MoE block's matrices of layer `l`: router, each expert's gate/up/down, the shared expert (and its gate). */
export const moeProjections = (shape: TransformerShape, moe: MoeDetails, layer: number): ProjectionMatrix[] => {
  const h = shape.hiddenSize;
  const names = moeTensorNames(moe, layer);
  const L = `L${layer}`;
  const base = { layer, tied: false, storage: "linear", bias: false } as const;
  const out: ProjectionMatrix[] = [{ ...base, name: `${L}.router`, role: "router", weight: names.router, inFeatures: h, outFeatures: moe.numExperts }];
  const F = moe.expertIntermediateSize;
  for (let e = 0; e < moe.numExperts; e++) {
    const n = names.expert(e);
    const X = `${L}.experts.${e}`;
    out.push({ ...base, name: `${X}.gate_proj`, role: "gate", weight: n.gate, inFeatures: h, outFeatures: F, expert: e });
    out.push({ ...base, name: `${X}.up_proj`, role: "up", weight: n.up, inFeatures: h, outFeatures: F, expert: e });
    out.push({ ...base, name: `${X}.down_proj`, role: "down", weight: n.down, inFeatures: F, outFeatures: h, expert: e });
  }
  if (names.shared) {
    const S = moe.sharedIntermediateSize;
    const X = `${L}.shared_expert`;
    out.push({ ...base, name: `${X}.gate_proj`, role: "gate", weight: names.shared.gate, inFeatures: h, outFeatures: S, shared: true });
    out.push({ ...base, name: `${X}.up_proj`, role: "up", weight: names.shared.up, inFeatures: h, outFeatures: S, shared: true });
    out.push({ ...base, name: `${X}.down_proj`, role: "down", weight: names.shared.down, inFeatures: S, outFeatures: h, shared: true });
  }
  if (names.sharedGate) out.push({ ...base, name: `${L}.shared_expert_gate`, role: "shared_gate", weight: names.sharedGate, inFeatures: h, outFeatures: 1, shared: true });
  return out;
};

/** HF tensor name of the token embedding table. */
export const embeddingWeightName = (shape: TransformerShape): string => hfTensorNames(shape.family).embed;

/** The projection matrices of one decoder layer, in dataflow order. */
export const layerProjections = (shape: TransformerShape, layer: number): ProjectionMatrix[] => {
  const h = shape.hiddenSize;
  const f = shape.intermediateSize;
  const qOut = shape.numHeads * shape.headDim;
  const kvOut = shape.numKvHeads * shape.headDim;
  const n = hfTensorNames(shape.family).layer(layer);
  const L = `L${layer}`;
  const ab = shape.attentionBias;
  const mb = shape.mlpBias;
  const base = { layer, tied: false } as const;
  const out: ProjectionMatrix[] = [];

  // Attention input projections.
  if (shape.fusedQkv) {
    const fused = qOut + 2 * kvOut;
    const weight = n.qkv;
    const storage = shape.family === "gpt2" ? "conv1d" : "linear";
    const parts: [ProjectionRole, number, number][] = [
      ["q", 0, qOut],
      ["k", qOut, qOut + kvOut],
      ["v", qOut + kvOut, fused],
    ];
    for (const [role, s, e] of parts) {
      out.push({ ...base, name: `${L}.${role}_proj`, role, weight, slice: { outStart: s, outEnd: e, fusedOut: fused }, storage, inFeatures: h, outFeatures: e - s, bias: ab });
    }
  } else {
    // Qwen2: q/k/v carry a bias even where o_proj does not
    const qb = ab || shapeDetails(shape).qkvBias;
    out.push({ ...base, name: `${L}.q_proj`, role: "q", weight: n.q, storage: "linear", inFeatures: h, outFeatures: qOut, bias: qb });
    out.push({ ...base, name: `${L}.k_proj`, role: "k", weight: n.k, storage: "linear", inFeatures: h, outFeatures: kvOut, bias: qb });
    out.push({ ...base, name: `${L}.v_proj`, role: "v", weight: n.v, storage: "linear", inFeatures: h, outFeatures: kvOut, bias: qb });
  }
  // Attention output projection.
  out.push({ ...base, name: `${L}.o_proj`, role: "o", weight: n.o, storage: shape.family === "gpt2" ? "conv1d" : "linear", inFeatures: qOut, outFeatures: h, bias: ab });

  // MLP (or the mixture-of-experts block in its place).
  const moe = moeDetails(shape);
  if (moe !== null && isMoeLayer(moe, layer)) {
    out.push(...moeProjections(shape, moe, layer));
  } else if (shape.gatedMlp) {
    if (shape.fusedGateUp) {
      // Phi-3 (modeling_phi3.py Phi3MLP): gate, up = gate_up_proj(x).chunk(2): gate is the first half.
      const weight = n.gateUp;
      out.push({ ...base, name: `${L}.gate_proj`, role: "gate", weight, slice: { outStart: 0, outEnd: f, fusedOut: 2 * f }, storage: "linear", inFeatures: h, outFeatures: f, bias: mb });
      out.push({ ...base, name: `${L}.up_proj`, role: "up", weight, slice: { outStart: f, outEnd: 2 * f, fusedOut: 2 * f }, storage: "linear", inFeatures: h, outFeatures: f, bias: mb });
    } else {
      out.push({ ...base, name: `${L}.gate_proj`, role: "gate", weight: n.gate, storage: "linear", inFeatures: h, outFeatures: f, bias: mb });
      out.push({ ...base, name: `${L}.up_proj`, role: "up", weight: n.up, storage: "linear", inFeatures: h, outFeatures: f, bias: mb });
    }
    out.push({ ...base, name: `${L}.down_proj`, role: "down", weight: n.down, storage: "linear", inFeatures: f, outFeatures: h, bias: mb });
  } else {
    const conv = shape.family === "gpt2";
    out.push({ ...base, name: `${L}.fc1`, role: "fc1", weight: n.fc1, storage: conv ? "conv1d" : "linear", inFeatures: h, outFeatures: f, bias: mb });
    out.push({ ...base, name: `${L}.fc2`, role: "fc2", weight: n.fc2, storage: conv ? "conv1d" : "linear", inFeatures: f, outFeatures: h, bias: mb });
  }
  return out;
};

/** True when OPT projects the embeddings (word_embed_proj_dim set and different from hidden_size). */
export const hasEmbedProjection = (shape: TransformerShape): boolean =>
  shape.family === "opt" && shape.wordEmbedProjDim > 0 && shape.wordEmbedProjDim !== shape.hiddenSize;

/** Width of the token embedding rows (OPT: word_embed_proj_dim when it projects). */
export const embeddingDim = (shape: TransformerShape): number => (hasEmbedProjection(shape) ? shape.wordEmbedProjDim : shape.hiddenSize);

/** OPT-350m style project_in (embedding -> hidden), or null. */
export const projectIn = (shape: TransformerShape): ProjectionMatrix | null =>
  hasEmbedProjection(shape)
    ? { name: "project_in", role: "project_in", layer: -1, tied: false, weight: hfTensorNames(shape.family).projectIn, storage: "linear", inFeatures: shape.wordEmbedProjDim, outFeatures: shape.hiddenSize, bias: false }
    : null;

/** OPT-350m style project_out (hidden -> embedding width), or null. */
export const projectOut = (shape: TransformerShape): ProjectionMatrix | null =>
  hasEmbedProjection(shape)
    ? { name: "project_out", role: "project_out", layer: -1, tied: false, weight: hfTensorNames(shape.family).projectOut, storage: "linear", inFeatures: shape.hiddenSize, outFeatures: shape.wordEmbedProjDim, bias: false }
    : null;

/** The output head. When tied, its weight is the token embedding tensor. */
export const lmHead = (shape: TransformerShape): ProjectionMatrix => ({
  name: "lm_head",
  role: "lm_head",
  layer: -1,
  weight: shape.tiedEmbeddings ? embeddingWeightName(shape) : "lm_head",
  storage: "linear",
  inFeatures: embeddingDim(shape),
  outFeatures: shape.vocabSize,
  bias: false,
  tied: shape.tiedEmbeddings,
});

/** Every projection matrix of the model in dataflow order: project_in, layers 0..N-1, project_out, lm_head. */
export const projectionMatrices = (shape: TransformerShape): ProjectionMatrix[] => {
  const out: ProjectionMatrix[] = [];
  const pin = projectIn(shape);
  if (pin) out.push(pin);
  for (let l = 0; l < shape.numLayers; l++) out.push(...layerProjections(shape, l));
  const pout = projectOut(shape);
  if (pout) out.push(pout);
  out.push(lmHead(shape));
  return out;
};
