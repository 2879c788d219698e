// The precision of the KV cache, the attention datapath and the lm_head, per chip (issue 17 item 2): what a
// result states, and how a comparison (`run --baseline`, `amdahl`) gives both chips the same.
import { SPEC_DEFAULTS } from "../spec/schema.ts";
import type { ChipSpec, PrecisionFormat } from "../spec/types.ts";
import { PRECISION_FORMAT_BYTES } from "./kvcache.ts";

/** The precision a chip runs the KV cache, the attention MACs and the lm_head at (issue 17 item 2): stated per
 *  chip in every result's assumptions and by `run --baseline` / `amdahl` for both chips. */
export interface ChipPrecision {
  readonly kvCache: string;
  readonly attention: string;
  readonly lmHead: string;
}

const digitalFormats = (chip: ChipSpec): string => {
  if (chip.systolic.length > 0) return [...new Set(chip.systolic.map((s) => s.format))].join("/");
  return "bit-serial block floating point";
};

export const chipPrecision = (chip: ChipSpec): ChipPrecision => {
  const kv = chip.mapping.kvCacheFormat ?? SPEC_DEFAULTS.mapping.kvCacheFormat;
  const arrays = digitalFormats(chip);
  const headDigital = chip.mapping.lmHead !== "analog";
  return {
    kvCache: `${kv} (${PRECISION_FORMAT_BYTES[kv]} B per element)`,
    attention: chip.mapping.attentionFormat ?? `${arrays} (the array's format)`,
    lmHead: headDigital
      ? `digital, ${chip.mapping.lmHeadFormat ?? `${arrays} (the array's format; weights as the checkpoint stores them)`}`
      : `analog, ${chip.analog?.weightBits ?? "?"}-bit weights`,
  };
};

export const formatChipPrecision = (p: ChipPrecision): string => `KV cache ${p.kvCache}; attention MACs ${p.attention}; lm_head ${p.lmHead}`;

const isPrecisionFormat = (f: string): f is PrecisionFormat => f in PRECISION_FORMAT_BYTES;

/** The formats a chip effectively uses: the stated ones, else the KV default and, for the attention and a digital
 *  attention, the format of the (first) systolic array when it is one of the precision formats; the lm_head's only
 *  where stated. */
export const effectivePrecision = (chip: ChipSpec): { kvCacheFormat: PrecisionFormat; attentionFormat?: PrecisionFormat; lmHeadFormat?: PrecisionFormat } => {
  const array = chip.systolic[0]?.format;
  const arrayFmt = array !== undefined && isPrecisionFormat(array) ? array : undefined;
  const attention = chip.mapping.attentionFormat ?? arrayFmt;
  // A digital lm_head's format is copied only where stated: stating it also sets its weight bytes.
  const head = chip.mapping.lmHead === "analog" ? undefined : chip.mapping.lmHeadFormat;
  return {
    kvCacheFormat: chip.mapping.kvCacheFormat ?? SPEC_DEFAULTS.mapping.kvCacheFormat,
    ...(attention !== undefined ? { attentionFormat: attention } : {}),
    ...(head !== undefined ? { lmHeadFormat: head } : {}),
  };
};

/** `other` with the KV-cache, attention and lm_head formats of `reference` (a comparison's chips then differ only in
 *  what is compared). A digital lm_head of `other` keeps its own format when the reference's lm_head is analog
 *  (an analog head has no digital format to copy). */
export const withPrecisionOf = (other: ChipSpec, reference: ChipSpec): ChipSpec => {
  const r = effectivePrecision(reference);
  const mapping = { ...other.mapping, kvCacheFormat: r.kvCacheFormat };
  if (r.attentionFormat !== undefined) Object.assign(mapping, { attentionFormat: r.attentionFormat });
  if (r.lmHeadFormat !== undefined && other.mapping.lmHead !== "analog") Object.assign(mapping, { lmHeadFormat: r.lmHeadFormat });
  return { ...other, mapping };
};
