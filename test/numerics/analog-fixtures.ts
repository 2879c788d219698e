// Shared builders for the analog-numerics tests: a spec with everything explicit, random weights.
import type { AnalogSpec, CrossbarTileSpec, NoiseSpec } from "../../src/spec/types.ts";
import { idealNoise, pcmNoise as pcmSpecNoise } from "../../src/spec/dsl.ts";
import type { LinearWeight } from "../../src/numerics/backend.ts";
import { Rng } from "../../src/util/rng.ts";

/** Ideal devices, with the PCM scales at 1 so `{ ...noNoise, model: "pcm" }` is aihwkit's PCM without output noise. */
export const noNoise: NoiseSpec = idealNoise({ progNoiseScale: 1, readNoiseScale: 1, driftScale: 1 });

export const pcmNoise: NoiseSpec = pcmSpecNoise({ wNoise: 0.0175, outNoise: 0.04, tInfS: 3600, driftCompensation: false });

export function tileSpec(over: Partial<CrossbarTileSpec> = {}): CrossbarTileSpec {
  return {
    rows: 64,
    cols: 64,
    device: "PCM",
    bitsPerCell: 24,
    differential: true,
    gMaxUs: 25,
    gMinUs: 0,
    readVoltageV: 0.2,
    integrationTimeNs: 100,
    noise: noNoise,
    dac: { kind: "pwm", bits: 8 },
    adc: { kind: "sar", bits: 8, colsPerAdc: 1 },
    inputRange: { mode: "dynamic" },
    outBound: 12,
    ...over,
  };
}

export function analogSpec(tile: Partial<CrossbarTileSpec> = {}, over: Partial<AnalogSpec> = {}): AnalogSpec {
  return { tile: tileSpec(tile), tiles: 1024, weightBits: 24, clockHz: 1e9, accumulatorFormat: "fp32", ...over };
}

export function randomWeight(name: string, outF: number, inF: number, seed: number, bias = false): LinearWeight {
  const rng = new Rng(seed);
  const data = new Float32Array(outF * inF);
  for (let j = 0; j < data.length; j++) data[j] = rng.nextGaussian() * 0.05;
  let b: Float32Array | null = null;
  if (bias) {
    b = new Float32Array(outF);
    for (let j = 0; j < outF; j++) b[j] = rng.nextGaussian() * 0.1;
  }
  return { name, outFeatures: outF, inFeatures: inF, data, bias: b };
}

export function randomInput(tokens: number, inF: number, seed: number, scale = 1): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(tokens * inF);
  for (let j = 0; j < x.length; j++) x[j] = rng.nextGaussian() * scale;
  return x;
}

export function maxAbs(a: Float32Array | Float64Array): number {
  let m = 0;
  for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j]));
  return m;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j] - b[j]));
  return m;
}

export function meanAbs(a: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += Math.abs(a[j]);
  return s / a.length;
}
