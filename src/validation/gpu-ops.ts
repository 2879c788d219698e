// A100 per-operator latency against measured data (LLMCompass artifact, src/validation/data/README.md): each
// measured FP16 matmul against aimcsim's GEMM timing on the a100-like preset. aimcsim's timing is the simulator's
// (src/sim/lowering.ts gemm): SCALE-Sim folds of the tensor-core-sized output-stationary arrays
// (src/components/systolic/gemm.ts), split over the 432 instances as the simulator splits work over identical
// units (never more parts than folds), each fold at least its L2 operand traffic time, the whole at least the
// shared L2's time for each operand once (per-instance staging buffers) and the output; bounded below by the HBM
// transfer of A, B and C (aimcsim streams projection weights from DRAM). Kernel launch and wave quantisation are
// not modelled (stated as the gap where they dominate).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FORMAT_BITS, systolicGemmTiming, sramCost, vectorOpCost } from "../components/index.ts";
import { sramTransferPs } from "../components/memory-traffic.ts";
import { AimcsimError } from "../errors.ts";
import { vectorOpResident } from "../sim/lowering.ts";
import type { ChipSpec, VectorOp } from "../spec/types.ts";

export interface MeasuredMatmul {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly ms: number;
}

const DATA = join(import.meta.dirname, "data");
const FILE = join(DATA, "llmcompass-a100-matmul.csv");

/** The measured rows (M, N, K, latency ms); a malformed line is an error naming the file and line. */
export function measuredA100Matmuls(): MeasuredMatmul[] {
  return readFileSync(FILE, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((line, i) => {
      const f = line.split(",").map((x) => x.trim());
      const [m, n, k] = f.slice(0, 3).map(Number);
      const ms = Number.parseFloat(f[3]!.replace(/ms$/, ""));
      if (![m, n, k, ms].every((x) => Number.isFinite(x) && x! > 0))
        throw new AimcsimError("SpecError", `${FILE}:${i + 1}`, `expected "M, N, K, <latency>ms, ..." with positive numbers, got "${line}"`);
      return { m: m!, n: n!, k: k!, ms };
    });
}

const FP16_BYTES = 2; // definition
const PS_PER_MS = 1e9; // unit conversion

/** aimcsim's latency (ms) for C[M x N] = A[M x K] B[K x N] (`batch` independent such products) on a chip's
 *  first systolic array (all instances). */
export function aimcsimGemmMs(chip: ChipSpec, m: number, n: number, k: number, batch = 1): number {
  const sa = chip.systolic[0];
  if (!sa) throw new AimcsimError("SimError", chip.name, "has no systolic array");
  const l2 = chip.sram[0] ? sramCost(chip.sram[0], chip.technologyNm, chip.supplyV) : undefined;
  const sramPs = (bytes: number): number => (l2 ? sramTransferPs(l2, bytes) : 0);
  const g = systolicGemmTiming(sa, m, k, n, batch, sramPs);
  const parts = Math.max(1, Math.min(sa.count, g.folds));
  // the instances share the L2: each operand through it once with per-instance staging buffers (operandDelivery),
  // else every fold's operands; the output written once (src/sim/lowering.ts gemm)
  const l2Bytes = (sa.operandDelivery ? (m * k + k * n) * batch * (FORMAT_BITS[sa.format] / 8) : g.readBytes) + m * n * batch * FP16_BYTES; // 8 bits per byte (definition)
  const computePs = Math.max(g.totalPs / parts, sramPs(l2Bytes));
  const dramPs = (((m * k + k * n + m * n) * batch * FP16_BYTES) / chip.dram.bandwidthBytesPerS) * 1e12; // s -> ps (unit conversion)
  return Math.max(computePs, dramPs) / PS_PER_MS;
}

// ---------------------------------------------------------------- vector (memory-bound) operators

/** One measured element-wise / row-wise operator: its shape and measured latency (ms). */
export interface MeasuredVectorOp {
  readonly op: "softmax" | "layernorm" | "gelu";
  /** Rows (M) and row length (N); gelu is a flat vector of m elements (n = 1). */
  readonly m: number;
  readonly n: number;
  readonly ms: number;
  /** 1 for the first measurement of a shape in its file, 2 for a repeat (the softmax and layernorm files measure
   *  4096 x 4096 in both of their sweeps). */
  readonly occurrence: number;
}

/** The LLMCompass files' throughput column is G elements / s = elements / latency / 1e9 (their test scripts
 *  ae/figure5/{cf,de,g}/test_*.py print `M*N/latency/1e9`; the plot scripts label it "G Elements/s"). */
const G_ELEMENTS = 1e9; // unit conversion (G elements)
const MS_PER_S = 1e3; // unit conversion

function readCsv(file: string, columns: number, what: string): number[][] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((line, i) => {
      const f = line.split(",").map((x) => Number(x.trim()));
      if (f.length !== columns || !f.every((x) => Number.isFinite(x) && x > 0))
        throw new AimcsimError("SpecError", `${file}:${i + 1}`, `expected ${columns} positive numbers (${what}), got "${line}"`);
      return f;
    });
}

/** Measured softmax, layernorm (rows M x N, FP16, over the last dimension) and GeLU (tanh approximation, FP16, M
 *  elements) latencies on the A100, from the LLMCompass artifact (src/validation/data/README.md). */
export function measuredA100VectorOps(): MeasuredVectorOp[] {
  const out: MeasuredVectorOp[] = [];
  for (const op of ["softmax", "layernorm"] as const) {
    const seen = new Map<string, number>();
    for (const [m, n, gElemPerS] of readCsv(join(DATA, `llmcompass-a100-${op}.csv`), 3, "M, N, G elements/s")) {
      const key = `${m}x${n}`;
      const occurrence = (seen.get(key) ?? 0) + 1;
      seen.set(key, occurrence);
      out.push({ op, m: m!, n: n!, ms: ((m! * n!) / (gElemPerS! * G_ELEMENTS)) * MS_PER_S, occurrence });
    }
  }
  for (const [m, gElemPerS] of readCsv(join(DATA, "llmcompass-a100-gelu.csv"), 2, "elements, G elements/s"))
    out.push({ op: "gelu", m: m!, n: 1, ms: (m! / (gElemPerS! * G_ELEMENTS)) * MS_PER_S, occurrence: 1 });
  return out;
}

/** aimcsim's vector-op kind for each measured operator (src/components/digital.ts VECTOR_OP_MIX). */
export const VECTOR_OP_OF: Readonly<Record<MeasuredVectorOp["op"], VectorOp>> = { softmax: "softmax", layernorm: "norm", gelu: "activation" };

/** aimcsim's latency (ms) of a vector op over `elements` FP16 elements on the chip's first vector unit, as the
 *  simulator lowers it alone (src/sim/lowering.ts vectorOp): one element per lane per cycle, split over the unit's
 *  instances, at least the time the shared first SRAM (global buffer) needs for all activations read and written
 *  (2 bytes each); when input + output exceed that SRAM's capacity (vectorOpResident), at least the DRAM transfer
 *  of input + output at the DRAM's bandwidth (the stream overlaps the compute). */
export function aimcsimVectorOpMs(chip: ChipSpec, op: VectorOp, elements: number): number {
  const vu = chip.vector[0];
  if (!vu) throw new AimcsimError("SimError", chip.name, "has no vector unit");
  const cost = vectorOpCost(vu, op, chip.technologyNm, chip.supplyV);
  const l2 = chip.sram[0] ? sramCost(chip.sram[0], chip.technologyNm, chip.supplyV) : undefined;
  const cycles = Math.ceil(elements / vu.lanes);
  const totalPs = cycles * cost.latencyPs;
  const bytes = elements * FP16_BYTES;
  const computePs = Math.max(totalPs / Math.max(1, Math.min(vu.count, cycles)), l2 ? sramTransferPs(l2, 2 * bytes) : 0);
  const dramPs = vectorOpResident(chip, bytes, bytes) ? 0 : ((2 * bytes) / chip.dram.bandwidthBytesPerS) * 1e12; // s -> ps (unit conversion)
  return Math.max(computePs, dramPs) / PS_PER_MS;
}

// ---------------------------------------------------------------- a transformer layer (GPT-3 175B, 4-way tensor parallel)

/** One operator of LLMCompass's GPT-3 layer breakdown: its per-GPU shape and measured latency (ms). */
export interface MeasuredLayerOp {
  readonly phase: "prefill" | "decode";
  readonly name: string;
  readonly ms: number;
  /** A GEMM (repeated `times`), or a vector op over `elements`. */
  readonly gemm?: { readonly m: number; readonly n: number; readonly k: number; readonly batch: number; readonly times: number };
  readonly vector?: { readonly op: VectorOp; readonly elements: number };
}

/** The categories of the files, in order (ae/figure5/ijkl/plot_transformer.py `categories`). */
const LAYER_CATEGORIES = ["Q_K_V", "Q_mul_K", "A_mul_V", "Wo_proj", "W1_proj", "W2_proj", "Softmax", "LayerNorm_MHA", "LayerNorm_FFN", "GeLU", "AllReduce_MHA", "AllReduce_FFN"] as const;

/** GPT-3 175B layer as LLMCompass ran it (ae/figure5/ijkl/test_transformer.py): d_model 12288, 96 heads, FP16,
 *  batch 8, 4 GPUs (tensor parallel: 24 heads and a quarter of each weight matrix per GPU); prefill of 2048 tokens,
 *  decode of one token against a 2048 + 1024 = 3072-token KV cache (3073 keys with the new one). */
const GPT3 = { d: 12288, heads: 96, devices: 4, batch: 8, prompt: 2048, kv: 3072 } as const;

function layerShapes(phase: "prefill" | "decode"): Readonly<Record<string, Omit<MeasuredLayerOp, "phase" | "name" | "ms">>> {
  const { d, heads, devices, batch } = GPT3;
  const dh = d / heads;
  const h = heads / devices;
  const tokens = phase === "prefill" ? batch * GPT3.prompt : batch;
  const q = phase === "prefill" ? GPT3.prompt : 1; // query rows per head
  const keys = phase === "prefill" ? GPT3.prompt : GPT3.kv + 1;
  return {
    Q_K_V: { gemm: { m: tokens, n: d / devices, k: d, batch: 1, times: 3 } }, // run_on_gpu: Q_proj x 3
    Q_mul_K: { gemm: { m: q, n: keys, k: dh, batch: batch * h, times: 1 } },
    A_mul_V: { gemm: { m: q, n: dh, k: keys, batch: batch * h, times: 1 } },
    Wo_proj: { gemm: { m: tokens, n: d, k: d / devices, batch: 1, times: 1 } },
    W1_proj: { gemm: { m: tokens, n: (4 * d) / devices, k: d, batch: 1, times: 1 } },
    W2_proj: { gemm: { m: tokens, n: d, k: (4 * d) / devices, batch: 1, times: 1 } },
    Softmax: { vector: { op: "softmax", elements: batch * h * q * keys } },
    LayerNorm_MHA: { vector: { op: "norm", elements: tokens * d } },
    LayerNorm_FFN: { vector: { op: "norm", elements: tokens * d } },
    GeLU: { vector: { op: "activation", elements: (tokens * 4 * d) / devices } },
  };
}

/** The measured per-operator latencies of one GPT-3 layer on an A100 (prefill: transformer_A100.csv, decode:
 *  transformerAR_A100.csv; seconds per line). The two AllReduce lines are left out: LLMCompass's run_on_gpu does
 *  not measure them (it sets allreduce to 0) and the files' values have no stated provenance. The LayerNorm lines
 *  are run_on_gpu minus LLMCompass's measured launch overhead (transformer.py), the others the median wall time. */
export function measuredA100Layer(): MeasuredLayerOp[] {
  const out: MeasuredLayerOp[] = [];
  for (const [phase, file] of [["prefill", "llmcompass-a100-transformer.csv"], ["decode", "llmcompass-a100-transformerAR.csv"]] as const) {
    const values = readCsv(join(DATA, file), 1, "seconds").map((r) => r[0]!);
    if (values.length !== LAYER_CATEGORIES.length)
      throw new AimcsimError("SpecError", join(DATA, file), `expected ${LAYER_CATEGORIES.length} lines (${LAYER_CATEGORIES.join(", ")}), got ${values.length}`);
    const shapes = layerShapes(phase);
    LAYER_CATEGORIES.forEach((name, i) => {
      const shape = shapes[name];
      if (shape) out.push({ phase, name, ms: values[i]! * MS_PER_S, ...shape });
    });
  }
  return out;
}

/** aimcsim's latency (ms) of one measured layer operator on `chip`. */
export function aimcsimLayerOpMs(chip: ChipSpec, op: MeasuredLayerOp): number {
  if (op.gemm) return op.gemm.times * aimcsimGemmMs(chip, op.gemm.m, op.gemm.n, op.gemm.k, op.gemm.batch);
  if (op.vector) return aimcsimVectorOpMs(chip, op.vector.op, op.vector.elements);
  throw new AimcsimError("SimError", op.name, "has neither a GEMM nor a vector shape");
}

/** Validation row ids of the measured operators. */
export const a100VectorOpId = (op: MeasuredVectorOp["op"], m: number, n: number, occurrence: number): string =>
  `a100.${op}.${op === "gelu" ? `${m}` : `${m}x${n}`}${occurrence > 1 ? `.rep${occurrence}` : ""}`;
export const a100LayerOpId = (phase: MeasuredLayerOp["phase"], name: string): string => `a100.gpt3.${phase}.${name}`;
