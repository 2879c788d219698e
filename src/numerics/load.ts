// Loading a checkpoint for the kernels: bf16/f16 matrices stay in 16 bits (LoadOptions.keepHalf) and every tensor
// is read straight into a kernel memory bank (src/numerics/kernels/arena.ts), where the WebAssembly kernels read it
// in place: the exact path runs the 16-bit weights on gemm_bf16 / gemm_f16 with no float32 or bank copy, so a
// model's resident weights take the checkpoint's own size. src/model cannot import the numerics (layering), so the
// banks reach the loader through its allocator hook (TensorAllocator, src/formats/tensors.ts).

import { loadModel, type LoadedModel, type LoadOptions } from "../model/checkpoint.ts";
import type { TensorAllocator } from "../formats/tensors.ts";
import type { ChipSpec } from "../spec/types.ts";
import { AimcsimError } from "../errors.ts";
import { allBanks, allocF32, allocU16, freeNow, resident, scratch } from "./kernels/arena.ts";
import { createAnalogBackend, type AnalogBackend, type AnalogBackendOptions } from "./analog/backend.ts";

/**
 * Activation scratch reserved in every bank a tensor lands in, before the weights fill it: a kernel reads its x and
 * writes its y in the weight's own bank (arena.ts scratch), so a bank filled to the brim with weights could not run
 * them. 64 MiB holds a 128-token call of a 128k-vocabulary lm_head (128 x (2048 + 128256) x 4 B = 67 MB is the
 * next size up; a larger call fails with arena.ts's error naming the bank). Only the pages used become resident.
 */
export const BANK_SCRATCH_RESERVE = 64 << 20;

function reserveScratch<T extends Float32Array | Uint16Array>(a: T): T {
  scratch(resident(a).bank, BANK_SCRATCH_RESERVE);
  return a;
}

/** Tensors allocated in kernel banks (freed when the array is garbage-collected), each bank with its scratch. */
export const bankAllocator: TensorAllocator = { f32: (n) => reserveScratch(allocF32(n)), u16: (n) => reserveScratch(allocU16(n)) };

/** loadModel with 16-bit matrices kept as such (default) and every tensor in a kernel bank. */
export function loadModelForKernels(dir: string, opts: Omit<LoadOptions, "alloc"> = {}): Promise<LoadedModel> {
  return loadModel(dir, { keepHalf: true, ...opts, alloc: bankAllocator });
}

/** Bytes of the kernel banks handed out (weights and activation scratch), and their committed size. */
export function kernelBankBytes(): { inUse: number; scratch: number; committed: number } {
  let inUse = 0;
  let scratch = 0;
  let committed = 0;
  for (const b of allBanks()) {
    let free = 0;
    for (const f of b.free) free += f.bytes;
    inUse += b.top - free;
    scratch += b.scratchBytes;
    committed += b.memory.buffer.byteLength;
  }
  return { inUse, scratch, committed };
}

export interface ModelOnChip {
  readonly model: LoadedModel;
  /** Runs the analog layers on their programmed tiles and the others (a digital lm_head) exactly. */
  readonly backend: AnalogBackend;
  /** Names of the projections programmed onto the tiles, in order. */
  readonly analogLayers: readonly string[];
  /** Seconds spent programming (inside the load; wall clock and this process's CPU time), and the number of
   *  projection values programmed. */
  readonly programS: number;
  readonly programCpuS: number;
  readonly programmedWeights: number;
}

/**
 * Load a checkpoint straight onto a chip's analog tiles, one projection at a time: each weight is read (bf16/f16
 * widened once, transiently), programmed with the chip's device noise (createAnalogBackend's program, same devices
 * as programming the whole list at once) and dropped, so the memory held is the programmed conductances plus the
 * digital tensors (embedding, norms, a digital lm_head kept in 16 bits), never the source weights on top.
 * The model's analog projections are stand-ins (releasedLinearWeight): run it only with the returned backend.
 * Static input ranges need opts.calibration (bounds per layer) or a fixed inputRange.bound: nothing can be
 * calibrated on the exact model here, since it is never held.
 */
export async function loadModelOnChip(dir: string, chip: ChipSpec, opts: AnalogBackendOptions): Promise<ModelOnChip> {
  if (!chip.analog) throw new AimcsimError("UsageError", "chip.analog", `chip ${chip.name} has no analog tiles to program`);
  const backend = createAnalogBackend([], chip.analog, opts);
  const analogLayers: string[] = [];
  let programMs = 0;
  let programCpuUs = 0;
  const cpuUs = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  let programmedWeights = 0;
  const headAnalog = chip.mapping.lmHead === "analog";
  const model = await loadModelForKernels(dir, {
    onLinear: (w, isHead) => {
      if (isHead && !headAnalog) return w;
      const t0 = performance.now();
      const c0 = cpuUs();
      const kept = backend.program(w);
      // the source values are no longer needed: give their bank memory back now, for the next tensors and tiles
      // (they are held nowhere else: the loader hands each projection only to this callback)
      freeNow(w.half ? w.half.bits : w.data);
      programMs += performance.now() - t0;
      programCpuUs += cpuUs() - c0;
      programmedWeights += w.inFeatures * w.outFeatures;
      analogLayers.push(w.name);
      return kept;
    },
  });
  return { model, backend, analogLayers, programS: programMs / 1000, programCpuS: programCpuUs / 1e6, programmedWeights };
}
