// A GEMM on a systolic array: the array's dataflow (src/components/registry.ts `dataflows`) gives the folds and
// cycles (SCALE-Sim v2 closed forms, docs/REFERENCES.md [scalesim]); the SRAM bounds each fold (memory stall: a fold cannot
// finish before the SRAM delivered its operands).
import type { SystolicArraySpec } from "../../spec/types.ts";
import { FORMAT_BITS } from "../digital.ts";
import { dataflows } from "../registry.ts";
import { BITS_PER_BYTE, PS_PER_S } from "../technology.ts";

type ArrayShape = Pick<SystolicArraySpec, "rows" | "cols" | "dataflow">;

/** Cycles of one GEMM C[M x N] = A[M x K] B[K x N], repeated `batch` times, on an R x C array
 *  (SCALE-Sim conventions, docs/REFERENCES.md [scalesim]), without memory stalls. */
export function systolicGemmCycles(sa: ArrayShape, M: number, K: number, N: number, batch = 1): { folds: number; cyclesPerFold: number; cycles: number } {
  const df = dataflows.get(sa.dataflow);
  let folds = df.folds(sa.rows, sa.cols, M, K, N);
  const cyclesPerFold = df.cyclesPerFold(sa.rows, sa.cols, M, K, N);
  folds *= batch;
  return { folds, cyclesPerFold, cycles: folds * cyclesPerFold };
}

export interface SystolicGemmTiming {
  readonly folds: number;
  /** Operand bytes one fold reads from the SRAM. */
  readonly foldOperandBytes: number;
  /** Operand bytes the whole GEMM reads from the SRAM (every fold streams its operand tiles). */
  readonly readBytes: number;
  /** The whole GEMM on one array instance, each fold stretched to what the SRAM can deliver (ps). */
  readonly totalPs: number;
}

/** Time of the GEMM on one instance of the array; `sramPs(bytes)` is how long the SRAM takes to deliver
 *  `bytes` (0 when the chip has none). */
export function systolicGemmTiming(sa: SystolicArraySpec, M: number, K: number, N: number, B: number, sramPs: (bytes: number) => number): SystolicGemmTiming {
  const g = systolicGemmCycles(sa, M, K, N, B);
  const bytes = FORMAT_BITS[sa.format] / BITS_PER_BYTE;
  const cyclePs = PS_PER_S / sa.clockHz;
  const elements = dataflows.get(sa.dataflow).foldOperandElements(sa.rows, sa.cols, M, K, N);
  const foldOperandBytes = elements * bytes;
  const foldPs = Math.max(g.cyclesPerFold * cyclePs, sramPs(foldOperandBytes));
  return { folds: g.folds, foldOperandBytes, readBytes: g.folds * elements * bytes, totalPs: g.folds * foldPs };
}
