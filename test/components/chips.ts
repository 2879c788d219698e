// Test chips for the component models: plain objects typed as ChipSpec with every required field.
import type { ChipSpec, CrossbarTileSpec, NoiseSpec } from "../../src/spec/types.ts";
import { VECTOR_OPS } from "../../src/spec/schema.ts";
import { pcmNoise as pcmSpecNoise } from "../../src/spec/dsl.ts";

export const pcmNoise: NoiseSpec = pcmSpecNoise({ relSigma: 0.02, readRelSigma: 0.01, wNoise: 0.0175, outNoise: 0.04 });

/** HERMES-like core: 256 x 256 unit cells, differential PCM (512 physical columns), 8-bit PWM in, 8-bit CCO out. */
export const hermesTile: CrossbarTileSpec = {
  rows: 256,
  cols: 512,
  device: "PCM",
  bitsPerCell: 4,
  differential: true,
  gMaxUs: 25,
  gMinUs: 0,
  readVoltageV: 0.2,
  integrationTimeNs: 100,
  noise: pcmNoise,
  dac: { kind: "pwm", bits: 8 },
  adc: { kind: "cco", bits: 8, colsPerAdc: 1 },
  inputRange: { mode: "static" },
  outBound: 10,
};

export const hybridChip: ChipSpec = {
  name: "test-hybrid",
  description: "HERMES-like analog tiles plus a digital attention systolic array",
  technologyNm: 14,
  supplyV: 0.8,
  analog: { tile: hermesTile, tiles: 64, weightBits: 8, clockHz: 1e9, accumulatorFormat: "int32" },
  systolic: [{ name: "attn", rows: 32, cols: 32, dataflow: "OS", format: "int8", clockHz: 1e9, count: 2 }],
  vector: [{ name: "nl", lanes: 64, format: "fp16", clockHz: 1e9, count: 1, ops: [...VECTOR_OPS] }],
  bitSerial: [{ name: "anda", groupSize: 64, units: 256, clockHz: 285e6, count: 1 }],
  sram: [{ name: "global", capacityBytes: 8 * 1024 * 1024, banks: 16, bytesPerCyclePerBank: 32, clockHz: 1e9 }],
  dram: { kind: "LPDDR4", capacityBytes: 8 * 1024 ** 3, bandwidthBytesPerS: 25.6e9, channels: 2 },
  noc: { topology: "mesh", linkWidthBits: 256, hopLatencyCycles: 2, clockHz: 1e9 },
  mapping: { projections: "analog", lmHead: "digital", kvCache: "dram" },
  sources: ["test fixture"],
};

export const digitalChip: ChipSpec = {
  ...hybridChip,
  name: "test-digital",
  analog: undefined,
  bitSerial: [],
  mapping: { projections: "digital", lmHead: "digital", kvCache: "dram" },
};

/** The HERMES core as published: 256 x 256 unit cells (one 8-bit weight per differential unit cell), 8-bit
 *  signed PWM inputs (128 ns window at 1 GHz), 256 CCO ADCs (Le Gallo et al., Nature Electronics 2023). */
export const hermesCoreTile: CrossbarTileSpec = { ...hermesTile, bitsPerCell: 8, integrationTimeNs: 128 };

export const hermesChip: ChipSpec = {
  ...hybridChip,
  name: "test-hermes",
  analog: { tile: hermesCoreTile, tiles: 64, weightBits: 8, clockHz: 1e9, accumulatorFormat: "fp16" },
  systolic: [],
  vector: [],
  bitSerial: [],
};
