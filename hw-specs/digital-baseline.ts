// All-digital baseline for the hybrid chip: the same node, memories and attention unit, with the
// projection layers on a large int8 output-stationary systolic array instead of crossbars. Weights
// stream from LPDDR4 (they do not fit on chip), as in the digital baselines of PIM-LLM (arXiv 2504.01994)
// and Malekar & Zand, "Amdahl's law for LLMs" (TMLR 2025, arXiv 2408.11939; SCALE-Sim, OS dataflow).
import { chip, dram, noc, sram, systolicArray, vectorUnit } from "../src/spec/index.ts";

export default chip({
  name: "digital-baseline",
  description: "All-digital int8 systolic baseline: projections and attention on OS systolic arrays, LPDDR4",
  technologyNm: 32, // same node as hybrid-bitnet
  supplyV: 0.9, // same as hybrid-bitnet
  powerGating: true, // same as hybrid-bitnet (leakage only while busy)
  systolic: [
    // 64 arrays of 128x128 int8 PEs: about the hybrid chip's area (~230 vs ~358 mm^2 at 32 nm, `aimcsim describe`)
    // and its peak (2.1 vs 1.6 int8 POPS); sizes are an assumption chosen for that comparison.
    systolicArray({ name: "proj-sa", rows: 128, cols: 128, dataflow: "OS", format: "int8", clockHz: 1e9, count: 64 }),
    systolicArray({ name: "attn-sa", rows: 64, cols: 64, dataflow: "OS", format: "int8", clockHz: 1e9 }), // same attention unit as hybrid-bitnet
  ],
  vector: [vectorUnit({ name: "vec", lanes: 64, format: "fp16", clockHz: 1e9 })],
  sram: [sram({ name: "global-buffer", capacityBytes: 16 * 2 ** 20, banks: 32, bytesPerCyclePerBank: 32, clockHz: 1e9 })], // assumption: twice the hybrid's buffer for weight staging
  dram: dram({ kind: "LPDDR4", capacityBytes: 8 * 2 ** 30, bandwidthBytesPerS: 25.6e9, channels: 4 }), // LPDDR4-3200 x64 (JEDEC JESD209-4)
  noc: noc({ topology: "mesh", linkWidthBits: 256, hopLatencyCycles: 1, clockHz: 1e9 }),
  mapping: { projections: "digital", lmHead: "digital", kvCache: "dram" },
  sources: ["Malekar & Zand, Amdahl's law for LLMs, TMLR 2025 (arXiv 2408.11939)", "JEDEC JESD209-4 LPDDR4"],
});
