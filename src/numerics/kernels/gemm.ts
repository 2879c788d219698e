// The calls the linear layers make: y = W x (and v = |W| xs) over tokens, on the WebAssembly SIMD kernels
// (wasm.ts) with the weights resident in a memory bank (arena.ts), split across worker threads when a pool
// is active (pool.ts). Per call: copy x into the bank's scratch, run, copy y out; no allocation in steady
// state. Results are bit-identical whatever the number of threads (see wasm.ts).

import { resident, scratch, type Bank } from "./arena.ts";
import { parallelGemm } from "./pool.ts";

export type Out = Float32Array | Float64Array;

function copyIn(b: Bank, x: Float32Array, n: number, off: number): void {
  b.f32.set(n === x.length ? x : x.subarray(0, n), off >>> 2);
}

function copyOut(b: Bank, off: number, n: number, y: Out): void {
  const o = off >>> 2;
  y.set(b.f32.subarray(o, o + n));
}

/** Weights above this many bytes are run in row blocks, each resident on its own (a bank holds 2 GiB). */
let maxBlockBytes = 1 << 30;
/** Change the row-block threshold (tests); returns the previous one. */
export function setMaxBlockBytes(n: number): number {
  const old = maxBlockBytes;
  maxBlockBytes = n;
  return old;
}
const rowBlocks = new WeakMap<ArrayBufferView, (Float32Array | Uint16Array)[]>();
let blockY = new Float32Array(0);

/** A weight too large for one bank: stable row-block views (so each block's resident copy is reused). */
function blocksOf(W: Float32Array | Uint16Array, R: number, C: number): (Float32Array | Uint16Array)[] {
  let b = rowBlocks.get(W);
  if (!b) {
    const rows = Math.max(1, Math.floor(maxBlockBytes / (R * W.BYTES_PER_ELEMENT)));
    b = [];
    for (let r0 = 0; r0 < C; r0 += rows) b.push(W.subarray(r0 * R, Math.min(C, r0 + rows) * R));
    rowBlocks.set(W, b);
  }
  return b;
}

function gemmBlocked(W: Float32Array | Uint16Array, R: number, C: number, x: Float32Array, T: number, y: Out, kind: "f32" | "bf16" | "f16"): void {
  let c0 = 0;
  for (const blk of blocksOf(W, R, C)) {
    const Cb = blk.length / R;
    if (blockY.length < T * Cb) blockY = new Float32Array(T * Cb);
    gemm(blk, R, Cb, x, T, blockY, kind);
    for (let t = 0; t < T; t++) for (let o = 0; o < Cb; o++) y[t * C + c0 + o] = blockY[t * Cb + o]!;
    c0 += Cb;
  }
}

/**
 * y[t*C + o] = sum_i W[o*R + i] x[t*R + i] (float32 accumulation, the order in wasm.ts), for t < T, o < C.
 * W: float32 [C x R], or bf16/f16 bits as a Uint16Array with kind "bf16" / "f16".
 */
export function gemm(W: Float32Array | Uint16Array, R: number, C: number, x: Float32Array, T: number, y: Out, kind: "f32" | "bf16" | "f16" = "f32"): void {
  if (T === 0 || C === 0) return;
  if (W.byteLength > maxBlockBytes && C > 1) return gemmBlocked(W, R, C, x, T, y, kind);
  const w = resident(W);
  const b = w.bank;
  const nx = T * R;
  const ny = T * C;
  const s = scratch(b, (nx + ny) * 4);
  const xOff = s;
  const yOff = s + nx * 4;
  copyIn(b, x, nx, xOff);
  const fn = kind === "f32" ? 0 : kind === "bf16" ? 1 : 2;
  if (!parallelGemm(b, fn, w.off, R, C, xOff, 0, T, yOff, 0)) {
    if (fn === 0) b.k.gemm_f32(w.off, R, C, xOff, T, yOff, 0, C);
    else if (fn === 1) b.k.gemm_bf16(w.off, R, C, xOff, T, yOff, 0, C);
    else b.k.gemm_f16(w.off, R, C, xOff, T, yOff, 0, C);
  }
  copyOut(b, yOff, ny, y);
}

/** y = W x and v = |W| xs in one pass over W (the output-referred weight-noise variance). W: float32, or
 *  bf16/f16 bits as a Uint16Array with kind "bf16" / "f16" (widened exactly; same order as gemm). */
export function gemmNoise(W: Float32Array | Uint16Array, R: number, C: number, x: Float32Array, xs: Float32Array, T: number, y: Out, v: Out, kind: "f32" | "bf16" | "f16" = "f32"): void {
  if (T === 0 || C === 0) return;
  const w = resident(W);
  const b = w.bank;
  const nx = T * R;
  const ny = T * C;
  const s = scratch(b, (2 * nx + 2 * ny) * 4);
  const xOff = s;
  const xsOff = xOff + nx * 4;
  const yOff = xsOff + nx * 4;
  const vOff = yOff + ny * 4;
  copyIn(b, x, nx, xOff);
  copyIn(b, xs, nx, xsOff);
  const fn = kind === "f32" ? 3 : kind === "bf16" ? 4 : 5;
  if (!parallelGemm(b, fn, w.off, R, C, xOff, xsOff, T, yOff, vOff)) {
    if (fn === 3) b.k.gemmn_f32(w.off, R, C, xOff, xsOff, T, yOff, vOff, 0, C);
    else if (fn === 4) b.k.gemmn_bf16(w.off, R, C, xOff, xsOff, T, yOff, vOff, 0, C);
    else b.k.gemmn_f16(w.off, R, C, xOff, xsOff, T, yOff, vOff, 0, C);
  }
  copyOut(b, yOff, ny, y);
  copyOut(b, vOff, ny, v);
}

/**
 * out[t*C + o] = s[o] * sum_i A[o*R + i] * m[t*R + i] over int16 A and m (wasm.ts): kind "var" is gemmv_i16 (the
 * w_noise variance, int32 chunks of VAR_CHUNK dot products added in float32), kind "mvm" gemm_i16 (the tile MVM,
 * the whole sum in int32 lanes and float64, one rounding). A and s from allocInt16Rows (one bank); A as the
 * int16 bits in a Uint16Array; m: T x R int16 values (an Int16Array or its bits), within the caller's bounds
 * (see wasm.ts kernelInt).
 */
export function gemmInt16(kind: "var" | "mvm", A: Uint16Array, s: Float32Array, R: number, C: number, m: Uint16Array | Int16Array, T: number, v: Out): void {
  if (T === 0 || C === 0) return;
  const w = resident(A);
  const b = w.bank;
  if (resident(s).bank !== b) throw new Error("gemmInt16: A and s must live in one bank (allocInt16Rows)");
  const nm = T * R;
  const ny = T * C;
  const off = scratch(b, ((nm * 2 + 63) & ~63) + ny * 4);
  const vOff = off + ((nm * 2 + 63) & ~63);
  new Int16Array(b.memory.buffer, off, nm).set(m.length === nm ? (m as Int16Array) : (m.subarray(0, nm) as Int16Array));
  const fn = kind === "var" ? 6 : 7;
  if (!parallelGemm(b, fn, w.off, R, C, off, s.byteOffset, T, vOff, 0)) {
    if (fn === 6) b.k.gemmv_i16(w.off, s.byteOffset, R, C, off, T, vOff, 0, C);
    else b.k.gemm_i16(w.off, s.byteOffset, R, C, off, T, vOff, 0, C);
  }
  copyOut(b, vOff, ny, v);
}
