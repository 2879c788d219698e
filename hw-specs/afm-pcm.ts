// A chip in the style of the Analog Foundation Models evaluation (Buchel et al., NeurIPS 2025,
// arXiv 2505.09663): every linear layer analog on PCM tiles with HERMES-like noise, inputs 8-bit with
// STATIC per-layer ranges, outputs 8-bit ADC with one range (out_bound 14); attention, norms, KV cache
// and lm_head digital in FP16.
import { adc, chip, crossbarTile, dac, dram, noc, pcmNoise, sram, systolicArray, vectorUnit } from "../src/spec/index.ts";

export default chip({
  name: "afm-pcm",
  description: "Analog-Foundation-Models-style PCM chip: 8-bit static-range DAC, 8-bit ADC, digital FP16 attention",
  technologyNm: 14, // assumption: HERMES node
  supplyV: 0.8, // assumption
  analog: {
    tile: crossbarTile({
      rows: 512, // AFM / aihwkit tile of 512 inputs
      cols: 1024, // 512 outputs, differential
      device: "PCM",
      bitsPerCell: 8, // analog conductance (assumption: 8-bit levels)
      differential: true,
      gMaxUs: 25, // aihwkit PCM g_max
      gMinUs: 0,
      readVoltageV: 0.2, // assumption
      integrationTimeNs: 128, // assumption: 8-bit PWM window at 1 GHz, as HERMES
      noise: pcmNoise({ tInfS: 3600 }),
      dac: dac({ kind: "pwm", bits: 8 }), // AFM: 8-bit inputs
      adc: adc({ kind: "cco", bits: 8, colsPerAdc: 8 }), // AFM: 8-bit outputs; 8 outputs share one ADC (assumption, for area)
      inputRange: { mode: "static" }, // AFM: static learned/calibrated input ranges per layer
      outBound: 14, // AFM out_bound
    }),
    tiles: 4096, // assumption: enough 512x512-weight tiles for Llama-3.2-1B's projections (3712); larger models span chips
    weightBits: 8,
    clockHz: 1e9,
    accumulatorFormat: "fp16",
  },
  systolic: [systolicArray({ name: "attn-sa", rows: 64, cols: 64, dataflow: "OS", format: "fp16", clockHz: 1e9 })], // AFM: digital FP16 attention; size assumed
  vector: [vectorUnit({ name: "vec", lanes: 64, format: "fp16", clockHz: 1e9 })], // assumption
  sram: [sram({ name: "buffer", capacityBytes: 16 * 2 ** 20, banks: 16, bytesPerCyclePerBank: 32, clockHz: 1e9 })], // assumption
  dram: dram({ kind: "LPDDR5", capacityBytes: 8 * 2 ** 30, bandwidthBytesPerS: 51.2e9, channels: 4 }), // LPDDR5-6400 x64 (JEDEC JESD209-5)
  noc: noc({ topology: "mesh", linkWidthBits: 256, hopLatencyCycles: 1, clockHz: 1e9 }), // assumption
  mapping: { projections: "analog", lmHead: "digital", kvCache: "dram" },
  sources: ["Buchel et al., Analog Foundation Models, NeurIPS 2025 (arXiv 2505.09663)", "IBM aihwkit PCMLikeNoiseModel"],
});
