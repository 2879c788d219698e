// Reading and writing the safetensors format (https://github.com/huggingface/safetensors, README "Format"):
// 8-byte little-endian u64 header length N, N bytes of JSON header { name: { dtype, shape, data_offsets: [begin, end] },
// "__metadata__"?: {...} }, then the byte buffer; offsets are relative to the start of that buffer.
// Every tensor is returned as a Float32Array (F16/BF16 widened exactly; integer dtypes converted by value).
// Files are read with positioned reads, so only the tensors asked for are brought into memory.

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { AimcsimError } from "../errors.ts";
import { f16BitsToF32, f32ToBf16Bits, f32ToF16Bits } from "../formats/numbers.ts";
import { heapAllocator, type HalfBits, type TensorAllocator } from "../formats/tensors.ts";

export type SafetensorsDtype = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL";

const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export interface TensorEntry {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Absolute byte offsets in the file (header already added). */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  readonly file: string;
  readonly fileBytes: number;
  readonly tensors: ReadonlyMap<string, TensorEntry>;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface DecodedTensor {
  readonly shape: readonly number[];
  /** float32 values; for a tensor kept in 16 bits (`half` set) a getter that widens into a new array per access. */
  readonly data: Float32Array;
  /** Set when the tensor is held as its stored bf16/f16 bits (SafetensorsReaderSync.readHalf). */
  readonly half?: HalfBits | null;
}

/** Largest header HF's reader accepts (safetensors/src/tensor.rs MAX_HEADER_SIZE = 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

const fail = (file: string, rule: string): never => {
  throw new AimcsimError("CheckpointError", file, rule);
};

/** Parse and validate a header given its JSON bytes, the total file size, and the file name for errors. */
export function parseHeader(headerJson: Uint8Array, fileBytes: number, file: string): SafetensorsHeader {
  const headerLen = headerJson.length;
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(headerJson));
  } catch (e) {
    return fail(file, `header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) fail(file, "header must be a JSON object");
  const dataStart = 8 + headerLen;
  const bufferBytes = fileBytes - dataStart;
  const tensors = new Map<string, TensorEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (v !== null && typeof v === "object") metadata = v as Record<string, string>;
      continue;
    }
    const t = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (t === null || typeof t !== "object") fail(file, `tensor ${name}: header entry is not an object`);
    const dtype = t!.dtype;
    if (typeof dtype !== "string" || !(dtype in DTYPE_BYTES))
      fail(file, `tensor ${name}: unknown dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(DTYPE_BYTES).join(", ")})`);
    const shape = t!.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail(file, `tensor ${name}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    const offs = t!.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail(file, `tensor ${name}: data_offsets must be [begin, end] non-negative integers, got ${JSON.stringify(offs)}`);
    const [b, e] = offs as [number, number];
    if (e < b) fail(file, `tensor ${name}: data_offsets end ${e} < begin ${b}`);
    if (e > bufferBytes)
      fail(file, `tensor ${name}: data_offsets [${b}, ${e}] run past the end of the data buffer (${bufferBytes} bytes); file truncated?`);
    const numel = (shape as number[]).reduce((a, d) => a * d, 1);
    const expect = numel * DTYPE_BYTES[dtype as SafetensorsDtype];
    if (e - b !== expect)
      fail(file, `tensor ${name}: data_offsets span ${e - b} bytes but shape ${JSON.stringify(shape)} x ${dtype} needs ${expect}`);
    tensors.set(name, { name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin: dataStart + b, end: dataStart + e });
  }
  // Overlap: each non-empty tensor must start at or after the furthest end of those before it. Zero-size
  // tensors occupy no bytes and take no part (one sitting inside another must not hide a real overlap).
  const sorted = [...tensors.values()].filter((t) => t.end > t.begin).sort((x, y) => x.begin - y.begin || x.end - y.end);
  let furthest: TensorEntry | undefined;
  for (const cur of sorted) {
    if (furthest && cur.begin < furthest.end) fail(file, `tensor ${cur.name}: data_offsets overlap tensor ${furthest.name}`);
    if (!furthest || cur.end > furthest.end) furthest = cur;
  }
  return { file, fileBytes, tensors, metadata };
}

/** Convert raw little-endian bytes of `dtype` to float32 values (exact for F32/F16/BF16/I8/U8/I16/BOOL). */
export function decodeBytes(bytes: Uint8Array, dtype: SafetensorsDtype, numel: number): Float32Array {
  const out = new Float32Array(numel);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case "F32": {
      new Uint8Array(out.buffer).set(bytes.subarray(0, numel * 4));
      break;
    }
    case "F64":
      for (let i = 0; i < numel; i++) out[i] = dv.getFloat64(i * 8, true);
      break;
    case "F16":
      for (let i = 0; i < numel; i++) out[i] = f16BitsToF32(bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
      break;
    case "BF16": {
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < numel; i++) u[i] = ((bytes[2 * i]! | (bytes[2 * i + 1]! << 8)) << 16) >>> 0;
      break;
    }
    case "I64":
      for (let i = 0; i < numel; i++) out[i] = Number(dv.getBigInt64(i * 8, true));
      break;
    case "I32":
      for (let i = 0; i < numel; i++) out[i] = dv.getInt32(i * 4, true);
      break;
    case "I16":
      for (let i = 0; i < numel; i++) out[i] = dv.getInt16(i * 2, true);
      break;
    case "I8":
      for (let i = 0; i < numel; i++) out[i] = dv.getInt8(i);
      break;
    case "U8":
    case "BOOL":
      for (let i = 0; i < numel; i++) out[i] = bytes[i]!;
      break;
  }
  return out;
}

// Float32Array views are host-endian; every platform Node supports for aimcsim (x86-64, arm64) is little-endian.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error("aimcsim safetensors reader needs a little-endian host");

/** An opened safetensors file: the validated header plus positioned reads of single tensors. */
export class SafetensorsFile {
  private constructor(
    readonly header: SafetensorsHeader,
    private readonly handle: import("node:fs/promises").FileHandle,
  ) {}

  static async open(path: string): Promise<SafetensorsFile> {
    let handle: import("node:fs/promises").FileHandle;
    try {
      handle = await open(path, "r");
    } catch (e) {
      throw new AimcsimError("CheckpointError", path, `cannot open file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    try {
      const size = (await handle.stat()).size;
      if (size < 8) fail(path, `file is ${size} bytes, shorter than the 8-byte header length field (truncated)`);
      const lenBuf = new Uint8Array(8);
      await handle.read(lenBuf, 0, 8, 0);
      const n = new DataView(lenBuf.buffer).getBigUint64(0, true);
      if (n > BigInt(size - 8))
        fail(path, `header length ${n} runs past the end of the file (${size} bytes; truncated or not a safetensors file)`);
      if (n > BigInt(MAX_HEADER_BYTES)) fail(path, `header length ${n} exceeds ${MAX_HEADER_BYTES} bytes`);
      const hl = Number(n);
      const hb = new Uint8Array(hl);
      await handle.read(hb, 0, hl, 8);
      return new SafetensorsFile(parseHeader(hb, size, path), handle);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  has(name: string): boolean {
    return this.header.tensors.has(name);
  }

  /** Read one tensor as float32. Rejects NaN/Inf unless allowNonFinite. */
  async read(name: string, opts: { allowNonFinite?: boolean } = {}): Promise<DecodedTensor> {
    const e = this.header.tensors.get(name);
    if (!e) return fail(this.header.file, `tensor ${name}: not present in this file`);
    const bytes = new Uint8Array(e.end - e.begin);
    let got = 0;
    while (got < bytes.length) {
      const { bytesRead } = await this.handle.read(bytes, got, bytes.length - got, e.begin + got);
      if (bytesRead === 0) fail(this.header.file, `tensor ${name}: file ended while reading its data (truncated)`);
      got += bytesRead;
    }
    const numel = e.shape.reduce((a, d) => a * d, 1);
    const data = decodeBytes(bytes, e.dtype, numel);
    if (!opts.allowNonFinite) {
      for (let i = 0; i < numel; i++) {
        const v = data[i]!;
        if (v - v !== 0) fail(this.header.file, `tensor ${name}: element ${i} is ${v} (weights must be finite)`);
      }
    }
    return { shape: e.shape, data };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

const HALF_EXP: Readonly<Record<"BF16" | "F16", number>> = { BF16: 0x7f80, F16: 0x7c00 };

/**
 * Synchronous positioned reads of single tensors, straight into memory from an allocator (TensorAllocator): a
 * loader can then read one tensor at the moment it is needed and drop it after use (a streamed load), and tensors
 * land in the memory their consumer reads in place. Reads go in chunks of at most 1 GiB.
 */
export class SafetensorsReaderSync {
  private fd: number;
  private constructor(
    readonly header: SafetensorsHeader,
    fd: number,
  ) {
    this.fd = fd;
  }

  static open(path: string): SafetensorsReaderSync {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (e) {
      throw new AimcsimError("CheckpointError", path, `cannot open file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    try {
      const size = fstatSync(fd).size;
      if (size < 8) fail(path, `file is ${size} bytes, shorter than the 8-byte header length field (truncated)`);
      const lenBuf = new Uint8Array(8);
      readSync(fd, lenBuf, 0, 8, 0);
      const n = new DataView(lenBuf.buffer).getBigUint64(0, true);
      if (n > BigInt(size - 8))
        fail(path, `header length ${n} runs past the end of the file (${size} bytes; truncated or not a safetensors file)`);
      if (n > BigInt(MAX_HEADER_BYTES)) fail(path, `header length ${n} exceeds ${MAX_HEADER_BYTES} bytes`);
      const hb = new Uint8Array(Number(n));
      readSync(fd, hb, 0, hb.length, 8);
      return new SafetensorsReaderSync(parseHeader(hb, size, path), fd);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  private entry(name: string): TensorEntry {
    if (this.fd < 0) return fail(this.header.file, `tensor ${name}: read after the file was closed`);
    const e = this.header.tensors.get(name);
    return e ?? fail(this.header.file, `tensor ${name}: not present in this file`);
  }

  private readInto(name: string, dst: Uint8Array, pos: number): void {
    let got = 0;
    while (got < dst.length) {
      const n = readSync(this.fd, dst, got, Math.min(dst.length - got, 1 << 30), pos + got);
      if (n === 0) fail(this.header.file, `tensor ${name}: file ended while reading its data (truncated)`);
      got += n;
    }
  }

  /** True when the tensor is stored as BF16 or F16 (readHalf keeps it so). */
  isHalf(name: string): boolean {
    const d = this.entry(name).dtype;
    return d === "BF16" || d === "F16";
  }

  /** A BF16/F16 tensor as its bits, in memory from `alloc`. Rejects NaN/Inf (an all-ones exponent). */
  readHalf(name: string, alloc: TensorAllocator = heapAllocator): { shape: readonly number[]; half: HalfBits } {
    const e = this.entry(name);
    if (e.dtype !== "BF16" && e.dtype !== "F16") return fail(this.header.file, `tensor ${name}: stored as ${e.dtype}, not BF16/F16`);
    const numel = (e.end - e.begin) / 2;
    const bits = alloc.u16(numel);
    this.readInto(name, new Uint8Array(bits.buffer, bits.byteOffset, 2 * numel), e.begin);
    const m = HALF_EXP[e.dtype];
    for (let i = 0; i < numel; i++)
      if ((bits[i]! & m) === m) fail(this.header.file, `tensor ${name}: element ${i} is not finite (weights must be finite)`);
    return { shape: e.shape, half: { kind: e.dtype === "BF16" ? "bf16" : "f16", bits } };
  }

  /** Any tensor as float32, in memory from `alloc` (BF16 is read into the upper half and widened in place). */
  readF32(name: string, alloc: TensorAllocator = heapAllocator): DecodedTensor {
    const e = this.entry(name);
    const numel = e.shape.reduce((a, d) => a * d, 1);
    const out = alloc.f32(numel);
    const bytes = e.end - e.begin;
    if (e.dtype === "F32") this.readInto(name, new Uint8Array(out.buffer, out.byteOffset, bytes), e.begin);
    else if (e.dtype === "BF16") {
      const u16 = new Uint16Array(out.buffer, out.byteOffset, 2 * numel);
      this.readInto(name, new Uint8Array(out.buffer, out.byteOffset + 2 * numel, 2 * numel), e.begin);
      const u32 = new Uint32Array(out.buffer, out.byteOffset, numel);
      // element i's source u16[numel + i] is read before u32[i] (u16 2i, 2i + 1 <= numel + i) is written
      for (let i = 0; i < numel; i++) u32[i] = (u16[numel + i]! << 16) >>> 0;
    } else {
      const tmp = new Uint8Array(bytes);
      this.readInto(name, tmp, e.begin);
      out.set(decodeBytes(tmp, e.dtype, numel));
    }
    for (let i = 0; i < numel; i++) {
      const v = out[i]!;
      if (v - v !== 0) fail(this.header.file, `tensor ${name}: element ${i} is ${v} (weights must be finite)`);
    }
    return { shape: e.shape, data: out };
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Read every tensor of one file (convenience for tests and tools). */
export async function readSafetensors(path: string, opts: { allowNonFinite?: boolean } = {}): Promise<Map<string, DecodedTensor>> {
  const f = await SafetensorsFile.open(path);
  try {
    const out = new Map<string, DecodedTensor>();
    for (const name of f.header.tensors.keys()) out.set(name, await f.read(name, opts));
    return out;
  } finally {
    await f.close();
  }
}

export interface TensorToWrite {
  readonly shape: readonly number[];
  readonly data: Float32Array | Int8Array | Uint8Array | Int32Array;
  /** Stored dtype; default F32 for Float32Array, I8/U8/I32 for the integer arrays. F16/BF16 round to nearest even. */
  readonly dtype?: SafetensorsDtype;
}

/** Encode tensors into safetensors bytes (header padded with spaces to a multiple of 8 as HF does). */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, TensorToWrite> | Readonly<Record<string, TensorToWrite>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const entries: Array<[string, TensorToWrite]> =
    tensors instanceof Map ? [...(tensors as ReadonlyMap<string, TensorToWrite>).entries()] : Object.entries(tensors as Record<string, TensorToWrite>);
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const parts: Uint8Array[] = [];
  let off = 0;
  for (const [name, t] of entries) {
    const dtype: SafetensorsDtype =
      t.dtype ?? (t.data instanceof Float32Array ? "F32" : t.data instanceof Int8Array ? "I8" : t.data instanceof Int32Array ? "I32" : "U8");
    const numel = t.shape.reduce((a: number, d: number) => a * d, 1);
    if (numel !== t.data.length)
      throw new AimcsimError("CheckpointError", name, `shape ${JSON.stringify(t.shape)} has ${numel} elements but data has ${t.data.length}`);
    const bytes = encodeValues(t.data, dtype);
    header[name] = { dtype, shape: [...t.shape], data_offsets: [off, off + bytes.length] };
    parts.push(bytes);
    off += bytes.length;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += " ";
  const hb = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hb.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let p = 8 + hb.length;
  for (const b of parts) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

function encodeValues(data: ArrayLike<number>, dtype: SafetensorsDtype): Uint8Array {
  const n = data.length;
  const out = new Uint8Array(n * DTYPE_BYTES[dtype]);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    switch (dtype) {
      case "F32":
        dv.setFloat32(i * 4, v, true);
        break;
      case "F64":
        dv.setFloat64(i * 8, v, true);
        break;
      case "F16":
        dv.setUint16(i * 2, f32ToF16Bits(v), true);
        break;
      case "BF16":
        dv.setUint16(i * 2, f32ToBf16Bits(v), true);
        break;
      case "I64":
        dv.setBigInt64(i * 8, BigInt(Math.trunc(v)), true);
        break;
      case "I32":
        dv.setInt32(i * 4, v, true);
        break;
      case "I16":
        dv.setInt16(i * 2, v, true);
        break;
      case "I8":
        dv.setInt8(i, v);
        break;
      case "U8":
      case "BOOL":
        dv.setUint8(i, v);
        break;
    }
  }
  return out;
}

/** Write a safetensors file atomically (temp file in the same folder, then rename). */
export async function writeSafetensors(
  path: string,
  tensors: ReadonlyMap<string, TensorToWrite> | Readonly<Record<string, TensorToWrite>>,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  const bytes = encodeSafetensors(tensors, metadata);
  await writeFileAtomic(path, bytes, "the safetensors file");
}
