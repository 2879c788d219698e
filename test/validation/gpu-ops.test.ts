// The measured A100 operator files (LLMCompass artifact) read as their scripts wrote them, and aimcsim's
// operator latencies composed as the simulator lowers them.
import { describe, expect, it } from "vitest";
import {
  aimcsimGemmMs,
  aimcsimLayerOpMs,
  aimcsimVectorOpMs,
  measuredA100Layer,
  measuredA100Matmuls,
  measuredA100VectorOps,
} from "../../src/validation/gpu-ops.ts";
import { a100, a100Sxm80 } from "../../src/validation/presets.ts";
import { variant } from "../../src/spec/index.ts";

describe("LLMCompass A100 measurements", () => {
  it("reads softmax / layernorm as two 11-point sweeps and GeLU as 20 sizes, throughput G elements/s -> ms", () => {
    const v = measuredA100VectorOps();
    expect(v.filter((x) => x.op === "softmax")).toHaveLength(22);
    expect(v.filter((x) => x.op === "layernorm")).toHaveLength(22);
    expect(v.filter((x) => x.op === "gelu")).toHaveLength(20);
    // First softmax line: "4096, 32, 9.99556025250909" G elements/s.
    expect(v[0]!.ms).toBeCloseTo(((4096 * 32) / 9.99556025250909e9) * 1e3, 9);
    // 4096 x 4096 appears in both sweeps: the second is marked as a repeat, not dropped.
    const sq = v.filter((x) => x.op === "softmax" && x.m === 4096 && x.n === 4096);
    expect(sq.map((x) => x.occurrence)).toEqual([1, 2]);
    const g = v.find((x) => x.op === "gelu" && x.m === 1024)!;
    expect(g.ms).toBeCloseTo((1024 / 0.021262214336633663e9) * 1e3, 9);
  });

  it("maps the GPT-3 layer breakdown onto per-GPU shapes (4-way tensor parallel), without the unmeasured all-reduces", () => {
    const l = measuredA100Layer();
    expect(l).toHaveLength(20);
    expect(l.some((x) => x.name.startsWith("AllReduce"))).toBe(false);
    const qkv = l.find((x) => x.phase === "prefill" && x.name === "Q_K_V")!;
    expect(qkv.gemm).toEqual({ m: 8 * 2048, n: 3072, k: 12288, batch: 1, times: 3 });
    expect(qkv.ms).toBeCloseTo(13.721823692321777, 9);
    const qk = l.find((x) => x.phase === "decode" && x.name === "Q_mul_K")!;
    expect(qk.gemm).toEqual({ m: 1, n: 3073, k: 128, batch: 8 * 24, times: 1 });
    const sm = l.find((x) => x.phase === "prefill" && x.name === "Softmax")!;
    expect(sm.vector).toEqual({ op: "softmax", elements: 8 * 24 * 2048 * 2048 });
  });
});

describe("aimcsim's operator latencies", () => {
  it("a batched GEMM takes batch times the work of one (compute-bound) and a repeated one times its repeats", () => {
    const one = aimcsimGemmMs(a100Sxm80, 2048, 2048, 2048);
    expect(aimcsimGemmMs(a100Sxm80, 2048, 2048, 2048, 4)).toBeCloseTo(4 * one, 9);
    const op = { phase: "prefill", name: "x", ms: 1, gemm: { m: 2048, n: 2048, k: 2048, batch: 1, times: 3 } } as const;
    expect(aimcsimLayerOpMs(a100Sxm80, op)).toBeCloseTo(3 * one, 9);
  });

  it("a DRAM-bound GEMM runs at the preset's HBM bandwidth (40 GB: 1,555 GB/s, 80 GB: 2,039 GB/s)", () => {
    const [m, n, k] = [8, 12288, 12288];
    const bytes = (m * k + k * n + m * n) * 2;
    expect(aimcsimGemmMs(a100, m, n, k)).toBeCloseTo((bytes / 1555e9) * 1e3, 6);
    expect(aimcsimGemmMs(a100Sxm80, m, n, k)).toBeCloseTo((bytes / 2039e9) * 1e3, 6);
    expect(measuredA100Matmuls()).toHaveLength(20);
  });

  it("a vector op runs one element per lane per cycle over all instances (108 x 64 lanes at 1.41 GHz), at least the shared L2's time", () => {
    const elements = 108 * 64 * 1000;
    const lanePs = 1000 / 1.41e9; // s
    const l2 = 80 * 64 * 1.41e9; // bytes/s: 80 banks x 64 B x 1.41 GHz (hw-specs/a100-like.ts)
    const l2S = (4 * elements) / l2; // fp16 input + output
    expect(l2S).toBeGreaterThan(lanePs); // the L2, shared by all 108 SMs, is the bound (the lanes alone were 5.4x faster)
    expect(aimcsimVectorOpMs(a100Sxm80, "softmax", elements)).toBeCloseTo(l2S * 1e3, 9);
    const fastL2 = variant(a100Sxm80, (d) => void (d.sram[0]!.bytesPerCyclePerBank = 1024));
    expect(aimcsimVectorOpMs(fastL2, "softmax", elements)).toBeCloseTo(lanePs * 1e3, 9);
    // Linear in the elements once every instance is busy (and while the tensors stay in the L2).
    expect(aimcsimVectorOpMs(a100Sxm80, "norm", elements)).toBeCloseTo(2 * aimcsimVectorOpMs(a100Sxm80, "norm", elements / 2), 9);
  });

  it("a vector op whose input + output exceed the 40 MB L2 streams them from HBM at 2,039 GB/s", () => {
    const fits = (40 * 2 ** 20) / 4; // elements: 2 bytes in + 2 bytes out each, exactly the L2
    const l2 = 80 * 64 * 1.41e9;
    expect(aimcsimVectorOpMs(a100Sxm80, "activation", fits)).toBeCloseTo(((4 * fits) / l2) * 1e3, 9);
    const spills = 2 * fits;
    expect(aimcsimVectorOpMs(a100Sxm80, "activation", spills)).toBeCloseTo(((4 * spills) / 2039e9) * 1e3, 9);
  });
});
