// The transformer forward pass over Float32Arrays, matching PyTorch fp32 (transformers' modeling files):
//   llama  transformers/models/llama/modeling_llama.py (RMSNorm, RoPE incl. rope_type "llama3", GQA, SiLU-gated MLP)
//   phi3   transformers/models/phi3/modeling_phi3.py   (fused qkv_proj split [q | k | v], gate_up_proj chunk [gate | up])
//   gpt2   transformers/models/gpt2/modeling_gpt2.py   (LayerNorm, learned positions, Conv1D, gelu_new)
//   opt    transformers/models/opt/modeling_opt.py     (learned positions offset 2, q scaled before QK^T, pre/post-LN,
//                                                       project_in/out)
//   mixtral, olmoe, qwen2_moe: the Llama layout with the sparse MoE block of ./moe.ts in place of the MLP
//          (OLMoE's q/k norms span the whole q and k rows)
//   bitnet transformers/models/bitnet/modular_bitnet.py (attn_sub_norm before o_proj, ffn_sub_norm before down_proj,
//                                                       relu2) with BitNet b1.58 quantisation (see quantiseBitnetActivations)
// Every projection (incl. lm_head) goes through backend.linear, so a noisy/quantised backend replaces exactly the
// layers an analog chip would hold; embeddings, norms, RoPE, attention and softmax stay digital fp32.
// A Runner owns all scratch buffers; the inner loops allocate nothing.

import type { LoadedModel, LayerWeights, NormWeights } from "../model/checkpoint.ts";
import type { LinearBackend, LinearWeight } from "./backend.ts";
import { AimcsimError } from "../errors.ts";
import { widenHalf, type HalfBits } from "../formats/tensors.ts";
import { shapeDetails, type GemmaDetails } from "../model/config.ts";
import { moeDetails } from "../model/moe.ts";
import { MoeRunner } from "./moe.ts";

export interface ForwardSession {
  /** Feed one token at the next position; returns that position's logits [vocab] (a buffer reused by the next call). */
  step(token: number): Float32Array;
  /** Feed several tokens at once (a prompt), in chunks; returns their logits [n x vocab] in a new array. */
  prefill(tokens: Int32Array): Float32Array;
  /** Forget the KV cache; the next step is position 0. */
  reset(): void;
  /** Number of tokens consumed since the last reset. */
  readonly position: number;
}

/** Tokens per backend call in a prefill. Assumption (engineering, not physics): 128 bounds scratch memory
 *  (gate/up buffers are chunk x intermediate floats, 5.6 MB for Llama-7B) while keeping calls large enough that
 *  per-call backend overhead is negligible. Results do not depend on it. */
const PREFILL_CHUNK = 128;
/** Default prompt chunk of a decoding session (same reasoning, smaller since sessions are often many). */
const SESSION_PREFILL_CHUNK = 32;

/** Full causal prefill: logits [T x vocab] for every position of `tokens`. */
export function forwardLogits(model: LoadedModel, backend: LinearBackend, tokens: Int32Array): Float32Array {
  const T = tokens.length;
  const r = new Runner(model, backend, Math.min(Math.max(T, 1), PREFILL_CHUNK), Math.max(T, 1));
  const out = new Float32Array(T * model.shape.vocabSize);
  if (T > 0) r.run(tokens, 0, T, out);
  return out;
}

/** Incremental decoding with a KV cache; step t's logits equal row t of forwardLogits within fp32 round-off. */
export function createSession(model: LoadedModel, backend: LinearBackend, opts: { prefillChunk?: number } = {}): ForwardSession {
  const chunk = Math.max(1, Math.floor(opts.prefillChunk ?? SESSION_PREFILL_CHUNK));
  const r = new Runner(model, backend, chunk, 64);
  const V = model.shape.vocabSize;
  const logits = new Float32Array(V);
  const one = new Int32Array(1);
  return {
    step(token: number) {
      one[0] = token;
      r.run(one, r.position, 1, logits);
      return logits;
    },
    prefill(tokens: Int32Array) {
      const out = new Float32Array(tokens.length * V);
      if (tokens.length) r.run(tokens, r.position, tokens.length, out);
      return out;
    },
    reset() {
      r.position = 0;
    },
    get position() {
      return r.position;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

class Runner {
  position = 0;
  private readonly H: number;
  private readonly E: number; // embedding width (OPT word_embed_proj_dim)
  private readonly I: number;
  private readonly V: number;
  private readonly nH: number;
  private readonly nKv: number;
  private readonly hd: number;
  private readonly qDim: number;
  private readonly kvDim: number;
  private readonly rot: number;
  private readonly invFreq: Float32Array;
  private readonly ternary: boolean;
  // scratch, sized for `cap` tokens
  private readonly x: Float32Array;
  private readonly h: Float32Array;
  private readonly e: Float32Array;
  private readonly q: Float32Array;
  private readonly k: Float32Array;
  private readonly v: Float32Array;
  private readonly qkv: Float32Array;
  private readonly att: Float32Array;
  private readonly tmpH: Float32Array;
  private readonly gate: Float32Array;
  private readonly up: Float32Array;
  private readonly gateUp: Float32Array;
  private readonly cos: Float32Array;
  private readonly sin: Float32Array;
  private readonly gemma: GemmaDetails | null;
  private readonly moe: MoeRunner | null;
  /** Gemma-3 sliding layers' RoPE (rope_local_base_freq); empty otherwise. */
  private readonly invFreqLocal: Float32Array;
  private readonly cosL: Float32Array;
  private readonly sinL: Float32Array;
  private scores: Float32Array;
  private kCache: Float32Array[];
  private vCache: Float32Array[];
  private ctxCap: number;

  constructor(
    private readonly model: LoadedModel,
    private readonly backend: LinearBackend,
    private readonly cap: number,
    ctxCap: number,
  ) {
    const s = model.shape;
    this.H = s.hiddenSize;
    this.E = s.family === "opt" && s.wordEmbedProjDim > 0 ? s.wordEmbedProjDim : s.hiddenSize;
    this.I = s.intermediateSize;
    this.V = s.vocabSize;
    this.nH = s.numHeads;
    this.nKv = s.numKvHeads;
    this.hd = s.headDim;
    this.qDim = s.numHeads * s.headDim;
    this.kvDim = s.numKvHeads * s.headDim;
    this.rot = model.layout.options.rotaryDim;
    this.ternary = s.weightFormat === "ternary";
    this.invFreq = s.positional === "rope" ? ropeInverseFrequencies(s.ropeTheta, this.rot, s.ropeScaling) : new Float32Array(0);
    const maxW = Math.max(this.H, this.qDim, this.E);
    this.x = new Float32Array(cap * this.H);
    this.h = new Float32Array(cap * maxW);
    this.e = new Float32Array(cap * this.E);
    this.q = new Float32Array(cap * this.qDim);
    this.k = new Float32Array(cap * this.kvDim);
    this.v = new Float32Array(cap * this.kvDim);
    const fused = model.layout.layers.some((l) => l.qkv !== null);
    this.qkv = new Float32Array(fused ? cap * (this.qDim + 2 * this.kvDim) : 0);
    this.att = new Float32Array(cap * this.qDim);
    this.tmpH = new Float32Array(cap * maxW);
    this.gate = new Float32Array(cap * this.I);
    this.up = new Float32Array(cap * this.I);
    const fusedGU = model.layout.layers.some((l) => l.fusedGateUp);
    this.gateUp = new Float32Array(fusedGU ? cap * 2 * this.I : 0);
    this.cos = new Float32Array(cap * (this.rot >> 1));
    this.sin = new Float32Array(cap * (this.rot >> 1));
    this.gemma = shapeDetails(s).gemma;
    const md = moeDetails(s);
    this.moe = md ? new MoeRunner(md, backend, this.H, s.activation, cap) : null;
    const lt = this.gemma?.localRopeTheta ?? null;
    this.invFreqLocal = lt !== null ? ropeInverseFrequencies(lt, this.rot, null) : new Float32Array(0);
    this.cosL = new Float32Array(lt !== null ? cap * (this.rot >> 1) : 0);
    this.sinL = new Float32Array(lt !== null ? cap * (this.rot >> 1) : 0);
    this.ctxCap = Math.min(Math.max(ctxCap, 1), s.maxPositions);
    this.scores = new Float32Array(this.ctxCap);
    this.kCache = model.layout.layers.map(() => new Float32Array(this.ctxCap * this.kvDim));
    this.vCache = model.layout.layers.map(() => new Float32Array(this.ctxCap * this.kvDim));
  }

  /** Grow the KV cache (amortised doubling, never per token). */
  private ensureContext(n: number): void {
    const maxP = this.model.shape.maxPositions;
    if (n > maxP)
      throw new AimcsimError("UsageError", "tokens", `sequence of ${n} tokens exceeds the model's max_position_embeddings ${maxP}`);
    if (n <= this.ctxCap) return;
    let c = this.ctxCap;
    while (c < n) c *= 2;
    c = Math.min(c, maxP);
    const grow = (a: Float32Array[]) =>
      a.map((old) => {
        const g = new Float32Array(c * this.kvDim);
        g.set(old);
        return g;
      });
    this.kCache = grow(this.kCache);
    this.vCache = grow(this.vCache);
    this.scores = new Float32Array(c);
    this.ctxCap = c;
  }

  /** Process `count` tokens at positions start.. (start must equal this.position), writing logits [count x V];
   *  longer inputs run in chunks of the runner's capacity (same results: attention sees the whole cache). */
  run(tokens: Int32Array, start: number, count: number, logits: Float32Array): void {
    // validate everything before touching the KV cache, so a bad input leaves the session as it was
    this.ensureContext(start + count);
    const V = this.V;
    for (let t = 0; t < count; t++) {
      const id = tokens[t]!;
      if (!(id >= 0 && id < V))
        throw new AimcsimError("UsageError", "tokens", `token id ${id} at position ${start + t} is outside the vocabulary [0, ${V})`);
    }
    if (count <= this.cap) return this.runChunk(tokens, start, count, logits);
    for (let c0 = 0; c0 < count; c0 += this.cap) {
      const n = Math.min(this.cap, count - c0);
      this.runChunk(tokens.subarray(c0, c0 + n), start + c0, n, logits.subarray(c0 * V, (c0 + n) * V));
    }
  }

  private runChunk(tokens: Int32Array, start: number, count: number, logits: Float32Array): void {
    this.ensureContext(start + count);
    const { layout, shape } = this.model;
    const H = this.H, E = this.E, V = this.V;
    // --- embeddings
    const eb = layout.projectIn ? this.e : this.x;
    const embHalf = layout.embed.half;
    const emb = embHalf ? null : layout.embed.data; // a 16-bit embedding is widened row by row, never whole
    for (let t = 0; t < count; t++) {
      const id = tokens[t]!;
      if (embHalf) widenRow(embHalf, id * E, eb, t * E, E);
      else copy(emb!, id * E, eb, t * E, E);
    }
    if (layout.projectIn) this.backend.linear(layout.projectIn, this.e, count, this.x);
    if (this.gemma) {
      // modeling_gemma2.py: hidden_states * torch.tensor(hidden_size**0.5, dtype=hidden_states.dtype)
      const n = Math.fround(Math.sqrt(H));
      for (let i = 0; i < count * H; i++) this.x[i] = this.x[i]! * n;
    }
    if (layout.positions) {
      const PH = layout.positions.half;
      const P = PH ? this.tmpH : layout.positions.data;
      const off = layout.options.positionOffset;
      for (let t = 0; t < count; t++) {
        let po = (start + t + off) * H;
        if (PH) {
          widenRow(PH, po, P, 0, H);
          po = 0;
        }
        const xo = t * H;
        for (let i = 0; i < H; i++) this.x[xo + i] = this.x[xo + i]! + P[po + i]!;
      }
    }
    if (shape.positional === "rope") this.ropeTables(start, count);
    // Non-finite activations (a weight beyond float32 range, an overflow) are an error naming the stage
    // where they first appear, never NaN results (issue 13.5). One pass over the residual stream per stage.
    // A value above sqrt(FLT_MAX) overflows when squared in the next norm: the stage that produced it is
    // named as the origin.
    const checker = new FiniteCheck(this.model, tokens, count, H);
    checker.after("the embedding", embeddingName(this.model), this.x);
    // --- decoder layers
    for (let l = 0; l < layout.layers.length; l++) {
      this.layer(l, layout.layers[l]!, start, count);
      checker.after(`decoder layer ${l}`, layerName(layout.layers[l]!, l), this.x);
    }
    // --- head
    let hb = this.x;
    if (layout.finalNorm) {
      this.norm(layout.finalNorm, this.x, this.h, count, H);
      hb = this.h;
    }
    if (layout.projectOut) {
      this.backend.linear(layout.projectOut, hb, count, this.tmpH);
      hb = this.tmpH;
    }
    this.backend.linear(layout.lmHead, hb, count, logits);
    const fc = this.gemma?.finalSoftcap ?? null;
    if (fc !== null)
      // modeling_gemma2.py: logits / cap, tanh, * cap (fp32 each)
      for (let i = 0; i < count * V; i++) logits[i] = Math.fround(Math.tanh(Math.fround(logits[i]! / fc))) * fc;
    checker.after("the final norm and lm_head", layout.lmHead.name, logits, V);
    this.position = start + count;
  }

  private ropeTables(start: number, count: number): void {
    this.ropeTable(this.invFreq, this.cos, this.sin, start, count);
    if (this.invFreqLocal.length) this.ropeTable(this.invFreqLocal, this.cosL, this.sinL, start, count);
  }

  private ropeTable(inv: Float32Array, cos: Float32Array, sin: Float32Array, start: number, count: number): void {
    const half = this.rot >> 1;
    for (let t = 0; t < count; t++) {
      const pos = start + t;
      for (let i = 0; i < half; i++) {
        // transformers: freqs = inv_freq (fp32) @ position_ids (fp32), then cos/sin in fp32.
        const f = Math.fround(inv[i]! * pos);
        cos[t * half + i] = Math.cos(f);
        sin[t * half + i] = Math.sin(f);
      }
    }
  }

  private applyRope(buf: Float32Array, heads: number, count: number, cos = this.cos, sin = this.sin): void {
    const hd = this.hd;
    const half = this.rot >> 1;
    for (let t = 0; t < count; t++) {
      for (let h = 0; h < heads; h++) {
        const o = (t * heads + h) * hd;
        for (let i = 0; i < half; i++) {
          const c = cos[t * half + i]!;
          const s = sin[t * half + i]!;
          const a = buf[o + i]!;
          const b = buf[o + half + i]!;
          buf[o + i] = a * c - b * s;
          buf[o + half + i] = b * c + a * s;
        }
      }
    }
  }

  private norm(w: NormWeights, src: Float32Array, dst: Float32Array, count: number, dim: number): void {
    const eps = this.model.shape.normEps;
    const g = w.weight;
    const b = w.bias;
    if (this.model.shape.norm === "rmsnorm") {
      for (let t = 0; t < count; t++) {
        const o = t * dim;
        let ss = 0;
        for (let i = 0; i < dim; i++) ss += src[o + i]! * src[o + i]!;
        const r = Math.fround(1 / Math.sqrt(Math.fround(ss / dim) + eps));
        // transformers LlamaRMSNorm: weight * (x * rsqrt(mean(x^2) + eps)), each product rounded to fp32.
        for (let i = 0; i < dim; i++) dst[o + i] = g[i]! * Math.fround(src[o + i]! * r);
      }
    } else {
      for (let t = 0; t < count; t++) {
        const o = t * dim;
        let mean = 0;
        for (let i = 0; i < dim; i++) mean += src[o + i]!;
        mean /= dim;
        let v = 0;
        for (let i = 0; i < dim; i++) {
          const d = src[o + i]! - mean;
          v += d * d;
        }
        const r = 1 / Math.sqrt(v / dim + eps);
        for (let i = 0; i < dim; i++) dst[o + i] = (src[o + i]! - mean) * r * g[i]! + (b ? b[i]! : 0);
      }
    }
  }

  private lin(w: LinearWeight, x: Float32Array, count: number, out: Float32Array, inDim: number): void {
    if (this.ternary && w !== this.model.layout.lmHead) quantiseBitnetActivations(x, count, inDim);
    this.backend.linear(w, x, count, out);
  }

  private layer(l: number, L: LayerWeights, start: number, count: number): void {
    const H = this.H, I = this.I, hd = this.hd, qDim = this.qDim, kvDim = this.kvDim;
    const opts = this.model.layout.options;
    const x = this.x, h = this.h;
    const rope = this.model.shape.positional === "rope";
    // ---- attention block
    if (opts.preNorm) this.norm(L.attnNorm, x, h, count, H);
    else copy(x, 0, h, 0, count * H);
    if (L.qkv) {
      this.lin(L.qkv, h, count, this.qkv, H);
      const w = qDim + 2 * kvDim;
      for (let t = 0; t < count; t++) {
        const o = t * w;
        copy(this.qkv, o, this.q, t * qDim, qDim);
        copy(this.qkv, o + qDim, this.k, t * kvDim, kvDim);
        copy(this.qkv, o + qDim + kvDim, this.v, t * kvDim, kvDim);
      }
    } else {
      if (this.ternary) quantiseBitnetActivations(h, count, H);
      this.backend.linear(L.q!, h, count, this.q);
      this.backend.linear(L.k!, h, count, this.k);
      this.backend.linear(L.v!, h, count, this.v);
    }
    if (L.qNorm && L.kNorm) {
      // Qwen3 (modeling_qwen3.py): q_norm/k_norm RMSNorm over head_dim of each head, before RoPE;
      // OLMoE (modeling_olmoe.py): over the whole q / k row (weights of width heads x head_dim)
      const full = L.qNorm.weight.length === qDim && qDim !== hd;
      this.norm(L.qNorm, this.q, this.q, full ? count : count * this.nH, full ? qDim : hd);
      this.norm(L.kNorm, this.k, this.k, full ? count : count * this.nKv, full ? kvDim : hd);
    }
    const gm = this.gemma;
    const sliding = gm ? gm.slidingLayers[l]! : true;
    if (rope) {
      const local = gm !== null && sliding && this.invFreqLocal.length > 0;
      this.applyRope(this.q, this.nH, count, local ? this.cosL : this.cos, local ? this.sinL : this.sin);
      this.applyRope(this.k, this.nKv, count, local ? this.cosL : this.cos, local ? this.sinL : this.sin);
    }
    // Gemma: scaling = query_pre_attn_scalar ** -0.5
    let scale = gm ? gm.queryPreAttnScalar ** -0.5 : opts.scaleAttnWeights ? 1 / Math.sqrt(hd) : 1;
    if (this.model.shape.family === "opt") {
      // modeling_opt.py: query_states = q_proj(x) * head_dim**-0.5, scores = q @ k^T (no further scaling).
      const s = Math.fround(scale);
      for (let i = 0; i < count * qDim; i++) this.q[i] = this.q[i]! * s;
      scale = 1;
    } else if (opts.scaleAttnByInverseLayerIdx) scale = scale / (l + 1);
    const kc = this.kCache[l]!, vc = this.vCache[l]!;
    copy(this.k, 0, kc, start * kvDim, count * kvDim);
    copy(this.v, 0, vc, start * kvDim, count * kvDim);
    this.attention(kc, vc, start, count, scale, sliding ? opts.slidingWindow : null, gm?.attnSoftcap ?? null);
    if (L.attnSubNorm) this.norm(L.attnSubNorm, this.att, this.att, count, qDim);
    this.lin(L.o, this.att, count, this.tmpH, qDim);
    if (L.postAttnNorm) this.norm(L.postAttnNorm, this.tmpH, this.tmpH, count, H);
    for (let i = 0; i < count * H; i++) x[i] = x[i]! + this.tmpH[i]!;
    if (!opts.preNorm) this.norm(L.attnNorm, x, x, count, H);
    // ---- MLP block
    if (opts.preNorm) this.norm(L.mlpNorm, x, h, count, H);
    else copy(x, 0, h, 0, count * H);
    const act = this.model.shape.activation;
    if (L.moe) this.moe!.run(L.moe, h, count, this.tmpH);
    else this.mlp(L, h, count, act);
    if (L.postFfnNorm) this.norm(L.postFfnNorm, this.tmpH, this.tmpH, count, H);
    for (let i = 0; i < count * H; i++) x[i] = x[i]! + this.tmpH[i]!;
    if (!opts.preNorm) this.norm(L.mlpNorm, x, x, count, H);
  }

  /** The dense MLP of h [count x H] into tmpH. */
  private mlp(L: LayerWeights, h: Float32Array, count: number, act: string): void {
    const H = this.H, I = this.I;
    const up = L.up!;
    if (L.fusedGateUp) {
      // Phi-3: gate, up = gate_up_proj(x).chunk(2, dim=-1); up * act(gate)
      this.lin(up, h, count, this.gateUp, H);
      for (let t = 0; t < count; t++) {
        const o = t * 2 * I;
        for (let i = 0; i < I; i++) this.up[t * I + i] = this.gateUp[o + I + i]! * activate(act, this.gateUp[o + i]!);
      }
    } else if (L.gate) {
      if (this.ternary) quantiseBitnetActivations(h, count, H);
      this.backend.linear(L.gate, h, count, this.gate);
      this.backend.linear(up, h, count, this.up);
      for (let i = 0; i < count * I; i++) this.up[i] = Math.fround(activate(act, this.gate[i]!)) * this.up[i]!;
    } else {
      this.lin(up, h, count, this.up, H);
      for (let i = 0; i < count * I; i++) this.up[i] = activate(act, this.up[i]!);
    }
    if (L.ffnSubNorm) this.norm(L.ffnSubNorm, this.up, this.up, count, I);
    this.lin(L.down!, this.up, count, this.tmpH, I);
  }

  /** Causal attention of `count` new queries (positions start..) over the cache [0, start + t]. */
  private attention(kc: Float32Array, vc: Float32Array, start: number, count: number, scale: number, win: number | null, softcap: number | null): void {
    const hd = this.hd, nH = this.nH, kvDim = this.kvDim, qDim = this.qDim;
    const group = nH / this.nKv;
    const sc = this.scores;
    const q = this.q, att = this.att;
    for (let t = 0; t < count; t++) {
      const n = start + t + 1;
      // transformers masking_utils sliding_window_overlay: key j is visible iff j > pos - window
      const j0 = win !== null && n > win ? n - win : 0;
      for (let hh = 0; hh < nH; hh++) {
        const qo = t * qDim + hh * hd;
        const ko = Math.floor(hh / group) * hd;
        let mx = -Infinity;
        for (let j = j0; j < n; j++) {
          const kb = j * kvDim + ko;
          let d = 0;
          for (let i = 0; i < hd; i++) d += q[qo + i]! * kc[kb + i]!;
          let s = Math.fround(d) * scale;
          // Gemma-2 attn_logit_softcapping: scores / cap, tanh, * cap (fp32 each)
          if (softcap !== null) s = Math.fround(Math.tanh(Math.fround(Math.fround(s) / softcap))) * softcap;
          sc[j] = s;
          if (s > mx) mx = s;
        }
        let sum = 0;
        for (let j = j0; j < n; j++) {
          const e = Math.fround(Math.exp(sc[j]! - mx));
          sc[j] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let i = 0; i < hd; i++) att[qo + i] = 0;
        for (let j = j0; j < n; j++) {
          const p = sc[j]! * inv;
          const vb = j * kvDim + ko;
          for (let i = 0; i < hd; i++) att[qo + i] = att[qo + i]! + p * vc[vb + i]!;
        }
      }
    }
  }
}

function copy(src: Float32Array, so: number, dst: Float32Array, d0: number, n: number): void {
  for (let i = 0; i < n; i++) dst[d0 + i] = src[so + i]!;
}

/** dst[d0 ..) = n values of a bf16/f16 tensor from element so, widened exactly. */
function widenRow(h: HalfBits, so: number, dst: Float32Array, d0: number, n: number): void {
  widenHalf({ kind: h.kind, bits: h.bits.subarray(so, so + n) }, dst.subarray(d0, d0 + n));
}

// ---------------------------------------------------------------------------------------------------------------
// Pieces shared with tests and other numerics modules.

/**
 * RoPE inverse frequencies in fp32, as transformers' `_compute_default_rope_parameters`
 * (inv_freq = 1 / base^(arange(0, dim, 2) / dim)) and, for rope_type "llama3", `_compute_llama3_parameters`
 * (modeling_rope_utils.py): wavelengths above original/low_freq_factor are divided by `factor`, those below
 * original/high_freq_factor kept, and the band in between interpolated by smooth = (orig/wavelen - low)/(high - low).
 */
export function ropeInverseFrequencies(
  theta: number,
  dim: number,
  scaling: { factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositions: number } | null,
): Float32Array {
  const half = dim >> 1;
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / Math.fround(Math.pow(theta, Math.fround((2 * i) / dim)));
  if (!scaling) return inv;
  const f = (v: number) => Math.fround(v);
  const { factor, lowFreqFactor: low, highFreqFactor: high, originalMaxPositions: old } = scaling;
  const lowWavelen = old / low;
  const highWavelen = old / high;
  for (let i = 0; i < half; i++) {
    const fr = inv[i]!;
    const wavelen = f((2 * Math.PI) / fr);
    let out = wavelen > lowWavelen ? f(fr / factor) : fr;
    const smooth = f((f(old / wavelen) - low) / (high - low));
    const medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
    if (medium) out = f(f(f((1 - smooth) * out) / factor) + f(smooth * out));
    inv[i] = out;
  }
  return inv;
}

/** Hidden activations (transformers/activations.py ACT2FN). */
export function activate(kind: string, x: number): number {
  switch (kind) {
    case "silu":
      return x / (1 + Math.exp(-x));
    case "gelu":
      return 0.5 * x * (1 + erf(x / Math.SQRT2));
    case "gelu_new":
      return 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
    case "relu":
      return x > 0 ? x : 0;
    case "relu2":
      return x > 0 ? x * x : 0;
    default:
      throw new AimcsimError("ModelError", "activation", `unsupported activation "${kind}"`);
  }
}

/** erf with |error| < 1.2e-7 (Numerical Recipes erfc Chebyshev fit, W. H. Press et al., 3rd ed. 6.2.2). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/**
 * BitNet b1.58 activation quantisation (Ma et al., "The Era of 1-bit LLMs", arXiv 2402.17764; transformers
 * integrations/bitnet.py ActQuant): per token s = 127 / max(|x|, 1e-5); x <- clamp(round(x s), -128, 127) / s.
 */
export function quantiseBitnetActivations(x: Float32Array, tokens: number, dim: number): void {
  for (let t = 0; t < tokens; t++) {
    const o = t * dim;
    let m = 0;
    for (let i = 0; i < dim; i++) {
      const a = Math.abs(x[o + i]!);
      if (a > m) m = a;
    }
    const s = Math.fround(127 / Math.max(m, 1e-5));
    for (let i = 0; i < dim; i++) {
      let q = Math.round(Math.fround(x[o + i]! * s));
      // torch.round is half-to-even; Math.round is half-up: fix exact .5 ties.
      const r = Math.fround(x[o + i]! * s);
      if (q - r === 0.5 && q % 2 !== 0) q -= 1;
      if (q > 127) q = 127;
      else if (q < -128) q = -128;
      x[o + i] = q / s;
    }
  }
}

const FLT_MAX = 3.4028234663852886e38; // largest finite float32 (IEEE 754 binary32)
const SQRT_FLT_MAX = Math.sqrt(FLT_MAX); // ~1.84e19: larger values overflow when squared (norm variance)

/** Checks the residual stream after each stage of one forward chunk (no allocation on the finite path). */
class FiniteCheck {
  private origin: { stage: string; name: string; max: number; where: string } | null = null;
  constructor(
    private readonly model: LoadedModel,
    private readonly tokens: Int32Array,
    private readonly count: number,
    private readonly H: number,
  ) {}

  after(stage: string, name: string, a: Float32Array, width = this.H): void {
    const n = this.count * width;
    let m = 0;
    let bad = -1;
    for (let i = 0; i < n; i++) {
      const v = a[i]!;
      const x = v < 0 ? -v : v;
      if (!(x <= FLT_MAX)) {
        bad = i;
        break;
      }
      if (x > m) m = x;
    }
    if (bad < 0) {
      if (m > SQRT_FLT_MAX && !this.origin) this.origin = { stage, name, max: m, where: this.at(a, width, (v) => Math.abs(v) === m) };
      return;
    }
    const here = this.at(a, width, (v) => !Number.isFinite(v));
    if (this.origin) {
      const o = this.origin;
      throw new AimcsimError(
        "ModelError",
        o.name,
        `${o.stage} produced a value of magnitude ${o.max.toPrecision(3)}${o.where}, beyond sqrt(float32 max) = ${SQRT_FLT_MAX.toPrecision(3)}, so ${stage} (${name}) overflowed to NaN/infinity${here}; check the weights of ${o.stage}; no result is reported`,
      );
    }
    throw new AimcsimError("ModelError", name, `${stage} produced non-finite values (NaN or infinity)${here} from finite inputs; check its weights (a value beyond float32 range?); no result is reported`);
  }

  private at(a: Float32Array, width: number, pick: (v: number) => boolean): string {
    for (let t = 0; t < this.count; t++)
      for (let i = 0; i < width; i++) if (pick(a[t * width + i]!)) return ` (at token id ${this.tokens[t]}, element ${i})`;
    return "";
  }
}

function layerName(L: LayerWeights, l: number): string {
  const n = L.o.name; // e.g. "model.layers.3.self_attn.o_proj"
  const i = n.search(/\.(self_attn|attn|attention|mlp)\./);
  return i > 0 ? n.slice(0, i) : `layer ${l}`;
}

function embeddingName(model: LoadedModel): string {
  return model.shape.family === "gpt2" ? "transformer.wte" : "model.embed_tokens";
}
