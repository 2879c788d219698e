import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AimcsimError } from "../../src/errors.ts";
import { shapeDetails } from "../../src/model/config.ts";
import { buildDecodeGraph, buildPrefillGraph, graphTotals, kvCacheBytes, type ModelOpGraph } from "../../src/model/opgraph.ts";
import type { OpClass, OpKind } from "../../src/model/ops.ts";
import { presetShape } from "../../src/model/presets.ts";
import { lmHead, projectionMatrices } from "../../src/model/projections.ts";
import type { TransformerShape } from "../../src/model/shape.ts";
import { arbShape } from "./arbitraries.ts";

const CLASS: Record<OpKind, OpClass> = {
  projection: "projection",
  "attn-score": "attention",
  softmax: "attention",
  "attn-value": "attention",
  rope: "attention",
  "kv-read": "attention",
  "kv-write": "attention",
  norm: "other",
  activation: "other",
  elementwise: "other",
  embedding: "other",
};

const checkStructure = (g: ModelOpGraph): void => {
  // Plain checks (not expect) inside the per-op loop: these run for every op of hundreds of graphs.
  const fail = (msg: string): never => {
    throw new Error(msg);
  };
  const names = new Set<string>();
  g.ops.forEach((op, i) => {
    if (op.id !== i) fail(`op ${op.name} has id ${op.id} at index ${i}`);
    for (const d of op.deps) if (!(d >= 0 && d < op.id)) fail(`${op.name} depends on ${d}, not an earlier op`);
    if (op.opClass !== CLASS[op.kind]) fail(`${op.name}: class ${op.opClass} for kind ${op.kind}`);
    if (names.has(op.name)) fail(`duplicate op name ${op.name}`);
    names.add(op.name);
    if (op.kind === "projection" && op.macs !== op.m * op.k * op.n) fail(`${op.name}: macs != m k n`);
  });
  // Every op except the last (lm_head) and the KV writes feeds something: the graph is connected dataflow.
  const used = new Set(g.ops.flatMap((o) => o.deps));
  for (const op of g.ops.slice(0, -1)) if (op.kind !== "kv-write" && !used.has(op.id)) fail(`${op.name} feeds nothing`);
  expect(g.ops.at(-1)!.name).toBe("lm_head");
};

/** Sum of in x out over the decoder-layer (and OPT project_in) projections: the per-token projection MACs. */
const bodyMacsPerToken = (s: TransformerShape): number =>
  projectionMatrices(s)
    .filter((m) => m.role !== "lm_head" && m.role !== "project_out")
    .reduce((a, m) => a + m.inFeatures * m.outFeatures, 0);
/** Brute force: keys seen by the queries at positions context..context+T-1 (causal, optional window). */
const keysSeen = (s: TransformerShape, context: number, T: number): number => {
  const w = shapeDetails(s).slidingWindow ?? Infinity;
  let n = 0;
  for (let p = context; p < context + T; p++) n += Math.min(p + 1, w);
  return n;
};
const headMacsPerToken = (s: TransformerShape): number =>
  projectionMatrices(s)
    .filter((m) => m.role === "lm_head" || m.role === "project_out")
    .reduce((a, m) => a + m.inFeatures * m.outFeatures, 0);

describe("op graphs", () => {
  it("property: decode graphs are topologically ordered DAGs whose MACs match the closed forms", () => {
    fc.assert(
      fc.property(arbShape, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 300 }), (s, batch, context) => {
        const g = buildDecodeGraph(s, { batch, context });
        checkStructure(g);
        const t = graphTotals(g);
        expect(t.macsByClass.projection).toBe(batch * (bodyMacsPerToken(s) + headMacsPerToken(s)));
        // score + value: 2 x layers x heads x headDim x (context + 1) per token (capped by a sliding window).
        const w = shapeDetails(s).slidingWindow ?? Infinity;
        expect(t.macsByClass.attention).toBe(2 * batch * s.numLayers * s.numHeads * s.headDim * Math.min(context + 1, w));
        expect(t.macsByClass.other).toBe(0);
        const kvRead = g.ops.filter((o) => o.kind === "kv-read").reduce((a, o) => a + o.bytes, 0);
        expect(kvRead).toBe(kvCacheBytes(s, batch, Math.min(context, w - 1)));
        const kvWrite = g.ops.filter((o) => o.kind === "kv-write").reduce((a, o) => a + o.bytes, 0);
        expect(kvWrite).toBe(kvCacheBytes(s, batch, 1));
      }),
      { numRuns: 150 },
    );
  });

  it("property: causal prefill counts only the lower triangle (and the window band)", () => {
    fc.assert(
      fc.property(arbShape, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 50 }), fc.constantFrom<"last" | "all">("last", "all"), (s, batch, T, context, logits) => {
        const g = buildPrefillGraph(s, { batch, promptTokens: T, context, logits });
        checkStructure(g);
        const t = graphTotals(g);
        const R = logits === "all" ? T : 1;
        expect(t.macsByClass.projection).toBe(batch * (T * bodyMacsPerToken(s) + R * headMacsPerToken(s)));
        const keys = keysSeen(s, context, T);
        expect(t.macsByClass.attention).toBe(2 * batch * s.numLayers * s.numHeads * s.headDim * keys);
        const softmax = g.ops.filter((o) => o.kind === "softmax").reduce((a, o) => a + o.elements, 0);
        expect(softmax).toBe(batch * s.numLayers * s.numHeads * keys);
        if (context === 0) expect(g.ops.some((o) => o.kind === "kv-read")).toBe(false);
        for (const o of g.ops) if (o.kind === "attn-score" && o.n < o.m) throw new Error("key extent below query count");
      }),
      { numRuns: 150 },
    );
  });

  it("a decode step equals the last row of a prefill over context + 1 tokens", () => {
    const s = presetShape("llama-3.2-1b");
    const ctx = 37;
    const dec = graphTotals(buildDecodeGraph(s, { batch: 1, context: ctx }));
    const p1 = graphTotals(buildPrefillGraph(s, { batch: 1, promptTokens: ctx + 1 }));
    const p0 = graphTotals(buildPrefillGraph(s, { batch: 1, promptTokens: ctx }));
    expect(p1.macsByClass.attention - p0.macsByClass.attention).toBe(dec.macsByClass.attention);
  });

  it("Phi-3's 2047-token sliding window caps the keys of a decode step", () => {
    const s = presetShape("phi-3-mini-4k-instruct");
    const at = (context: number) => graphTotals(buildDecodeGraph(s, { batch: 1, context })).macsByClass.attention;
    expect(at(3000)).toBe(at(2046));
    expect(at(2045)).toBeLessThan(at(2046));
    expect(buildDecodeGraph(s, { batch: 1, context: 3000 }).ops.find((o) => o.name === "L0.kv_read")!.bytes).toBe(2046 * 2 * 32 * 96 * 2);
  });

  it("the attention share of the MACs grows with the context", () => {
    for (const name of ["gpt2-medium", "opt-1.3b", "llama-3.2-1b", "bitnet-b1.58-2b-4t"]) {
      const s = presetShape(name);
      let last = -1;
      for (const context of [0, 128, 512, 1024, 4096]) {
        const t = graphTotals(buildDecodeGraph(s, { batch: 1, context }));
        const share = t.macsByClass.attention / t.macs;
        expect(share, `${name} @ ${context}`).toBeGreaterThan(last);
        last = share;
      }
    }
  });

  it("records HF tensor names, fused slices and GQA-sized KV traffic", () => {
    const phi = buildDecodeGraph(presetShape("phi-3-mini-4k-instruct"), { batch: 1, context: 10 });
    const k3 = phi.ops.find((o) => o.name === "L3.k_proj")!;
    expect(k3.weight).toBe("model.layers.3.self_attn.qkv_proj");
    expect(k3.weightSlice).toEqual({ outStart: 3072, outEnd: 6144, fusedOut: 9216 });
    expect(phi.ops.find((o) => o.name === "L3.up_proj")!.weightSlice).toEqual({ outStart: 8192, outEnd: 16384, fusedOut: 16384 });

    const llama = presetShape("llama-3.2-1b");
    const g = buildDecodeGraph(llama, { batch: 2, context: 100 });
    expect(g.ops.find((o) => o.name === "L0.q_proj")!.weight).toBe("model.layers.0.self_attn.q_proj");
    // 8 KV heads x 64 x K and V x 2 bytes x 100 tokens x 2 sequences.
    expect(g.ops.find((o) => o.name === "L0.kv_read")!.bytes).toBe(2 * 100 * 2 * 8 * 64 * 2);
    expect(g.ops.find((o) => o.name === "lm_head")!.weight).toBe("model.embed_tokens");
    expect(lmHead(llama).tied).toBe(true);

    const gpt = buildDecodeGraph(presetShape("gpt2-medium"), { batch: 1, context: 0 });
    expect(gpt.ops.find((o) => o.name === "L5.v_proj")!.weight).toBe("transformer.h.5.attn.c_attn");
    expect(gpt.ops.some((o) => o.kind === "rope")).toBe(false);
    expect(gpt.ops.find((o) => o.name === "embed_positions_add")).toBeDefined();

    const opt350 = { ...presetShape("opt-1.3b"), wordEmbedProjDim: 512, hiddenSize: 2048 };
    const optOps = buildDecodeGraph(opt350, { batch: 1, context: 0 }).ops;
    expect(optOps.slice(0, 3).map((o) => o.name)).toEqual(["embed_tokens", "project_in", "embed_positions_add"]);
    expect(optOps.at(-2)!.name).toBe("project_out");

    const bit = buildDecodeGraph(presetShape("bitnet-b1.58-2b-4t"), { batch: 1, context: 0 });
    expect(bit.ops.filter((o) => o.name.endsWith("sub_norm")).length).toBe(2 * 30);
  });

  it("q, k and v (and gate and up) can run in parallel", () => {
    const g = buildDecodeGraph(presetShape("llama-3.2-1b"), { batch: 1, context: 4 });
    const by = (n: string) => g.ops.find((o) => o.name === n)!;
    expect(by("L2.k_proj").deps).toEqual(by("L2.q_proj").deps);
    expect(by("L2.v_proj").deps).toEqual(by("L2.q_proj").deps);
    expect(by("L2.up_proj").deps).toEqual(by("L2.gate_proj").deps);
  });

  it("rejects bad workloads with a ModelError naming the field", () => {
    const s = presetShape("gpt2");
    expect(() => buildDecodeGraph(s, { batch: 0, context: 1 })).toThrow(AimcsimError);
    expect(() => buildPrefillGraph(s, { batch: 1, promptTokens: 1.5 })).toThrow(/workload.promptTokens/);
  });
});
