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
const OP = 2; // 0..8 kernel (gemm_f32, gemm_bf16, gemm_f16, gemmn_f32, gemmn_bf16, gemmn_f16, gemmv_i16, gemm_i16, gemmyv_i16), 9 take a bank, 10 exit
const BANK = 3;
const ARGS = 4; // W R C x xs T y v o0 o1; for 8: A sY sV R C n m T y v o0 o1 sh
const WORDS = 20;

/** Below this many multiply-adds per call the signalling costs more than a second thread saves. */
export const MIN_PARALLEL_MACS = 1 << 18;

const WORKER_SRC = `
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { module, ctrl, port } = workerData;
const c = new Int32Array(ctrl);
const inst = [];
let seq = 0;
for (;;) {
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
    else k.gemmyv_i16(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6], c[a + 7], c[a + 8], c[a + 9], c[a + 10], c[a + 11], c[a + 12]);
  }
  Atomics.store(c, ${DONE}, seq);
  Atomics.notify(c, ${DONE});
}
`;

interface W {
  readonly worker: Worker;
  readonly c: Int32Array;
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
    const ctrl = new SharedArrayBuffer(WORDS * 4);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SRC, { eval: true, workerData: { module: kernelModule(), ctrl, port: port2 }, transferList: [port2] });
    worker.unref();
    port1.unref();
    const w: W = { worker, c: new Int32Array(ctrl), port: port1, seq: 0, banks: 0 };
    for (const b of allBanks()) handOver(w, b);
    workers.push(w);
  }
}

/**
 * Split one kernel call by outputs over the workers and the calling thread; false (nothing done) when there
 * are no workers or the call is too small to gain. fn: 0 gemm_f32, 1 gemm_bf16, 2 gemm_f16, 3 gemmn_f32,
 * 4 gemmn_bf16, 5 gemmn_f16, 6 gemmv_i16, 7 gemm_i16 (for 6 and 7: W = A, x = m, xs = s: A s R C m T v o0 o1).
 */
export function parallelGemm(b: Bank, fn: number, W: number, R: number, C: number, x: number, xs: number, T: number, y: number, v: number): boolean {
  const n = workers.length + 1;
  if (n === 1 || R * C * T < MIN_PARALLEL_MACS || C < 8 * n) return false;
  // contiguous output ranges, multiples of 4 (the register block), the caller's first
  const step = Math.ceil(C / n / 4) * 4;
  for (let k = 1; k < n; k++) {
    const w = workers[k - 1];
    const o0 = Math.min(C, k * step);
    const o1 = Math.min(C, (k + 1) * step);
    const c = w.c;
    c[BANK] = b.id;
    c[ARGS] = W;
    c[ARGS + 1] = R;
    c[ARGS + 2] = C;
    c[ARGS + 3] = x;
    c[ARGS + 4] = xs;
    c[ARGS + 5] = T;
    c[ARGS + 6] = y;
    c[ARGS + 7] = v;
    c[ARGS + 8] = o0;
    c[ARGS + 9] = o1;
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

/** gemmyv_i16 split by outputs as parallelGemm does; false (nothing done) when it would not gain. */
export function parallelFused(b: Bank, A: number, sY: number, sV: number, R: number, C: number, n: number, m: number, T: number, y: number, v: number, sh: number): boolean {
  const nt = workers.length + 1;
  if (nt === 1 || R * C * T < MIN_PARALLEL_MACS || C < 8 * nt) return false;
  const step = Math.ceil(C / nt / 4) * 4;
  for (let k = 1; k < nt; k++) {
    const w = workers[k - 1];
    const c = w.c;
    c[BANK] = b.id;
    c[ARGS] = A;
    c[ARGS + 1] = sY;
    c[ARGS + 2] = sV;
    c[ARGS + 3] = R;
    c[ARGS + 4] = C;
    c[ARGS + 5] = n;
    c[ARGS + 6] = m;
    c[ARGS + 7] = T;
    c[ARGS + 8] = y;
    c[ARGS + 9] = v;
    c[ARGS + 10] = Math.min(C, k * step);
    c[ARGS + 11] = Math.min(C, (k + 1) * step);
    c[ARGS + 12] = sh;
    post(w, 8);
  }
  b.k.gemmyv_i16(A, sY, sV, R, C, n, m, T, y, v, 0, Math.min(C, step), sh);
  for (const w of workers) wait(w);
  return true;
}
