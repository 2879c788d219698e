// Writes a Llama-3.2-1B-shaped Hugging Face checkpoint folder with random weights (never committed: the point is
// a model of the real size for memory and speed measurements, not its accuracy):
//   node bin/run-ts.mjs scripts/make-llama-1b.ts DIR [--seed S] [--dtype bf16|f16] [--tiny]
// DIR/config.json is the published Llama-3.2-1B config (meta-llama/Llama-3.2-1B config.json: hidden 2048, 16 layers,
// 32 heads / 8 KV heads of 64, intermediate 8192, vocab 128256, tied embeddings, llama3 RoPE scaling) and
// DIR/model.safetensors holds every tensor in bf16 (2.47 GB). There is no tokenizer: evaluate it on token ids.
// Weights: projections and the embedding N(0, 0.02^2) (transformers' LlamaConfig initializer_range 0.02, as
// LlamaPreTrainedModel._init_weights draws them), RMSNorm weights 1; each tensor from its own stream
// deriveSeed(seed, name), so the file is deterministic. The data are generated and written in chunks of 1 Mi values
// (no whole tensor in the JS heap) to a temporary file renamed into place at the end (nothing half-written).
// --tiny writes the same family at a test size (hidden 64, 2 layers, vocab 256).

import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { f32ToBf16Bits, f32ToF16Bits } from "../src/formats/numbers.ts";
import { LLAMA_3_2_1B } from "../src/model/presets.ts";
import { fillNormal } from "../src/numerics/noise/gaussian.ts";
import { Rng, deriveSeed } from "../src/util/rng.ts";

/** meta-llama/Llama-3.2-1B config.json: the model preset's config (src/model/presets.ts, one copy) plus the fields
 *  of the published file that the shape does not read. */
export const LLAMA_3_2_1B_CONFIG: Readonly<Record<string, unknown>> = {
  ...LLAMA_3_2_1B,
  attention_dropout: 0.0,
  bos_token_id: 128000,
  eos_token_id: 128001,
  initializer_range: 0.02,
  pretraining_tp: 1,
  use_cache: true,
};

/** The same family at a test size (seconds to generate and run). */
export const TINY_LLAMA_CONFIG: Readonly<Record<string, unknown>> = {
  ...LLAMA_3_2_1B_CONFIG,
  head_dim: 16,
  hidden_size: 64,
  intermediate_size: 160,
  max_position_embeddings: 256,
  num_attention_heads: 4,
  num_hidden_layers: 2,
  num_key_value_heads: 2,
  rope_scaling: { factor: 32.0, high_freq_factor: 4.0, low_freq_factor: 1.0, original_max_position_embeddings: 64, rope_type: "llama3" },
  vocab_size: 256,
  bos_token_id: 1,
  eos_token_id: 2,
};

interface TensorPlan {
  readonly name: string;
  readonly shape: readonly number[];
  /** "normal": N(0, std^2); "ones": RMSNorm weights */
  readonly init: "normal" | "ones";
}

/** Every tensor of a Llama checkpoint with this config, in the order HF's save_pretrained writes them. */
export function llamaTensorPlan(config: Readonly<Record<string, unknown>>): TensorPlan[] {
  const n = (k: string) => config[k] as number;
  const H = n("hidden_size");
  const I = n("intermediate_size");
  const V = n("vocab_size");
  const hd = (config.head_dim as number | undefined) ?? H / n("num_attention_heads");
  const q = n("num_attention_heads") * hd;
  const kv = n("num_key_value_heads") * hd;
  const out: TensorPlan[] = [{ name: "model.embed_tokens.weight", shape: [V, H], init: "normal" }];
  for (let l = 0; l < n("num_hidden_layers"); l++) {
    const p = `model.layers.${l}`;
    out.push(
      { name: `${p}.input_layernorm.weight`, shape: [H], init: "ones" },
      { name: `${p}.mlp.down_proj.weight`, shape: [H, I], init: "normal" },
      { name: `${p}.mlp.gate_proj.weight`, shape: [I, H], init: "normal" },
      { name: `${p}.mlp.up_proj.weight`, shape: [I, H], init: "normal" },
      { name: `${p}.post_attention_layernorm.weight`, shape: [H], init: "ones" },
      { name: `${p}.self_attn.k_proj.weight`, shape: [kv, H], init: "normal" },
      { name: `${p}.self_attn.o_proj.weight`, shape: [H, q], init: "normal" },
      { name: `${p}.self_attn.q_proj.weight`, shape: [q, H], init: "normal" },
      { name: `${p}.self_attn.v_proj.weight`, shape: [kv, H], init: "normal" },
    );
  }
  out.push({ name: "model.norm.weight", shape: [H], init: "ones" });
  if (config.tie_word_embeddings === false) out.push({ name: "lm_head.weight", shape: [V, H], init: "normal" });
  return out;
}

export interface MakeOptions {
  readonly seed?: number;
  readonly dtype?: "bf16" | "f16";
  readonly config?: Readonly<Record<string, unknown>>;
}

export interface MadeCheckpoint {
  readonly dir: string;
  readonly file: string;
  readonly bytes: number;
  readonly parameters: number;
}

const CHUNK = 1 << 20;

/** Write config.json and model.safetensors into `dir` (created if missing). Returns the file and its size. */
export function makeRandomLlamaCheckpoint(dir: string, opts: MakeOptions = {}): MadeCheckpoint {
  const config: Record<string, unknown> = { ...(opts.config ?? LLAMA_3_2_1B_CONFIG), torch_dtype: opts.dtype === "f16" ? "float16" : "bfloat16" };
  const seed = opts.seed ?? 0;
  const dtype = opts.dtype === "f16" ? "F16" : "BF16";
  const enc = dtype === "F16" ? f32ToF16Bits : f32ToBf16Bits;
  const std = (config.initializer_range as number | undefined) ?? 0.02;
  const plan = llamaTensorPlan(config);
  const header: Record<string, unknown> = { __metadata__: { format: "pt", generator: "aimcsim scripts/make-llama-1b.ts", seed: String(seed) } };
  let off = 0;
  let parameters = 0;
  for (const t of plan) {
    const numel = t.shape.reduce((a, d) => a * d, 1);
    header[t.name] = { dtype, shape: [...t.shape], data_offsets: [off, off + 2 * numel] };
    off += 2 * numel;
    parameters += numel;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += " ";
  const hb = Buffer.from(json, "utf8");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "model.safetensors");
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(hb.length));
    writeSync(fd, len);
    writeSync(fd, hb);
    const g = new Float64Array(CHUNK);
    const bits = new Uint16Array(CHUNK);
    const bytes = new Uint8Array(bits.buffer);
    const one = enc(1);
    for (const t of plan) {
      const numel = t.shape.reduce((a, d) => a * d, 1);
      const rng = new Rng(deriveSeed(seed, t.name));
      for (let done = 0; done < numel; done += CHUNK) {
        const n = Math.min(CHUNK, numel - done);
        if (t.init === "ones") bits.fill(one, 0, n);
        else {
          fillNormal(rng, g, 0, n);
          for (let i = 0; i < n; i++) bits[i] = enc(std * g[i]!);
        }
        writeSync(fd, bytes, 0, 2 * n);
      }
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, file);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw e;
  }
  writeFileSync(join(dir, "config.json"), JSON.stringify(config, null, 2) + "\n");
  return { dir, file, bytes: 8 + hb.length + off, parameters };
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? "")).href) {
  const args = process.argv.slice(2);
  const dir = args.find((a, i) => !a.startsWith("--") && !["--seed", "--dtype"].includes(args[i - 1] ?? ""));
  if (!dir) {
    process.stderr.write("usage: node bin/run-ts.mjs scripts/make-llama-1b.ts DIR [--seed S] [--dtype bf16|f16] [--tiny]\n");
    process.exit(2);
  }
  const at = (k: string) => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const seed = Number(at("--seed") ?? 0);
  const dtype = (at("--dtype") ?? "bf16") as "bf16" | "f16";
  if (!Number.isSafeInteger(seed) || (dtype !== "bf16" && dtype !== "f16")) {
    process.stderr.write("--seed must be an integer and --dtype bf16 or f16\n");
    process.exit(2);
  }
  const t0 = performance.now();
  const r = makeRandomLlamaCheckpoint(dir, { seed, dtype, config: args.includes("--tiny") ? TINY_LLAMA_CONFIG : LLAMA_3_2_1B_CONFIG });
  process.stdout.write(`${r.file}: ${r.parameters} parameters, ${r.bytes} bytes, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}
