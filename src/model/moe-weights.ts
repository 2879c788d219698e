// The tensors of one mixture-of-experts block (router, routed experts, shared expert and its gate), read from a
// checkpoint in either expert layout:
//   - one [out x in] matrix per expert and projection, as on the Hub and as transformers 5.17 save_pretrained
//     writes (Mixtral `block_sparse_moe.experts.e.w1/w3/w2`, OLMoE / Qwen2-MoE `mlp.experts.e.gate_proj/up_proj/
//     down_proj`; projections.ts moeTensorNames);
//   - transformers 5's fused 3-D parameters of its in-memory modules (`mlp.experts.gate_up_proj` [E x 2F x H]: rows
//     [0, F) of expert e are its gate, rows [F, 2F) its up, as `linear(x, gate_up_proj[e]).chunk(2, dim=-1)`;
//     `mlp.experts.down_proj` [E x H x F]), with the router at `mlp.gate`.
// Each expert's matrices become LinearWeights named by the per-expert names, whatever the layout, so reports,
// placement and learned input ranges name an expert the same way.

import { AimcsimError } from "../errors.ts";
import type { LinearWeight } from "../formats/tensors.ts";
import type { MoeDetails } from "./moe.ts";
import { moeProjections, moeTensorNames, type ProjectionMatrix } from "./projections.ts";
import type { TransformerShape } from "./shape.ts";

export interface ExpertWeights {
  readonly gate: LinearWeight; // [F x H]
  readonly up: LinearWeight; // [F x H]
  readonly down: LinearWeight; // [H x F]
}

export interface MoeLayerWeights {
  /** Router [E x H] (bias-free). */
  readonly router: LinearWeight;
  /** Routed experts in index order. */
  readonly experts: readonly ExpertWeights[];
  /** Qwen2-MoE's always-active shared expert, or null. */
  readonly shared: ExpertWeights | null;
  /** Qwen2-MoE's shared_expert_gate [1 x H]: the shared output is scaled by sigmoid of it; null without one. */
  readonly sharedGate: LinearWeight | null;
  /** "per-expert" or "fused" (transformers 5 gate_up_proj / down_proj), as read. */
  readonly layout: "per-expert" | "fused";
}

/** What the checkpoint builder lends the MoE reader: its tensor access and its linear-weight constructor (which
 *  checks shapes against config.json and appends to the model's projection list). */
export interface MoeTensorAccess {
  readonly has: (name: string) => boolean;
  readonly get: (name: string, dims: readonly number[]) => { readonly data: Float32Array };
  readonly linear: (name: string, outF: number, inF: number) => LinearWeight;
  readonly push: (w: LinearWeight) => void;
}

/** Reads layer `l`'s MoE block. */
export function loadMoeLayer(moe: MoeDetails, l: number, H: number, t: MoeTensorAccess): MoeLayerWeights {
  const names = moeTensorNames(moe, l);
  const E = moe.numExperts;
  const F = moe.expertIntermediateSize;
  // transformers 5 modules put the block at `mlp` for every family (Mixtral's was `block_sparse_moe`)
  const v5 = `model.layers.${l}.mlp`;
  const fused = t.has(`${v5}.experts.gate_up_proj`) || t.has(`${names.router.slice(0, -".gate".length)}.experts.gate_up_proj`);
  let router: LinearWeight;
  const experts: ExpertWeights[] = [];
  if (!fused) {
    router = t.linear(names.router, E, H);
    for (let e = 0; e < E; e++) {
      const n = names.expert(e);
      experts.push({ gate: t.linear(n.gate, F, H), up: t.linear(n.up, F, H), down: t.linear(n.down, H, F) });
    }
  } else {
    const b = t.has(`${v5}.experts.gate_up_proj`) ? v5 : names.router.slice(0, -".gate".length);
    router = t.linear(t.has(`${b}.gate.weight`) ? `${b}.gate` : names.router, E, H);
    const gu = t.get(`${b}.experts.gate_up_proj`, [E, 2 * F, H]).data;
    const dn = t.get(`${b}.experts.down_proj`, [E, H, F]).data;
    for (let e = 0; e < E; e++) {
      const n = names.expert(e);
      const o = e * 2 * F * H;
      const w = (name: string, outF: number, inF: number, data: Float32Array): LinearWeight => {
        const lw: LinearWeight = { name, outFeatures: outF, inFeatures: inF, data, bias: null };
        t.push(lw);
        return lw;
      };
      experts.push({
        gate: w(n.gate, F, H, gu.subarray(o, o + F * H)),
        up: w(n.up, F, H, gu.subarray(o + F * H, o + 2 * F * H)),
        down: w(n.down, H, F, dn.subarray(e * H * F, (e + 1) * H * F)),
      });
    }
  }
  let shared: ExpertWeights | null = null;
  if (names.shared) {
    const S = moe.sharedIntermediateSize;
    shared = { gate: t.linear(names.shared.gate, S, H), up: t.linear(names.shared.up, S, H), down: t.linear(names.shared.down, H, S) };
  }
  const sharedGate = names.sharedGate ? t.linear(names.sharedGate, 1, H) : null;
  return { router, experts, shared, sharedGate, layout: fused ? "fused" : "per-expert" };
}

/** The op-graph matrix (projections.ts, with its role, layer, expert index and shared flag) of every MoE weight of
 *  a loaded model, so a chip's placement rule (mapping.experts) can be applied to the weights the numerics run. */
export function moeWeightMatrices(
  shape: TransformerShape,
  moe: MoeDetails,
  layers: readonly { readonly moe?: MoeLayerWeights | null }[],
): Map<LinearWeight, ProjectionMatrix> {
  const out = new Map<LinearWeight, ProjectionMatrix>();
  layers.forEach((L, l) => {
    const W = L.moe;
    if (!W) return;
    const ps = moeProjections(shape, moe, l);
    const find = (pred: (m: ProjectionMatrix) => boolean, what: string): ProjectionMatrix => {
      const m = ps.find(pred);
      if (!m) throw new AimcsimError("ModelError", `layer ${l}`, `the op graph has no ${what} matrix for this MoE block (internal inconsistency)`);
      return m;
    };
    out.set(W.router, find((m) => m.role === "router", "router"));
    W.experts.forEach((x, e) => {
      for (const role of ["gate", "up", "down"] as const) out.set(x[role], find((m) => m.expert === e && m.role === role, `expert ${e} ${role}`));
    });
    if (W.shared) for (const role of ["gate", "up", "down"] as const) out.set(W.shared[role], find((m) => m.shared === true && m.role === role, `shared ${role}`));
    if (W.sharedGate) out.set(W.sharedGate, find((m) => m.role === "shared_gate", "shared_expert_gate"));
  });
  return out;
}
