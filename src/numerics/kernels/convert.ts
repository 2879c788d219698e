// One analog tile conversion in WebAssembly: the tile's MVM (wasm.ts gemm_f32, plus the w_noise variance by
// gemmv_i16 or the fused float32 gemmn_f32) and its ADC epilogue (wasm.ts adc_epi: noise draw, ADC rounding and
// clipping, histogram, accumulation of the codes), without copying y or v out of the bank. The epilogue is
// bit-identical to the JavaScript one of src/numerics/analog/backend.ts, which stays the reference and the path
// for the organisations adc_epi does not cover (joined slices, ADC errors, bound management, fp8 accumulators).

import type { Rng } from "../../util/rng.ts";
import { ZIGGURAT_TABLES } from "../noise/gaussian.ts";
import { bankOf, resident, scratch, tryAlloc64, type Bank } from "./arena.ts";
import { kernelThreads, parallelAdcEpi, parallelAddNoise, parallelFused, parallelGemm, parallelNormals } from "./pool.ts";
import { ZIG_BYTES, ZIG_FN, ZIG_KN, ZIG_WN } from "./wasm.ts";

const HIST_MAX = 1 << 16; // adc.bits <= 16 (the backend records no histogram above)

interface EpiBank {
  readonly zig: number; // byte offset of the ziggurat tables
  readonly state: number; // byte offset of 4 int32 of rng state, then HIST_MAX int32 of histogram
  readonly view: Int32Array; // over state (never detached: shared memory only grows)
}
const epiBanks = new Map<Bank, EpiBank>();

function epiBank(b: Bank): EpiBank | null {
  let e = epiBanks.get(b);
  if (!e) {
    const blk = tryAlloc64(b, (ZIG_BYTES + 16 + 4 * HIST_MAX) / 8);
    if (!blk) return null;
    const zig = blk.byteOffset;
    const buf = b.memory.buffer;
    new Int32Array(buf, zig + ZIG_KN, 128).set(ZIGGURAT_TABLES.KN);
    new Float64Array(buf, zig + ZIG_WN, 128).set(ZIGGURAT_TABLES.WN);
    new Float64Array(buf, zig + ZIG_FN, 128).set(ZIGGURAT_TABLES.FN);
    const state = zig + ZIG_BYTES;
    e = { zig, state, view: new Int32Array(buf, state, 4 + HIST_MAX) };
    keep.push(blk);
    epiBanks.set(b, e);
  }
  return e;
}
const keep: Float64Array[] = []; // the per-bank blocks live as long as the process

/** The float64 array of at least n values that `cache` keeps for bank b, grown on demand (to twice its size, or
 *  to n when that does not fit), or null when b has no room for n. */
function grown(cache: Map<Bank, Float64Array>, b: Bank, n: number): Float64Array | null {
  const a = cache.get(b);
  if (a && a.length >= n) return a;
  const made = tryAlloc64(b, Math.max(n, a ? 2 * a.length : 0)) ?? tryAlloc64(b, n);
  if (made) cache.set(b, made);
  return made;
}

/** Byte offset of a float64 buffer of at least n values in bank b for the normal draws of one conversion (one per
 *  bank, apart from the activation scratch so the two never overlap), or 0 when b has no room. */
const zBufs = new Map<Bank, Float64Array>();
function scratchZ(b: Bank, n: number): number {
  return grown(zBufs, b, n)?.byteOffset ?? 0;
}

/** One int32 histogram of n bins per worker thread in bank b, for adc_epi split across threads (remade when the
 *  thread count or n changes). */
const histBufs = new Map<Bank, { n: number; hs: Int32Array[]; keep: Float64Array[] }>();
function workerHists(b: Bank, n: number): Int32Array[] | null {
  const want = kernelThreads() - 1;
  let e = histBufs.get(b);
  if (!e || e.n !== n || e.hs.length !== want) {
    const keep: Float64Array[] = [];
    for (let k = 0; k < want; k++) {
      const a = tryAlloc64(b, Math.ceil(n / 2));
      if (!a) return null;
      keep.push(a);
    }
    e = { n, hs: keep.map((k) => new Int32Array(k.buffer, k.byteOffset, n)), keep };
    histBufs.set(b, e);
  }
  return e.hs;
}

/** A float64 accumulator array of at least n values in the bank of `w` (grown on demand; one per bank), or null
 *  when that bank has no room left (the caller then converts in JavaScript). */
const accs = new Map<Bank, Float64Array>();
export function accumulatorFor(w: Float32Array | Uint16Array, n: number): Float64Array | null {
  return grown(accs, resident(w).bank, n);
}

export interface EpilogueParams {
  noisy: boolean;
  /** 0 integer (saturating), 1 fp32, 2 fp16, 3 bf16 */
  accKind: number;
  wn2: number;
  so2: number;
  bound: number;
  invStep: number;
  levels: number;
  cw: number;
  lim: number;
  halfBins: number;
  /** int16 tiles: the variance codes are (|A| + h) >> varShift of the tile codes (see wasm.ts gemmyv_i16) */
  varShift: number;
  /** int16 tiles with w_noise: calls of at most this many tokens take the one-pass gemmyv_i16 (same bits) */
  fuseMaxTokens: number;
}

/**
 * Convert one tile for T tokens: y = W x (+ v = w_noise variance), then adc_epi into acc (a bank array from
 * accumulatorFor(W), row stride accStride values, this tile's first column at accOff).
 * The MVM: with sW null, W float32 and x float32 (wasm.ts gemm_f32, or gemmn_f32 with xs = x^2 for the fused
 * float32 variance); with sW, W int16 codes and sW their per-row scale (allocInt16Rows) and x the integer tile
 * inputs as an Int16Array (gemm_i16). The variance from A, s (|W| as int16, allocInt16Rows) and m (the integer
 * squared inputs, gemmv_i16); none of xs / m: no w_noise. hist: counts added per code (null: none). Returns
 * the clipped conversions, or -1 (nothing done) when acc or A is not in W's bank. Zpre: the byte offset of this
 * conversion's T x K standard normals drawn beforehand from `rng` (normalsFor), or 0: drawn here. yPre (and vPre
 * with w_noise): the byte offsets of this conversion's W x (and variance) already computed (tileMvmInt), or 0.
 */
export function convertTile(
  W: Float32Array | Uint16Array,
  sW: Float32Array | null,
  R: number,
  K: number,
  T: number,
  x: Float32Array | Int16Array,
  A: Uint16Array | null,
  s: Float32Array | null,
  m: Uint16Array | null,
  xs: Float32Array | null,
  acc: Float64Array,
  accOff: number,
  accStride: number,
  rng: Rng,
  hist: Float64Array | null,
  p: EpilogueParams,
  Zpre = 0,
  yPre = 0,
  vPre = 0,
): number {
  const w = resident(W);
  const b = w.bank;
  if (bankOf(acc) !== b) return -1;
  const aOff = A ? resident(A).off : 0;
  if (A && (bankOf(A) !== b || bankOf(s!) !== b)) return -1;
  if (sW && bankOf(sW) !== b) return -1;
  // every working array first: a bank without room leaves the whole conversion to JavaScript (-1), nothing done
  const e = epiBank(b);
  if (!e) return -1;
  const nBins = hist ? 2 * p.halfBins : 0;
  const hists = hist ? workerHists(b, nBins) : null;
  if (hist && !hists) return -1;
  const Zown = p.noisy && !Zpre ? scratchZ(b, T * K) : 0;
  if (p.noisy && !Zpre && !Zown) return -1;
  const nx = T * R;
  const ny = T * K;
  const al = (n: number) => (n + 63) & ~63;
  const xBytes = al(nx * 4);
  const mBytes = m ? al(nx * 2) : xs ? xBytes : 0;
  const yBytes = al(ny * 4);
  const base = scratch(b, xBytes + mBytes + 2 * yBytes);
  const xOff = base;
  const mOff = base + xBytes;
  const yOff = mOff + mBytes;
  const vOff = yOff + yBytes;
  let V = 0;
  let Y = yOff;
  if (yPre) {
    Y = yPre; // computed beforehand (tileMvmInt)
    V = m && A ? vPre : 0;
  } else if (sW && m && A && T <= p.fuseMaxTokens) {
    // y and v in one pass over the tile codes (the variance codes derived from them: bit-identical to A, s)
    new Int16Array(b.memory.buffer, xOff, nx).set(nx === x.length ? (x as Int16Array) : (x as Int16Array).subarray(0, nx));
    b.u16.set(nx === m.length ? m : m.subarray(0, nx), mOff >>> 1);
    if (!parallelFused(b, w.off, sW.byteOffset, s!.byteOffset, R, K, xOff, mOff, T, yOff, vOff, p.varShift))
      b.k.gemmyv_i16(w.off, sW.byteOffset, s!.byteOffset, R, K, xOff, mOff, T, yOff, vOff, 0, K, p.varShift);
    V = vOff;
  } else if (sW) {
    new Int16Array(b.memory.buffer, xOff, nx).set(nx === x.length ? (x as Int16Array) : (x as Int16Array).subarray(0, nx));
    if (!parallelGemm(b, 7, w.off, R, K, xOff, sW.byteOffset, T, yOff, 0)) b.k.gemm_i16(w.off, sW.byteOffset, R, K, xOff, T, yOff, 0, K);
  } else {
    b.f32.set(nx === x.length ? (x as Float32Array) : (x as Float32Array).subarray(0, nx), xOff >>> 2);
    if (xs && !m) {
      b.f32.set(nx === xs.length ? xs : xs.subarray(0, nx), mOff >>> 2);
      if (!parallelGemm(b, 3, w.off, R, K, xOff, mOff, T, yOff, vOff)) b.k.gemmn_f32(w.off, R, K, xOff, mOff, T, yOff, vOff, 0, K);
    } else if (!parallelGemm(b, 0, w.off, R, K, xOff, 0, T, yOff, 0)) b.k.gemm_f32(w.off, R, K, xOff, T, yOff, 0, K);
  }
  if (V !== 0 || yPre) {
    // done in one pass, or beforehand
  } else if (m && A) {
    b.u16.set(nx === m.length ? m : m.subarray(0, nx), mOff >>> 1);
    if (!parallelGemm(b, 6, aOff, R, K, mOff, s!.byteOffset, T, vOff, 0)) b.k.gemmv_i16(aOff, s!.byteOffset, R, K, mOff, T, vOff, 0, K);
    V = vOff;
  } else if (xs) V = vOff;
  const st = e.view;
  let Z = 0;
  if (p.noisy) {
    if (Zpre) Z = Zpre; // drawn beforehand (normalsFor)
    else {
      Z = Zown;
      rng.saveState(st, 0);
      b.k.normal_fill(Z, ny, e.state, e.zig);
      rng.loadState(st, 0);
    }
    if (!parallelAddNoise(b, Y, V, Z, T, K, p.wn2, p.so2)) b.k.add_noise(Y, V, Z, ny, p.wn2, p.so2);
  }
  if (hist) st.fill(0, 4, 4 + nBins);
  let clips = parallelAdcEpi(b, Y, Z, T, K, acc.byteOffset + 8 * accOff, 8 * accStride, hist ? e.state + 16 : 0, hists, p.halfBins, p.accKind, p.bound, p.invStep, p.levels, p.cw, p.lim);
  if (clips < 0) clips = b.k.adc_epi(Y, Z, T, K, acc.byteOffset + 8 * accOff, 8 * accStride, hist ? e.state + 16 : 0, p.halfBins, p.accKind, p.bound, p.invStep, p.levels, p.cw, p.lim);
  else if (hists) for (const h of hists) for (let j = 0; j < nBins; j++) st[4 + j] += h[j]!;
  if (hist) for (let j = 0; j < nBins; j++) hist[j] += st[4 + j]!;
  return clips;
}

/**
 * Draw the standard normals of several tile conversions at once, each from its tile's own stream, split over the
 * worker threads (pool.ts parallelNormals): job j draws counts[j] values from rngs[j] into z (float64, in b), one
 * after the other; returns nothing, z's job regions follow each other in order. jobs/states: int32 scratch in b
 * of at least 3 and 4 values per job.
 */
export function normalsFor(b: Bank, rngs: readonly Rng[], counts: ArrayLike<number>, count: number, z: Float64Array, jobs: Int32Array, states: Int32Array): void {
  const e = epiBank(b);
  if (!e) throw new Error(`normalsFor: kernel memory bank ${b.id} has no room for the ziggurat tables`); // the caller's scratch is in b: never
  let off = z.byteOffset;
  for (let j = 0; j < count; j++) {
    rngs[j]!.saveState(states, 4 * j);
    jobs[3 * j] = off;
    jobs[3 * j + 1] = counts[j]!;
    jobs[3 * j + 2] = states.byteOffset + 16 * j;
    off += 8 * counts[j]!;
  }
  parallelNormals(b, jobs.byteOffset, count, e.zig);
  for (let j = 0; j < count; j++) rngs[j]!.loadState(states, 4 * j);
}

/**
 * The MVM of an int16 tile alone (the kernels of convertTile), for Tn input rows at once: y (float32 Tn x K) into
 * the bank buffer at yOff and, with m, A, s, the w_noise variance into vOff. A bit-serial DAC's plane groups are
 * stacked as rows, so the tile's codes are read once for all of them; convertTile then converts each group's rows
 * (yPre, vPre). Returns false (nothing done) when the arrays are not all in W's bank.
 */
export function tileMvmInt(W: Uint16Array, sW: Float32Array, R: number, K: number, Tn: number, n: Int16Array, A: Uint16Array | null, s: Float32Array | null, m: Uint16Array | null, yOff: number, vOff: number, p: EpilogueParams): boolean {
  const w = resident(W);
  const b = w.bank;
  if (bankOf(sW) !== b || (A && (bankOf(A) !== b || bankOf(s!) !== b))) return false;
  const nx = Tn * R;
  const al = (k: number) => (k + 63) & ~63;
  const base = scratch(b, al(2 * nx) * 2);
  const nOff = base;
  const mOff = base + al(2 * nx);
  new Int16Array(b.memory.buffer, nOff, nx).set(nx === n.length ? n : n.subarray(0, nx));
  if (m && A) {
    b.u16.set(nx === m.length ? m : m.subarray(0, nx), mOff >>> 1);
    if (Tn <= p.fuseMaxTokens) {
      if (!parallelFused(b, w.off, sW.byteOffset, s!.byteOffset, R, K, nOff, mOff, Tn, yOff, vOff, p.varShift))
        b.k.gemmyv_i16(w.off, sW.byteOffset, s!.byteOffset, R, K, nOff, mOff, Tn, yOff, vOff, 0, K, p.varShift);
      return true;
    }
    const aOff = resident(A).off;
    if (!parallelGemm(b, 6, aOff, R, K, mOff, s!.byteOffset, Tn, vOff, 0)) b.k.gemmv_i16(aOff, s!.byteOffset, R, K, mOff, Tn, vOff, 0, K);
  }
  if (!parallelGemm(b, 7, w.off, R, K, nOff, sW.byteOffset, Tn, yOff, 0)) b.k.gemm_i16(w.off, sW.byteOffset, R, K, nOff, Tn, yOff, 0, K);
  return true;
}

/** Byte offset of a float32 buffer of at least n values in bank b for stacked tile outputs (slot k of a few; grown
 *  on demand), or 0 when b has no room. */
const stackBufs: Map<Bank, Float64Array>[] = [];
export function stackBuffer(b: Bank, k: number, n: number): number {
  return grown((stackBufs[k] ??= new Map()), b, Math.ceil(n / 2))?.byteOffset ?? 0;
}

/** Whether convertTile has its working arrays in bank b for conversions of up to n outputs (with nBins histogram
 *  bins): allocates them now, so that convertTile does not decline later for want of room. */
export function convertReady(b: Bank, n: number, nBins: number, noisy: boolean): boolean {
  return epiBank(b) !== null && (nBins === 0 || workerHists(b, nBins) !== null) && (!noisy || scratchZ(b, n) !== 0);
}
