// A GEMM on Anda-style bit-serial units (Anda HPCA 2025, docs/REFERENCES.md [anda-hpca2025]): every output is a
// dot product of K elements, processed in groups of `groupSize` elements, one mantissa bit-plane of one group
// per APU cycle; the unit's APUs work on independent groups. Per-cycle energy is digital.ts's bitSerialCost.
import type { BitSerialUnitSpec } from "../spec/types.ts";
import { PS_PER_S } from "./technology.ts";

/** Cycles of C[M x N] = A[M x K] B[K x N], `B` times, on one bit-serial unit with `mantissaBits` bit-planes. */
export const bitSerialGemmCycles = (bs: BitSerialUnitSpec, M: number, K: number, N: number, B: number, mantissaBits: number): number =>
  Math.ceil((M * N * B * Math.ceil(K / bs.groupSize) * mantissaBits) / bs.units);

/** The same time without rounding to whole cycles (ps): the estimate unit selection compares. */
export const bitSerialGemmEstimatePs = (bs: BitSerialUnitSpec, M: number, K: number, N: number, B: number, mantissaBits: number): number =>
  ((M * N * B * Math.ceil(K / bs.groupSize) * mantissaBits) / bs.units) * (PS_PER_S / bs.clockHz);
