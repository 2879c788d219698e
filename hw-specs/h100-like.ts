// NVIDIA H100 SXM-like digital accelerator (NVIDIA H100 Tensor Core GPU datasheet / Hopper whitepaper, 2022;
// docs/REFERENCES.md [nvidia-h100]: H100 SXM: 1,979 INT8 TOPS, 989 FP16 TFLOPS (dense), 3.35 TB/s, 700 W).
// 132 SMs x 4 fourth-generation tensor cores = 528 tensor cores (Hopper whitepaper), clocked at 1.83 GHz (see BOOST_HZ).
// Each tensor core as an output-stationary systolic array: 512 FP16 FMA per clock (16 x 32 PEs) or 1024 INT8 MACs
// per clock (32 x 32 PEs), which reproduces the datasheet peaks:
//   528 x 512 x 2 x 1.83e9 = 989 TFLOPS (FP16), 528 x 1024 x 2 x 1.83e9 = 1,979 TOPS (INT8).
// The array shapes are CALIBRATED to those peaks; the memory system (HBM3 3.35 TB/s, 50 MB L2) is the datasheet's.
import { chip, dram, noc, sram, systolicArray, variant, vectorUnit } from "../src/spec/index.ts";
import type { ChipSpec } from "../src/spec/index.ts";

const TENSOR_CORES = 528; // 132 SMs x 4 (Hopper whitepaper, H100 SXM5)
const BOOST_HZ = 1.83e9; // the clock at which 528 tensor cores reach the datasheet peaks (989.4 TFLOPS = 528 x 512 x 2 x 1.83 GHz); part of the peak calibration, the SXM5 max boost is higher

// Operand delivery to each tensor core (src/components/operand-delivery.ts), per SM sub-partition (one tensor core):
// - register file: 64K 32-bit registers = 256 KB per SM (Hopper whitepaper, docs/REFERENCES.md [nvidia-h100]), 64 KB
//   per sub-partition, 2 banks (as on Volta, docs/REFERENCES.md [jia-volta-2018]; assumed unchanged);
// - Hopper's wgmma reads A and B from shared memory and keeps the accumulators in registers (PTX ISA,
//   docs/REFERENCES.md [nvidia-ptx]): FP16 wgmma.m64n256k16 (FP32 accumulators) reads C and writes D, 2 x 64 x 256 x 32
//   bits per 262,144 MACs = 4 bits/MAC; INT8 wgmma.m64n256k32 (S32): 2 bits/MAC;
// - shared memory: 256 KB L1/shared per SM (Hopper whitepaper), 64 KB per sub-partition, 32 banks per SM
//   (docs/REFERENCES.md [nvidia-cuda-guide]), 8 per sub-partition; per MAC the wgmma operand reads ((64 x 16 +
//   16 x 256) x 16 bits per 262,144 MACs = 0.3125; INT8 0.15625) and the tile stores of a 128 x 256 thread-block
//   tile (as CUTLASS's SM80 default, docs/REFERENCES.md [cutlass]; assumed for SM90): FP16 0.1875, INT8 0.09375.
const REGISTER_BYTES = (256 * 1024) / 4; // 256 KB per SM / 4 sub-partitions (Hopper whitepaper)
const REGISTER_BANKS = 2; // per sub-partition (Jia et al. 2018, Volta; assumed for Hopper)
const SHARED_BYTES = (256 * 1024) / 4; // 256 KB L1/shared per SM / 4 (Hopper whitepaper)
const SHARED_BANKS = 32 / 4; // 32 banks per SM (CUDA C++ programming guide) / 4
const FP16_DELIVERY = { registerBytes: REGISTER_BYTES, registerBanks: REGISTER_BANKS, registerBitsPerMac: 4, sharedBytes: SHARED_BYTES, sharedBanks: SHARED_BANKS, sharedBitsPerMac: 0.5 }; // see above (PTX wgmma.m64n256k16)
const INT8_DELIVERY = { ...FP16_DELIVERY, registerBitsPerMac: 2, sharedBitsPerMac: 0.25 }; // see above (PTX wgmma.m64n256k32)

const h100: ChipSpec = chip({
  name: "h100-like",
  description: "H100 SXM-like: 528 tensor-core-sized FP16 systolic arrays at 1.83 GHz, 50 MB L2, HBM3 3.35 TB/s",
  technologyNm: 5, // TSMC 4N (an N5-family process); aimcsim extrapolates below its 7 nm table (src/components/technology.ts)
  supplyV: 0.75, // assumption: nominal N5-family core supply
  systolic: [
    systolicArray({ name: "tensor-cores", rows: 16, cols: 32, dataflow: "OS", format: "fp16", clockHz: BOOST_HZ, count: TENSOR_CORES, operandDelivery: FP16_DELIVERY }), // 512 FP16 FMA/clk per tensor core (dense)
  ],
  vector: [vectorUnit({ name: "cuda-cores", lanes: 128, format: "fp32", clockHz: BOOST_HZ, count: 132 })], // 128 FP32 cores per SM (Hopper whitepaper)
  sram: [sram({ name: "l2", capacityBytes: 50 * 2 ** 20, banks: 96, bytesPerCyclePerBank: 64, clockHz: BOOST_HZ })], // 50 MB L2 (datasheet); banking assumption
  dram: dram({ kind: "HBM3", capacityBytes: 80 * 2 ** 30, bandwidthBytesPerS: 3.35e12, channels: 5 }), // 80 GB HBM3, 3.35 TB/s, 5 active stacks (datasheet)
  noc: noc({ topology: "crossbar", linkWidthBits: 2048, hopLatencyCycles: 2, clockHz: BOOST_HZ }), // assumption
  mapping: { projections: "digital", lmHead: "digital", kvCache: "dram" },
  dieAreaMm2: 814, // GH100 die, 814 mm^2 (Hopper whitepaper): its unmodelled rest leaks too
  sources: ["NVIDIA H100 Tensor Core GPU datasheet and Hopper architecture whitepaper (2022)", "docs/REFERENCES.md [nvidia-h100]"],
});

export default h100;

/** The same chip with its tensor cores in INT8 mode (1024 MACs per clock per tensor core). */
export const h100Int8: ChipSpec = variant(h100, (d) => {
  d.name = "h100-like-int8";
  d.systolic[0]!.format = "int8";
  d.systolic[0]!.rows = 32;
  d.systolic[0]!.operandDelivery = INT8_DELIVERY;
});
