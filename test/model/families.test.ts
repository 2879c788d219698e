// Config import of the families added by issue 16 (Qwen2/3, Mistral, Phi-4 as phi3), from the config.json files
// transformers 5.17 wrote for the fixtures in test/numerics/forward-hf-fixtures/ (their logits are checked in
// test/numerics/forward-reference.test.ts).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { shapeFromConfig, type ModelShape } from "../../src/model/config.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { buildPrefillGraph } from "../../src/model/opgraph.ts";
import { layerProjections } from "../../src/model/projections.ts";

const cfg = (name: string) => JSON.parse(readFileSync(`test/numerics/forward-hf-fixtures/${name}/config.json`, "utf8")) as Record<string, unknown>;
const shape = (name: string) => shapeFromConfig(cfg(name), `${name}/config.json`) as ModelShape;

describe("config import of Qwen2/3, Mistral and Phi-4", () => {
  it("reads each family's distinguishing settings", () => {
    const q2 = shape("qwen2");
    expect([q2.family, q2.qkvBias, q2.attentionBias, q2.qkNorm, q2.tiedEmbeddings, q2.slidingWindow]).toEqual(["llama", true, false, false, true, null]);
    const q3 = shape("qwen3");
    expect([q3.qkNorm, q3.qkvBias, q3.headDim, q3.numHeads * q3.headDim === q3.hiddenSize]).toEqual([true, false, 8, false]);
    const m = shape("mistral");
    expect([m.slidingWindow, m.qkvBias, m.qkNorm, m.tiedEmbeddings]).toEqual([5, false, false, false]);
    const p4 = shape("phi4-mini");
    expect([p4.family, p4.rotaryDim, p4.tiedEmbeddings]).toEqual(["phi3", 12, true]);
  });

  it("refuses Qwen sliding-window layers (use_sliding_window) by name", () => {
    for (const name of ["qwen2", "qwen3"]) {
      try {
        shapeFromConfig({ ...cfg(name), use_sliding_window: true, sliding_window: 8 }, "c.json");
        expect.unreachable();
      } catch (e) {
        expect(isAimcsimError(e) && e.message).toMatch(/use_sliding_window/);
      }
    }
    // Mistral with sliding_window null attends to everything
    expect(shapeFromConfig({ ...cfg("mistral"), sliding_window: null }, "c.json").slidingWindow).toBeNull();
  });
});

describe("Gemma-2/3 config import and op graph", () => {
  it("reads layer types, soft-capping, the query scale and Gemma-3's local RoPE base", () => {
    const g2 = shape("gemma2");
    expect(g2.gemma).toEqual({ attnSoftcap: 20, finalSoftcap: 15, queryPreAttnScalar: 12, slidingLayers: [true, false, true], localRopeTheta: null });
    expect([g2.slidingWindow, g2.activation, g2.tiedEmbeddings, g2.qkNorm]).toEqual([5, "gelu_new", true, false]);
    const g3 = shape("gemma3");
    expect(g3.gemma).toEqual({ attnSoftcap: null, finalSoftcap: null, queryPreAttnScalar: 12, slidingLayers: [true, false, true], localRopeTheta: 10000 });
    expect([g3.ropeTheta, g3.qkNorm]).toEqual([1000000, true]);
    // without layer_types: Gemma-2 alternates (even layers slide), Gemma-3 makes every 6th layer global
    const { layer_types: _a, ...c2 } = cfg("gemma2");
    expect(shapeFromConfig({ ...c2, num_hidden_layers: 4 }, "c").gemma!.slidingLayers).toEqual([true, false, true, false]);
    const { layer_types: _b, ...c3 } = cfg("gemma3");
    expect(shapeFromConfig({ ...c3, num_hidden_layers: 7 }, "c").gemma!.slidingLayers).toEqual([true, true, true, true, true, false, true]);
    expect(() => shapeFromConfig({ ...cfg("gemma2"), layer_types: ["sliding_attention"] }, "c")).toThrow(/layer_types/);
  });

  it("op graphs carry the families' extra norms, per-layer attention extents and Qwen2's q/k/v bias", () => {
    const g = buildPrefillGraph(shape("gemma2"), { batch: 1, promptTokens: 16 });
    const names = g.ops.map((o) => o.name);
    expect(names).toContain("L0.post_attn_norm");
    expect(names).toContain("L0.post_ffn_norm");
    const score = (l: number) => g.ops.find((o) => o.name === `L${l}.attn_score`)!;
    // 16 queries: a 5-key window sees 1+2+3+4+5*12 = 70 keys, global causal attention 136
    expect(score(0).macs / score(1).macs).toBeCloseTo(70 / 136, 12);
    const q3 = buildPrefillGraph(shape("qwen3"), { batch: 1, promptTokens: 4 }).ops.map((o) => o.name);
    expect(q3).toContain("L1.q_norm");
    expect(q3).toContain("L1.k_norm");
    const p = layerProjections(shape("qwen2"), 0);
    expect(p.filter((x) => x.bias).map((x) => x.role)).toEqual(["q", "k", "v"]);
  });
});
