// Seed hybrid analog/digital chip for 1-bit (ternary) LLMs, in the style of PIM-LLM
// (Malekar et al., "PIM-LLM: A High-Throughput Hybrid PIM Architecture for 1-bit LLMs", arXiv 2504.01994):
//  - 1T1R memristive (RRAM) crossbars hold the binary/ternary projection weights stationary; each PE has
//    its DAC, ADC and post-processing; partial sums are reduced digitally (PIM-LLM: 4x4 PEs per tile,
//    adder tree, tiles in banks with a global buffer).
//  - an 8-bit output-stationary systolic array (PIM-LLM's "TPU") runs the attention matmuls;
//    vector units do softmax, norms and activations;
//  - LPDDR off-chip memory holds the KV cache (PIM-LLM targets the edge with LPDDR).
// Numbers below that the paper does not state are assumptions, marked as such.
import { adc, chip, crossbarTile, dac, dram, noc, rramNoise, sram, systolicArray, vectorUnit } from "../src/spec/index.ts";

export default chip({
  name: "hybrid-bitnet",
  description: "PIM-LLM-style hybrid: ternary weights in RRAM crossbars, int8 OS systolic array for attention, LPDDR4",
  technologyNm: 32, // assumption: ISAAC's node (Shafiee et al., ISCA 2016), whose ADC figures docs/REFERENCES.md [isaac-isca2016] gives
  supplyV: 0.9, // assumption: nominal logic supply at 32 nm
  // Idle units power-gated (leakage only while busy: src/components/leakage.ts). Set after the PIM-LLM tokens/J
  // trend was seen to fail with always-on leakage (gain below 1 at long contexts); the digital baseline does the same.
  powerGating: true,
  analog: {
    tile: crossbarTile({
      rows: 256, // assumption: 256x256 crossbars, the common PIM size (NeuRRAM, HERMES cores are 256x256)
      cols: 256, // 128 differential pairs = 128 ternary weight columns
      device: "RRAM", // PIM-LLM: 1T1R memristive crossbars
      bitsPerCell: 1, // binary cells; a differential pair of binary cells stores a ternary weight {-1, 0, +1}
      differential: true,
      gMaxUs: 25, // assumption: same on-state as aihwkit's PCM g_max (docs/REFERENCES.md [aihwkit]) for comparable read energy
      gMinUs: 0.25, // assumption: on/off ratio 100 for 1T1R RRAM
      readVoltageV: 0.2, // assumption: typical RRAM read voltage below the set threshold
      integrationTimeNs: 10, // assumption: one bit-serial input phase
      noise: rramNoise(
        0.02, // relSigma, assumption: 2% of g_max programming spread for binary RRAM states
        0.01, // readRelSigma, assumption: 1% read noise
        { outNoise: 0.04 }, // aihwkit StandardHWATrainingPreset out_noise (docs/REFERENCES.md [aihwkit])
      ),
      dac: dac({ kind: "bit-serial", bits: 8 }), // 8-bit activations fed one bit per cycle (ISAAC-style)
      adc: adc({ kind: "sar", bits: 8, colsPerAdc: 16 }), // assumption: 8-bit SAR shared by 16 outputs (ISAAC shares one ADC per 128 columns)
      inputRange: { mode: "dynamic" },
      outBound: 12, // aihwkit default out_bound
    }),
    tiles: 16384, // assumption: enough crossbars for the PIM-LLM 1-bit GPT2-350M..774M and OPT-1.3B-class models on one chip (larger ones span chips)
    weightBits: 2, // ternary
    clockHz: 1e9, // assumption
    accumulatorFormat: "int32",
  },
  systolic: [
    systolicArray({ name: "attn-sa", rows: 64, cols: 64, dataflow: "OS", format: "int8", clockHz: 1e9 }), // PIM-LLM: 8-bit OS array; size assumed
  ],
  vector: [vectorUnit({ name: "vec", lanes: 64, format: "fp16", clockHz: 1e9 })], // assumption
  sram: [sram({ name: "global-buffer", capacityBytes: 8 * 2 ** 20, banks: 16, bytesPerCyclePerBank: 32, clockHz: 1e9 })], // assumption
  dram: dram({ kind: "LPDDR4", capacityBytes: 8 * 2 ** 30, bandwidthBytesPerS: 25.6e9, channels: 4 }), // LPDDR4-3200 x64: 25.6 GB/s (JEDEC JESD209-4)
  noc: noc({ topology: "mesh", linkWidthBits: 256, hopLatencyCycles: 1, clockHz: 1e9 }), // assumption
  mapping: { projections: "analog", lmHead: "analog", kvCache: "dram" }, // PIM-LLM: all projection MatMuls on crossbars
  sources: [
    "Malekar et al., PIM-LLM, arXiv 2504.01994 (architecture)",
    "Shafiee et al., ISAAC, ISCA 2016 (bit-serial inputs, shared SAR ADCs)",
    "JEDEC JESD209-4 LPDDR4 (bandwidth)",
  ],
});
