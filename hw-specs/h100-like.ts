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

const h100: ChipSpec = chip({
  name: "h100-like",
  description: "H100 SXM-like: 528 tensor-core-sized FP16 systolic arrays at 1.83 GHz, 50 MB L2, HBM3 3.35 TB/s",
  technologyNm: 5, // TSMC 4N (an N5-family process); aimcsim extrapolates below its 7 nm table (src/components/technology.ts)
  supplyV: 0.75, // assumption: nominal N5-family core supply
  systolic: [
    systolicArray({ name: "tensor-cores", rows: 16, cols: 32, dataflow: "OS", format: "fp16", clockHz: BOOST_HZ, count: TENSOR_CORES }), // 512 FP16 FMA/clk per tensor core (dense)
  ],
  vector: [vectorUnit({ name: "cuda-cores", lanes: 128, format: "fp32", clockHz: BOOST_HZ, count: 132 })], // 128 FP32 cores per SM (Hopper whitepaper)
  sram: [sram({ name: "l2", capacityBytes: 50 * 2 ** 20, banks: 96, bytesPerCyclePerBank: 64, clockHz: BOOST_HZ })], // 50 MB L2 (datasheet); banking assumption
  dram: dram({ kind: "HBM3", capacityBytes: 80 * 2 ** 30, bandwidthBytesPerS: 3.35e12, channels: 5 }), // 80 GB HBM3, 3.35 TB/s, 5 active stacks (datasheet)
  noc: noc({ topology: "crossbar", linkWidthBits: 2048, hopLatencyCycles: 2, clockHz: BOOST_HZ }), // assumption
  mapping: { projections: "digital", lmHead: "digital", kvCache: "dram" },
  sources: ["NVIDIA H100 Tensor Core GPU datasheet and Hopper architecture whitepaper (2022)", "docs/REFERENCES.md [nvidia-h100]"],
});

export default h100;

/** The same chip with its tensor cores in INT8 mode (1024 MACs per clock per tensor core). */
export const h100Int8: ChipSpec = variant(h100, (d) => {
  d.name = "h100-like-int8";
  d.systolic[0]!.format = "int8";
  d.systolic[0]!.rows = 32;
});
