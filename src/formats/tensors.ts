// Tensor layouts shared by the model loader (src/model) and the numerics (src/numerics). This file sits
// below both layers, next to the number formats (./numbers.ts), so neither imports the other for it.

import { AimcsimError } from "../errors.ts";
import { f16BitsToF32 } from "./numbers.ts";

/** A 16-bit float format a checkpoint stores weights in. */
export type HalfKind = "bf16" | "f16";

/** A tensor kept in its stored 16-bit format: the raw bits, row-major, as the file holds them. */
export interface HalfBits {
  readonly kind: HalfKind;
  readonly bits: Uint16Array;
}

/** A projection weight as Hugging Face stores it: row-major [outFeatures x inFeatures]. */
export interface LinearWeight {
  readonly name: string; // HF tensor name without ".weight", e.g. "model.layers.0.self_attn.q_proj"
  readonly outFeatures: number;
  readonly inFeatures: number;
  /**
   * float32 values, length outFeatures * inFeatures. For a weight kept in 16 bits (`half` set) this is a getter
   * that widens the bits into a NEW Float32Array on every access (exact: bf16/f16 values are float32 values);
   * code on a hot path reads `half` instead (the exact and analog backends do).
   */
  readonly data: Float32Array;
  readonly bias: Float32Array | null; // length outFeatures
  /** Set when the weight is held as bf16/f16 bits (loadModel's keepHalf); the 4-byte copy is then never kept. */
  readonly half?: HalfBits | null;
}

/**
 * Where a loader puts the tensors it reads (an allocator hook). src/model cannot import src/numerics, so the
 * numerics pass their kernel-bank allocators (src/numerics/kernels/arena.ts allocF32 / allocU16): the tensors are
 * then written once, straight into the memory the kernels read in place, with no second resident copy.
 */
export interface TensorAllocator {
  /** A zero-filled Float32Array of n values. */
  f32(n: number): Float32Array;
  /** A zero-filled Uint16Array of n values (bf16/f16 bits). */
  u16(n: number): Uint16Array;
}

/** Plain typed arrays (the default). */
export const heapAllocator: TensorAllocator = { f32: (n) => new Float32Array(n), u16: (n) => new Uint16Array(n) };

/** Widen bf16/f16 bits to float32 (exact), into `out` (default: a new array). */
export function widenHalf(h: HalfBits, out: Float32Array = new Float32Array(h.bits.length)): Float32Array {
  const b = h.bits;
  const n = b.length;
  if (h.kind === "bf16") {
    const u = new Uint32Array(out.buffer, out.byteOffset, n);
    for (let i = 0; i < n; i++) u[i] = (b[i]! << 16) >>> 0;
  } else for (let i = 0; i < n; i++) out[i] = f16BitsToF32(b[i]!);
  return out;
}

/** A LinearWeight held as 16-bit bits; `data` widens on each access (see LinearWeight.data). */
export function halfLinearWeight(name: string, outFeatures: number, inFeatures: number, half: HalfBits, bias: Float32Array | null): LinearWeight {
  if (half.bits.length !== outFeatures * inFeatures)
    throw new AimcsimError("CheckpointError", name, `${half.kind} weight has ${half.bits.length} values, expected ${outFeatures} x ${inFeatures}`);
  return {
    name,
    outFeatures,
    inFeatures,
    bias,
    half,
    get data(): Float32Array {
      return widenHalf(half);
    },
  };
}

/**
 * The stand-in a streaming consumer returns for a weight it has taken over (loadModel's onLinear: the analog
 * backend programs the weight onto its tiles and the source values are dropped). It carries the name and shape;
 * reading its values is an error naming the layer.
 */
export function releasedLinearWeight(w: LinearWeight, holder: string): LinearWeight {
  const { name, outFeatures, inFeatures, bias } = w;
  return {
    name,
    outFeatures,
    inFeatures,
    bias,
    half: null,
    get data(): Float32Array {
      throw new AimcsimError(
        "UsageError",
        name,
        `its weights were handed to ${holder} while the checkpoint was streamed in and are no longer held; only that backend can run this layer`,
      );
    },
  };
}
