// Loading a Hugging Face checkpoint folder (config.json, model.safetensors or sharded
// model.safetensors.index.json, tokenizer.json) into float32 tensors, the list of projection weights
// (LinearWeight, [out x in]) and a per-layer layout the forward pass (src/numerics/forward.ts) walks.
// Tensor names (the one table: hf-names.ts) follow transformers' modeling files: Llama/Phi-3/BitNet ("model.layers.N..."),
// GPT-2 ("transformer.h.N..." or unprefixed "h.N..."), OPT ("model.decoder.layers.N...").

import { moeDetails } from "./moe.ts";
import { loadMoeLayer, type MoeLayerWeights } from "./moe-weights.ts";
import { readFile, realpath, stat } from "node:fs/promises";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { AimcsimError } from "../errors.ts";
import { halfLinearWeight, widenHalf, type HalfBits, type LinearWeight, type TensorAllocator } from "../formats/tensors.ts";
import { hfTensorNames } from "./hf-names.ts";
import type { TransformerShape } from "./shape.ts";
import { SafetensorsFile, SafetensorsReaderSync, type DecodedTensor } from "./safetensors.ts";
import { shapeDetails, shapeFromConfig } from "./config.ts";
import { loadTokenizer, specialsFromTokenizerConfig, type Tokenizer } from "./tokenizer.ts";
import { quantiseTernaryAbsmean } from "../formats/numbers.ts";

export interface NormWeights {
  readonly weight: Float32Array;
  readonly bias: Float32Array | null;
}

/** One decoder layer's tensors. Exactly one of (q,k,v) / qkv and one of (gate,up) / gateUp / none is set. */
export interface LayerWeights {
  readonly attnNorm: NormWeights;
  readonly q: LinearWeight | null;
  readonly k: LinearWeight | null;
  readonly v: LinearWeight | null;
  /** Fused [q; k; v] rows (Phi-3 qkv_proj, GPT-2 c_attn transposed). */
  readonly qkv: LinearWeight | null;
  readonly o: LinearWeight;
  /** BitNet: RMSNorm before o_proj. */
  readonly attnSubNorm: NormWeights | null;
  /** Qwen3, Gemma-3: RMSNorm over head_dim of each q and k head, before RoPE. */
  readonly qNorm?: NormWeights | null;
  readonly kNorm?: NormWeights | null;
  /** Gemma: norm of the attention output before the residual add (post_attention_layernorm) and of the MLP
   *  output (post_feedforward_layernorm); mlpNorm is then pre_feedforward_layernorm. */
  readonly postAttnNorm?: NormWeights | null;
  readonly postFfnNorm?: NormWeights | null;
  readonly mlpNorm: NormWeights;
  readonly gate: LinearWeight | null;
  /** up_proj, fc1, c_fc (or the fused gate_up_proj); null in a mixture-of-experts layer (see `moe`). */
  readonly up: LinearWeight | null;
  /** Phi-3: `up` holds the fused [gate; up] rows when true. */
  readonly fusedGateUp: boolean;
  /** BitNet: RMSNorm before down_proj. */
  readonly ffnSubNorm: NormWeights | null;
  readonly down: LinearWeight | null; // down_proj, fc2, c_proj; null in a MoE layer
  /** Mixture of experts (Mixtral, OLMoE, Qwen2-MoE): the sparse block in place of the MLP (moe-weights.ts). */
  readonly moe?: MoeLayerWeights | null;
}

/** Family details the forward pass needs that TransformerShape does not carry. */
export interface ForwardOptions {
  /** Rotary dimensions per head (Phi-3 partial_rotary_factor * headDim); headDim otherwise. */
  readonly rotaryDim: number;
  /** OPT do_layer_norm_before (false: post-LN as in OPT-350m). Always true elsewhere. */
  readonly preNorm: boolean;
  /** GPT-2 scale_attn_by_inverse_layer_idx. */
  readonly scaleAttnByInverseLayerIdx: boolean;
  /** GPT-2 scale_attn_weights (divide scores by sqrt(head_dim)); true for every other family. */
  readonly scaleAttnWeights: boolean;
  /** Offset added to positions before the learned position table (OPT: 2). */
  readonly positionOffset: number;
  /** Phi-3 sliding_window: a query attends to at most this many most recent keys (itself included); null = all. */
  readonly slidingWindow: number | null;
}

export interface ModelLayout {
  readonly embed: DecodedTensor; // [vocab x embedDim]
  readonly positions: DecodedTensor | null; // learned positions [n x hidden]
  readonly projectIn: LinearWeight | null; // OPT
  readonly projectOut: LinearWeight | null; // OPT
  readonly layers: readonly LayerWeights[];
  readonly finalNorm: NormWeights | null;
  readonly lmHead: LinearWeight;
  readonly options: ForwardOptions;
}

export interface LoadedModel {
  readonly shape: TransformerShape;
  /** Folder (or a label for in-memory models). */
  readonly source: string;
  /** The raw config.json object. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly tensors: ReadonlyMap<string, Float32Array>;
  readonly tensorShapes: ReadonlyMap<string, readonly number[]>;
  /** Every projection in execution order, lm_head last. */
  readonly linears: readonly LinearWeight[];
  readonly layout: ModelLayout;
  readonly tokenizer: Tokenizer | null;
}

/** How loadModel holds the tensors (all optional; with none set, every tensor is read into float32 up front). */
export interface LoadOptions {
  /**
   * Keep BF16/F16 matrices (projections, the embedding and a tied lm_head) as their stored 16-bit bits (HalfBits)
   * instead of widening them to float32: half the memory. A projection that must be transformed (GPT-2's
   * transposed Conv1D, BitNet's ternarisation) is widened; vectors (norms, biases) are read as float32.
   */
  readonly keepHalf?: boolean;
  /** Memory the tensors are read into (default plain typed arrays; the numerics pass their kernel banks). */
  readonly alloc?: TensorAllocator;
  /**
   * Streaming: called with each projection weight right after it is read, in execution order (lm_head last);
   * the model keeps what it returns. A consumer that takes the weight over (the analog backend programs it)
   * returns a stand-in without values (releasedLinearWeight), so only one source weight is held at a time.
   */
  readonly onLinear?: (w: LinearWeight, isLmHead: boolean) => LinearWeight;
}

/**
 * Load a Hugging Face checkpoint folder. Every failure is an AimcsimError naming the file and tensor.
 * With LoadOptions each tensor is read synchronously at the moment the model is assembled (one at a time,
 * straight into opts.alloc's memory); LoadedModel.tensors then holds only the vectors (norms, biases, input
 * ranges), the matrices being in `linears` and `layout`.
 */
export async function loadModel(dir: string, opts: LoadOptions = {}): Promise<LoadedModel> {
  if (typeof dir !== "string" || dir === "") throw new AimcsimError("UsageError", "model", `must be a checkpoint folder (a path), got ${dir === "" ? "an empty string" : typeof dir}`);
  const configPath = join(dir, "config.json");
  const config = normaliseConfig(await readJson(configPath));
  const parsed = shapeFromConfig(config, configPath);
  // Without a _name_or_path in config.json the model is named after its folder (as loadShapeFromFolder does).
  const named = typeof (config as Record<string, unknown>)["_name_or_path"] === "string" && (config as Record<string, unknown>)["_name_or_path"] !== "";
  const shape = named ? parsed : { ...parsed, name: basename(resolve(dir)) };
  let tokenizer: Tokenizer | null = null;
  const tokPath = join(dir, "tokenizer.json");
  const tokJson = await readFile(tokPath, "utf8").catch(() => null);
  if (tokJson !== null) {
    const tokConfig = await readFile(join(dir, "tokenizer_config.json"), "utf8").catch(() => null);
    tokenizer = loadTokenizer(tokJson, tokPath, specialsFromTokenizerConfig(tokConfig));
  }
  if (opts.keepHalf || opts.alloc || opts.onLinear) return loadStreamed(dir, shape, config, tokenizer, opts);
  const tensors = await readCheckpointTensors(dir);
  return buildModel(shape, config, tensors.data, tensors.shapes, dir, tokenizer, tensors.fileOf);
}

/** loadModel with LoadOptions: the tensors read one by one while the model is assembled. */
async function loadStreamed(dir: string, shape: TransformerShape, config: Record<string, unknown>, tokenizer: Tokenizer | null, opts: LoadOptions): Promise<LoadedModel> {
  const { files, wanted } = await listShards(dir);
  const readers = new Map<string, SafetensorsReaderSync>();
  const shapes = new Map<string, readonly number[]>();
  const fileOf = new Map<string, string>();
  const opened: SafetensorsReaderSync[] = [];
  try {
    for (const f of files) {
      const path = join(dir, f);
      const r = SafetensorsReaderSync.open(path);
      opened.push(r);
      for (const [name, e] of r.header.tensors) {
        if (wanted && wanted.get(name) !== f) continue;
        if (readers.has(name)) throw new AimcsimError("CheckpointError", path, `tensor ${name}: also present in ${fileOf.get(name)}`);
        readers.set(name, r);
        shapes.set(name, e.shape);
        fileOf.set(name, path);
      }
    }
    if (wanted)
      for (const [name, f] of wanted)
        if (!readers.has(name))
          throw new AimcsimError("CheckpointError", join(dir, f), `tensor ${name}: listed in model.safetensors.index.json but absent from the shard`);
    const alloc = opts.alloc;
    const kept = new Map<string, Float32Array>();
    const data = {
      has: (name: string) => readers.has(name),
      get: (name: string): Float32Array | undefined => {
        const r = readers.get(name);
        if (!r) return undefined;
        const t = r.readF32(name, alloc);
        if (t.shape.length <= 1) kept.set(name, t.data);
        return t.data;
      },
    };
    const half = (name: string): HalfBits | null => {
      const r = readers.get(name);
      if (!opts.keepHalf || !r || !r.isHalf(name) || (shapes.get(name)?.length ?? 0) < 2) return null;
      return r.readHalf(name, alloc).half;
    };
    return buildModel(shape, config, data, shapes, dir, tokenizer, fileOf, { half, onLinear: opts.onLinear, tensors: kept });
  } finally {
    for (const r of opened) r.close();
  }
}

/**
 * transformers >= 5 writes RoPE settings as `rope_parameters` {rope_theta, rope_type, factor, ...,
 * partial_rotary_factor} instead of top-level rope_theta / rope_scaling / partial_rotary_factor. Copy them to the
 * older top-level fields (which config.ts reads) when those are absent; "default" rope_type means no scaling.
 */
export function normaliseConfig(config: Record<string, unknown>): Record<string, unknown> {
  const rp = config.rope_parameters as Record<string, unknown> | undefined | null;
  if (!rp || typeof rp !== "object") return config;
  const out: Record<string, unknown> = { ...config };
  if (out.rope_theta === undefined && typeof rp.rope_theta === "number") out.rope_theta = rp.rope_theta;
  const type = rp.rope_type ?? rp.type;
  if ((out.rope_scaling === undefined || out.rope_scaling === null) && typeof type === "string" && type !== "default") out.rope_scaling = rp;
  if (out.partial_rotary_factor === undefined && typeof rp.partial_rotary_factor === "number") out.partial_rotary_factor = rp.partial_rotary_factor;
  return out;
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new AimcsimError("CheckpointError", path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not a JSON object");
    return v as Record<string, unknown>;
  } catch (e) {
    throw new AimcsimError("CheckpointError", path, `invalid JSON (${(e as Error).message})`);
  }
}

interface RawTensors {
  data: Map<string, Float32Array>;
  shapes: Map<string, readonly number[]>;
  fileOf: Map<string, string>;
}

/** Read all tensors of model.safetensors, or of the shards listed in model.safetensors.index.json. */
export async function readCheckpointTensors(dir: string): Promise<RawTensors> {
  const out: RawTensors = { data: new Map(), shapes: new Map(), fileOf: new Map() };
  const { files, wanted } = await listShards(dir);
  for (const f of files) {
    const path = join(dir, f);
    const sf = await SafetensorsFile.open(path);
    try {
      for (const name of sf.header.tensors.keys()) {
        if (wanted && wanted.get(name) !== f) continue;
        if (out.data.has(name))
          throw new AimcsimError("CheckpointError", path, `tensor ${name}: also present in ${out.fileOf.get(name)}`);
        const t = await sf.read(name);
        out.data.set(name, t.data);
        out.shapes.set(name, t.shape);
        out.fileOf.set(name, path);
      }
    } finally {
      await sf.close();
    }
  }
  if (wanted) {
    for (const [name, f] of wanted)
      if (!out.data.has(name))
        throw new AimcsimError("CheckpointError", join(dir, f), `tensor ${name}: listed in model.safetensors.index.json but absent from the shard`);
  }
  return out;
}

/** The safetensors files of a checkpoint folder and, when sharded, which file holds which tensor. */
async function listShards(dir: string): Promise<{ files: string[]; wanted: Map<string, string> | null }> {
  const indexPath = join(dir, "model.safetensors.index.json");
  const single = join(dir, "model.safetensors");
  let files: string[];
  let wanted: Map<string, string> | null = null;
  const idxText = await readFile(indexPath, "utf8").catch(() => null);
  if (idxText !== null) {
    let idx: unknown;
    try {
      idx = JSON.parse(idxText);
    } catch (e) {
      throw new AimcsimError("CheckpointError", indexPath, `invalid JSON (${(e as Error).message})`);
    }
    if (idx === null || typeof idx !== "object" || Array.isArray(idx))
      throw new AimcsimError("CheckpointError", indexPath, `must be a JSON object with weight_map {tensor name: shard file}, got ${idx === null ? "null" : Array.isArray(idx) ? "an array" : typeof idx}`);
    const map = (idx as { weight_map?: unknown }).weight_map;
    if (map === null || typeof map !== "object" || Array.isArray(map))
      throw new AimcsimError("CheckpointError", indexPath, "missing weight_map {tensor name: shard file}");
    wanted = new Map();
    const root = resolve(dir);
    for (const [name, f] of Object.entries(map as Record<string, unknown>)) {
      if (typeof f !== "string" || f === "")
        throw new AimcsimError("CheckpointError", indexPath, `weight_map["${name}"]: must be a shard file name (a string), got ${JSON.stringify(f)}`);
      // A shard is a file inside the model folder: no absolute paths, no "..", no links leading out.
      const full = resolve(root, f);
      const rel = relative(root, full);
      if (isAbsolute(f) || rel === "" || rel === ".." || rel.startsWith(".." + sep) || isAbsolute(rel))
        throw new AimcsimError("CheckpointError", indexPath, `weight_map["${name}"]: shard ${JSON.stringify(f)} is outside the model folder; shards must be files inside it`);
      const real = await realpath(full).catch(() => full);
      const realRoot = await realpath(root).catch(() => root);
      const realRel = relative(realRoot, real);
      if (realRel === "" || realRel === ".." || realRel.startsWith(".." + sep) || isAbsolute(realRel))
        throw new AimcsimError("CheckpointError", indexPath, `weight_map["${name}"]: shard ${JSON.stringify(f)} links outside the model folder; shards must be files inside it`);
      wanted.set(name, f);
    }
    files = [...new Set(wanted.values())];
  } else {
    files = ["model.safetensors"];
  }
  if (wanted === null) {
    const exists = await stat(single).then(
      (st) => st.isFile(),
      () => false,
    );
    if (!exists) throw new AimcsimError("CheckpointError", dir, "no model.safetensors or model.safetensors.index.json in this folder");
  }
  return { files, wanted };
}

/** Where buildModel finds tensors: a Map, or a reader that fetches each tensor when asked (loadModel's streamed path). */
export interface TensorLookup {
  get(name: string): Float32Array | undefined;
  has(name: string): boolean;
}

export interface BuildOptions {
  /** The 16-bit bits of a tensor to keep as such, or null to take it from `data` as float32. */
  readonly half?: (name: string) => HalfBits | null;
  /** See LoadOptions.onLinear. */
  readonly onLinear?: (w: LinearWeight, isLmHead: boolean) => LinearWeight;
  /** What LoadedModel.tensors holds (default: `data` when it is a Map). */
  readonly tensors?: ReadonlyMap<string, Float32Array>;
}

/**
 * Assemble a LoadedModel from tensors (HF names), in memory or fetched on demand. Used by loadModel and by
 * tests/tools that build models without files. Checks every needed tensor is present with the shape config.json
 * implies (before reading it).
 */
export function buildModel(
  shape: TransformerShape,
  config: Readonly<Record<string, unknown>>,
  data: TensorLookup,
  shapes: ReadonlyMap<string, readonly number[]>,
  source: string,
  tokenizer: Tokenizer | null = null,
  fileOf: ReadonlyMap<string, string> = new Map(),
  build: BuildOptions = {},
): LoadedModel {
  const where = (name: string) => fileOf.get(name) ?? (fileOf.size ? [...new Set(fileOf.values())].join(", ") : source);
  const moe = moeDetails(shape);
  if (moe?.style === "deepseek")
    throw new AimcsimError(
      "CheckpointError",
      source,
      "DeepSeek-MoE (model_type deepseek) has no numerics forward pass in aimcsim: its shape, op graph and mapping are modelled (run, serve), but eval cannot load its weights (supported MoE forward passes: mixtral, olmoe, qwen2_moe)",
    );
  const get = (name: string, dims: readonly number[]): DecodedTensor => {
    if (!data.has(name))
      throw new AimcsimError(
        "CheckpointError",
        where(name),
        `tensor ${name}: missing, but a ${shape.family} model with this config.json needs it (shape ${JSON.stringify(dims)})`,
      );
    const known = shapes.get(name);
    const check = (s: readonly number[]) => {
      if (s.length !== dims.length || s.some((x, i) => x !== dims[i]))
        throw new AimcsimError(
          "CheckpointError",
          where(name),
          `tensor ${name}: shape ${JSON.stringify(s)} disagrees with config.json, which implies ${JSON.stringify(dims)}`,
        );
    };
    if (known) check(known);
    const h = build.half?.(name) ?? null;
    if (h) {
      const s = known ?? [h.bits.length];
      return {
        shape: s,
        half: h,
        get data(): Float32Array {
          return widenHalf(h);
        },
      };
    }
    const d = data.get(name)!;
    const s = known ?? [d.length];
    check(s);
    return { shape: s, data: d };
  };
  const has = (name: string) => data.has(name);
  const H = shape.hiddenSize;
  const I = shape.intermediateSize;
  const V = shape.vocabSize;
  const hd = shape.headDim;
  const qDim = shape.numHeads * hd;
  const kvDim = shape.numKvHeads * hd;
  const linears: LinearWeight[] = [];

  const ternary = shape.weightFormat === "ternary";
  const qc = (config.quantization_config ?? {}) as { linear_class?: string; quantization_mode?: string };
  const linear = (name: string, outF: number, inF: number, bias: boolean | "optional", transposed = false, quant = ternary): LinearWeight => {
    const packed = quant && has(`${name}.weight_scale`) && shapes.get(`${name}.weight`)?.[0] === Math.ceil(outF / 4);
    const w = packed ? unpackTernary(name, outF, inF) : get(`${name}.weight`, transposed ? [inF, outF] : [outF, inF]);
    if (w.half && !transposed && !quant) {
      const wantB = bias === "optional" ? has(`${name}.bias`) : bias;
      return keepLinear(halfLinearWeight(name, outF, inF, w.half, wantB ? get(`${name}.bias`, [outF]).data : null));
    }
    let wdata = quant && !packed ? ternariseAbsmean(w.data) : w.data;
    if (transposed) {
      wdata = new Float32Array(outF * inF);
      for (let i = 0; i < inF; i++) for (let o = 0; o < outF; o++) wdata[o * inF + i] = w.data[i * outF + o]!;
    }
    const wantBias = bias === "optional" ? has(`${name}.bias`) : bias;
    const b = wantBias ? get(`${name}.bias`, [outF]).data : null;
    return keepLinear({ name, outFeatures: outF, inFeatures: inF, data: wdata, bias: b });
  };
  /** Record a projection (after the streaming consumer, if any, has taken it). */
  let inHead = false;
  function keepLinear(lw: LinearWeight): LinearWeight {
    const kept = build.onLinear ? build.onLinear(lw, inHead) : lw;
    linears.push(kept);
    return kept;
  }
  /**
   * Pre-quantised BitNet weights (transformers integrations/bitnet.py): uint8 [ceil(out/4) x in], value i of a
   * column in bits 2i..2i+1 of row r holds row i*rows + r, stored +1. BitLinear divides the output by weight_scale;
   * AutoBitLinear (linear_class "autobitlinear", offline) multiplies by it.
   */
  function unpackTernary(name: string, outF: number, inF: number): DecodedTensor {
    const rows = Math.ceil(outF / 4);
    const p = get(`${name}.weight`, [rows, inF]).data;
    const sc = get(`${name}.weight_scale`, shapes.get(`${name}.weight_scale`) ?? [1]).data[0]!;
    const mult = qc.linear_class === "autobitlinear" ? sc : 1 / sc;
    const out = new Float32Array(outF * inF);
    for (let i = 0; i < 4; i++)
      for (let r = 0; r < rows && i * rows + r < outF; r++)
        for (let c = 0; c < inF; c++) {
          const code = (p[r * inF + c]! >> (2 * i)) & 3;
          if (code === 3) throw new AimcsimError("CheckpointError", where(`${name}.weight`), `tensor ${name}.weight: packed ternary code 3 is invalid`);
          out[(i * rows + r) * inF + c] = (code - 1) * mult;
        }
    return { shape: [outF, inF], data: out };
  }
  const norm = (name: string, dim: number, withBias: boolean): NormWeights => ({
    weight: get(`${name}.weight`, [dim]).data,
    bias: withBias ? get(`${name}.bias`, [dim]).data : null,
  });

  const layers: LayerWeights[] = [];
  let embed: DecodedTensor;
  let positions: DecodedTensor | null = null;
  let projectIn: LinearWeight | null = null;
  let projectOut: LinearWeight | null = null;
  let finalNorm: NormWeights | null;
  let lmHead: LinearWeight;
  let options: ForwardOptions = {
    rotaryDim: hd,
    preNorm: true,
    scaleAttnByInverseLayerIdx: false,
    scaleAttnWeights: true,
    positionOffset: 0,
    slidingWindow: null,
  };

  switch (shape.family) {
    case "llama":
    case "phi3":
    case "bitnet": {
      const names = hfTensorNames(shape.family);
      embed = get(`${names.embed}.weight`, [V, H]);
      const details = shapeDetails(shape);
      const rotaryDim = details.rotaryDim;
      if (rotaryDim % 2 !== 0 || rotaryDim <= 0 || rotaryDim > hd)
        throw new AimcsimError("ModelError", `${source}#partial_rotary_factor`, `gives rotary dimension ${rotaryDim}; it must be even and in (0, ${hd}]`);
      options = { ...options, rotaryDim, slidingWindow: details.slidingWindow };
      const rs = config.rope_scaling as { type?: string; rope_type?: string } | null | undefined;
      const rsType = rs ? (rs.rope_type ?? rs.type) : null;
      if (rsType && rsType !== "llama3" && rsType !== "default")
        throw new AimcsimError("ModelError", `${source}#rope_scaling`, `rope type "${rsType}" is not implemented (supported: default, llama3)`);
      // Gemma's RMSNorm multiplies by (1 + weight) in fp32 (modeling_gemma2.py Gemma2RMSNorm): stored here as
      // the fp32 (1 + w), after which the norm is computed as Llama's.
      const gemma = details.gemma !== null;
      const nrm = (name: string, dim: number): NormWeights => {
        const w = norm(name, dim, false);
        return gemma ? { weight: w.weight.map((v) => Math.fround(1 + v)), bias: null } : w;
      };
      for (let l = 0; l < shape.numLayers; l++) {
        const n = names.layer(l);
        const attnNorm = nrm(n.attnNorm, H);
        let q = null, k = null, v = null, qkv = null;
        if (shape.fusedQkv) qkv = linear(n.qkv, qDim + 2 * kvDim, H, "optional");
        else {
          const qkvB = shape.attentionBias || details.qkvBias;
          q = linear(n.q, qDim, H, qkvB);
          k = linear(n.k, kvDim, H, qkvB);
          v = linear(n.v, kvDim, H, qkvB);
        }
        // OLMoE: q_norm / k_norm over the whole q and k rows (modeling_olmoe.py), not per head
        const qNorm = details.qkNorm ? nrm(n.qNorm, moe?.fullWidthQkNorm ? qDim : hd) : null;
        const kNorm = details.qkNorm ? nrm(n.kNorm, moe?.fullWidthQkNorm ? kvDim : hd) : null;
        const attnSubNorm = shape.family === "bitnet" ? norm(n.attnSubNorm, H, false) : null;
        const o = linear(n.o, H, qDim, shape.attentionBias);
        const postAttnNorm = gemma ? nrm(n.mlpNorm, H) : null;
        const mlpNorm = gemma ? nrm(n.preFfnNorm, H) : norm(n.mlpNorm, H, false);
        const postFfnNorm = gemma ? nrm(n.postFfnNorm, H) : null;
        let gate = null, up = null, down = null, moeW: MoeLayerWeights | null = null;
        if (moe !== null)
          moeW = loadMoeLayer(moe, l, H, {
            has,
            get,
            linear: (name, outF, inF) => linear(name, outF, inF, false),
            push: (w) => linears.push(w),
          });
        else if (shape.fusedGateUp) up = linear(n.gateUp, 2 * I, H, shape.mlpBias);
        else {
          gate = linear(n.gate, I, H, shape.mlpBias);
          up = linear(n.up, I, H, shape.mlpBias);
        }
        const ffnSubNorm = shape.family === "bitnet" ? norm(n.ffnSubNorm, I, false) : null;
        if (moe === null) down = linear(n.down, H, I, shape.mlpBias);
        layers.push({ attnNorm, q, k, v, qkv, o, attnSubNorm, qNorm, kNorm, postAttnNorm, mlpNorm, gate, up, fusedGateUp: shape.fusedGateUp, ffnSubNorm, postFfnNorm, down, moe: moeW });
      }
      finalNorm = nrm(names.finalNorm, H);
      lmHead = headLinear(names.lmHead, embed, V, H);
      break;
    }
    case "gpt2": {
      // Hub safetensors of GPT-2 often omit the "transformer." prefix.
      const names = hfTensorNames("gpt2", { root: has(`${hfTensorNames("gpt2").embed}.weight`) ? "transformer." : "" });
      embed = get(`${names.embed}.weight`, [V, H]);
      positions = get(`${names.positions}.weight`, [shape.maxPositions, H]);
      options = {
        ...options,
        scaleAttnByInverseLayerIdx: config.scale_attn_by_inverse_layer_idx === true,
        scaleAttnWeights: config.scale_attn_weights !== false,
      };
      for (let l = 0; l < shape.numLayers; l++) {
        const n = names.layer(l);
        const attnNorm = norm(n.attnNorm, H, true);
        const qkv = linear(n.qkv, 3 * H, H, true, true);
        const o = linear(n.o, H, H, true, true);
        const mlpNorm = norm(n.mlpNorm, H, true);
        const up = linear(n.fc1, I, H, true, true);
        const down = linear(n.fc2, H, I, true, true);
        layers.push({ attnNorm, q: null, k: null, v: null, qkv, o, attnSubNorm: null, mlpNorm, gate: null, up, fusedGateUp: false, ffnSubNorm: null, down });
      }
      finalNorm = norm(names.finalNorm, H, true);
      lmHead = headLinear(names.lmHead, embed, V, H);
      break;
    }
    case "opt": {
      const E = shape.wordEmbedProjDim > 0 ? shape.wordEmbedProjDim : H;
      const names = hfTensorNames("opt");
      const pos = `${names.positions}.weight`;
      embed = get(`${names.embed}.weight`, [V, E]);
      const posShape = data.has(pos) ? shapes.get(pos) : undefined;
      positions = get(pos, [posShape?.[0] ?? shape.maxPositions + 2, H]);
      if (positions.shape[0]! < shape.maxPositions + 2)
        throw new AimcsimError(
          "CheckpointError",
          where(pos),
          `tensor ${pos}: has ${positions.shape[0]} rows, needs max_position_embeddings + 2 = ${shape.maxPositions + 2}`,
        );
      const details = shapeDetails(shape);
      const preNorm = details.normPlacement === "pre";
      options = { ...options, preNorm, positionOffset: details.positionOffset };
      if (E !== H) projectIn = linear(names.projectIn, H, E, false, false, false);
      const bias = shape.attentionBias;
      const hasLnBiasFinal = true;
      for (let l = 0; l < shape.numLayers; l++) {
        const n = names.layer(l);
        const hasLnBias = true;
        const attnNorm = norm(n.attnNorm, H, hasLnBias);
        const q = linear(n.q, H, H, bias);
        const k = linear(n.k, H, H, bias);
        const v = linear(n.v, H, H, bias);
        const o = linear(n.o, H, H, bias);
        const mlpNorm = norm(n.mlpNorm, H, hasLnBias);
        const up = linear(n.fc1, I, H, bias);
        const down = linear(n.fc2, H, I, bias);
        layers.push({ attnNorm, q, k, v, qkv: null, o, attnSubNorm: null, mlpNorm, gate: null, up, fusedGateUp: false, ffnSubNorm: null, down });
      }
      finalNorm = details.finalNorm ? norm(names.finalNorm, H, hasLnBiasFinal) : null;
      if (E !== H) projectOut = linear(names.projectOut, E, H, false, false, false);
      lmHead = headLinear(names.lmHead, embed, V, E);
      break;
    }
  }

  function headLinear(name: string, emb: DecodedTensor, vocab: number, dim: number): LinearWeight {
    inHead = true;
    const tied = (): LinearWeight =>
      keepLinear(emb.half ? halfLinearWeight(name, vocab, dim, emb.half, null) : { name, outFeatures: vocab, inFeatures: dim, data: emb.data, bias: null });
    if (shape.tiedEmbeddings && !has(`${name}.weight`)) return tied();
    if (shape.tiedEmbeddings) {
      // Saved tied heads are identical to the embedding; use the embedding so the two cannot diverge.
      // (Only the shape is checked: the tensor itself is not read.)
      const s = shapes.get(`${name}.weight`);
      if (s && (s.length !== 2 || s[0] !== vocab || s[1] !== dim))
        throw new AimcsimError("CheckpointError", where(`${name}.weight`), `tensor ${name}.weight: shape ${JSON.stringify(s)} disagrees with config.json, which implies ${JSON.stringify([vocab, dim])}`);
      if (!s) get(`${name}.weight`, [vocab, dim]);
      return tied();
    }
    return linear(name, vocab, dim, "optional", false, false); // lm_head stays full precision (BitNet keeps it in fp)
  }

  return {
    shape,
    source,
    config,
    tensors: build.tensors ?? (data instanceof Map ? data : new Map()),
    tensorShapes: shapes,
    linears,
    layout: { embed: embed!, positions, projectIn, projectOut, layers, finalNorm: finalNorm!, lmHead: lmHead!, options },
    tokenizer,
  };
}

/** BitNet b1.58 weights from full-precision masters: absmean ternary (see quantiseTernaryAbsmean), as a new array. */
export function ternariseAbsmean(w: Float32Array): Float32Array {
  const out = new Float32Array(w.length);
  quantiseTernaryAbsmean(w, out);
  return out;
}
