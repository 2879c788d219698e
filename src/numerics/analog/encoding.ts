// How a signed weight becomes cell levels: quantised to analog.weightBits, stored as a differential pair
// (positive part on G+, negative on G-) or, without a pair, as an offset-binary unsigned integer with a
// reference subtracted; sliced over cells of tile.bitsPerCell bits, recombined digitally with powers of
// 2^bitsPerCell (NeuroSim / CrossSim bit slicing). Binary and ternary weights follow BitNet
// (Wang et al. 2023, arXiv 2310.11453; Ma et al. 2024 b1.58, arXiv 2402.17764): absmean scale.

import { AimcsimError } from "../../errors.ts";

export interface WeightEncoding {
  readonly weightBits: number;
  readonly bitsPerCell: number;
  readonly differential: boolean;
  /** How the per-group digital scale is found. */
  readonly quantizer: "absmax" | "ternary" | "binary";
  /** Largest |q| of the signed integer weight q. */
  readonly qMax: number;
  /** Largest stored unsigned integer N per cell group (per side for a differential pair). */
  readonly nMax: number;
  readonly slices: number;
  /** Divisor turning a slice's level into a normalised conductance in [0, 1]. */
  readonly sliceDenom: number;
  /** Digital weight of slice k in the recombination: 2^(k bitsPerCell) * sliceDenom. */
  readonly sliceWeights: Float64Array;
  /** q = a * N - c for a non-differential cell group (a = 1, c = 0 for a pair: q = N+ - N-). */
  readonly a: number;
  readonly c: number;
}

export function weightEncoding(weightBits: number, bitsPerCell: number, differential: boolean): WeightEncoding {
  // weightBits and bitsPerCell come from a validated spec (src/spec/schema.ts: 1..16 and 1..8).
  const quantizer = weightBits === 1 ? "binary" : weightBits === 2 ? "ternary" : "absmax";
  const qMax = weightBits <= 2 ? 1 : 2 ** (weightBits - 1) - 1;
  let nMax: number, a: number, c: number;
  if (differential) {
    nMax = qMax;
    a = 1;
    c = 0;
  } else if (quantizer === "binary") {
    nMax = 1; // N = (q + 1) / 2
    a = 2;
    c = 1;
  } else {
    nMax = 2 * qMax; // offset binary N = q + qMax
    a = 1;
    c = qMax;
  }
  const nBits = Math.max(1, Math.ceil(Math.log2(nMax + 1)));
  const slices = Math.ceil(nBits / bitsPerCell);
  const sliceDenom = slices === 1 ? nMax : 2 ** bitsPerCell - 1;
  const sliceWeights = new Float64Array(slices);
  for (let k = 0; k < slices; k++) sliceWeights[k] = 2 ** (k * bitsPerCell) * sliceDenom;
  return { weightBits, bitsPerCell, differential, quantizer, qMax, nMax, slices, sliceDenom, sliceWeights, a, c };
}

/** Level of slice k of the unsigned integer n. */
export function sliceLevel(n: number, k: number, bitsPerCell: number): number {
  if (k === 0 && n < 2 ** bitsPerCell) return n; // single-slice fast path
  const base = 2 ** bitsPerCell;
  return Math.floor(n / 2 ** (k * bitsPerCell)) % base;
}

export interface GroupScale {
  /** Divisor applied before rounding to q. */
  readonly quantScale: number;
  /** Digital scale: w ~= q * digitalScale / qMax. */
  readonly digitalScale: number;
}

/**
 * Scales of one group of weights (a tile column or a whole tile). absmax: both = max|w|.
 * ternary: q = clamp(round(w / mean|w|), -1, 1) (BitNet b1.58 absmean), digital scale = least-squares
 * scale given q (mean |w| over non-zero q), which restores an already-ternary matrix exactly.
 * binary: q = sign(w), digital scale = mean|w| (its least-squares scale).
 */
export function groupScale(enc: WeightEncoding, w: Float32Array, idx: (j: number) => number, count: number): GroupScale {
  if (enc.quantizer === "absmax") {
    let m = 0;
    for (let j = 0; j < count; j++) {
      const v = Math.abs(w[idx(j)]);
      if (v > m) m = v;
    }
    const s = m > 0 ? m : 1;
    return { quantScale: s, digitalScale: s };
  }
  let sum = 0;
  for (let j = 0; j < count; j++) sum += Math.abs(w[idx(j)]);
  const mean = sum / Math.max(count, 1);
  if (mean === 0) return { quantScale: 1, digitalScale: 1 };
  if (enc.quantizer === "binary") return { quantScale: 1, digitalScale: mean };
  let s = 0;
  let n = 0;
  for (let j = 0; j < count; j++) {
    const v = Math.abs(w[idx(j)]);
    if (Math.round(v / mean) >= 1) {
      s += v;
      n++;
    }
  }
  return { quantScale: mean, digitalScale: n > 0 ? s / n : mean };
}

/** Signed integer q in [-qMax, qMax] of weight w under the group's quantScale. */
export function quantizeWeight(enc: WeightEncoding, w: number, quantScale: number): number {
  if (enc.quantizer === "binary") return w >= 0 ? 1 : -1;
  const v = (w / quantScale) * enc.qMax;
  const r = v < 0 ? -Math.round(-v) : Math.round(v); // symmetric rounding
  return r > enc.qMax ? enc.qMax : r < -enc.qMax ? -enc.qMax : r;
}
