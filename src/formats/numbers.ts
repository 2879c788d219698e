// Number formats as pure quantise functions over Float32Array (in place by default, or into `out`).
// Each returns the quantised values as float32 ("fake quantisation"), which is what a digital baseline or an
// analog tile's DAC/ADC model needs to compute with. Rounding is round-half-to-even unless stated.
//
//   INT-k symmetric      scale = max|x| / (2^(k-1) - 1) per tensor / per row (channel or token) / per group
//   FP16                 IEEE 754 binary16, exact round-to-nearest-even, subnormals, overflow to +-Inf
//   BF16                 bfloat16 (8-bit exponent, 7-bit fraction), round-to-nearest-even
//   FP8 E4M3             OCP 8-bit FP spec v1.0 (2023) "E4M3": bias 7, max 448, no Inf; saturating here
//   FP8 E5M2             OCP 8-bit FP spec v1.0 "E5M2": bias 15, max 57344; saturating here
//   ternary              BitNet b1.58 absmean (Ma et al. arXiv 2402.17764): s = mean|W|, W <- clamp(round(W/s),-1,1) s
//   Anda                 Fang et al., "Anda: Unlocking Efficient LLM Inference with a Variable-Length Grouped
//                        Activation Data Format", HPCA 2025 (arXiv 2411.15982): groups of 64 consecutive FP16 values
//                        share the group's largest 5-bit exponent; each value keeps its sign and M mantissa bits of its
//                        significand aligned to that exponent.

import { AimcsimError } from "../errors.ts";

// ---------------------------------------------------------------------------------------------------------------
// bit-level helpers

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE binary16 bits of a value (first rounded to float32), round to nearest even; overflow -> Inf, NaN kept. */
export function f32ToF16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal (2^-25): rounds to zero
    mant |= 0x800000;
    const shift = 14 - e; // 14..24
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    if (rem > half || (rem === half && m & 1)) m++;
    return sign | m; // a carry into the exponent field yields the smallest normal, which is correct
  }
  const m = mant >>> 13;
  const rem = mant & 0x1fff;
  let h = sign | (e << 10) | m;
  if (rem > 0x1000 || (rem === 0x1000 && m & 1)) h++; // carry may reach the exponent (and Inf at the top): correct
  return h;
}

let halfTable: Float32Array | null = null;
/** binary16 bits -> value (exact). */
export function f16BitsToF32(h: number): number {
  if (!halfTable) {
    const t = new Float32Array(65536);
    for (let b = 0; b < 65536; b++) {
      const s = b & 0x8000 ? -1 : 1;
      const e = (b >> 10) & 0x1f;
      const m = b & 0x3ff;
      if (e === 0) t[b] = s * m * 2 ** -24;
      else if (e === 31) t[b] = m === 0 ? s * Infinity : NaN;
      else t[b] = s * (1024 + m) * 2 ** (e - 25);
    }
    halfTable = t;
  }
  return halfTable[h & 0xffff]!;
}

/** bfloat16 bits of a value (first rounded to float32), round to nearest even (NaN kept quiet). */
export function f32ToBf16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return ((x >>> 16) | 0x40) & 0xffff;
  const lsb = (x >>> 16) & 1;
  return ((x + 0x7fff + lsb) >>> 16) & 0xffff;
}

export function bf16BitsToF32(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0]!;
}

/** Round half to even (torch.round / IEEE roundTiesToEven), unlike Math.round (half up). */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/** floor(log2|v|) for finite v != 0, exact (corrects Math.log2's last-ulp errors near powers of two). */
export function exponentOf(v: number): number {
  const a = Math.abs(v);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

// ---------------------------------------------------------------------------------------------------------------
// integer formats

/** How scale factors are shared. Rows are the last (contiguous) dimension: a weight row = one output channel,
 *  an activation row = one token. */
export type Granularity = "per-tensor" | "per-channel" | "per-token" | { readonly groupSize: number };

function groupLength(g: Granularity, length: number, rowLength: number): number {
  if (g === "per-tensor") return length;
  if (g === "per-channel" || g === "per-token") return rowLength;
  if (!(Number.isInteger(g.groupSize) && g.groupSize > 0))
    throw new AimcsimError("SpecError", "granularity.groupSize", `must be a positive integer, got ${g.groupSize}`);
  return g.groupSize;
}

/**
 * Symmetric INT-k fake quantisation: per scale group, s = max|x| / (2^(k-1) - 1) (restricted range, -qmax..qmax),
 * x <- clamp(roundHalfEven(x / s), -qmax, qmax) * s. Groups never straddle rows. Returns `out`.
 */
export function quantiseIntSymmetric(
  x: Float32Array,
  bits: number,
  granularity: Granularity,
  rowLength: number,
  out: Float32Array = x,
): Float32Array {
  if (!(Number.isInteger(bits) && bits >= 2 && bits <= 24)) throw new AimcsimError("SpecError", "bits", `must be an integer in [2, 24], got ${bits}`);
  const n = x.length;
  if (granularity !== "per-tensor" && (rowLength <= 0 || n % rowLength !== 0))
    throw new AimcsimError("SpecError", "rowLength", `must divide the tensor length ${n}, got ${rowLength}`);
  const qmax = 2 ** (bits - 1) - 1;
  const g = groupLength(granularity, n, rowLength);
  const rowLen = granularity === "per-tensor" ? n : rowLength;
  for (let r0 = 0; r0 < n; r0 += rowLen) {
    for (let g0 = r0; g0 < r0 + rowLen; g0 += g) {
      const g1 = Math.min(g0 + g, r0 + rowLen);
      let m = 0;
      for (let i = g0; i < g1; i++) {
        const a = Math.abs(x[i]!);
        if (a > m) m = a;
      }
      if (m === 0 || !Number.isFinite(m)) {
        for (let i = g0; i < g1; i++) out[i] = m === 0 ? 0 : x[i]!;
        continue;
      }
      const s = m / qmax;
      for (let i = g0; i < g1; i++) {
        let q = roundHalfEven(x[i]! / s);
        if (q > qmax) q = qmax;
        else if (q < -qmax) q = -qmax;
        out[i] = q * s;
      }
    }
  }
  return out;
}

/** BitNet b1.58 absmean ternary: s = max(mean|x|, 1e-5); x <- clamp(roundHalfEven(x / s), -1, 1) * s. Returns s. */
export function quantiseTernaryAbsmean(x: Float32Array, out: Float32Array = x): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]!);
  // transformers integrations/bitnet.py WeightQuant: s = 1 / mean|W|.clamp(min=1e-5); W <- round(W s).clamp(-1,1) / s
  const inv = Math.fround(1 / Math.max(Math.fround(sum / Math.max(x.length, 1)), 1e-5));
  for (let i = 0; i < x.length; i++) {
    const r = Math.fround(x[i]! * inv);
    const q = r > 0.5 ? 1 : r < -0.5 ? -1 : 0; // roundHalfEven then clamp: +-0.5 -> 0, (0.5, 1.5] -> 1, beyond -> 1
    out[i] = q / inv;
  }
  return 1 / inv;
}

// ---------------------------------------------------------------------------------------------------------------
// floating-point formats

/** Round to IEEE binary16 (exact, round-to-nearest-even, overflow to +-Inf). Returns `out`. */
export function roundToFp16(x: Float32Array, out: Float32Array = x): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = f16BitsToF32(f32ToF16Bits(x[i]!));
  return out;
}

/** Round to bfloat16 (round-to-nearest-even). Returns `out`. */
export function roundToBf16(x: Float32Array, out: Float32Array = x): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = bf16BitsToF32(f32ToBf16Bits(x[i]!));
  return out;
}

export interface MinifloatSpec {
  /** Explicit fraction bits. */
  readonly mantissaBits: number;
  /** Exponent of the smallest normal number (1 - bias). */
  readonly minNormalExponent: number;
  /** Largest finite magnitude. */
  readonly maxFinite: number;
  /** Values beyond maxFinite: clamp to +-maxFinite, or become +-Inf. */
  readonly overflow: "saturate" | "inf";
}

/** OCP OFP8 E4M3 (bias 7, max 448 = 1.75 x 2^8, no Inf encoding). */
export const FP8_E4M3: MinifloatSpec = { mantissaBits: 3, minNormalExponent: -6, maxFinite: 448, overflow: "saturate" };
/** OCP OFP8 E5M2 (bias 15, max 57344 = 1.75 x 2^15). */
export const FP8_E5M2: MinifloatSpec = { mantissaBits: 2, minNormalExponent: -14, maxFinite: 57344, overflow: "saturate" };

/** Round one value to a minifloat with subnormals, round-to-nearest-even. NaN stays NaN. */
export function roundMinifloat(v: number, spec: MinifloatSpec): number {
  if (v !== v) return NaN;
  if (v === 0) return v;
  const a = Math.abs(v);
  if (a === Infinity) return spec.overflow === "inf" ? v : Math.sign(v) * spec.maxFinite;
  const e = Math.max(exponentOf(a), spec.minNormalExponent);
  const ulp = 2 ** (e - spec.mantissaBits);
  let q = roundHalfEven(a / ulp) * ulp; // a / ulp is exact (ulp is a power of two)
  if (q > spec.maxFinite) {
    // IEEE: overflow to Inf only when the rounded value exceeds max + half an ulp of the top binade
    q = spec.overflow === "inf" ? Infinity : spec.maxFinite;
  }
  return v < 0 ? -q : q;
}

export function roundToMinifloat(x: Float32Array, spec: MinifloatSpec, out: Float32Array = x): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = roundMinifloat(x[i]!, spec);
  return out;
}

export const roundToFp8E4M3 = (x: Float32Array, out: Float32Array = x) => roundToMinifloat(x, FP8_E4M3, out);
export const roundToFp8E5M2 = (x: Float32Array, out: Float32Array = x) => roundToMinifloat(x, FP8_E5M2, out);

// ---------------------------------------------------------------------------------------------------------------
// Anda block format

export interface AndaOptions {
  /** Values sharing one exponent (Anda: 64). */
  readonly groupSize?: number;
  /** How mantissa bits below the kept M are dropped. Anda's bit-plane compressor truncates (assumption: the
   *  paper keeps the top M bits of the aligned significand); "nearest" rounds half to even and saturates. */
  readonly rounding?: "truncate" | "nearest";
}

/** Anda group size (HPCA 2025: 64 activations share one exponent). */
export const ANDA_GROUP_SIZE = 64;

/**
 * Anda block format over rows of `rowLength` (groups never straddle rows; a short last group is allowed).
 * Each value is first rounded to FP16 (Anda converts FP16 activations). Per group the shared exponent is the largest
 * FP16 biased exponent field E (subnormals count as exponent 1). Each value keeps its sign and an M-bit magnitude
 * m = floor(|significand| * 2^(M-1) / 2^(E - e)) (or rounded), so v = +-m * 2^(E - 15 - (M - 1)); the M bits
 * include the leading (hidden) bit of the group's largest value (assumption: "M-bit mantissa" counts every stored
 * magnitude bit, as the bit-serial APU processes M bit-planes). Inf/NaN inputs pass through unchanged.
 */
export function quantiseAnda(
  x: Float32Array,
  mantissaBits: number,
  rowLength: number,
  opts: AndaOptions = {},
  out: Float32Array = x,
): Float32Array {
  const M = mantissaBits;
  if (!(Number.isInteger(M) && M >= 1 && M <= 16)) throw new AimcsimError("SpecError", "mantissaBits", `Anda mantissa must be an integer in [1, 16], got ${M}`);
  const G = opts.groupSize ?? ANDA_GROUP_SIZE;
  const nearest = opts.rounding === "nearest";
  const n = x.length;
  if (rowLength <= 0 || n % rowLength !== 0)
    throw new AimcsimError("SpecError", "rowLength", `must divide the tensor length ${n}, got ${rowLength}`);
  const mmax = 2 ** M - 1;
  for (let r0 = 0; r0 < n; r0 += rowLength) {
    for (let g0 = r0; g0 < r0 + rowLength; g0 += G) {
      const g1 = Math.min(g0 + G, r0 + rowLength);
      let E = 0;
      for (let i = g0; i < g1; i++) {
        const h = f32ToF16Bits(x[i]!);
        const e = (h >> 10) & 0x1f;
        if (e !== 31 && e > E) E = e;
      }
      if (E === 0) E = 1; // all subnormal or zero: subnormals use exponent 1 with hidden bit 0
      const step = 2 ** (E - 15 - (M - 1));
      for (let i = g0; i < g1; i++) {
        const h = f32ToF16Bits(x[i]!);
        if (((h >> 10) & 0x1f) === 31) {
          out[i] = f16BitsToF32(h);
          continue;
        }
        const v = f16BitsToF32(h);
        const a = Math.abs(v) / step; // exact: v is FP16, step a power of two
        let m = nearest ? roundHalfEven(a) : Math.floor(a);
        if (m > mmax) m = mmax;
        out[i] = (v < 0 || Object.is(v, -0) ? -m : m) * step;
      }
    }
  }
  return out;
}

/** Bits per value of the Anda format: sign + M + the 5-bit shared exponent amortised over the group. */
export function andaBitsPerValue(mantissaBits: number, groupSize = ANDA_GROUP_SIZE): number {
  return 1 + mantissaBits + 5 / groupSize;
}
