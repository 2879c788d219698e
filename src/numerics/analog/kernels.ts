import type { LinearBackend, LinearWeight } from "../backend.ts";
import { gemm, gemmNoise, type Out } from "../kernels/gemm.ts";

// The inner products of the analog MVM and of the exact linear layers, on the WebAssembly SIMD kernels of
// src/numerics/kernels (float32 accumulation in a fixed order; see src/numerics/kernels/wasm.ts). The weights
// are read in place when they were allocated in a kernel bank (allocF32), else copied there once.

/**
 * y[t*C + o] = sum_i W[o*R + i] * x[t*R + i] for t < T, o < C.
 * W: [C x R] row-major (one row per logical output column of the tile). x: [T x R]. y: [T x C].
 */
export function gemmTile(W: Float32Array, R: number, C: number, x: Float32Array, T: number, y: Out): void {
  gemm(W, R, C, x, T, y);
}

/**
 * out = W x + b (the bias added to the float32 dot product, rounded to float32): the exact linear layer.
 * `y` is a caller-kept scratch of at least T * outF values.
 */
export function exactLinearBlocked(W: Float32Array, bias: Float32Array | null, inF: number, outF: number, x: Float32Array, T: number, out: Float32Array, y?: Out): void {
  void y;
  gemm(W, inF, outF, x, T, out);
  if (bias)
    for (let t = 0; t < T; t++) {
      const o0 = t * outF;
      for (let o = 0; o < outF; o++) out[o0 + o] += bias[o];
    }
}

/** exactLinearBlocked of a LinearWeight: a weight held as bf16/f16 bits (w.half) runs on the 16-bit kernel,
 *  which widens each value exactly, so the result is bit-identical to its float32 values' (and no copy is made). */
export function exactLinear(w: LinearWeight, x: Float32Array, T: number, out: Float32Array): void {
  const h = w.half;
  if (!h) return exactLinearBlocked(w.data, w.bias, w.inFeatures, w.outFeatures, x, T, out);
  const outF = w.outFeatures;
  gemm(h.bits, w.inFeatures, outF, x, T, out, h.kind);
  const bias = w.bias;
  if (bias)
    for (let t = 0; t < T; t++) {
      const o0 = t * outF;
      for (let o = 0; o < outF; o++) out[o0 + o] += bias[o];
    }
}

/** The exact fp32 backend (kept as a name; exactBackend in ../backend.ts is the same computation). */
export function createBlockedExactBackend(): LinearBackend {
  return {
    label: "fp32 exact",
    linear(w, x, T, out) {
      exactLinear(w, x, T, out);
    },
  };
}

/**
 * Fused pass for the output-referred weight noise: y = W x and v = |W| x^2 reading W once
 * (v[t*C + o] = sum_i |W[o*R + i]| * xsq[t*R + i], xsq = x^2 precomputed). Same summation order as
 * gemmTile, so y is bit-identical to gemmTile(W, ...) and v to gemmTile(|W|, xsq, ...).
 */
export function gemmTileNoise(W: Float32Array, R: number, C: number, x: Float32Array, xsq: Float32Array, T: number, y: Out, v: Out): void {
  gemmNoise(W, R, C, x, xsq, T, y, v);
}
