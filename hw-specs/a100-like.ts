// NVIDIA A100-like digital accelerator (NVIDIA A100 Tensor Core GPU datasheet / architecture whitepaper, 2020;
// docs/REFERENCES.md [nvidia-a100]: A100 40 GB: 624 INT8 TOPS, 312 FP16 TFLOPS dense, 1,555 GB/s, 400 W).
// 108 SMs x 4 third-generation tensor cores = 432 tensor cores at a 1.41 GHz boost clock (A100 whitepaper). Each
// tensor core is written as a small output-stationary systolic array: 256 FP16 FMA per clock (16 x 16 PEs) or
// 512 INT8 MACs per clock (16 x 32 PEs), which reproduces the datasheet peaks exactly:
//   432 x 256 x 2 x 1.41e9 = 312 TFLOPS (FP16), 432 x 512 x 2 x 1.41e9 = 624 TOPS (INT8).
// The array shapes are therefore CALIBRATED to the datasheet peaks (test/validation marks those rows so); the
// memory system (HBM2 at 1,555 GB/s, 40 MB L2) is taken from the datasheet and is what the decode check tests.
import { chip, dram, noc, sram, systolicArray, variant, vectorUnit } from "../src/spec/index.ts";
import type { ChipSpec } from "../src/spec/index.ts";

const TENSOR_CORES = 432; // 108 SMs x 4 (A100 whitepaper)
const BOOST_HZ = 1.41e9; // A100 SXM boost clock (A100 whitepaper)

// Operand delivery to each tensor core (src/components/operand-delivery.ts), per SM sub-partition (one tensor core):
// - register file: 64K 32-bit registers = 256 KB per SM (A100 whitepaper, docs/REFERENCES.md [nvidia-a100]), 64 KB per
//   sub-partition, in 2 banks (the two 64-bit-wide banks per sub-partition measured on Volta,
//   docs/REFERENCES.md [jia-volta-2018]; assumed unchanged on Ampere);
// - bits per MAC from the matrix instruction CUTLASS's default SM80 GEMM issues
//   (docs/REFERENCES.md [nvidia-ptx, cutlass]): FP16 mma.m16n8k16 with FP32 accumulators reads A 16x16x16 + B 16x8x16 + C 16x8x32 and writes
//   D 16x8x32 = 14,336 bits per 2,048 MACs = 7 bits/MAC, plus the ldmatrix writes of the 64x64 warp tile's
//   fragments (128 elements x 16 bits per 4,096 MACs = 0.5) = 7.5; INT8 mma.m16n8k32 (S32 accumulators):
//   14,336 bits per 4,096 MACs = 3.5, + 0.25 = 3.75. The SASS operand-reuse cache is not credited.
// - shared memory: 192 KB L1/shared per SM (whitepaper), 48 KB per sub-partition; 32 banks per SM (CUDA C++
//   programming guide, docs/REFERENCES.md [nvidia-cuda-guide]), 8 per sub-partition; per MAC the warp tile's
//   ldmatrix reads (64 + 64 elements per 64 x 64 MACs) and the 128 x 256 thread-block tile's stores
//   ((128 + 256) elements per 128 x 256 MACs; CUTLASS default SM80 shapes [cutlass]): FP16 0.5 + 0.1875 =
//   0.6875 bits, INT8 0.25 + 0.09375 = 0.34375 bits.
const REGISTER_BYTES = (256 * 1024) / 4; // 256 KB per SM / 4 sub-partitions (A100 whitepaper)
const REGISTER_BANKS = 2; // per sub-partition (Jia et al. 2018, Volta; assumed for Ampere)
const SHARED_BYTES = (192 * 1024) / 4; // 192 KB L1/shared per SM / 4 (A100 whitepaper)
const SHARED_BANKS = 32 / 4; // 32 banks per SM (CUDA C++ programming guide) / 4
const FP16_DELIVERY = { registerBytes: REGISTER_BYTES, registerBanks: REGISTER_BANKS, registerBitsPerMac: 7.5, sharedBytes: SHARED_BYTES, sharedBanks: SHARED_BANKS, sharedBitsPerMac: 0.6875 }; // see above (PTX mma.m16n8k16, CUTLASS SM80 tiles)
const INT8_DELIVERY = { ...FP16_DELIVERY, registerBitsPerMac: 3.75, sharedBitsPerMac: 0.34375 }; // see above (PTX mma.m16n8k32, CUTLASS SM80 tiles)

const a100: ChipSpec = chip({
  name: "a100-like",
  description: "A100-like: 432 tensor-core-sized FP16 systolic arrays at 1.41 GHz, 40 MB L2, HBM2 1,555 GB/s",
  technologyNm: 7, // TSMC N7 (A100 whitepaper)
  supplyV: 0.8, // assumption: nominal N7 core supply
  systolic: [
    systolicArray({ name: "tensor-cores", rows: 16, cols: 16, dataflow: "OS", format: "fp16", clockHz: BOOST_HZ, count: TENSOR_CORES, operandDelivery: FP16_DELIVERY }), // 256 FP16 FMA/clk per tensor core (dense)
  ],
  vector: [vectorUnit({ name: "cuda-cores", lanes: 64, format: "fp32", clockHz: BOOST_HZ, count: 108 })], // 64 FP32 cores per SM (A100 whitepaper)
  sram: [sram({ name: "l2", capacityBytes: 40 * 2 ** 20, banks: 80, bytesPerCyclePerBank: 64, clockHz: BOOST_HZ })], // 40 MB L2 (datasheet); banking assumption (~7 TB/s)
  dram: dram({ kind: "HBM2", capacityBytes: 40 * 2 ** 30, bandwidthBytesPerS: 1555e9, channels: 5 }), // 40 GB HBM2, 1,555 GB/s, 5 stacks (datasheet)
  noc: noc({ topology: "crossbar", linkWidthBits: 1024, hopLatencyCycles: 2, clockHz: BOOST_HZ }), // assumption: SM-to-L2 crossbar
  mapping: { projections: "digital", lmHead: "digital", kvCache: "dram" },
  dieAreaMm2: 826, // GA100 die, 826 mm^2 (A100 whitepaper): its unmodelled rest (SM front ends, L1, FP64/INT units, NVLink, PCIe, HBM PHYs) leaks too
  sources: ["NVIDIA A100 Tensor Core GPU datasheet and architecture whitepaper (2020)", "docs/REFERENCES.md [nvidia-a100]"],
});

export default a100;

/** The same chip with its tensor cores in INT8 mode (512 MACs per clock per tensor core). */
export const a100Int8: ChipSpec = variant(a100, (d) => {
  d.name = "a100-like-int8";
  d.systolic[0]!.format = "int8";
  d.systolic[0]!.cols = 32;
  d.systolic[0]!.operandDelivery = INT8_DELIVERY;
});

/** The A100 80 GB SXM4 (HBM2e, 2,039 GB/s; NVIDIA A100 datasheet, docs/REFERENCES.md [nvidia-a100]): the board
 *  LLMCompass measured its per-operator latencies on (its device "A100_80GB_fp16", configs/GA100.json: 80 GB,
 *  5 active HBM2e stacks x 1024 pins x 3.2 Gb/s, NVLink3; docs/REFERENCES.md [llmcompass]). Same SMs and clocks. */
export const a100Sxm80: ChipSpec = variant(a100, (d) => {
  d.name = "a100-80gb-like";
  d.description = "A100 80 GB SXM4-like: as a100-like with HBM2e at 2,039 GB/s";
  d.dram.capacityBytes = 80 * 2 ** 30; // 80 GB (datasheet)
  d.dram.bandwidthBytesPerS = 2039e9; // 2,039 GB/s HBM2e (A100 80 GB SXM datasheet)
});
