// What the DRAM must hold, and the rule that it fits (issue 17: a 70B model's streamed weights on one chip with
// 8 GiB of LPDDR were silently accepted). One rule, used by every caller of mapModel (run, serve, amdahl, dse):
//
//   weights stored in DRAM + KV cache (when in DRAM) <= dram.capacityBytes x chips
//
// Weights stored in DRAM are exactly what the simulation reads from DRAM, in the bytes it reads them at:
// - every digital projection (the DigitalMatrix weightBytes the lowering streams each step: checkpoint precision,
//   ternary layers packed 4 per byte, a digital lm_head in mapping.lmHeadFormat where stated), and
// - the embedding tables the embedding op looks rows up in (src/model/opgraph.ts: token rows, plus learned
//   position rows, at embeddingBytesPerElement). A tied lm_head stored in the embedding's own bytes per element is
//   the same tensor and is counted once; in another format it is a second copy.
// Analog weights live in the crossbars and are not counted (a host copy kept for reprogramming is not modelled).
//
// Multi-chip (sharding assumption): the weights are sharded over the chips' DRAM by bytes, each chip holding its
// share, so only the total is checked (a whole-matrix granularity per chip is not enforced). `chips: "auto"` takes
// the fewest chips that satisfy the crossbar rule (placement.ts), ceil(weights in DRAM / dram.capacityBytes) and the
// KV cache (in SRAM where it fits there, else beside the weights in DRAM). `amdahl` holds the chip count of the
// model (modelChips: tiles and weights) fixed over its contexts, so a context whose KV cache does not fit is a
// skipped row that says why.

import { AimcsimError } from "../errors.ts";
import { embeddingBytesPerElement } from "../model/opgraph.ts";
import { embeddingDim } from "../model/projections.ts";
import type { TransformerShape } from "../model/shape.ts";
import type { ChipSpec } from "../spec/types.ts";

/** The weight bytes a placement keeps in DRAM (all chips together). */
export interface DramWeights {
  /** Digital projections (lm_head included when digital), as streamed. */
  readonly projectionBytes: number;
  /** Embedding tables (token + learned positions), less a tied digital lm_head counted in projectionBytes. */
  readonly embeddingBytes: number;
  /** projectionBytes + embeddingBytes. */
  readonly bytes: number;
}

/** What the DRAM of the chips used holds, against its capacity. */
export interface DramOccupancy extends DramWeights {
  /** KV cache bytes in DRAM (0 when it is in SRAM). */
  readonly kvCacheBytes: number;
  /** Weights + KV cache. */
  readonly totalBytes: number;
  /** dram.capacityBytes x chips. */
  readonly capacityBytes: number;
  readonly chips: number;
}

/** Weight bytes in DRAM for the given digital matrices (name, role, weightBytes as in Placement.digitalMatrices). */
export const dramWeights = (shape: TransformerShape, digital: readonly { readonly role: string; readonly weightBytes: number }[]): DramWeights => {
  const eb = embeddingBytesPerElement(shape);
  const tokenTable = shape.vocabSize * embeddingDim(shape) * eb;
  const positionTable = shape.positional === "learned" ? shape.maxPositions * shape.hiddenSize * eb : 0;
  let projectionBytes = 0;
  let headIsTable = false;
  for (const m of digital) {
    projectionBytes += m.weightBytes;
    if (m.role === "lm_head" && shape.tiedEmbeddings && m.weightBytes === tokenTable) headIsTable = true;
  }
  const embeddingBytes = (headIsTable ? 0 : tokenTable) + positionTable;
  return { projectionBytes, embeddingBytes, bytes: projectionBytes + embeddingBytes };
};

/** Fewest chips whose DRAM holds `bytes` (at least 1). */
export const chipsForDram = (bytes: number, chip: ChipSpec): number => Math.max(1, Math.ceil(bytes / chip.dram.capacityBytes));

export const formatBytes = (bytes: number): string =>
  bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(2)} MiB` : `${(bytes / 2 ** 10).toFixed(1)} KiB`;

/** The DRAM rule: throws a MappingError (path dram.capacityBytes) naming the sizes and the fix when the weights in
 *  DRAM plus the KV cache (`kvCacheBytes`, 0 when it is in SRAM) exceed dram.capacityBytes x chips. */
export const checkDramCapacity = (
  chip: ChipSpec,
  weights: DramWeights,
  opts: { readonly chips: number; readonly kvCacheBytes: number; readonly kvCacheSize: string },
): DramOccupancy => {
  const perChip = chip.dram.capacityBytes;
  const capacityBytes = perChip * opts.chips;
  const totalBytes = weights.bytes + opts.kvCacheBytes;
  const occupancy: DramOccupancy = { ...weights, kvCacheBytes: opts.kvCacheBytes, totalBytes, capacityBytes, chips: opts.chips };
  if (totalBytes <= capacityBytes) return occupancy;
  const fits = chipsForDram(totalBytes, chip);
  const kv = opts.kvCacheBytes > 0 ? ` plus the KV cache in DRAM (${opts.kvCacheSize})` : "";
  throw new AimcsimError(
    "MappingError",
    "dram.capacityBytes",
    `the weights stored in DRAM (${formatBytes(weights.bytes)}: digital projections ${formatBytes(weights.projectionBytes)}, embeddings ${formatBytes(weights.embeddingBytes)})${kv} ` +
      `need ${formatBytes(totalBytes)}, more than the DRAM of ${opts.chips} chip(s) (${formatBytes(capacityBytes)} = dram.capacityBytes ${formatBytes(perChip)} x ${opts.chips}); ` +
      `pass chips: ${fits} or "auto" (CLI --chips ${fits} | --chips auto; each chip's DRAM holds its share of the weights)` +
      (opts.kvCacheBytes > 0 && weights.bytes <= capacityBytes ? `, or size the KV cache for fewer tokens (contextTokens) or sequences (batch)` : ""),
  );
};
