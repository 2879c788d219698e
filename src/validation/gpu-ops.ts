// A100 per-operator latency against measured data (LLMCompass artifact, src/validation/data/README.md): each
// measured FP16 matmul against aimcsim's GEMM timing on the a100-like preset. aimcsim's timing is the simulator's
// (src/sim/lowering.ts gemm): SCALE-Sim folds of the tensor-core-sized output-stationary arrays
// (src/components/systolic/gemm.ts), split over the 432 instances as the simulator splits work over identical
// units (never more parts than folds), each part at least its L2 operand traffic time; bounded below by the HBM
// transfer of A, B and C (aimcsim streams projection weights from DRAM). Kernel launch and wave quantisation are
// not modelled (stated as the gap where they dominate).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { systolicGemmTiming, sramCost } from "../components/index.ts";
import { sramTransferPs } from "../components/memory-traffic.ts";
import { AimcsimError } from "../errors.ts";
import type { ChipSpec } from "../spec/types.ts";

export interface MeasuredMatmul {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly ms: number;
}

const FILE = join(import.meta.dirname, "data", "llmcompass-a100-matmul.csv");

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

/** aimcsim's latency (ms) for C[M x N] = A[M x K] B[K x N] on a chip's first systolic array (all instances). */
export function aimcsimGemmMs(chip: ChipSpec, m: number, n: number, k: number): number {
  const sa = chip.systolic[0];
  if (!sa) throw new AimcsimError("SimError", chip.name, "has no systolic array");
  const l2 = chip.sram[0] ? sramCost(chip.sram[0], chip.technologyNm, chip.supplyV) : undefined;
  const sramPs = (bytes: number): number => (l2 ? sramTransferPs(l2, bytes) : 0);
  const g = systolicGemmTiming(sa, m, k, n, 1, sramPs);
  const parts = Math.max(1, Math.min(sa.count, g.folds));
  const computePs = g.totalPs / parts;
  const dramPs = (((m * k + k * n + m * n) * FP16_BYTES) / chip.dram.bandwidthBytesPerS) * 1e12; // s -> ps (unit conversion)
  return Math.max(computePs, dramPs) / PS_PER_MS;
}
