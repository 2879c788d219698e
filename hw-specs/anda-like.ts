// Anda-like accelerator (C. Fang, M. Shi, R. Geens, A. Symons, Z. Wang, M. Verhelst, "Anda: Unlocking Efficient
// LLM Inference with a Variable-Length Grouped Activation Data Format", HPCA 2025, arXiv 2411.15982; docs/REFERENCES.md [anda-hpca2025]
// "Seed architectures"): FP16 activations converted to groups of 64 sharing an exponent, processed bit-plane by
// bit-plane against INT4 weights on bit-serial APUs (64-wide adder tree, shift-accumulate, FP32 group
// accumulation); a 16 x 16 APU array in 16 nm at 285 MHz with HBM2 at 3.9 pJ/bit and 256 GB/s.
// `andaFp16Baseline` is the paper's GPU-like FP-FP comparison point written in the same technology: an FP16
// tensor-core-like systolic array on the same memory system.
import { bitSerialUnit, chip, dram, noc, sram, systolicArray, vectorUnit } from "../src/spec/index.ts";
import type { ChipSpec } from "../src/spec/index.ts";

const CLOCK_HZ = 285e6; // Anda HPCA 2025: 285 MHz
const HBM2 = dram({ kind: "HBM2", capacityBytes: 16 * 2 ** 30, bandwidthBytesPerS: 256e9, channels: 8, energyPerBitJ: 3.9e-12 }); // Anda HPCA 2025: HBM2 3.9 pJ/bit, 256 GB/s
const BUFFER = sram({ name: "buffer", capacityBytes: 2 * 2 ** 20, banks: 16, bytesPerCyclePerBank: 64, clockHz: CLOCK_HZ }); // assumption: 2 MB on-chip buffer
const VEC = vectorUnit({ name: "sfu", lanes: 64, format: "fp16", clockHz: CLOCK_HZ }); // assumption: special-function unit for softmax/norms
const NOC = noc({ topology: "bus", linkWidthBits: 512, hopLatencyCycles: 1, clockHz: CLOCK_HZ }); // assumption

const anda: ChipSpec = chip({
  name: "anda-like",
  description: "Anda-like: 16x16 bit-serial APUs (group 64), 16 nm, 285 MHz, HBM2 256 GB/s",
  technologyNm: 16, // Anda HPCA 2025
  supplyV: 0.8, // assumption: nominal 16 nm supply
  // 16 x 16 = 256 APUs, each a 64-wide adder tree fed one mantissa bit-plane per cycle (Anda HPCA 2025). The
  // simulator assumes 8 mantissa bit-planes (src/components/digital.ts ANDA_DEFAULT_MANTISSA_BITS; Anda searches 4..13).
  bitSerial: [bitSerialUnit({ name: "apu-array", groupSize: 64, units: 256, clockHz: CLOCK_HZ })],
  vector: [VEC],
  sram: [BUFFER],
  dram: HBM2,
  noc: NOC,
  mapping: { projections: "digital", lmHead: "digital", kvCache: "dram" },
  sources: ["Fang et al., Anda, HPCA 2025 (arXiv 2411.15982)", "docs/REFERENCES.md [anda-hpca2025] (Anda hardware: 16 nm, 285 MHz, HBM2 3.9 pJ/bit at 256 GB/s)"],
});

export default anda;

/** The FP-FP baseline: an FP16 tensor-core-like array. Assumption: 32 x 32 FP16 PEs, i.e. half of the APU array's
 *  peak MAC rate at 8 mantissa bit-planes (256 APUs x 64 / 8 = 2048 MACs per cycle); the paper compares at its
 *  own area budget, which is not reproduced here. Same node, clock and memory system as anda-like. */
export const andaFp16Baseline: ChipSpec = chip({
  name: "anda-fp16-baseline",
  description: "GPU-like FP-FP baseline for Anda: 32x32 FP16 OS systolic array, 16 nm, 285 MHz, HBM2 256 GB/s",
  technologyNm: 16,
  supplyV: 0.8,
  systolic: [systolicArray({ name: "fp16-sa", rows: 32, cols: 32, dataflow: "OS", format: "fp16", clockHz: CLOCK_HZ })],
  vector: [VEC],
  sram: [BUFFER],
  dram: HBM2,
  noc: NOC,
  mapping: { projections: "digital", lmHead: "digital", kvCache: "dram" },
  sources: ["Fang et al., Anda, HPCA 2025 (FP-FP baseline)", "assumption: array size"],
});
