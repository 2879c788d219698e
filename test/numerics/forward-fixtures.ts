// Tiny random-weight checkpoints of every family (written as real HF folders) and an independent, deliberately
// naive forward pass over HF tensor names in float64, used to check src/numerics/forward.ts.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../../src/util/rng.ts";
import { writeSafetensors, type TensorToWrite } from "../../src/model/safetensors.ts";

export interface TinySpec {
  readonly config: Record<string, unknown>;
  readonly tensors: Map<string, TensorToWrite>;
}

const V = 37;
const H = 32;
const I = 48;
const L = 2;
const NH = 4;
const HD = H / NH;

function filler(seed: number) {
  const rng = new Rng(seed);
  const tensors = new Map<string, TensorToWrite>();
  const rand = (name: string, shape: number[], scale = 0.25, offset = 0) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = offset + scale * rng.nextGaussian();
    tensors.set(name, { shape, data });
  };
  return { tensors, rand };
}

export function tinyLlama(opts: { tied?: boolean; llama3Rope?: boolean; bias?: boolean; seed?: number } = {}): TinySpec {
  const nkv = 2;
  const { tensors, rand } = filler(opts.seed ?? 1);
  rand("model.embed_tokens.weight", [V, H], 0.5);
  for (let l = 0; l < L; l++) {
    const p = `model.layers.${l}`;
    rand(`${p}.input_layernorm.weight`, [H], 0.1, 1);
    rand(`${p}.self_attn.q_proj.weight`, [NH * HD, H]);
    rand(`${p}.self_attn.k_proj.weight`, [nkv * HD, H]);
    rand(`${p}.self_attn.v_proj.weight`, [nkv * HD, H]);
    rand(`${p}.self_attn.o_proj.weight`, [H, NH * HD]);
    if (opts.bias) {
      rand(`${p}.self_attn.q_proj.bias`, [NH * HD], 0.1);
      rand(`${p}.self_attn.k_proj.bias`, [nkv * HD], 0.1);
      rand(`${p}.self_attn.v_proj.bias`, [nkv * HD], 0.1);
      rand(`${p}.self_attn.o_proj.bias`, [H], 0.1);
    }
    rand(`${p}.post_attention_layernorm.weight`, [H], 0.1, 1);
    rand(`${p}.mlp.gate_proj.weight`, [I, H]);
    rand(`${p}.mlp.up_proj.weight`, [I, H]);
    rand(`${p}.mlp.down_proj.weight`, [H, I]);
  }
  rand("model.norm.weight", [H], 0.1, 1);
  if (!opts.tied) rand("lm_head.weight", [V, H]);
  return {
    tensors,
    config: {
      model_type: "llama",
      vocab_size: V,
      hidden_size: H,
      intermediate_size: I,
      num_hidden_layers: L,
      num_attention_heads: NH,
      num_key_value_heads: nkv,
      max_position_embeddings: 128,
      rms_norm_eps: 1e-5,
      rope_theta: 10000,
      hidden_act: "silu",
      tie_word_embeddings: opts.tied === true,
      attention_bias: opts.bias === true,
      rope_scaling: opts.llama3Rope
        ? { rope_type: "llama3", factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 64 }
        : null,
      torch_dtype: "float32",
    },
  };
}

export function tinyPhi3(seed = 2, slidingWindow: number | null = null): TinySpec {
  const { tensors, rand } = filler(seed);
  const nkv = 2;
  rand("model.embed_tokens.weight", [V, H], 0.5);
  for (let l = 0; l < L; l++) {
    const p = `model.layers.${l}`;
    rand(`${p}.input_layernorm.weight`, [H], 0.1, 1);
    rand(`${p}.self_attn.qkv_proj.weight`, [(NH + 2 * nkv) * HD, H]);
    rand(`${p}.self_attn.o_proj.weight`, [H, NH * HD]);
    rand(`${p}.post_attention_layernorm.weight`, [H], 0.1, 1);
    rand(`${p}.mlp.gate_up_proj.weight`, [2 * I, H]);
    rand(`${p}.mlp.down_proj.weight`, [H, I]);
  }
  rand("model.norm.weight", [H], 0.1, 1);
  rand("lm_head.weight", [V, H]);
  return {
    tensors,
    config: {
      model_type: "phi3",
      sliding_window: slidingWindow,
      vocab_size: V,
      hidden_size: H,
      intermediate_size: I,
      num_hidden_layers: L,
      num_attention_heads: NH,
      num_key_value_heads: nkv,
      max_position_embeddings: 128,
      rms_norm_eps: 1e-5,
      rope_theta: 10000,
      hidden_act: "silu",
      tie_word_embeddings: false,
    },
  };
}

export function tinyGpt2(seed = 3, unprefixed = false): TinySpec {
  const { tensors, rand } = filler(seed);
  const pre = unprefixed ? "" : "transformer.";
  rand(`${pre}wte.weight`, [V, H], 0.5);
  rand(`${pre}wpe.weight`, [64, H], 0.2);
  for (let l = 0; l < L; l++) {
    const p = `${pre}h.${l}`;
    rand(`${p}.ln_1.weight`, [H], 0.1, 1);
    rand(`${p}.ln_1.bias`, [H], 0.1);
    rand(`${p}.attn.c_attn.weight`, [H, 3 * H]);
    rand(`${p}.attn.c_attn.bias`, [3 * H], 0.1);
    rand(`${p}.attn.c_proj.weight`, [H, H]);
    rand(`${p}.attn.c_proj.bias`, [H], 0.1);
    rand(`${p}.ln_2.weight`, [H], 0.1, 1);
    rand(`${p}.ln_2.bias`, [H], 0.1);
    rand(`${p}.mlp.c_fc.weight`, [H, I]);
    rand(`${p}.mlp.c_fc.bias`, [I], 0.1);
    rand(`${p}.mlp.c_proj.weight`, [I, H]);
    rand(`${p}.mlp.c_proj.bias`, [H], 0.1);
  }
  rand(`${pre}ln_f.weight`, [H], 0.1, 1);
  rand(`${pre}ln_f.bias`, [H], 0.1);
  return {
    tensors,
    config: { model_type: "gpt2", vocab_size: V, n_embd: H, n_head: NH, n_layer: L, n_positions: 64, n_inner: I, activation_function: "gelu_new", layer_norm_epsilon: 1e-5 },
  };
}

export function tinyOpt(opts: { postLn?: boolean; projDim?: number; seed?: number } = {}): TinySpec {
  const { tensors, rand } = filler(opts.seed ?? 4);
  const E = opts.projDim ?? H;
  const p0 = "model.decoder";
  rand(`${p0}.embed_tokens.weight`, [V, E], 0.5);
  rand(`${p0}.embed_positions.weight`, [64 + 2, H], 0.2);
  if (E !== H) {
    rand(`${p0}.project_in.weight`, [H, E]);
    rand(`${p0}.project_out.weight`, [E, H]);
  }
  for (let l = 0; l < L; l++) {
    const p = `${p0}.layers.${l}`;
    for (const n of ["q_proj", "k_proj", "v_proj", "out_proj"]) {
      rand(`${p}.self_attn.${n}.weight`, [H, H]);
      rand(`${p}.self_attn.${n}.bias`, [H], 0.1);
    }
    rand(`${p}.self_attn_layer_norm.weight`, [H], 0.1, 1);
    rand(`${p}.self_attn_layer_norm.bias`, [H], 0.1);
    rand(`${p}.fc1.weight`, [I, H]);
    rand(`${p}.fc1.bias`, [I], 0.1);
    rand(`${p}.fc2.weight`, [H, I]);
    rand(`${p}.fc2.bias`, [H], 0.1);
    rand(`${p}.final_layer_norm.weight`, [H], 0.1, 1);
    rand(`${p}.final_layer_norm.bias`, [H], 0.1);
  }
  if (!opts.postLn) {
    rand(`${p0}.final_layer_norm.weight`, [H], 0.1, 1);
    rand(`${p0}.final_layer_norm.bias`, [H], 0.1);
  }
  return {
    tensors,
    config: {
      model_type: "opt",
      vocab_size: V,
      hidden_size: H,
      ffn_dim: I,
      num_attention_heads: NH,
      num_hidden_layers: L,
      max_position_embeddings: 64,
      word_embed_proj_dim: E,
      do_layer_norm_before: !opts.postLn,
      activation_function: "relu",
      enable_bias: true,
    },
  };
}

export function tinyBitnet(seed = 5): TinySpec {
  const { tensors, rand } = filler(seed);
  const nkv = 2;
  rand("model.embed_tokens.weight", [V, H], 0.5);
  for (let l = 0; l < L; l++) {
    const p = `model.layers.${l}`;
    rand(`${p}.input_layernorm.weight`, [H], 0.1, 1);
    rand(`${p}.self_attn.q_proj.weight`, [NH * HD, H]);
    rand(`${p}.self_attn.k_proj.weight`, [nkv * HD, H]);
    rand(`${p}.self_attn.v_proj.weight`, [nkv * HD, H]);
    rand(`${p}.self_attn.attn_sub_norm.weight`, [H], 0.1, 1);
    rand(`${p}.self_attn.o_proj.weight`, [H, NH * HD]);
    rand(`${p}.post_attention_layernorm.weight`, [H], 0.1, 1);
    rand(`${p}.mlp.gate_proj.weight`, [I, H]);
    rand(`${p}.mlp.up_proj.weight`, [I, H]);
    rand(`${p}.mlp.ffn_sub_norm.weight`, [I], 0.1, 1);
    rand(`${p}.mlp.down_proj.weight`, [H, I]);
  }
  rand("model.norm.weight", [H], 0.1, 1);
  return {
    tensors,
    config: {
      model_type: "bitnet",
      vocab_size: V,
      hidden_size: H,
      intermediate_size: I,
      num_hidden_layers: L,
      num_attention_heads: NH,
      num_key_value_heads: nkv,
      max_position_embeddings: 128,
      rms_norm_eps: 1e-5,
      rope_theta: 500000,
      hidden_act: "relu2",
      tie_word_embeddings: true,
    },
  };
}

/** Write a spec as an HF folder (config.json + model.safetensors) in a fresh temp dir. */
export async function writeTiny(spec: TinySpec, extra: Record<string, string> = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "aimcsim-tiny-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(spec.config));
  await writeSafetensors(join(dir, "model.safetensors"), spec.tensors);
  for (const [f, text] of Object.entries(extra)) writeFileSync(join(dir, f), text);
  return dir;
}

// ------------------------------------------------------------------------------------------------------------
// Naive float64 reference. Reads HF names directly; GPT-2 Conv1D as x @ W ([in x out]); attention from scratch.

type Vec = number[];

export function naiveLogits(spec: TinySpec, tokens: number[]): number[][] {
  const c = spec.config as Record<string, any>;
  const T = (n: string) => {
    const t = spec.tensors.get(n);
    if (!t) throw new Error(`naive: missing ${n}`);
    return Array.from(t.data as Float32Array);
  };
  const has = (n: string) => spec.tensors.has(n);
  const mt: string = c.model_type;
  const linear = (x: Vec, n: string, out: number, conv1d = false): Vec => {
    const W = T(`${n}.weight`);
    const b = has(`${n}.bias`) ? T(`${n}.bias`) : null;
    const inF = x.length;
    const y: Vec = [];
    for (let o = 0; o < out; o++) {
      let s = b ? b[o]! : 0;
      for (let i = 0; i < inF; i++) s += x[i]! * (conv1d ? W[i * out + o]! : W[o * inF + i]!);
      y.push(s);
    }
    return y;
  };
  const rms = (x: Vec, n: string, eps: number) => {
    const w = T(`${n}.weight`);
    const ms = x.reduce((a, v) => a + v * v, 0) / x.length;
    return x.map((v, i) => (v / Math.sqrt(ms + eps)) * w[i]!);
  };
  const ln = (x: Vec, n: string, eps: number) => {
    const w = T(`${n}.weight`);
    const b = T(`${n}.bias`);
    const mu = x.reduce((a, v) => a + v, 0) / x.length;
    const va = x.reduce((a, v) => a + (v - mu) ** 2, 0) / x.length;
    return x.map((v, i) => ((v - mu) / Math.sqrt(va + eps)) * w[i]! + b[i]!);
  };
  const act = (kind: string, v: number) =>
    kind === "silu"
      ? v / (1 + Math.exp(-v))
      : kind === "relu"
        ? Math.max(0, v)
        : kind === "relu2"
          ? Math.max(0, v) ** 2
          : 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
  const ternarise = (n: string) => {
    const W = T(n);
    const s = 1 / Math.max(W.reduce((a, v) => a + Math.abs(v), 0) / W.length, 1e-5);
    return W.map((v) => Math.max(-1, Math.min(1, roundEven(v * s))) / s);
  };
  const actQuant = (x: Vec) => {
    const s = 127 / Math.max(Math.max(...x.map(Math.abs)), 1e-5);
    return x.map((v) => Math.max(-128, Math.min(127, roundEven(v * s))) / s);
  };
  const bitLinear = (x: Vec, n: string, out: number) => {
    const W = ternarise(`${n}.weight`);
    const xq = actQuant(x);
    const y: Vec = [];
    for (let o = 0; o < out; o++) {
      let s = 0;
      for (let i = 0; i < xq.length; i++) s += xq[i]! * W[o * xq.length + i]!;
      y.push(s);
    }
    return y;
  };
  const window: number | null = typeof c.sliding_window === "number" ? c.sliding_window : null;
  const attend = (qs: Vec[], ks: Vec[], vs: Vec[], nh: number, nkv: number, hd: number, scale: number): Vec[] =>
    qs.map((q, t) => {
      const first = window === null ? 0 : Math.max(0, t - window + 1);
      const out: Vec = new Array(nh * hd).fill(0);
      for (let h = 0; h < nh; h++) {
        const g = Math.floor(h / (nh / nkv));
        const sc: number[] = [];
        for (let j = first; j <= t; j++) {
          let d = 0;
          for (let i = 0; i < hd; i++) d += q[h * hd + i]! * ks[j]![g * hd + i]!;
          sc.push(d * scale);
        }
        const mx = Math.max(...sc);
        const ex = sc.map((s) => Math.exp(s - mx));
        const z = ex.reduce((a, b) => a + b, 0);
        for (let j = first; j <= t; j++) for (let i = 0; i < hd; i++) out[h * hd + i] += (ex[j - first]! / z) * vs[j]![g * hd + i]!;
      }
      return out;
    });

  if (mt === "llama" || mt === "phi3" || mt === "bitnet") {
    const Hd = c.hidden_size as number, nh = c.num_attention_heads as number, nkv = c.num_key_value_heads as number;
    const hd = Hd / nh, Id = c.intermediate_size as number, eps = c.rms_norm_eps as number;
    const bit = mt === "bitnet";
    const lin = (x: Vec, n: string, out: number) => (bit ? bitLinear(x, n, out) : linear(x, n, out));
    // RoPE frequencies (llama3 scaling written out from the formula in modeling_rope_utils.py)
    const freqs: number[] = [];
    for (let i = 0; i < hd / 2; i++) {
      let f = 1 / Math.pow(c.rope_theta, (2 * i) / hd);
      const rs = c.rope_scaling;
      if (rs) {
        const wl = (2 * Math.PI) / f;
        const lowWl = rs.original_max_position_embeddings / rs.low_freq_factor;
        const highWl = rs.original_max_position_embeddings / rs.high_freq_factor;
        if (wl > lowWl) f = f / rs.factor;
        else if (wl >= highWl) {
          const sm = (rs.original_max_position_embeddings / wl - rs.low_freq_factor) / (rs.high_freq_factor - rs.low_freq_factor);
          f = (1 - sm) * (f / rs.factor) + sm * f;
        }
      }
      freqs.push(f);
    }
    const rope = (v: Vec, heads: number, pos: number) => {
      const out = v.slice();
      for (let h = 0; h < heads; h++)
        for (let i = 0; i < hd / 2; i++) {
          const a = v[h * hd + i]!, b = v[h * hd + hd / 2 + i]!;
          const cs = Math.cos(pos * freqs[i]!), sn = Math.sin(pos * freqs[i]!);
          out[h * hd + i] = a * cs - b * sn;
          out[h * hd + hd / 2 + i] = b * cs + a * sn;
        }
      return out;
    };
    const E = T("model.embed_tokens.weight");
    let xs: Vec[] = tokens.map((t) => E.slice(t * Hd, (t + 1) * Hd));
    for (let l = 0; l < c.num_hidden_layers; l++) {
      const p = `model.layers.${l}`;
      const hs = xs.map((x) => rms(x, `${p}.input_layernorm`, eps));
      let qs: Vec[], ks: Vec[], vs: Vec[];
      if (mt === "phi3") {
        const f = hs.map((h) => linear(h, `${p}.self_attn.qkv_proj`, (nh + 2 * nkv) * hd));
        qs = f.map((r) => r.slice(0, nh * hd));
        ks = f.map((r) => r.slice(nh * hd, (nh + nkv) * hd));
        vs = f.map((r) => r.slice((nh + nkv) * hd));
      } else {
        qs = hs.map((h) => lin(h, `${p}.self_attn.q_proj`, nh * hd));
        ks = hs.map((h) => lin(h, `${p}.self_attn.k_proj`, nkv * hd));
        vs = hs.map((h) => lin(h, `${p}.self_attn.v_proj`, nkv * hd));
      }
      qs = qs.map((q, t) => rope(q, nh, t));
      ks = ks.map((k, t) => rope(k, nkv, t));
      let a = attend(qs, ks, vs, nh, nkv, hd, 1 / Math.sqrt(hd));
      if (bit) a = a.map((v) => rms(v, `${p}.self_attn.attn_sub_norm`, eps));
      xs = xs.map((x, t) => lin(a[t]!, `${p}.self_attn.o_proj`, Hd).map((v, i) => v + x[i]!));
      const h2 = xs.map((x) => rms(x, `${p}.post_attention_layernorm`, eps));
      let m: Vec[];
      if (mt === "phi3") {
        m = h2.map((h) => {
          const gu = linear(h, `${p}.mlp.gate_up_proj`, 2 * Id);
          return gu.slice(Id).map((u, i) => u * act(c.hidden_act, gu[i]!));
        });
      } else {
        m = h2.map((h) => {
          const g = lin(h, `${p}.mlp.gate_proj`, Id);
          const u = lin(h, `${p}.mlp.up_proj`, Id);
          return g.map((gv, i) => act(c.hidden_act, gv) * u[i]!);
        });
      }
      if (bit) m = m.map((v) => rms(v, `${p}.mlp.ffn_sub_norm`, eps));
      xs = xs.map((x, t) => lin(m[t]!, `${p}.mlp.down_proj`, Hd).map((v, i) => v + x[i]!));
    }
    const head = has("lm_head.weight") && !c.tie_word_embeddings ? "lm_head" : "model.embed_tokens";
    return xs.map((x) => linear(rms(x, "model.norm", eps), head, c.vocab_size));
  }
  if (mt === "gpt2") {
    const pre = has("transformer.wte.weight") ? "transformer." : "";
    const Hd = c.n_embd as number, nh = c.n_head as number, hd = Hd / nh, eps = c.layer_norm_epsilon as number;
    const Id = c.n_inner as number;
    const E = T(`${pre}wte.weight`), P = T(`${pre}wpe.weight`);
    let xs: Vec[] = tokens.map((t, pos) => E.slice(t * Hd, (t + 1) * Hd).map((v, i) => v + P[pos * Hd + i]!));
    for (let l = 0; l < c.n_layer; l++) {
      const p = `${pre}h.${l}`;
      const f = xs.map((x) => linear(ln(x, `${p}.ln_1`, eps), `${p}.attn.c_attn`, 3 * Hd, true));
      const sc = (c.scale_attn_weights === false ? 1 : 1 / Math.sqrt(hd)) / (c.scale_attn_by_inverse_layer_idx ? l + 1 : 1);
      const a = attend(f.map((r) => r.slice(0, Hd)), f.map((r) => r.slice(Hd, 2 * Hd)), f.map((r) => r.slice(2 * Hd)), nh, nh, hd, sc);
      xs = xs.map((x, t) => linear(a[t]!, `${p}.attn.c_proj`, Hd, true).map((v, i) => v + x[i]!));
      xs = xs.map((x) => {
        const m = linear(ln(x, `${p}.ln_2`, eps), `${p}.mlp.c_fc`, Id, true).map((v) => act("gelu_new", v));
        return linear(m, `${p}.mlp.c_proj`, Hd, true).map((v, i) => v + x[i]!);
      });
    }
    return xs.map((x) => linear(ln(x, `${pre}ln_f`, eps), `${pre}wte`, c.vocab_size));
  }
  if (mt === "opt") {
    const p0 = "model.decoder";
    const Hd = c.hidden_size as number, nh = c.num_attention_heads as number, hd = Hd / nh, eps = 1e-5;
    const Ed = c.word_embed_proj_dim as number, Id = c.ffn_dim as number, pre = c.do_layer_norm_before as boolean;
    const E = T(`${p0}.embed_tokens.weight`), P = T(`${p0}.embed_positions.weight`);
    let xs: Vec[] = tokens.map((t) => E.slice(t * Ed, (t + 1) * Ed));
    if (Ed !== Hd) xs = xs.map((x) => linear(x, `${p0}.project_in`, Hd));
    xs = xs.map((x, pos) => x.map((v, i) => v + P[(pos + 2) * Hd + i]!));
    for (let l = 0; l < c.num_hidden_layers; l++) {
      const p = `${p0}.layers.${l}`;
      const hs = pre ? xs.map((x) => ln(x, `${p}.self_attn_layer_norm`, eps)) : xs;
      const qs = hs.map((h) => linear(h, `${p}.self_attn.q_proj`, Hd));
      const ks = hs.map((h) => linear(h, `${p}.self_attn.k_proj`, Hd));
      const vs = hs.map((h) => linear(h, `${p}.self_attn.v_proj`, Hd));
      const a = attend(qs, ks, vs, nh, nh, hd, 1 / Math.sqrt(hd));
      xs = xs.map((x, t) => linear(a[t]!, `${p}.self_attn.out_proj`, Hd).map((v, i) => v + x[i]!));
      if (!pre) xs = xs.map((x) => ln(x, `${p}.self_attn_layer_norm`, eps));
      xs = xs.map((x) => {
        const h = pre ? ln(x, `${p}.final_layer_norm`, eps) : x;
        const m = linear(h, `${p}.fc1`, Id).map((v) => Math.max(0, v));
        const y = linear(m, `${p}.fc2`, Hd).map((v, i) => v + x[i]!);
        return pre ? y : ln(y, `${p}.final_layer_norm`, eps);
      });
    }
    if (pre) xs = xs.map((x) => ln(x, `${p0}.final_layer_norm`, eps));
    if (Ed !== Hd) xs = xs.map((x) => linear(x, `${p0}.project_out`, Ed));
    return xs.map((x) => linear(x, `${p0}.embed_tokens`, c.vocab_size));
  }
  throw new Error(`naive: unknown model_type ${mt}`);
}

function roundEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
