// Plain ChipSpec objects for the mapping tests (no constructors: the mapping must accept any validated spec).
import type { ChipSpec, CrossbarTileSpec } from "../../src/spec/types.ts";
import { idealNoise } from "../../src/spec/dsl.ts";

export const tile = (rows: number, cols: number, bitsPerCell = 1, differential = true): CrossbarTileSpec => ({
  rows,
  cols,
  device: "RRAM",
  bitsPerCell,
  differential,
  gMaxUs: 25,
  gMinUs: 0,
  readVoltageV: 0.2,
  integrationTimeNs: 100,
  noise: idealNoise({ progNoiseScale: 1, readNoiseScale: 1, driftScale: 1 }),
  dac: { kind: "pwm", bits: 8 },
  adc: { kind: "sar", bits: 8, colsPerAdc: 8 },
  inputRange: { mode: "dynamic" },
  outBound: 12,
});

/** A PIM-LLM-like hybrid chip: ternary weights on 1-bit differential cells, a systolic array and a vector unit. */
export const hybridChip = (over: Partial<ChipSpec> & { tiles?: number; weightBits?: number; t?: CrossbarTileSpec } = {}): ChipSpec => {
  const { tiles = 4096, weightBits = 2, t = tile(256, 256), ...rest } = over;
  return {
    name: "test-hybrid",
    description: "mapping test chip",
    technologyNm: 22,
    supplyV: 0.8,
    analog: { tile: t, tiles, weightBits, clockHz: 1e9, accumulatorFormat: "int32" },
    systolic: [{ name: "sa0", rows: 32, cols: 32, dataflow: "OS", format: "int8", clockHz: 1e9, count: 1 }],
    vector: [{ name: "vu0", lanes: 64, format: "fp16", clockHz: 1e9, count: 1, ops: ["softmax", "norm", "rope", "activation", "elementwise"] }],
    bitSerial: [],
    sram: [{ name: "gbuf", capacityBytes: 8 * 2 ** 20, banks: 16, bytesPerCyclePerBank: 16, clockHz: 1e9 }],
    dram: { kind: "LPDDR5", capacityBytes: 16 * 2 ** 30, bandwidthBytesPerS: 51.2e9, channels: 4 },
    noc: { topology: "mesh", linkWidthBits: 256, hopLatencyCycles: 1, clockHz: 1e9 },
    mapping: { projections: "analog", lmHead: "digital", kvCache: "sram" },
    sources: [],
    ...rest,
  };
};
