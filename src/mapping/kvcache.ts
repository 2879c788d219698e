// Where the KV cache lives: on-chip SRAM when mapping.kvCache is "sram" and the cache fits in the SRAM
// left after the activation buffers, otherwise DRAM, with the reason stated. Whether a DRAM cache fits beside the
// weights stored in DRAM is the DRAM rule of dram.ts, checked by mapModel.

import { KV_BYTES_PER_ELEMENT, kvCacheBytes, kvCacheTokens } from "../model/opgraph.ts";
import type { TransformerShape } from "../model/shape.ts";
import type { ChipSpec, KvCacheLocation, PrecisionFormat } from "../spec/types.ts";
import { SPEC_DEFAULTS } from "../spec/schema.ts";
import { formatBytes } from "./dram.ts";

/** Bytes of one element of each KV-cache / attention format (definition of the formats). */
export const PRECISION_FORMAT_BYTES: Readonly<Record<PrecisionFormat, number>> = { int8: 1, fp8: 1, fp16: 2, bf16: 2 };

/** Bytes of one cached K or V element on this chip (mapping.kvCacheFormat, default fp16). */
export const kvBytesPerElement = (chip: ChipSpec): number => PRECISION_FORMAT_BYTES[chip.mapping.kvCacheFormat ?? SPEC_DEFAULTS.mapping.kvCacheFormat];

/** Activation element bytes in the on-chip buffers. Assumption: FP16 activations between the digital units,
 *  the same precision as the KV cache (opgraph.ts KV_BYTES_PER_ELEMENT). */
export const ACTIVATION_BYTES_PER_ELEMENT = KV_BYTES_PER_ELEMENT;

export interface KvCachePlacement {
  readonly memory: KvCacheLocation;
  /** SRAM instance names holding it (empty for DRAM). */
  readonly srams: readonly string[];
  /** Bytes of the cache at `contextTokens` tokens for `batch` sequences (all layers, K and V, fp16;
   *  a sliding-window model holds only the window). */
  readonly bytes: number;
  readonly batch: number;
  readonly contextTokens: number;
  /** SRAM on all chips used. */
  readonly sramCapacityBytes: number;
  /** SRAM reserved for activation buffers on all chips used. */
  readonly bufferBytes: number;
  readonly reason: string;
}

/** SRAM reserved for activations per chip. Assumption (decode-sized): two ping-pong buffers of the widest
 *  activation row of the batch (hidden, q/kv, intermediate or the logits row), plus one row of attention
 *  scores per head over the whole context. Prefill activations of many tokens are assumed to be streamed
 *  through these buffers in token tiles rather than held whole. */
export const activationBufferBytes = (shape: TransformerShape, batch: number, contextTokens: number): number => {
  const widest = Math.max(
    shape.hiddenSize,
    shape.intermediateSize,
    (shape.numHeads + 2 * shape.numKvHeads) * shape.headDim,
    shape.vocabSize,
  );
  const rows = 2 * batch * widest;
  const scores = batch * shape.numHeads * (contextTokens + 1);
  return (rows + scores) * ACTIVATION_BYTES_PER_ELEMENT;
};

const fmt = formatBytes;

/** The cache's size in words: "1.25 GiB for 1 x 2560 tokens in fp16". */
export const kvCacheSize = (chip: ChipSpec, kv: Pick<KvCachePlacement, "bytes" | "batch" | "contextTokens">): string =>
  `${fmt(kv.bytes)} for ${kv.batch} x ${kv.contextTokens} tokens in ${chip.mapping.kvCacheFormat ?? SPEC_DEFAULTS.mapping.kvCacheFormat}`;

export const placeKvCache = (
  shape: TransformerShape,
  chip: ChipSpec,
  opts: { readonly batch: number; readonly contextTokens: number; readonly chips: number },
): KvCachePlacement => {
  const bytes = kvCacheBytes(shape, opts.batch, kvCacheTokens(shape, opts.contextTokens), kvBytesPerElement(chip));
  const sramPerChip = chip.sram.reduce((a, s) => a + s.capacityBytes, 0);
  const sramCapacityBytes = sramPerChip * opts.chips;
  const bufferBytes = activationBufferBytes(shape, opts.batch, opts.contextTokens) * opts.chips;
  const free = Math.max(0, sramCapacityBytes - bufferBytes);
  const base = { bytes, batch: opts.batch, contextTokens: opts.contextTokens, sramCapacityBytes, bufferBytes };
  const size = kvCacheSize(chip, base);
  let placement: KvCachePlacement;
  if (chip.mapping.kvCache === "dram") {
    placement = { ...base, memory: "dram", srams: [], reason: `mapping.kvCache is "dram" (${size})` };
  } else if (chip.sram.length === 0) {
    placement = { ...base, memory: "dram", srams: [], reason: `mapping.kvCache is "sram" but the chip has no SRAM (${size})` };
  } else if (bytes <= free) {
    placement = {
      ...base,
      memory: "sram",
      srams: chip.sram.map((s) => s.name),
      reason: `fits: ${size} <= ${fmt(free)} SRAM free after ${fmt(bufferBytes)} of activation buffers`,
    };
  } else {
    placement = {
      ...base,
      memory: "dram",
      srams: [],
      reason: `does not fit in SRAM: ${size} > ${fmt(free)} free (${fmt(sramCapacityBytes)} SRAM on ${opts.chips} chip(s) minus ${fmt(bufferBytes)} of activation buffers)`,
    };
  }
  return placement;
};

