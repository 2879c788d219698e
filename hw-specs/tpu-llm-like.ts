// PIM-LLM's all-digital baseline ("TPU-LLM"; Malekar et al., "PIM-LLM: A High-Throughput Hybrid PIM Architecture
// for 1-bit LLMs", arXiv 2504.01994, docs/REFERENCES.md [pimllm-2025-tpu]): one small 8-bit output-stationary
// systolic array runs every MatMul (projections and attention), weights streamed from LPDDR.
//
// What the paper states (as read for this preset, see [pimllm-2025-tpu]): its TPU is a 32 x 32 8-bit systolic array
// with an output-stationary dataflow, synthesised at 45 nm, clocked at 100 MHz, with 8 MB of SRAM; LPDDR off-chip.
// ASSUMPTION (not stated in the material read): that TPU-LLM uses that same TPU for all of its MatMuls. Everything
// else below (supply, vector unit, SRAM banking, LPDDR generation, bandwidth and capacity, NoC) is not stated and is
// an assumption, marked as such on its line; the LPDDR bandwidth in particular sets the decode speed of this chip.
import { chip, dram, noc, sram, systolicArray, vectorUnit } from "../src/spec/index.ts";

export default chip({
  name: "tpu-llm-like",
  description: "PIM-LLM's digital TPU-LLM baseline: one 32x32 int8 OS systolic array at 100 MHz, 8 MB SRAM, 45 nm, LPDDR",
  technologyNm: 45, // PIM-LLM: TPU synthesised at 45 nm (docs/REFERENCES.md [pimllm-2025-tpu])
  supplyV: 1.0, // assumption: nominal 45 nm logic supply (not stated)
  powerGating: true, // assumption: as hybrid-bitnet and digital-baseline (leakage only while busy), for a like-for-like comparison
  systolic: [
    // PIM-LLM: 32 x 32 PEs, 8-bit, output stationary, 100 MHz (docs/REFERENCES.md [pimllm-2025-tpu]); count 1: assumption
    systolicArray({ name: "tpu", rows: 32, cols: 32, dataflow: "OS", format: "int8", clockHz: 100e6 }),
  ],
  // assumption: softmax/norm/activation unit with one fp16 lane per array column at the array's clock (not stated)
  vector: [vectorUnit({ name: "nonlinear", lanes: 32, format: "fp16", clockHz: 100e6 })],
  // PIM-LLM: 8 MB SRAM (docs/REFERENCES.md [pimllm-2025-tpu]); banking assumption: 2 banks x 32 B/cycle, the array's
  // 32 + 32 operand bytes per cycle at 100 MHz
  sram: [sram({ name: "tpu-sram", capacityBytes: 8 * 2 ** 20, banks: 2, bytesPerCyclePerBank: 32, clockHz: 100e6 })],
  // PIM-LLM: LPDDR off-chip; generation, bandwidth and capacity are assumptions: LPDDR4-3200 x64, 25.6 GB/s
  // (JEDEC JESD209-4), 8 GiB, as hybrid-bitnet and digital-baseline
  dram: dram({ kind: "LPDDR4", capacityBytes: 8 * 2 ** 30, bandwidthBytesPerS: 25.6e9, channels: 4 }),
  noc: noc({ topology: "mesh", linkWidthBits: 256, hopLatencyCycles: 1, clockHz: 100e6 }), // assumption (one array: no NoC stated)
  mapping: { projections: "digital", lmHead: "digital", kvCache: "dram" }, // all-digital: every MatMul on the TPU
  sources: [
    "Malekar et al., PIM-LLM, arXiv 2504.01994 (TPU: 32x32 int8 OS array, 100 MHz, 45 nm, 8 MB SRAM, LPDDR)",
    "JEDEC JESD209-4 LPDDR4 (assumed bandwidth)",
  ],
});
