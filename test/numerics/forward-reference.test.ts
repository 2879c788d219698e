// The forward pass against Hugging Face transformers fp32 logits (reference/logits.safetensors [N x T x V] for the
// token sequences in reference/inputs.json), for the bundled trained model and the random-weight family fixtures.

import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/model/checkpoint.ts";
import { readSafetensors } from "../../src/model/safetensors.ts";
import { exactBackend } from "../../src/numerics/backend.ts";
import { createSession, forwardLogits } from "../../src/numerics/forward.ts";

const DIRS: Array<[string, string]> = [
  ["bundled tiny-llama-wordnet (llama, GQA, tied)", "models/tiny-llama-wordnet"],
  ["gpt2 fixture", "test/fixtures/checkpoints/gpt2"],
  ["opt fixture", "test/fixtures/checkpoints/opt"],
  ["phi3 fixture", "test/fixtures/checkpoints/phi3"],
  ["llama with llama3 rope scaling fixture", "test/fixtures/checkpoints/llama-rope-scaled"],
  // made by test/numerics/forward-hf-fixtures/make_fixtures.py (transformers 5.17, CPU fp32)
  ["bitnet b1.58 (online ternary weights, int8 activations, sub-norms)", "test/numerics/forward-hf-fixtures/bitnet"],
  ["opt-350m layout (post-LN, project_in/out)", "test/numerics/forward-hf-fixtures/opt-postln-proj"],
  ["phi3 with sliding_window 5 and partial_rotary_factor 0.5", "test/numerics/forward-hf-fixtures/phi3-window-partial"],
  ["gpt2 with exact gelu and scale_attn_by_inverse_layer_idx", "test/numerics/forward-hf-fixtures/gpt2-gelu-invscale"],
  ["llama with attention/mlp bias, tied, head_dim x heads != hidden", "test/numerics/forward-hf-fixtures/llama-bias-headdim"],
  // made by test/numerics/forward-hf-fixtures/make_family_fixtures.py (transformers 5.17, CPU fp32; issue 16)
  ["qwen2 (q/k/v bias, no o_proj bias, tied)", "test/numerics/forward-hf-fixtures/qwen2"],
  ["qwen3 (per-head q_norm/k_norm, head_dim x heads != hidden, tied)", "test/numerics/forward-hf-fixtures/qwen3"],
  ["mistral (sliding_window 5)", "test/numerics/forward-hf-fixtures/mistral"],
  ["phi-4-mini layout (phi3, partial_rotary_factor 0.75, tied)", "test/numerics/forward-hf-fixtures/phi4-mini"],
  ["gemma2 (sliding/global layers, attention and final soft-capping, (1+w) sandwich norms)", "test/numerics/forward-hf-fixtures/gemma2"],
  ["gemma3 text (q/k norms, local RoPE base on sliding layers)", "test/numerics/forward-hf-fixtures/gemma3"],
];

describe("forwardLogits matches HF transformers fp32 logits within 1e-4", () => {
  for (const [label, dir] of DIRS) {
    it.skipIf(!existsSync(`${dir}/reference/logits.safetensors`))(label, async () => {
      const model = await loadModel(dir);
      const seqs = (JSON.parse(readFileSync(`${dir}/reference/inputs.json`, "utf8")) as { sequences: number[][] }).sequences;
      const ref = (await readSafetensors(`${dir}/reference/logits.safetensors`)).get("logits")!;
      const V = model.shape.vocabSize;
      expect(ref.shape).toEqual([seqs.length, seqs[0]!.length, V]);
      let maxAbs = 0;
      let off = 0;
      for (const s of seqs) {
        const l = forwardLogits(model, exactBackend, Int32Array.from(s));
        for (let k = 0; k < l.length; k++) maxAbs = Math.max(maxAbs, Math.abs(l[k]! - ref.data[off + k]!));
        off += l.length;
      }
      expect(maxAbs).toBeLessThan(1e-4);
      // incremental decoding of the first sequence agrees with the same reference
      const s0 = seqs[0]!;
      const sess = createSession(model, exactBackend);
      let stepMax = 0;
      for (let t = 0; t < s0.length; t++) {
        const row = sess.step(s0[t]!);
        for (let v = 0; v < V; v++) stepMax = Math.max(stepMax, Math.abs(row[v]! - ref.data[t * V + v]!));
      }
      expect(stepMax).toBeLessThan(1e-4);
    });
  }
});
