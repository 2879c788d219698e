// The mixture-of-experts forward pass (src/numerics/moe.ts) against transformers 5.17 fp32 logits, for the
// fixtures made by test/numerics/forward-hf-fixtures/make_moe_fixtures.py (random Mixtral / OLMoE / Qwen2-MoE, and
// the trained models/tiny-mixtral-wordnet): a prefill of 2 x 16 tokens, and a KV-cache decode of tokens 12..15
// after a 12-token prefill (transformers' own cache, reference "decode_logits"). Mutations of the routing (no
// renormalisation where the family renormalises, renormalisation where it does not, no shared-expert gate) must
// move the logits far beyond the tolerance. Both expert layouts (per-expert matrices; transformers 5's fused
// gate_up_proj / down_proj) load to the same model.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildModel, loadModel, type LoadedModel } from "../../src/model/checkpoint.ts";
import { readSafetensors } from "../../src/model/safetensors.ts";
import { exactBackend } from "../../src/numerics/backend.ts";
import { createSession, forwardLogits } from "../../src/numerics/forward.ts";
import { moeDetails, type MoeDetails } from "../../src/model/moe.ts";
import { moeTensorNames } from "../../src/model/projections.ts";
import { AimcsimError } from "../../src/errors.ts";

const FIX = "test/numerics/forward-hf-fixtures";
const CASES: Array<[string, string]> = [
  ["mixtral (8 experts, top-2, always renormalised)", `${FIX}/mixtral-moe`],
  ["olmoe (norm_topk_prob false, full-width q/k norms)", `${FIX}/olmoe-moe`],
  ["qwen2-moe (norm_topk_prob true, shared expert with sigmoid gate, q/k/v bias, tied)", `${FIX}/qwen2-moe`],
  ["trained tiny-mixtral-wordnet (bf16 checkpoint)", "models/tiny-mixtral-wordnet"],
];

interface Ref {
  seqs: number[][];
  prefix: number;
  logits: Float32Array;
  decode: Float32Array;
}

const refs = new Map<string, Ref>();
async function reference(dir: string): Promise<Ref> {
  const hit = refs.get(dir);
  if (hit) return hit;
  const inp = JSON.parse(readFileSync(`${dir}/reference/inputs.json`, "utf8")) as { sequences: number[][]; decode_prefix: number };
  const t = await readSafetensors(`${dir}/reference/logits.safetensors`);
  const r = { seqs: inp.sequences, prefix: inp.decode_prefix, logits: t.get("logits")!.data, decode: t.get("decode_logits")!.data };
  refs.set(dir, r);
  return r;
}

function prefillError(model: LoadedModel, r: Ref): number {
  let m = 0;
  let off = 0;
  for (const s of r.seqs) {
    const l = forwardLogits(model, exactBackend, Int32Array.from(s));
    for (let i = 0; i < l.length; i++) m = Math.max(m, Math.abs(l[i]! - r.logits[off + i]!));
    off += l.length;
  }
  return m;
}

const withMoe = (model: LoadedModel, patch: Partial<MoeDetails>): LoadedModel => ({
  ...model,
  shape: { ...model.shape, moe: { ...moeDetails(model.shape)!, ...patch } } as LoadedModel["shape"],
});

describe("MoE forward pass matches transformers fp32 logits within 1e-4", () => {
  for (const [label, dir] of CASES) {
    it(label, async () => {
      const model = await loadModel(dir);
      const r = await reference(dir);
      const V = model.shape.vocabSize;
      expect(moeDetails(model.shape)).not.toBeNull();
      expect(r.logits.length).toBe(r.seqs.length * r.seqs[0]!.length * V);
      expect(prefillError(model, r)).toBeLessThan(1e-4);
      // KV-cache decode against transformers' own cached decode
      const s0 = r.seqs[0]!;
      const sess = createSession(model, exactBackend);
      sess.prefill(Int32Array.from(s0.slice(0, r.prefix)));
      let dec = 0;
      for (let t = r.prefix; t < s0.length; t++) {
        const row = sess.step(s0[t]!);
        for (let v = 0; v < V; v++) dec = Math.max(dec, Math.abs(row[v]! - r.decode[(t - r.prefix) * V + v]!));
      }
      expect(r.decode.length).toBe((s0.length - r.prefix) * V);
      expect(dec).toBeLessThan(1e-4);
    });
  }
});

describe("routing mutations are caught by the references", () => {
  it("Mixtral without renormalised top-k weights, OLMoE with them, Qwen2-MoE without: each far off", async () => {
    for (const dir of [`${FIX}/mixtral-moe`, `${FIX}/olmoe-moe`, `${FIX}/qwen2-moe`]) {
      const model = await loadModel(dir);
      const r = await reference(dir);
      const norm = moeDetails(model.shape)!.normTopkProb;
      expect(prefillError(model, r)).toBeLessThan(1e-4);
      expect(prefillError(withMoe(model, { normTopkProb: !norm }), r)).toBeGreaterThan(1e-2);
    }
  });

  it("Qwen2-MoE without its shared-expert sigmoid gate, or with top-1 routing: far off", async () => {
    const dir = `${FIX}/qwen2-moe`;
    const model = await loadModel(dir);
    const r = await reference(dir);
    const ungated: LoadedModel = {
      ...model,
      layout: { ...model.layout, layers: model.layout.layers.map((L) => ({ ...L, moe: { ...L.moe!, sharedGate: null } })) },
    };
    expect(prefillError(ungated, r)).toBeGreaterThan(1e-2);
    expect(prefillError(withMoe(model, { topK: 1 }), r)).toBeGreaterThan(1e-2);
  });
});

/** The same checkpoint in transformers 5's fused in-memory layout: mlp.gate (router), mlp.experts.gate_up_proj
 *  [E x 2F x H] (gate rows then up rows per expert), mlp.experts.down_proj [E x H x F]. */
function fuse(model: LoadedModel): { data: Map<string, Float32Array>; shapes: Map<string, readonly number[]> } {
  const moe = moeDetails(model.shape)!;
  const data = new Map(model.tensors);
  const shapes = new Map(model.tensorShapes);
  const { hiddenSize: H } = model.shape;
  const E = moe.numExperts, F = moe.expertIntermediateSize;
  for (let l = 0; l < model.shape.numLayers; l++) {
    const n = moeTensorNames(moe, l);
    const b = `model.layers.${l}.mlp`;
    const gu = new Float32Array(E * 2 * F * H);
    const dn = new Float32Array(E * H * F);
    for (let e = 0; e < E; e++) {
      const x = n.expert(e);
      gu.set(data.get(`${x.gate}.weight`)!, e * 2 * F * H);
      gu.set(data.get(`${x.up}.weight`)!, e * 2 * F * H + F * H);
      dn.set(data.get(`${x.down}.weight`)!, e * H * F);
      for (const k of [x.gate, x.up, x.down]) {
        data.delete(`${k}.weight`);
        shapes.delete(`${k}.weight`);
      }
    }
    const router = data.get(`${n.router}.weight`)!;
    data.delete(`${n.router}.weight`);
    shapes.delete(`${n.router}.weight`);
    data.set(`${b}.gate.weight`, router);
    shapes.set(`${b}.gate.weight`, [E, H]);
    data.set(`${b}.experts.gate_up_proj`, gu);
    shapes.set(`${b}.experts.gate_up_proj`, [E, 2 * F, H]);
    data.set(`${b}.experts.down_proj`, dn);
    shapes.set(`${b}.experts.down_proj`, [E, H, F]);
  }
  return { data, shapes };
}

describe("both expert layouts", () => {
  it("fused gate_up_proj / down_proj gives bit-identical logits to per-expert matrices (Mixtral, Qwen2-MoE)", async () => {
    for (const dir of [`${FIX}/mixtral-moe`, `${FIX}/qwen2-moe`]) {
      const model = await loadModel(dir);
      expect(model.layout.layers[0]!.moe!.layout).toBe("per-expert");
      const { data, shapes } = fuse(model);
      expect([...data.keys()].some((k) => /experts\.\d+\./.test(k))).toBe(false);
      const fused = buildModel(model.shape, model.config, data, shapes, `${dir} (fused)`);
      expect(fused.layout.layers[1]!.moe!.layout).toBe("fused");
      // experts keep their per-expert names, so placement and reports name them the same way
      expect(fused.linears.map((w) => w.name).filter((n) => n.includes("experts.3."))).toEqual(model.linears.map((w) => w.name).filter((n) => n.includes("experts.3.")));
      const ids = Int32Array.from((await reference(dir)).seqs[0]!);
      expect(forwardLogits(fused, exactBackend, ids)).toEqual(forwardLogits(model, exactBackend, ids));
    }
  });

  it("a fused tensor of the wrong shape, or a missing expert, is a CheckpointError naming the tensor", async () => {
    const model = await loadModel(`${FIX}/mixtral-moe`);
    const { data, shapes } = fuse(model);
    shapes.set("model.layers.1.mlp.experts.gate_up_proj", [8, 32, 64]);
    const err = (() => {
      try {
        buildModel(model.shape, model.config, data, shapes, "x");
      } catch (e) {
        return e as AimcsimError;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(AimcsimError);
    expect(err!.message).toMatch(/model\.layers\.1\.mlp\.experts\.gate_up_proj: shape \[8,32,64\] disagrees with config\.json, which implies \[8,64,64\]/);
    const missing = new Map(model.tensors);
    missing.delete("model.layers.0.block_sparse_moe.experts.5.w3.weight");
    expect(() => buildModel(model.shape, model.config, missing, model.tensorShapes, "y")).toThrow(/block_sparse_moe\.experts\.5\.w3\.weight: missing/);
  });
});
