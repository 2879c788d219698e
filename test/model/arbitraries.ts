// fast-check generators of small, valid Hugging Face configs of every supported family, turned into
// shapes through the real parser (so the properties also exercise shapeFromConfig).
import fc from "fast-check";
import { shapeFromConfig, type ModelShape } from "../../src/model/config.ts";

export const arbConfig: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    family: fc.constantFrom("llama", "phi3", "bitnet", "opt", "gpt2"),
    kvHeads: fc.integer({ min: 1, max: 4 }),
    group: fc.integer({ min: 1, max: 4 }),
    headDim: fc.constantFrom(4, 8, 16),
    layers: fc.integer({ min: 1, max: 4 }),
    ffnMul: fc.integer({ min: 1, max: 4 }),
    vocab: fc.integer({ min: 8, max: 300 }),
    tied: fc.boolean(),
    preNorm: fc.boolean(),
    projDim: fc.option(fc.constantFrom(8, 24), { nil: undefined }),
    window: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
  })
  .map((r) => {
    const heads = r.kvHeads * r.group;
    const hidden = heads * r.headDim;
    const ffn = hidden * r.ffnMul + 4;
    switch (r.family) {
      case "gpt2":
        return { model_type: "gpt2", n_embd: hidden, n_head: heads, n_layer: r.layers, n_positions: 64, vocab_size: r.vocab, n_inner: r.ffnMul > 2 ? ffn : null };
      case "opt":
        return {
          model_type: "opt",
          hidden_size: hidden,
          num_attention_heads: heads,
          num_hidden_layers: r.layers,
          ffn_dim: ffn,
          max_position_embeddings: 64,
          vocab_size: r.vocab,
          do_layer_norm_before: r.preNorm,
          ...(r.projDim !== undefined ? { word_embed_proj_dim: r.projDim } : {}),
          tie_word_embeddings: r.tied,
        };
      default:
        return {
          model_type: r.family,
          hidden_size: hidden,
          intermediate_size: ffn,
          num_hidden_layers: r.layers,
          num_attention_heads: heads,
          num_key_value_heads: r.kvHeads,
          max_position_embeddings: 128,
          vocab_size: r.vocab,
          tie_word_embeddings: r.tied,
          torch_dtype: "bfloat16",
          ...(r.family === "phi3" && r.window !== undefined ? { sliding_window: r.window } : {}),
        };
    }
  });

export const arbShape: fc.Arbitrary<ModelShape> = arbConfig.map((c) => shapeFromConfig(c, "generated/config.json"));
