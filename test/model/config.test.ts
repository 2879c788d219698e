import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AimcsimError } from "../../src/errors.ts";
import { loadShapeFromFolder, shapeDetails, shapeFromConfig } from "../../src/model/config.ts";
import { arbConfig } from "./arbitraries.ts";

const llama32 = {
  model_type: "llama",
  head_dim: 64,
  hidden_act: "silu",
  hidden_size: 2048,
  intermediate_size: 8192,
  max_position_embeddings: 131072,
  num_attention_heads: 32,
  num_hidden_layers: 16,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-5,
  rope_scaling: { factor: 32.0, high_freq_factor: 4.0, low_freq_factor: 1.0, original_max_position_embeddings: 8192, rope_type: "llama3" },
  rope_theta: 500000.0,
  tie_word_embeddings: true,
  torch_dtype: "bfloat16",
  vocab_size: 128256,
};

const expectModelError = (f: () => unknown, path: string, rule: RegExp): void => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AimcsimError);
    const err = e as AimcsimError;
    expect(err._tag).toBe("ModelError");
    expect(err.path).toBe(path);
    expect(err.rule).toMatch(rule);
    return;
  }
  throw new Error("expected a ModelError");
};

describe("shapeFromConfig", () => {
  it("reads a Llama-3.2 config with llama3 rope scaling, GQA, head_dim and tied embeddings", () => {
    const s = shapeFromConfig(llama32, "cfg.json");
    expect(s).toMatchObject({
      family: "llama",
      hiddenSize: 2048,
      numKvHeads: 8,
      headDim: 64,
      tiedEmbeddings: true,
      weightFormat: "bf16",
      norm: "rmsnorm",
      activation: "silu",
      gatedMlp: true,
      positional: "rope",
      ropeTheta: 500000,
      ropeScaling: { type: "llama3", factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 },
    });
  });

  it("defaults num_key_value_heads to the head count and head_dim to hidden / heads", () => {
    const { num_key_value_heads: _, head_dim: __, ...rest } = llama32;
    const s = shapeFromConfig(rest, "cfg.json");
    expect(s.numKvHeads).toBe(32);
    expect(s.headDim).toBe(64);
  });

  it("reads Phi-3 as fused qkv and gate_up", () => {
    const s = shapeFromConfig({ ...llama32, model_type: "phi3", rope_scaling: null, tie_word_embeddings: false }, "phi.json");
    expect(s.family).toBe("phi3");
    expect(s.fusedQkv && s.fusedGateUp).toBe(true);
  });

  it("reads transformers v5 rope_parameters in place of rope_theta / rope_scaling", () => {
    const { rope_scaling: _, rope_theta: __, ...v4less } = llama32;
    const v5 = shapeFromConfig({ ...v4less, rope_parameters: { ...llama32.rope_scaling, rope_theta: 500000 } }, "v5.json");
    expect(v5.ropeTheta).toBe(500000);
    expect(v5.ropeScaling).toEqual(shapeFromConfig(llama32, "v4.json").ropeScaling);
    const plain = shapeFromConfig({ ...v4less, rope_parameters: { rope_type: "default", rope_theta: 1234 } }, "d.json");
    expect([plain.ropeTheta, plain.ropeScaling]).toEqual([1234, null]);
    expectModelError(() => shapeFromConfig({ ...v4less, rope_parameters: { rope_type: "yarn", rope_theta: 1 } }, "y"), "y#rope_parameters.rope_type", /unsupported rope type "yarn"/);
    expectModelError(() => shapeFromConfig({ ...v4less, partial_rotary_factor: 0.5 }, "l"), "l#partial_rotary_factor", /only supported for phi3/);
  });

  it("reads Phi-3's sliding window and partial rotary factor", () => {
    const s = shapeFromConfig({ ...llama32, model_type: "phi3", rope_scaling: null, sliding_window: 2047, partial_rotary_factor: 0.75 }, "phi.json");
    expect(shapeDetails(s)).toMatchObject({ slidingWindow: 2047, rotaryDim: 48 });
    expect(shapeDetails(shapeFromConfig(llama32, "l")).slidingWindow).toBeNull();
    expectModelError(() => shapeFromConfig({ ...llama32, model_type: "phi3", rope_scaling: null, partial_rotary_factor: 2 }, "p"), "p#partial_rotary_factor", /in \(0, 1\]/);
  });

  it("reads OPT: ffn_dim, learned positions with offset 2, post-LN and project_in/out width", () => {
    const opt350 = {
      model_type: "opt",
      hidden_size: 1024,
      ffn_dim: 4096,
      num_hidden_layers: 24,
      num_attention_heads: 16,
      max_position_embeddings: 2048,
      vocab_size: 50272,
      word_embed_proj_dim: 512,
      do_layer_norm_before: false,
      activation_function: "relu",
      torch_dtype: "float16",
    };
    const s = shapeFromConfig(opt350, "opt.json");
    expect(s).toMatchObject({ family: "opt", intermediateSize: 4096, positional: "learned", wordEmbedProjDim: 512, norm: "layernorm", activation: "relu", tiedEmbeddings: true, attentionBias: true, weightFormat: "fp16" });
    expect(shapeDetails(s)).toMatchObject({ normPlacement: "post", finalNorm: false, positionOffset: 2 });
  });

  it("reads GPT-2: n_embd, n_inner null => 4 x n_embd, gelu_new, fused c_attn, fp32 when no dtype", () => {
    const s = shapeFromConfig({ model_type: "gpt2", n_embd: 1024, n_head: 16, n_layer: 24, n_positions: 1024, vocab_size: 50257, n_inner: null, activation_function: "gelu_new" }, "g.json");
    expect(s).toMatchObject({ intermediateSize: 4096, activation: "gelu_new", fusedQkv: true, tiedEmbeddings: true, weightFormat: "fp32", headDim: 64 });
  });

  it("reads BitNet as ternary with relu2 and sub-norms", () => {
    const s = shapeFromConfig({ ...llama32, model_type: "bitnet", hidden_act: "relu2", rope_scaling: null }, "b.json");
    expect(s.weightFormat).toBe("ternary");
    expect(s.activation).toBe("relu2");
    expect(shapeDetails(s).subNorms).toBe(true);
  });

  it("treats quantization_config.quant_method bitnet on a llama as ternary", () => {
    expect(shapeFromConfig({ ...llama32, quantization_config: { quant_method: "bitnet" } }, "q.json").weightFormat).toBe("ternary");
  });

  it("names the file and field of a missing or invalid field", () => {
    const { hidden_size: _, ...noHidden } = llama32;
    expectModelError(() => shapeFromConfig(noHidden, "m/config.json"), "m/config.json#hidden_size", /missing/);
    expectModelError(() => shapeFromConfig({ ...llama32, num_hidden_layers: -2 }, "c"), "c#num_hidden_layers", /positive integer, got -2/);
    expectModelError(() => shapeFromConfig({ ...llama32, num_key_value_heads: 5 }, "c"), "c#num_key_value_heads", /divide/);
    expectModelError(() => shapeFromConfig({ ...llama32, hidden_act: "swiglu" }, "c"), "c#hidden_act", /unsupported activation/);
    expectModelError(() => shapeFromConfig({ ...llama32, rope_scaling: { rope_type: "yarn", factor: 4 } }, "c"), "c#rope_scaling.rope_type", /unsupported rope scaling/);
    expectModelError(
      () => shapeFromConfig({ ...llama32, rope_scaling: { ...llama32.rope_scaling, factor: "x" } }, "c"),
      "c#rope_scaling.factor",
      /positive finite number/,
    );
    expectModelError(() => shapeFromConfig({ ...llama32, tie_word_embeddings: "yes" }, "c"), "c#tie_word_embeddings", /true or false/);
    expectModelError(() => shapeFromConfig([1], "c"), "c#", /JSON object/);
  });

  it("rejects an unknown model_type and lists the supported ones", () => {
    expectModelError(() => shapeFromConfig({ ...llama32, model_type: "mamba" }, "c"), "c#model_type", /unknown model_type "mamba" \(supported: llama, phi3, bitnet, qwen2, qwen3, mistral, mixtral, olmoe, qwen2_moe, deepseek, gemma2, gemma3_text, opt, gpt2\)/);
    expectModelError(() => shapeFromConfig({ hidden_size: 3 }, "c"), "c#model_type", /missing/);
  });

  it("property: every generated config gives a consistent shape", () => {
    fc.assert(
      fc.property(arbConfig, (cfg) => {
        const s = shapeFromConfig(cfg, "gen");
        expect(s.numHeads % s.numKvHeads).toBe(0);
        expect(s.headDim * s.numHeads).toBe(s.hiddenSize);
        expect(Number.isInteger(s.intermediateSize) && s.intermediateSize > 0).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("loadShapeFromFolder", () => {
  const root = mkdtempSync(join(tmpdir(), "aimcsim-config-"));

  it("reads config.json and names the shape after the folder", () => {
    const dir = join(root, "tiny-llama");
    mkdirSync(dir);
    writeFileSync(join(dir, "config.json"), JSON.stringify(llama32));
    const s = loadShapeFromFolder(dir);
    expect(s.name).toBe("tiny-llama");
    expect(s.hiddenSize).toBe(2048);
  });

  it("reports a missing folder, a missing config.json and invalid JSON with the file path", () => {
    expectModelError(() => loadShapeFromFolder(join(root, "nope")), join(root, "nope", "config.json"), /not a folder/);
    const empty = join(root, "empty");
    mkdirSync(empty);
    expectModelError(() => loadShapeFromFolder(empty), join(empty, "config.json"), /cannot read config.json/);
    const bad = join(root, "bad");
    mkdirSync(bad);
    writeFileSync(join(bad, "config.json"), "{ not json");
    expectModelError(() => loadShapeFromFolder(bad), join(bad, "config.json"), /not valid JSON/);
  });
});
