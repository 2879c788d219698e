import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isAimcsimError } from "../../src/errors.ts";
import { loadModel, normaliseConfig } from "../../src/model/checkpoint.ts";
import { writeSafetensors, type TensorToWrite } from "../../src/model/safetensors.ts";
import { exactBackend } from "../../src/numerics/backend.ts";
import { forwardLogits } from "../../src/numerics/forward.ts";
import { tinyBitnet, tinyGpt2, tinyLlama, tinyOpt, tinyPhi3, writeTiny } from "../numerics/forward-fixtures.ts";

async function loadError(dir: string): Promise<{ tag: string; message: string }> {
  try {
    await loadModel(dir);
  } catch (e) {
    expect(isAimcsimError(e)).toBe(true);
    return { tag: (e as { _tag: string })._tag, message: (e as Error).message };
  }
  throw new Error("expected loadModel to fail");
}

describe("loadModel: projections", () => {
  it("llama: q,k,v,o,gate,up,down per layer plus lm_head, [out x in]", async () => {
    const m = await loadModel(await writeTiny(tinyLlama()));
    expect(m.linears.map((l) => l.name.replace(/^model\.layers\.0\./, ""))).toEqual(
      expect.arrayContaining(["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj", "lm_head"]),
    );
    expect(m.linears.length).toBe(2 * 7 + 1);
    const k = m.linears.find((l) => l.name === "model.layers.1.self_attn.k_proj")!;
    expect([k.outFeatures, k.inFeatures]).toEqual([16, 32]); // 2 kv heads x 8
    expect(m.tokenizer).toBeNull();
  });
  it("tied embeddings: lm_head shares the embedding data", async () => {
    const m = await loadModel(await writeTiny(tinyLlama({ tied: true })));
    expect(m.linears.at(-1)!.data).toBe(m.tensors.get("model.embed_tokens.weight"));
  });
  it("phi3 keeps fused qkv_proj and gate_up_proj under their HF names", async () => {
    const m = await loadModel(await writeTiny(tinyPhi3()));
    const names = m.linears.map((l) => l.name);
    expect(names).toContain("model.layers.0.self_attn.qkv_proj");
    expect(names).toContain("model.layers.0.mlp.gate_up_proj");
    expect(m.linears.find((l) => l.name.endsWith("qkv_proj"))!.outFeatures).toBe(32 + 2 * 16);
  });
  it("gpt2 Conv1D weights are transposed to [out x in]", async () => {
    const spec = tinyGpt2();
    const m = await loadModel(await writeTiny(spec));
    const w = m.linears.find((l) => l.name === "transformer.h.0.attn.c_attn")!;
    const raw = spec.tensors.get("transformer.h.0.attn.c_attn.weight")!.data as Float32Array; // [in x out]
    expect([w.outFeatures, w.inFeatures]).toEqual([96, 32]);
    for (const [o, i] of [[0, 0], [5, 7], [95, 31], [40, 3]] as const) expect(w.data[o * 32 + i]).toBe(raw[i * 96 + o]);
    expect(w.bias).not.toBeNull();
  });
  it("opt with word_embed_proj_dim: project_in / project_out are projections too", async () => {
    const m = await loadModel(await writeTiny(tinyOpt({ postLn: true, projDim: 16 })));
    const names = m.linears.map((l) => l.name);
    expect(names[0]).toBe("model.decoder.project_in");
    expect(names.at(-2)).toBe("model.decoder.project_out");
    expect(m.layout.finalNorm).toBeNull();
    expect(m.layout.options.preNorm).toBe(false);
  });
  it("bitnet: projection weights are ternary x one scale per matrix, lm_head is not", async () => {
    const m = await loadModel(await writeTiny(tinyBitnet()));
    for (const l of m.linears) {
      const levels = new Set(Array.from(l.data).map((v) => Math.abs(v)));
      if (l.name === "lm_head") expect(levels.size).toBeGreaterThan(3);
      else expect(levels.size).toBeLessThanOrEqual(2); // {0, s}
    }
  });
  it("bitnet packed uint8 weights (transformers BitLinear) unpack to (code - 1) / weight_scale", async () => {
    const spec = tinyBitnet();
    const tensors = new Map<string, TensorToWrite>(spec.tensors);
    // pack layer 0 q_proj [32 x 32]: 8 packed rows, value i of a column in bits 2i..2i+1 holds row i*8 + r
    const rows = 32, cols = 32, pr = rows / 4;
    const tern = Array.from({ length: rows * cols }, (_, k) => ((k * 7) % 3) - 1);
    const packed = new Uint8Array(pr * cols);
    for (let i = 0; i < 4; i++) for (let r = 0; r < pr; r++) for (let c = 0; c < cols; c++) packed[r * cols + c]! |= (tern[(i * pr + r) * cols + c]! + 1) << (2 * i);
    tensors.set("model.layers.0.self_attn.q_proj.weight", { shape: [pr, cols], data: packed });
    tensors.set("model.layers.0.self_attn.q_proj.weight_scale", { shape: [1], data: Float32Array.of(4) });
    const m = await loadModel(await writeTiny({ config: spec.config, tensors }));
    const q = m.linears.find((l) => l.name === "model.layers.0.self_attn.q_proj")!;
    expect(Array.from(q.data)).toEqual(tern.map((t) => t / 4));
  });
});

describe("loadModel: sharded checkpoints", () => {
  it("model.safetensors.index.json over two shards gives the same model", async () => {
    const spec = tinyLlama();
    const dir = mkdtempSync(join(tmpdir(), "aimcsim-shard-"));
    writeFileSync(join(dir, "config.json"), JSON.stringify(spec.config));
    const names = [...spec.tensors.keys()];
    const a = new Map(names.slice(0, 9).map((n) => [n, spec.tensors.get(n)!]));
    const b = new Map(names.slice(9).map((n) => [n, spec.tensors.get(n)!]));
    await writeSafetensors(join(dir, "model-00001-of-00002.safetensors"), a);
    await writeSafetensors(join(dir, "model-00002-of-00002.safetensors"), b);
    const weightMap: Record<string, string> = {};
    for (const n of a.keys()) weightMap[n] = "model-00001-of-00002.safetensors";
    for (const n of b.keys()) weightMap[n] = "model-00002-of-00002.safetensors";
    writeFileSync(join(dir, "model.safetensors.index.json"), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    const sharded = await loadModel(dir);
    const single = await loadModel(await writeTiny(spec));
    const toks = Int32Array.from([1, 2, 3, 4]);
    expect(forwardLogits(sharded, exactBackend, toks)).toEqual(forwardLogits(single, exactBackend, toks));
    // an index entry pointing at a shard that lacks the tensor
    weightMap["model.norm.weight"] = "model-00001-of-00002.safetensors";
    writeFileSync(join(dir, "model.safetensors.index.json"), JSON.stringify({ weight_map: weightMap }));
    const e = await loadError(dir);
    expect(e.message).toMatch(/model-00001-of-00002.safetensors: tensor model.norm.weight: listed in model.safetensors.index.json but absent/);
  });
});

describe("loadModel: errors name the file and the tensor", () => {
  it("missing tensor the architecture needs", async () => {
    const spec = tinyLlama();
    spec.tensors.delete("model.layers.1.mlp.up_proj.weight");
    const e = await loadError(await writeTiny(spec));
    expect(e.tag).toBe("CheckpointError");
    expect(e.message).toMatch(/model.safetensors: tensor model.layers.1.mlp.up_proj.weight: missing, but a llama model/);
  });
  it("tensor shape disagreeing with config.json", async () => {
    const spec = tinyLlama();
    spec.config.intermediate_size = 40;
    const e = await loadError(await writeTiny(spec));
    expect(e.message).toMatch(/tensor model.layers.0.mlp.gate_proj.weight: shape \[48,32\] disagrees with config.json, which implies \[40,32\]/);
  });
  it("NaN weight", async () => {
    const spec = tinyGpt2();
    (spec.tensors.get("transformer.h.1.ln_2.bias")!.data as Float32Array)[3] = NaN;
    const e = await loadError(await writeTiny(spec));
    expect(e.message).toMatch(/tensor transformer.h.1.ln_2.bias: element 3 is NaN/);
  });
  it("no weights file, no config", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aimcsim-empty-"));
    expect((await loadError(dir)).message).toMatch(/config.json: cannot read \(ENOENT\)/);
    writeFileSync(join(dir, "config.json"), JSON.stringify(tinyLlama().config));
    expect((await loadError(dir)).message).toMatch(/no model.safetensors or model.safetensors.index.json/);
  });
  it("unsupported rope scaling", async () => {
    const spec = tinyLlama();
    spec.config.rope_scaling = { rope_type: "yarn", factor: 4 };
    const e = await loadError(await writeTiny(spec));
    expect(e.tag).toBe("ModelError");
    expect(e.message).toMatch(/rope/);
  });
});

describe("normaliseConfig (transformers >= 5 rope_parameters)", () => {
  it("copies rope_theta and a non-default rope type to the legacy fields", () => {
    const c = normaliseConfig({ rope_parameters: { rope_theta: 5e5, rope_type: "llama3", factor: 8 } });
    expect(c.rope_theta).toBe(5e5);
    expect((c.rope_scaling as { rope_type: string }).rope_type).toBe("llama3");
    const d = normaliseConfig({ rope_parameters: { rope_theta: 1e4, rope_type: "default", partial_rotary_factor: 0.5 } });
    expect(d.rope_scaling).toBeUndefined();
    expect(d.partial_rotary_factor).toBe(0.5);
    expect(normaliseConfig({ rope_theta: 3, rope_parameters: { rope_theta: 5 } }).rope_theta).toBe(3);
  });
});
