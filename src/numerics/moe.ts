// The sparse mixture-of-experts block of the forward pass, matching transformers 5.17 fp32:
//   router   modeling_mixtral.py MixtralTopKRouter (also OLMoE, Qwen2-MoE): logits = gate(x); softmax over all E
//            experts in fp32; top-k; divided by their sum when the family renormalises (Mixtral always; OLMoE and
//            Qwen2-MoE when norm_topk_prob).
//   experts  MixtralExperts: for each expert hit, in ascending expert index, its tokens in ascending order:
//            down(act(gate(x)) * up(x)) * weight, index_add-ed into a zero output (so a token's output is the fp32 sum
//            of its experts' terms in expert-index order).
//   shared   Qwen2MoeSparseMoeBlock: out += sigmoid(shared_expert_gate(x)) * shared_expert(x).
// Every matrix (router, experts, shared expert, its gate) goes through backend.linear, so a chip's placement
// (analog or digital per expert) is whatever the backend holds; a routed expert runs only on the tokens routed to it.
// Scratch is sized once for `cap` tokens; the per-chunk loops allocate nothing.

import type { LinearBackend, LinearWeight } from "./backend.ts";
import type { MoeDetails } from "../model/moe.ts";
import type { ExpertWeights, MoeLayerWeights } from "../model/moe-weights.ts";
import { activate } from "./forward.ts";

export class MoeRunner {
  private readonly E: number;
  private readonly k: number;
  private readonly F: number;
  private readonly S: number;
  private readonly probs: Float32Array;
  private readonly topIdx: Int32Array;
  private readonly topW: Float32Array;
  private readonly tokens: Int32Array;
  private readonly tokW: Float32Array;
  private readonly xe: Float32Array;
  private readonly ge: Float32Array;
  private readonly ue: Float32Array;
  private readonly ye: Float32Array;
  private readonly sg: Float32Array;

  constructor(
    private readonly moe: MoeDetails,
    private readonly backend: LinearBackend,
    private readonly H: number,
    private readonly act: string,
    cap: number,
  ) {
    this.E = moe.numExperts;
    this.k = moe.topK;
    this.F = moe.expertIntermediateSize;
    this.S = moe.sharedIntermediateSize;
    const W = Math.max(this.F, this.S);
    this.probs = new Float32Array(cap * this.E);
    this.topIdx = new Int32Array(cap * this.k);
    this.topW = new Float32Array(cap * this.k);
    this.tokens = new Int32Array(cap);
    this.tokW = new Float32Array(cap);
    this.xe = new Float32Array(cap * this.H);
    this.ge = new Float32Array(cap * W);
    this.ue = new Float32Array(cap * W);
    this.ye = new Float32Array(cap * this.H);
    this.sg = new Float32Array(cap);
  }

  /** out[count x H] = the MoE block applied to h[count x H]. */
  run(W: MoeLayerWeights, h: Float32Array, count: number, out: Float32Array): void {
    const { E, k, H } = this;
    this.route(W, h, count);
    out.fill(0, 0, count * H);
    for (let e = 0; e < E; e++) {
      // the tokens routed to e, ascending, with their routing weights
      let n = 0;
      for (let t = 0; t < count; t++)
        for (let j = 0; j < k; j++)
          if (this.topIdx[t * k + j] === e) {
            this.tokens[n] = t;
            this.tokW[n] = this.topW[t * k + j]!;
            n++;
          }
      if (n === 0) continue;
      for (let i = 0; i < n; i++) {
        const so = this.tokens[i]! * H, d = i * H;
        for (let c = 0; c < H; c++) this.xe[d + c] = h[so + c]!;
      }
      this.mlp(W.experts[e]!, this.xe, n, this.F, this.ye);
      for (let i = 0; i < n; i++) {
        const w = this.tokW[i]!;
        const oo = this.tokens[i]! * H, d = i * H;
        for (let c = 0; c < H; c++) out[oo + c] = out[oo + c]! + Math.fround(this.ye[d + c]! * w);
      }
    }
    if (W.shared) {
      this.mlp(W.shared, h, count, this.S, this.ye);
      if (W.sharedGate) {
        this.backend.linear(W.sharedGate, h, count, this.sg);
        for (let t = 0; t < count; t++) {
          const g = Math.fround(1 / (1 + Math.exp(-this.sg[t]!)));
          for (let c = 0; c < H; c++) this.ye[t * H + c] = this.ye[t * H + c]! * g;
        }
      }
      for (let i = 0; i < count * H; i++) out[i] = out[i]! + this.ye[i]!;
    }
  }

  /** Router softmax (fp32) and top-k per token, renormalised when the family does. */
  private route(W: MoeLayerWeights, h: Float32Array, count: number): void {
    this.backend.linear(W.router, h, count, this.probs);
    for (let t = 0; t < count; t++) routeToken(this.probs, t * this.E, this.E, this.k, this.moe.normTopkProb, this.topIdx, this.topW, t * this.k);
  }

  /** out[n x H] = down(act(gate(x)) * up(x)) for one expert of width `width`. */
  private mlp(X: ExpertWeights, x: Float32Array, n: number, width: number, out: Float32Array): void {
    this.backend.linear(X.gate, x, n, this.ge);
    this.backend.linear(X.up, x, n, this.ue);
    const act = this.act;
    for (let i = 0; i < n * width; i++) this.ue[i] = Math.fround(activate(act, this.ge[i]!)) * this.ue[i]!;
    this.backend.linear(X.down, this.ue, n, out);
  }
}

/**
 * One token's routing: router logits p[o .. o + E) become softmax probabilities in place (fp32), and its top-k
 * experts (largest first; ties to the lower index) and their weights are written to idx/w[at .. at + k),
 * renormalised to sum 1 when `norm`.
 */
export function routeToken(p: Float32Array, o: number, E: number, k: number, norm: boolean, idx: Int32Array, w: Float32Array, at: number): void {
  let mx = -Infinity;
  for (let e = 0; e < E; e++) if (p[o + e]! > mx) mx = p[o + e]!;
  let sum = 0;
  for (let e = 0; e < E; e++) {
    const x = Math.fround(Math.exp(p[o + e]! - mx));
    p[o + e] = x;
    sum += x;
  }
  const s = Math.fround(sum);
  for (let e = 0; e < E; e++) p[o + e] = p[o + e]! / s;
  let total = 0;
  for (let j = 0; j < k; j++) {
    let best = -1;
    let bv = -Infinity;
    for (let e = 0; e < E; e++) {
      let taken = false;
      for (let i = 0; i < j; i++) if (idx[at + i] === e) taken = true;
      if (!taken && p[o + e]! > bv) {
        bv = p[o + e]!;
        best = e;
      }
    }
    idx[at + j] = best;
    w[at + j] = bv;
    total = Math.fround(total + bv);
  }
  if (norm) for (let j = 0; j < k; j++) w[at + j] = w[at + j]! / total;
}

/**
 * A backend that computes like `inner` and counts, per MoE layer and expert, the routed token slots of every
 * router call it sees (the same top-k as the forward pass). `counts()` gives them as router statistics
 * ({"layers": [[slots per expert], one row per layer]}, the format `run --expert-load` reads).
 */
export function routerCountingBackend(inner: LinearBackend, moe: MoeDetails, layers: readonly { readonly moe?: MoeLayerWeights | null }[]) {
  const layerOf = new Map<LinearWeight, number>();
  layers.forEach((L, l) => {
    if (L.moe) layerOf.set(L.moe.router, l);
  });
  const E = moe.numExperts, k = moe.topK;
  const counts = layers.map(() => new Array<number>(E).fill(0));
  const row = new Float32Array(E);
  const idx = new Int32Array(k);
  const w = new Float32Array(k);
  const backend: LinearBackend = {
    label: inner.label,
    linear(weight, x, tokens, out) {
      inner.linear(weight, x, tokens, out);
      const l = layerOf.get(weight);
      if (l === undefined) return;
      for (let t = 0; t < tokens; t++) {
        for (let e = 0; e < E; e++) row[e] = out[t * E + e]!;
        routeToken(row, 0, E, k, false, idx, w, 0);
        for (let j = 0; j < k; j++) counts[l]![idx[j]!]!++;
      }
    },
  };
  return { backend, counts: () => counts.map((r) => [...r]) };
}
