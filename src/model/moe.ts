// Mixture-of-experts details of a shape (Mixtral, OLMoE, Qwen2-MoE, DeepSeek-MoE: fine-grained routed experts,
// always-on shared experts, dense first layers) and the expected load of each expert.
//
// Routing as in transformers (modeling_mixtral.py MixtralSparseMoeBlock, modeling_olmoe.py OlmoeSparseMoeBlock,
// modeling_qwen2_moe.py Qwen2MoeSparseMoeBlock): router logits = gate(x) (a bias-free [E x H] linear), softmax
// over all E experts, the top-k kept, renormalised to sum 1 when norm_topk_prob (Mixtral always), and each
// token's output is the weighted sum of its k experts' gated MLPs; Qwen2-MoE adds a shared expert MLP whose output
// is scaled by sigmoid(shared_expert_gate(x)).
//
// Expert load: the fraction of the routed token slots (tokens x k) each expert receives, per layer. Default
// uniform (1/E each, what an auxiliary load-balancing loss aims for); `zipfLoad` gives a skewed default; a
// router-statistics JSON file gives measured counts (`readRouterStats`). The op graph turns the load into integer
// token counts per expert with `expertTokenCounts` (systematic sampling of tokens x k slots at a phase that moves
// with the layer and the pass's context, `routingPhase`), so op counts are exact integers, sum to tokens x k x
// (3 H F) expert MACs, and over many decode steps each expert's share of the slots converges to its load (a
// batch-1 top-2 step picks different experts at different steps and layers, not always experts 0 and 1).

import { readFileSync } from "node:fs";
import { AimcsimError } from "../errors.ts";
import type { TransformerShape } from "./shape.ts";

export type MoeStyle = "mixtral" | "olmoe" | "qwen2_moe" | "deepseek";

export interface MoeDetails {
  /** Which transformers block (tensor names, routing details). */
  readonly style: MoeStyle;
  /** Routed experts per layer (num_local_experts / num_experts). */
  readonly numExperts: number;
  /** Experts each token is routed to (num_experts_per_tok). */
  readonly topK: number;
  /** Intermediate width of one routed expert's gated MLP. */
  readonly expertIntermediateSize: number;
  /** Renormalise the top-k routing weights to sum 1 (Mixtral: always; OLMoE / Qwen2-MoE: norm_topk_prob). */
  readonly normTopkProb: boolean;
  /** Intermediate width of the always-active shared expert (0: none). */
  readonly sharedIntermediateSize: number;
  /** Qwen2-MoE: the shared expert's output is scaled by sigmoid(shared_expert_gate(x)) ([1 x H] linear). */
  readonly sharedExpertGate: boolean;
  /** OLMoE: q_norm / k_norm are RMSNorms over the whole q (heads x headDim) and k (kvHeads x headDim) rows. */
  readonly fullWidthQkNorm: boolean;
  /** Per layer, each expert's share of the routed token slots (sums to 1); null: uniform. */
  readonly expertLoad: readonly (readonly number[])[] | null;
  /** Where the load came from ("uniform", "zipf s=1.2", a file path). */
  readonly loadSource: string;
  /** DeepSeek-MoE first_k_dense_replace: layers 0 .. k-1 keep the dense MLP (intermediate_size); default 0. */
  readonly firstDenseLayers?: number;
  /** DeepSeek-MoE moe_layer_freq: of the layers from firstDenseLayers on, those with index % freq == 0 are MoE,
   *  the others dense; default 1 (every layer). */
  readonly layerFreq?: number;
  /** DeepSeek routed_scaling_factor: the routed experts' weighted sum is multiplied by it (folded into the
   *  combine's per-slot weight, so it costs no extra op); default 1. */
  readonly routedScalingFactor?: number;
}

/** Whether decoder layer `l` holds the MoE block (DeepSeek-MoE modeling_deepseek.py DeepseekDecoderLayer:
 *  n_routed_experts set and layer_idx >= first_k_dense_replace and layer_idx % moe_layer_freq == 0); every layer
 *  for Mixtral, OLMoE and Qwen2-MoE. */
export const isMoeLayer = (moe: MoeDetails, l: number): boolean => l >= (moe.firstDenseLayers ?? 0) && l % (moe.layerFreq ?? 1) === 0;

/** The MoE details of a shape, or null for a dense model. */
export const moeDetails = (shape: TransformerShape): MoeDetails | null => (shape as { readonly moe?: MoeDetails }).moe ?? null;

const bad = (where: string, rule: string): never => {
  throw new AimcsimError("ModelError", where, rule);
};

/** Each expert's load in `layer` (fractions summing to 1). */
export const layerLoad = (moe: MoeDetails, layer: number): readonly number[] => {
  const l = moe.expertLoad?.[layer];
  return l ?? new Array<number>(moe.numExperts).fill(1 / moe.numExperts);
};

/** The load each expert can actually take when every token picks `topK` distinct experts: no expert can hold
 *  more than 1/k of the routed slots (one slot per token). Water-filling: shares above 1/k are cut to 1/k and
 *  the excess goes to the other experts in proportion to their load (evenly when all of them have load 0). The
 *  result sums to 1 and equals `load` whenever no share exceeds 1/k. */
export const routableLoad = (topK: number, load: readonly number[]): number[] => {
  const E = load.length;
  const cap = 1 / topK;
  const out = new Array<number>(E).fill(0);
  const fixed = new Array<boolean>(E).fill(false);
  let mass = 1;
  for (;;) {
    let free = 0;
    let freeCount = 0;
    for (let e = 0; e < E; e++) {
      if (fixed[e]) continue;
      free += load[e]!;
      freeCount++;
    }
    let capped = false;
    for (let e = 0; e < E; e++) {
      if (fixed[e]) continue;
      const share = free > 0 ? (mass * load[e]!) / free : mass / freeCount;
      if (share > cap) {
        out[e] = cap;
        fixed[e] = true;
        mass -= cap;
        capped = true;
      }
    }
    if (!capped) {
      for (let e = 0; e < E; e++) if (!fixed[e]) out[e] = free > 0 ? (mass * load[e]!) / free : mass / freeCount;
      return out;
    }
  }
};

/** The phase in [0, 1) of the routed-slot allocation of `layer` at a pass that starts after `context` cached
 *  tokens: a Weyl (additive golden-ratio) sequence in the context, shifted by layer, so consecutive decode steps
 *  and prefill chunks of one layer take equidistributed phases, and the layers of one step take different ones.
 *  Deterministic; it stands in for which experts the router picks at that step. */
export const routingPhase = (layer: number, context: number): number => {
  const x = context * 0.6180339887498949 + layer * 0.4142135623730951;
  return x - Math.floor(x);
};

/** Slack for the cumulative sums' rounding: a boundary that is an integer in exact arithmetic stays there. */
const ROUNDING = 1e-9;

/** Integer tokens per expert for `slots` = tokens x k routed slots: systematic sampling of the routable load
 *  (`routableLoad`) at `phase` in [0, 1): slot j (0-based) goes to the expert whose cumulative-load interval
 *  holds (phase + j) / slots. Each count is the floor or the ceiling of slots x share (up to rounding at a phase
 *  within 1e-9 of a slot boundary), the counts sum to exactly
 *  `slots`, no expert gets more than `tokens` (a token picks an expert at most once), and averaged over phases
 *  spread evenly over [0, 1) (`routingPhase` over steps) each count equals slots x share exactly, so no expert is
 *  favoured by its index. */
export const expertTokenCounts = (tokens: number, topK: number, load: readonly number[], phase = 0): number[] => {
  const slots = tokens * topK;
  const share = routableLoad(topK, load);
  const E = share.length;
  const counts = new Array<number>(E).fill(0);
  let cum = 0;
  let last = E - 1; // the last expert with a share takes the slots up to the end (cumulative sums round)
  while (last > 0 && share[last]! === 0) last--;
  let prev = 0; // ceil(slots x C_0 - phase) = 0 for phase in [0, 1)
  for (let e = 0; e < E; e++) {
    cum += share[e]!;
    const b = e >= last ? slots : share[e]! === 0 ? prev : Math.min(slots, Math.max(prev, Math.ceil(slots * cum - phase - ROUNDING)));
    counts[e] = b - prev;
    prev = b;
  }
  // Rounding guard (floating-point cumulative sums): a count above `tokens` hands its excess to the next experts.
  for (let e = 0; e < E; e++) {
    let j = e;
    while (counts[e]! > tokens) {
      j = (j + 1) % E;
      if (counts[j]! < tokens) {
        counts[e]!--;
        counts[j]!++;
      }
    }
  }
  return counts;
};

/** Zipf-skewed load: expert e (0-based) gets a share proportional to 1 / (e + 1)^s. */
export const zipfLoad = (numExperts: number, s: number): number[] => {
  if (!(Number.isFinite(s) && s >= 0 && s <= 10)) bad("expertLoad", `Zipf exponent must be a number in [0, 10], got ${s}`);
  const w = Array.from({ length: numExperts }, (_, e) => 1 / (e + 1) ** s);
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / sum);
};

/** Normalises non-negative counts to fractions; `where` names the source for errors. */
const normalise = (counts: unknown, numExperts: number, where: string): number[] => {
  if (!Array.isArray(counts)) return bad(where, "must be an array of per-expert counts");
  if (counts.length !== numExperts) return bad(where, `must have one count per expert (${numExperts}), got ${counts.length}`);
  let sum = 0;
  counts.forEach((c, e) => {
    if (typeof c !== "number" || !Number.isFinite(c) || c < 0) bad(`${where}[${e}]`, `must be a finite number >= 0, got ${JSON.stringify(c)}`);
    sum += c as number;
  });
  if (sum <= 0) return bad(where, "counts sum to 0 (no token routed)");
  return (counts as number[]).map((c) => c / sum);
};

/** Parses router statistics: {"experts": [count per expert]} (every layer) or {"layers": [[count per expert],
 *  one row per layer]}. Counts are routed token slots (any scale; they are normalised). */
export const parseRouterStats = (json: unknown, moe: MoeDetails, numLayers: number, source: string): number[][] => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return bad(source, 'must be a JSON object with "experts" or "layers"');
  const o = json as Record<string, unknown>;
  if (o["layers"] !== undefined) {
    const rows = o["layers"];
    if (!Array.isArray(rows) || rows.length !== numLayers) return bad(`${source}#layers`, `must be an array of ${numLayers} rows (one per layer)`);
    return rows.map((r, l) => normalise(r, moe.numExperts, `${source}#layers[${l}]`));
  }
  if (o["experts"] !== undefined) {
    const row = normalise(o["experts"], moe.numExperts, `${source}#experts`);
    return Array.from({ length: numLayers }, () => row);
  }
  return bad(source, 'must have "experts" (one row for every layer) or "layers" (one row per layer)');
};

/** The shape with its expert load set: "uniform", "zipf:S", or a router-statistics JSON file. */
export const withExpertLoad = <S extends TransformerShape>(shape: S, spec: string): S => {
  const moe = moeDetails(shape);
  if (moe === null) return bad("expertLoad", `${shape.name} is not a mixture-of-experts model`);
  let load: number[][] | null;
  if (spec === "uniform") load = null;
  else if (spec.startsWith("zipf:")) {
    const s = Number(spec.slice(5));
    const row = zipfLoad(moe.numExperts, s);
    load = Array.from({ length: shape.numLayers }, () => row);
  } else {
    let text: string;
    try {
      text = readFileSync(spec, "utf8");
    } catch (e) {
      return bad(spec, `cannot read the router-statistics file (${(e as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return bad(spec, `is not valid JSON (${(e as Error).message})`);
    }
    load = parseRouterStats(json, moe, shape.numLayers, spec);
  }
  return { ...shape, moe: { ...moe, expertLoad: load, loadSource: spec } };
};

/** Experts of `layer` ordered by load, most loaded first (ties: lower index first). */
export const expertsByLoad = (moe: MoeDetails, layer: number): number[] => {
  const l = layerLoad(moe, layer);
  return [...l.keys()].sort((a, b) => l[b]! - l[a]! || a - b);
};
