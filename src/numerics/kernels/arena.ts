// Weights and activations for the WebAssembly kernels (wasm.ts) live in memory banks: shared WebAssembly
// memories (SharedArrayBuffer underneath) that the kernel module is instantiated over, so that (1) a layer's
// weights are read in place, never copied per call, and (2) worker threads (pool.ts) can instantiate the same
// module over the same banks and split the outputs of one call between them.
//
// A Float32Array handed to a kernel that does not live in a bank (weights built by tests, by the fake-quant
// backends, ...) is copied into one once, on first use, and the copy is reused while that array is alive (a
// WeakMap keyed by the array; the copy is freed by a FinalizationRegistry when the array is collected).
// Weights must therefore not be mutated after their first use by a kernel (LinearWeight.data is readonly).
// Arrays allocated with allocF32 are views into a bank and are used in place.

import { AimcsimError } from "../../errors.ts";
import { kernelImports, kernelModuleBytes, type KernelExports, type WeightKind } from "./wasm.ts";

const PAGE = 65536;
/** 2 GiB per bank (32768 pages): byte offsets stay below 2^31 and several banks hold a model past 4 GiB. */
export const BANK_PAGES = 32768;
const ALIGN = 64;

export interface Bank {
  readonly id: number;
  readonly memory: WebAssembly.Memory;
  readonly k: KernelExports;
  /** float32 view of the whole memory, refreshed after every grow */
  f32: Float32Array;
  u16: Uint16Array;
  top: number; // bump pointer (bytes)
  readonly free: { off: number; bytes: number }[]; // sorted by offset, coalesced
  scratchOff: number;
  scratchBytes: number;
}

let moduleCache: WebAssembly.Module | null = null;
export function kernelModule(): WebAssembly.Module {
  moduleCache ??= new WebAssembly.Module(kernelModuleBytes(BANK_PAGES));
  return moduleCache;
}

/** Instantiate the kernels over a bank's memory (also used by worker threads for banks they receive). */
export function instantiate(memory: WebAssembly.Memory): KernelExports {
  const inst = new WebAssembly.Instance(kernelModule(), { env: { mem: memory, ...kernelImports } });
  return inst.exports as unknown as KernelExports;
}

const banks: Bank[] = [];
const bankOfBuffer = new WeakMap<ArrayBufferLike, Bank>();
/** Listeners told about every new bank (the worker pool shares it with its workers). */
const bankListeners: ((b: Bank) => void)[] = [];

export function allBanks(): readonly Bank[] {
  return banks;
}

export function onNewBank(f: (b: Bank) => void): void {
  bankListeners.push(f);
}

function refresh(b: Bank): void {
  const buf = b.memory.buffer;
  if (b.f32.buffer !== buf) {
    b.f32 = new Float32Array(buf);
    b.u16 = new Uint16Array(buf);
    bankOfBuffer.set(buf, b);
  }
}

function newBank(): Bank {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: BANK_PAGES, shared: true });
  const buf = memory.buffer;
  const b: Bank = {
    id: banks.length,
    memory,
    k: instantiate(memory),
    f32: new Float32Array(buf),
    u16: new Uint16Array(buf),
    top: ALIGN, // offset 0 is never handed out
    free: [],
    scratchOff: 0,
    scratchBytes: 0,
  };
  bankOfBuffer.set(buf, b);
  banks.push(b);
  for (const f of bankListeners) f(b);
  return b;
}

const roundUp = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** The top of each bank that tensors (weights) leave to the per-bank working arrays (activation scratch, the
 *  analog conversion's accumulators, draws and inputs), so that a bank filled with weights can still run them. */
export const BANK_RESERVE = 256 << 20;

function allocIn(b: Bank, bytes: number, limit = BANK_PAGES * PAGE): number {
  for (let j = 0; j < b.free.length; j++) {
    const f = b.free[j];
    if (f.bytes >= bytes && f.off + bytes <= limit) {
      const off = f.off;
      f.off += bytes;
      f.bytes -= bytes;
      if (f.bytes === 0) b.free.splice(j, 1);
      return off;
    }
  }
  if (b.top + bytes > limit) return -1;
  const off = b.top;
  b.top += bytes;
  const have = b.memory.buffer.byteLength;
  if (b.top > have) b.memory.grow(Math.ceil((b.top - have) / PAGE));
  refresh(b);
  return off;
}

function freeIn(b: Bank, off: number, bytes: number): void {
  const fl = b.free;
  let j = 0;
  while (j < fl.length && fl[j].off < off) j++;
  fl.splice(j, 0, { off, bytes });
  // coalesce with the neighbours
  if (j + 1 < fl.length && fl[j].off + fl[j].bytes === fl[j + 1].off) {
    fl[j].bytes += fl[j + 1].bytes;
    fl.splice(j + 1, 1);
  }
  if (j > 0 && fl[j - 1].off + fl[j - 1].bytes === fl[j].off) {
    fl[j - 1].bytes += fl[j].bytes;
    fl.splice(j, 1);
  }
  // give the top block back to the bump pointer
  const last = fl[fl.length - 1];
  if (last && last.off + last.bytes === b.top) {
    b.top = last.off;
    fl.pop();
  }
}

interface Block {
  readonly bank: Bank;
  readonly off: number;
  readonly bytes: number;
}

const finalizer = new FinalizationRegistry<Block>((h) => freeIn(h.bank, h.off, h.bytes));
/** Blocks of the arrays allocF32/allocU16 handed out (for freeNow). */
const owned = new WeakMap<ArrayBufferView, Block>();

function alloc(bytes0: number, fresh = false): Block {
  const bytes = roundUp(Math.max(bytes0, 1));
  if (bytes > BANK_PAGES * PAGE - BANK_RESERVE - ALIGN)
    throw new AimcsimError("UsageError", "kernels", `a single tensor of ${bytes0} bytes exceeds a kernel memory bank (2 GiB less ${BANK_RESERVE >> 20} MiB of working space)`);
  const limit = BANK_PAGES * PAGE - BANK_RESERVE;
  if (!fresh) for (const b of banks) {
    const off = allocIn(b, bytes, limit);
    if (off >= 0) return { bank: b, off, bytes };
  }
  const b = newBank();
  const off = allocIn(b, bytes, limit);
  if (off < 0) throw new AimcsimError("UsageError", "kernels", `cannot allocate ${bytes0} bytes in a new kernel memory bank`);
  return { bank: b, off, bytes };
}

/**
 * A zero-filled Float32Array inside a kernel bank, used in place by the kernels. It is freed when the
 * returned array is garbage-collected: keep the array itself (not only a subarray of it) alive while in use.
 * newBankForIt: start a new bank for it (tests of bank hand-over).
 */
export function allocF32(n: number, newBankForIt = false): Float32Array {
  const h = alloc(n * 4, newBankForIt);
  const v = new Float32Array(h.bank.memory.buffer, h.off, n);
  v.fill(0);
  bankOfBuffer.set(v.buffer, h.bank);
  finalizer.register(v, h, v);
  owned.set(v, h);
  return v;
}

/** A zero-filled Uint16Array (bf16/f16 bits) inside a kernel bank; same lifetime rule as allocF32. */
export function allocU16(n: number): Uint16Array {
  const h = alloc(n * 2);
  const v = new Uint16Array(h.bank.memory.buffer, h.off, n);
  v.fill(0);
  bankOfBuffer.set(v.buffer, h.bank);
  finalizer.register(v, h, v);
  owned.set(v, h);
  return v;
}

/**
 * A [rows x cols] weight quantised to int16 per row for the int16 kernels (wasm.ts gemm_i16, gemmv_i16): one
 * block in one bank holding `a` (int16 codes as a Uint16Array, rows * cols) and `s` (float32 per-row scale,
 * rows), so the kernel finds both in the same memory, and `d`, f64s float64 values in the same block (0 by
 * default). Zero-filled; same lifetime rule as allocF32 (keep `a` alive); freeNow(a) frees the block.
 */
export function allocInt16Rows(rows: number, cols: number, f64s = 0): { a: Uint16Array; s: Float32Array; d: Float64Array } {
  const aBytes = roundUp(rows * cols * 2);
  const sBytes = f64s > 0 ? roundUp(rows * 4) : rows * 4;
  const h = alloc(aBytes + sBytes + f64s * 8);
  const a = new Uint16Array(h.bank.memory.buffer, h.off, rows * cols);
  const s = new Float32Array(h.bank.memory.buffer, h.off + aBytes, rows);
  const d = new Float64Array(h.bank.memory.buffer, f64s > 0 ? h.off + aBytes + sBytes : h.off, f64s);
  a.fill(0);
  s.fill(0);
  d.fill(0);
  bankOfBuffer.set(a.buffer, h.bank);
  finalizer.register(a, h, a);
  owned.set(a, h);
  return { a, s, d };
}

/** A zero-filled Float64Array of n values in bank b (freed when collected, as allocF32); null when b is full. */
export function tryAlloc64(b: Bank, n: number): Float64Array | null {
  const bytes = roundUp(Math.max(n * 8, 1));
  const off = allocIn(b, bytes);
  if (off < 0) return null;
  const v = new Float64Array(b.memory.buffer, off, n);
  v.fill(0);
  bankOfBuffer.set(v.buffer, b);
  finalizer.register(v, { bank: b, off, bytes });
  return v;
}

/** A zero-filled Float64Array of n values in bank b (freed when collected, as allocF32). */
export function alloc64(b: Bank, n: number): Float64Array {
  const bytes = roundUp(Math.max(n * 8, 1));
  const off = allocIn(b, bytes);
  if (off < 0) throw new AimcsimError("UsageError", "kernels", `kernel memory bank ${b.id} has no room for ${bytes} bytes of accumulators`);
  const v = new Float64Array(b.memory.buffer, off, n);
  v.fill(0);
  bankOfBuffer.set(v.buffer, b);
  finalizer.register(v, { bank: b, off, bytes });
  return v;
}

/** The bank an array lives in (undefined when it is not in one). */
export function bankOf(a: ArrayBufferView): Bank | undefined {
  return bankOfBuffer.get(a.buffer);
}

/**
 * Free an array from allocF32/allocU16 now rather than when it is collected (finalizers never run inside a long
 * synchronous loop, such as a streamed checkpoint load). The caller guarantees nothing uses the array afterwards:
 * its memory is handed out again. Returns false (and does nothing) for any other array or a second call.
 */
export function freeNow(a: Float32Array | Uint16Array): boolean {
  const h = owned.get(a);
  if (!h) return false;
  owned.delete(a);
  finalizer.unregister(a);
  freeIn(h.bank, h.off, h.bytes);
  return true;
}

/** Resident copies of arrays that live outside the banks, keyed by the array. */
const copies = new WeakMap<ArrayBufferView, Block>();

export interface Resident {
  readonly bank: Bank;
  readonly off: number;
}

/** Where `a` lives in a bank: in place if it was allocated there, else a cached copy made now. */
export function resident(a: Float32Array | Uint16Array): Resident {
  const b = bankOfBuffer.get(a.buffer);
  if (b) return { bank: b, off: a.byteOffset };
  let h = copies.get(a);
  if (!h) {
    h = alloc(a.byteLength);
    if (a instanceof Float32Array) h.bank.f32.set(a, h.off / 4);
    else h.bank.u16.set(a, h.off / 2);
    copies.set(a, h);
    const keep = h;
    finalizer.register(a, keep);
  }
  refresh(h.bank);
  return { bank: h.bank, off: h.off };
}

/** Byte offset of a scratch region of at least `bytes` in bank b (grown, never shrunk; one per bank). */
export function scratch(b: Bank, bytes: number): number {
  if (b.scratchBytes < bytes) {
    const want = roundUp(Math.max(bytes, b.scratchBytes * 2, 1 << 16));
    if (b.scratchBytes > 0) freeIn(b, b.scratchOff, b.scratchBytes);
    let off = allocIn(b, want);
    if (off < 0) {
      // this bank is full: scratch cannot move to another bank (the kernel reads only its own memory)
      throw new AimcsimError("UsageError", "kernels", `kernel memory bank ${b.id} has no room for ${bytes} bytes of activations`);
    }
    b.scratchOff = off;
    b.scratchBytes = want;
    off = 0;
  }
  refresh(b);
  return b.scratchOff;
}

export type { WeightKind };
