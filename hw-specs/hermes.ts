// IBM HERMES-like 14 nm PCM chip (Le Gallo et al., "A 64-core mixed-signal in-memory compute chip based on
// phase-change memory for deep neural network inference", Nature Electronics 2023; Khaddam-Aljameh et al.,
// IEEE JSSC 2022): 64 cores of 256x256 unit cells, each cell 4 PCM devices (2 per sign, differential),
// 8-bit pulse-width-modulated inputs, 256 current-controlled-oscillator (CCO) ADCs per core (one per
// output column, 300 ps/LSB), 1 GHz local digital units, an on-chip network.
// HERMES has no attention hardware; a small digital companion (marked assumption) lets transformers run.
import { adc, chip, crossbarTile, dac, dram, noc, pcmNoise, sram, systolicArray, vectorUnit } from "../src/spec/index.ts";

export default chip({
  name: "hermes",
  description: "IBM HERMES-like 14 nm PCM chip: 64 cores x 256x256, 8-bit PWM inputs, 8-bit CCO ADCs",
  technologyNm: 14, // Le Gallo et al. 2023
  supplyV: 0.8, // assumption: nominal 14 nm logic supply
  analog: {
    tile: crossbarTile({
      rows: 256, // 256x256 unit cells per core
      cols: 512, // 256 outputs, differential (G+ and G- device groups)
      device: "PCM",
      bitsPerCell: 8, // analog conductance; modelled as 8-bit levels (assumption; the noise model dominates)
      differential: true,
      gMaxUs: 25, // aihwkit PCM g_max (docs/REFERENCES.md [aihwkit])
      gMinUs: 0,
      readVoltageV: 0.2, // assumption: PCM read voltage well below threshold switching
      // The read current is drawn from the input drivers' rail: HERMES applies the inputs as read pulses on the
      // bit lines at V_cm +/- V_read around a common-mode level (Khaddam-Aljameh et al. JSSC 2022), the drivers
      // powered from the chip supply (assumption: the 0.8 V supply above; set after seeing the energy rows).
      readSupplyV: 0.8,
      integrationTimeNs: 128, // 8-bit signed PWM: 2^7 unit pulses of 1 ns at 1 GHz (Khaddam-Aljameh JSSC 2022)
      noise: pcmNoise({ tInfS: 3600 }),
      dac: dac({ kind: "pwm", bits: 8 }), // 8-bit PWM inputs
      adc: adc({ kind: "cco", bits: 8, colsPerAdc: 1 }), // 256 CCO ADCs per core, 300 ps/LSB
      inputRange: { mode: "dynamic" },
      outBound: 12, // aihwkit default out_bound
    }),
    tiles: 64, // 64 cores
    weightBits: 8, // assumption: analog weights quantised to 8 bits at programming
    clockHz: 1e9, // 1 GHz digital units
    accumulatorFormat: "fp16", // local digital processing units work in fp16 (Le Gallo 2023)
  },
  systolic: [systolicArray({ name: "attn-sa", rows: 32, cols: 32, dataflow: "OS", format: "fp16", clockHz: 1e9 })], // assumption: companion digital unit
  vector: [vectorUnit({ name: "vec", lanes: 32, format: "fp16", clockHz: 1e9 })], // assumption
  sram: [sram({ name: "buffer", capacityBytes: 2 * 2 ** 20, banks: 8, bytesPerCyclePerBank: 32, clockHz: 1e9 })], // assumption
  dram: dram({ kind: "LPDDR4", capacityBytes: 4 * 2 ** 30, bandwidthBytesPerS: 25.6e9, channels: 4 }), // assumption, JEDEC JESD209-4
  noc: noc({ topology: "mesh", linkWidthBits: 128, hopLatencyCycles: 1, clockHz: 1e9 }), // assumption
  mapping: { projections: "analog", lmHead: "digital", kvCache: "sram" },
  sources: [
    "Le Gallo et al., Nature Electronics 6, 680 (2023)",
    "Khaddam-Aljameh et al., IEEE JSSC 57(4) 2022",
    "IBM aihwkit PCMLikeNoiseModel (noise)",
  ],
});
