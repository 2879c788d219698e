// A crossbar bank: the tiles one weight matrix occupies, all reading the same input vector in parallel, and
// the adder tree that sums the partial results of its row splits. Per-tile costs are crossbar.ts's (cited
// there); the cross-tile adds are accumulator-format adds (digital.ts, Horowitz ISSCC 2014).
import type { DigitalFormat } from "../spec/types.ts";
import { analogMvmCostPrepared, newAnalogMvmCost, type AnalogTileModel, type MvmActivity } from "./crossbar.ts";
import { addEnergyJ } from "./digital.ts";

/** Cost of one input vector through a bank. */
export interface CrossbarBankCost {
  /** Latency of one MVM on the bank's tiles (all in parallel): the slowest tile's (ps). */
  readonly mvmPs: number;
  /** Energy per input vector by component (J). */
  readonly perVector: { readonly dac: number; readonly crossbar: number; readonly adc: number; readonly accumulate: number; readonly periphery: number };
  /** Cycles of the pipelined adder tree over the row splits: ceil(log2(rowSplits)). */
  readonly treeCycles: number;
}

/** One tile's share of a matrix: the rows and weight columns it holds. */
export interface BankBlock {
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly colStart: number;
  readonly colEnd: number;
}

export function crossbarBankCost(
  tile: AnalogTileModel,
  blocks: readonly BankBlock[],
  rowSplits: number,
  outFeatures: number,
  accumulatorFormat: DigitalFormat,
  nodeNm: number,
  supplyV: number | undefined,
  activity?: MvmActivity,
): CrossbarBankCost {
  const scratch = newAnalogMvmCost();
  const per = { dac: 0, crossbar: 0, adc: 0, accumulate: 0, periphery: 0 };
  let mvmPs = 0;
  for (const blk of blocks) {
    analogMvmCostPrepared(tile, blk.rowEnd - blk.rowStart, blk.colEnd - blk.colStart, activity, scratch);
    per.dac += scratch.energyByComponentJ.dac;
    per.crossbar += scratch.energyByComponentJ.crossbar;
    per.adc += scratch.energyByComponentJ.adc;
    per.accumulate += scratch.energyByComponentJ.accumulate;
    per.periphery += scratch.energyByComponentJ.periphery;
    if (scratch.latencyPs > mvmPs) mvmPs = scratch.latencyPs;
  }
  // Cross-tile partial sums: (rowSplits - 1) adds per output feature per vector.
  per.accumulate += (rowSplits - 1) * outFeatures * addEnergyJ(accumulatorFormat, nodeNm, supplyV);
  return { mvmPs, perVector: per, treeCycles: Math.ceil(Math.log2(Math.max(1, rowSplits))) };
}
