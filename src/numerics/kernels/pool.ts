// Worker threads for the kernels: with setKernelThreads(n), n - 1 workers instantiate the kernel module over
// the same shared memory banks (arena.ts) and each large call is split by outputs into n contiguous ranges,
// one per thread (the calling thread runs the first). Weights are never copied: every thread reads them in
// place through its own instance over the bank's SharedArrayBuffer. Each (o, t) is computed by the same
// instruction sequence whatever its range (wasm.ts), so results are bit-identical to one thread.
//
// Signalling is through Atomics on a small shared Int32Array per worker (no message per call): the caller
// writes the arguments, bumps `seq` and notifies; the worker runs and stores `seq` into `done`. A bank made
// after the workers started is handed over through a MessagePort that the worker reads synchronously
// (receiveMessageOnPort) when told to.

import { availableParallelism } from "node:os";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { AimcsimError } from "../../errors.ts";
import { allBanks, kernelModule, onNewBank, type Bank } from "./arena.ts";

// control words
const SEQ = 0;
const DONE = 1;
const OP = 2; // 0..8 kernel (gemm_f32, gemm_bf16, gemm_f16, gemmn_f32, gemmn_bf16, gemmn_f16, gemmv_i16, gemm_i16, gemmyv_i16), 9 take a bank, 10 exit,
// 11 add_noise, 12 adc_epi (its result in RET), 13 rescale (float64 arguments in the F64 words after the int32 ones),
// 14 normal_jobs, 15 tile_jobs
const BANK = 3;
const ARGS = 4; // W R C x xs T y v o0 o1; for 8: A sY sV R C n m T y v o0 o1 sh
/** Atomics.load polls before a thread sleeps in Atomics.wait (tens of microseconds). */
const SPIN = 20000;
const WORDS = 20;
const RET = 19;
const F64S = 8;

/** Below this many multiply-adds per call the signalling costs more than a second thread saves. */
export const MIN_PARALLEL_MACS = 1 << 18;

const WORKER_SRC = `
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { module, ctrl, port } = workerData;
const c = new Int32Array(ctrl, 0, ${WORDS});
const d = new Float64Array(ctrl, ${WORDS * 4}, ${F64S});
const inst = [];
let seq = 0;
for (;;) {
  // spin a little before sleeping: the calls of one layer come microseconds apart, and waking a sleeping thread
  // costs more than that
  for (let k = 0; k < ${SPIN} && Atomics.load(c, ${SEQ}) === seq; k++);
  Atomics.wait(c, ${SEQ}, seq);
  seq = Atomics.load(c, ${SEQ});
  const op = c[${OP}];
  if (op === 10) break;
  if (op === 9) {
    const m = receiveMessageOnPort(port).message;
    inst[m.id] = new WebAssembly.Instance(module, { env: { mem: m.memory, log: Math.log, exp: Math.exp } }).exports;
  } else {
    const k = inst[c[${BANK}]];
    const a = ${ARGS};
    if (op === 0) k.gemm_f32(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 5], c[a + 6], c[a + 8], c[a + 9]);
    else if (op === 1) k.gemm_bf16(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 5], c[a + 6], c[a + 8], c[a + 9]);
    else if (op === 2) k.gemm_f16(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 5], c[a + 6], c[a + 8], c[a + 9]);
    else if (op === 3) k.gemmn_f32(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6], c[a + 7], c[a + 8], c[a + 9]);
    else if (op === 4) k.gemmn_bf16(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6], c[a + 7], c[a + 8], c[a + 9]);
    else if (op === 5) k.gemmn_f16(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6], c[a + 7], c[a + 8], c[a + 9]);
    else if (op === 6) k.gemmv_i16(c[a], c[a + 4], c[a + 1], c[a + 2], c[a + 3], c[a + 5], c[a + 6], c[a + 8], c[a + 9]);
    else if (op === 7) k.gemm_i16(c[a], c[a + 4], c[a + 1], c[a + 2], c[a + 3], c[a + 5], c[a + 6], c[a + 8], c[a + 9]);
    else if (op === 8) k.gemmyv_i16(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6], c[a + 7], c[a + 8], c[a + 9], c[a + 10], c[a + 11], c[a + 12]);
    else if (op === 11) k.add_noise(c[a], c[a + 1], c[a + 2], c[a + 3], d[0], d[1]);
    else if (op === 14) k.normal_jobs(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4]);
    else if (op === 15) k.tile_jobs(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6]);
    else if (op === 12) c[${RET}] = k.adc_epi(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6], c[a + 7], c[a + 8], d[0], d[1], d[2], d[3], d[4]);
    else k.rescale(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6], c[a + 7], c[a + 8], c[a + 9], d[0], d[1]);
  }
  Atomics.store(c, ${DONE}, seq);
  Atomics.notify(c, ${DONE});
}
`;

interface W {
  readonly worker: Worker;
  readonly c: Int32Array;
  readonly d: Float64Array;
  readonly port: MessagePort;
  seq: number;
  banks: number; // banks 0..banks-1 handed over
}

let workers: W[] = [];
let listening = false;

function post(w: W, op: number): void {
  w.c[OP] = op;
  w.seq++;
  Atomics.store(w.c, SEQ, w.seq);
  Atomics.notify(w.c, SEQ);
}

function wait(w: W): void {
  for (let k = 0; k < SPIN && Atomics.load(w.c, DONE) !== w.seq; k++);
  while (Atomics.load(w.c, DONE) !== w.seq) Atomics.wait(w.c, DONE, w.c[DONE], 1000);
}

function handOver(w: W, b: Bank): void {
  w.port.postMessage({ id: b.id, memory: b.memory });
  post(w, 9);
  wait(w);
  w.banks = b.id + 1;
}

/** Threads the kernels use (1: the calling thread only). */
export function kernelThreads(): number {
  return workers.length + 1;
}

/**
 * Run the kernels on n threads (n - 1 workers plus the caller); n = 0 means every core
 * (os.availableParallelism()). Results are bit-identical for every n.
 */
export function setKernelThreads(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 256) throw new AimcsimError("UsageError", "threads", `must be an integer in 0..256 (0: all cores), got ${n}`);
  const want = (n === 0 ? availableParallelism() : n) - 1;
  while (workers.length > want) {
    const w = workers.pop()!;
    post(w, 10);
    w.port.close();
    void w.worker.terminate();
  }
  if (workers.length < want && !listening) {
    listening = true;
    onNewBank((b) => {
      for (const w of workers) if (w.banks === b.id) handOver(w, b);
    });
  }
  while (workers.length < want) {
    const ctrl = new SharedArrayBuffer(WORDS * 4 + F64S * 8);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SRC, { eval: true, workerData: { module: kernelModule(), ctrl, port: port2 }, transferList: [port2] });
    worker.unref();
    port1.unref();
    const w: W = { worker, c: new Int32Array(ctrl, 0, WORDS), d: new Float64Array(ctrl, WORDS * 4, F64S), port: port1, seq: 0, banks: 0 };
    for (const b of allBanks()) handOver(w, b);
    workers.push(w);
  }
}

/** The outputs per thread when a kernel call of R x C x T multiply-adds is split over the threads: contiguous
 *  ranges, multiples of 4 (the register block), the caller's first; 0 when there are no workers or the call is too
 *  small to gain. */
function outputStep(R: number, C: number, T: number): number {
  const n = workers.length + 1;
  if (n === 1 || R * C * T < MIN_PARALLEL_MACS || C < 8 * n) return 0;
  return Math.ceil(C / n / 4) * 4;
}

/**
 * Split one kernel call by outputs over the workers and the calling thread; false (nothing done) when there
 * are no workers or the call is too small to gain. fn: 0 gemm_f32, 1 gemm_bf16, 2 gemm_f16, 3 gemmn_f32,
 * 4 gemmn_bf16, 5 gemmn_f16, 6 gemmv_i16, 7 gemm_i16 (for 6 and 7: W = A, x = m, xs = s: A s R C m T v o0 o1).
 */
export function parallelGemm(b: Bank, fn: number, W: number, R: number, C: number, x: number, xs: number, T: number, y: number, v: number): boolean {
  const n = workers.length + 1;
  const step = outputStep(R, C, T);
  if (step === 0) return false;
  for (let k = 1; k < n; k++) {
    const w = workers[k - 1];
    setArgs(w.c, b, W, R, C, x, xs, T, y, v, Math.min(C, k * step), Math.min(C, (k + 1) * step), 0, 0, 0);
    post(w, fn);
  }
  const o1 = Math.min(C, step);
  if (fn === 0) b.k.gemm_f32(W, R, C, x, T, y, 0, o1);
  else if (fn === 1) b.k.gemm_bf16(W, R, C, x, T, y, 0, o1);
  else if (fn === 2) b.k.gemm_f16(W, R, C, x, T, y, 0, o1);
  else if (fn === 3) b.k.gemmn_f32(W, R, C, x, xs, T, y, v, 0, o1);
  else if (fn === 4) b.k.gemmn_bf16(W, R, C, x, xs, T, y, v, 0, o1);
  else if (fn === 5) b.k.gemmn_f16(W, R, C, x, xs, T, y, v, 0, o1);
  else if (fn === 6) b.k.gemmv_i16(W, xs, R, C, x, T, y, 0, o1);
  else b.k.gemm_i16(W, xs, R, C, x, T, y, 0, o1);
  for (const w of workers) wait(w);
  return true;
}

/** A worker's bank and integer arguments (positional, no array per call; unused ones 0). */
function setArgs(c: Int32Array, b: Bank, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number, a6: number, a7: number, a8: number, a9: number, a10: number, a11: number, a12: number): void {
  c[BANK] = b.id;
  c[ARGS] = a0;
  c[ARGS + 1] = a1;
  c[ARGS + 2] = a2;
  c[ARGS + 3] = a3;
  c[ARGS + 4] = a4;
  c[ARGS + 5] = a5;
  c[ARGS + 6] = a6;
  c[ARGS + 7] = a7;
  c[ARGS + 8] = a8;
  c[ARGS + 9] = a9;
  c[ARGS + 10] = a10;
  c[ARGS + 11] = a11;
  c[ARGS + 12] = a12;
}

/** gemmyv_i16 split by outputs as parallelGemm does; false (nothing done) when it would not gain. */
export function parallelFused(b: Bank, A: number, sY: number, sV: number, R: number, C: number, n: number, m: number, T: number, y: number, v: number, sh: number): boolean {
  const nt = workers.length + 1;
  const step = outputStep(R, C, T);
  if (step === 0) return false;
  for (let k = 1; k < nt; k++) {
    const w = workers[k - 1];
    setArgs(w.c, b, A, sY, sV, R, C, n, m, T, y, v, Math.min(C, k * step), Math.min(C, (k + 1) * step), sh);
    post(w, 8);
  }
  b.k.gemmyv_i16(A, sY, sV, R, C, n, m, T, y, v, 0, Math.min(C, step), sh);
  for (const w of workers) wait(w);
  return true;
}

// The element-wise steps of a tile conversion (wasm.ts add_noise, adc_epi, rescale), split by tokens: each token's
// outputs are computed by the same instructions whichever thread runs them, so the results are bit-identical.

/** Below this many outputs per call the element-wise steps stay on the calling thread. */
export const MIN_PARALLEL_OUTPUTS = 1 << 14;

/** The token range of thread k of n (ceil split, the caller's first), or an empty one. */
function tokenRange(T: number, n: number, k: number): [number, number] {
  const step = Math.ceil(T / n);
  return [Math.min(T, k * step), Math.min(T, (k + 1) * step)];
}

function splits(T: number, K: number): number {
  const n = workers.length + 1;
  return n === 1 || T < 2 * n || T * K < MIN_PARALLEL_OUTPUTS ? 1 : n;
}

/** add_noise over T x K outputs (Y, V float32, Z float64 rows of K), split by tokens; false when not split. */
export function parallelAddNoise(b: Bank, Y: number, V: number, Z: number, T: number, K: number, wn2: number, so2: number): boolean {
  const n = splits(T, K);
  if (n === 1) return false;
  for (let k = 1; k < n; k++) {
    const w = workers[k - 1];
    const [t0, t1] = tokenRange(T, n, k);
    setArgs(w.c, b, Y + 4 * K * t0, V ? V + 4 * K * t0 : 0, Z + 8 * K * t0, (t1 - t0) * K, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    w.d[0] = wn2;
    w.d[1] = so2;
    post(w, 11);
  }
  const [t0, t1] = tokenRange(T, n, 0);
  b.k.add_noise(Y + 4 * K * t0, V ? V + 4 * K * t0 : 0, Z + 8 * K * t0, (t1 - t0) * K, wn2, so2);
  for (let k = 1; k < n; k++) wait(workers[k - 1]);
  return true;
}

/**
 * adc_epi over T tokens split by tokens; hists: one int32 histogram per worker in bank b (zeroed here; the caller
 * adds them to its own), or null. Returns the clipped conversions, or -1 when not split (nothing done).
 */
export function parallelAdcEpi(
  b: Bank, Y: number, Yd: number, T: number, K: number, acc: number, accStride: number, hist: number, hists: readonly Int32Array[] | null, halfBins: number, accKind: number,
  bound: number, invStep: number, levels: number, cw: number, lim: number,
): number {
  const n = splits(T, K);
  if (n === 1) return -1;
  for (let k = 1; k < n; k++) {
    const w = workers[k - 1];
    const [t0, t1] = tokenRange(T, n, k);
    const h = hist && hists ? hists[k - 1]! : null;
    if (h) h.fill(0);
    setArgs(w.c, b, Y + 4 * K * t0, Yd ? Yd + 8 * K * t0 : 0, t1 - t0, K, acc + accStride * t0, accStride, h ? h.byteOffset : 0, halfBins, accKind, 0, 0, 0, 0);
    w.d[0] = bound;
    w.d[1] = invStep;
    w.d[2] = levels;
    w.d[3] = cw;
    w.d[4] = lim;
    post(w, 12);
  }
  const [t0, t1] = tokenRange(T, n, 0);
  let clips = b.k.adc_epi(Y + 4 * K * t0, Yd ? Yd + 8 * K * t0 : 0, t1 - t0, K, acc + accStride * t0, accStride, hist, halfBins, accKind, bound, invStep, levels, cw, lim);
  for (let k = 1; k < n; k++) {
    wait(workers[k - 1]);
    clips += workers[k - 1].c[RET];
  }
  return clips;
}

/** rescale over T tokens split by tokens; false when not split (nothing done). */
export function parallelRescale(b: Bank, src: number, srcStride: number, acc: number, accStride: number, cs: number, range: number, sumX: number, T: number, K: number, kind: number, au: number, ac: number): boolean {
  const n = splits(T, K);
  if (n === 1) return false;
  for (let k = 1; k < n; k++) {
    const w = workers[k - 1];
    const [t0, t1] = tokenRange(T, n, k);
    setArgs(w.c, b, src + srcStride * t0, srcStride, acc + accStride * t0, accStride, cs, range + 8 * t0, sumX ? sumX + 8 * t0 : 0, t1 - t0, K, kind, 0, 0, 0);
    w.d[0] = au;
    w.d[1] = ac;
    post(w, 13);
  }
  const [t0, t1] = tokenRange(T, n, 0);
  b.k.rescale(src + srcStride * t0, srcStride, acc + accStride * t0, accStride, cs, range + 8 * t0, sumX ? sumX + 8 * t0 : 0, t1 - t0, K, kind, au, ac);
  for (let k = 1; k < n; k++) wait(workers[k - 1]);
  return true;
}

/** normal_jobs over `count` jobs (wasm.ts), job j on thread j mod n; every job its own stream, so the draws do not
 *  depend on the thread that makes them. */
export function parallelNormals(b: Bank, jobs: number, count: number, zig: number): void {
  const n = Math.min(workers.length + 1, count);
  for (let k = 1; k < n; k++) {
    const w = workers[k - 1];
    setArgs(w.c, b, jobs, count, k, n, zig, 0, 0, 0, 0, 0, 0, 0, 0);
    post(w, 14);
  }
  b.k.normal_jobs(jobs, count, 0, Math.max(1, n), zig);
  for (let k = 1; k < n; k++) wait(workers[k - 1]);
}

/** Thread count for a call of `count` whole-tile jobs (tile_jobs): every thread, at most one per job. */
export function tileJobThreads(count: number): number {
  return Math.min(workers.length + 1, count);
}

/** tile_jobs over `count` records at `jobs`, job j on thread j mod n (n = tileJobThreads(count)); thread k uses
 *  the y, v and histogram buffers ys[k], vs[k], hs[k] (byte offsets in b; hs[k] 0: no histogram). */
export function parallelTileJobs(b: Bank, jobs: number, count: number, ys: ArrayLike<number>, vs: ArrayLike<number>, hs: ArrayLike<number>): void {
  const n = tileJobThreads(count);
  for (let k = 1; k < n; k++) {
    const w = workers[k - 1];
    setArgs(w.c, b, jobs, count, k, n, ys[k]!, vs[k]!, hs[k]!, 0, 0, 0, 0, 0, 0);
    post(w, 15);
  }
  b.k.tile_jobs(jobs, count, 0, Math.max(1, n), ys[0]!, vs[0]!, hs[0]!);
  for (let k = 1; k < n; k++) wait(workers[k - 1]);
}
