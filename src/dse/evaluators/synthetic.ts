// A deterministic SYNTHETIC evaluator for tests and runner benchmarks. It is NOT a hardware model and its
// numbers mean nothing physically: it is a smooth function of a few spec fields chosen so the objectives
// conflict (bigger crossbars / arrays / SRAM: faster but larger; more ADC bits: slower and hungrier but
// "more accurate"), which gives Pareto fronts and constraints something to do. Same input => same output.
import { AimcsimError } from "../../errors.ts";
import { Rng, deriveSeed } from "../../util/rng.ts";
import type { Metrics, PointInput } from "../types.ts";

export interface SyntheticOptions {
  /** Sleep this long per point (to make runner and fault tests observable). */
  readonly delayMs?: number;
  /** Busy-compute this long per point (CPU-bound stand-in for a simulation, for runner benchmarks). */
  readonly spinMs?: number;
  /** Throw (a failed point) when the ADC has exactly this many bits. */
  readonly failWhenAdcBits?: number;
}

export async function syntheticEvaluator(input: PointInput, options: unknown): Promise<Metrics> {
  const opts = (options ?? {}) as SyntheticOptions;
  const s = input.spec;
  const adcBits = s.analog?.tile.adc.bits ?? 8;
  if (opts.failWhenAdcBits !== undefined && adcBits === opts.failWhenAdcBits)
    throw new AimcsimError("SimError", "analog.tile.adc.bits", `synthetic failure injected for ${adcBits}-bit ADCs`);
  const xbar = (s.analog?.tile.rows ?? 128) * (s.analog?.tile.cols ?? 128);
  const dacBits = s.analog?.tile.dac.bits ?? 8;
  const dacKind = s.analog?.tile.dac.kind ?? "pwm";
  const pes = s.systolic.reduce((a, x) => a + x.rows * x.cols * x.count, 0);
  const sramBytes = s.sram.reduce((a, x) => a + x.capacityBytes, 0);
  const tokens = input.workload.genTokens * input.workload.batch;
  const dacSpeed = dacKind === "bit-serial" ? 1 / dacBits : dacKind === "pwm" ? 2 / dacBits : 1;
  const analogRate = Math.sqrt(xbar) * dacSpeed / (1 + adcBits / 4);
  const digitalRate = Math.sqrt(pes) * (1 + Math.log2(1 + sramBytes / 2 ** 20) / 4);
  const tokensPerS = (1e3 * analogRate * digitalRate) / (analogRate + digitalRate) / Math.log2(2 + input.workload.promptTokens / 64);
  const powerW = 0.5 + (2 ** adcBits * 1e-3 * xbar) / 65536 + pes * 2e-4 + sramBytes / 2 ** 30;
  const areaMm2 = 20 + xbar / 2048 + (2 ** adcBits) / 16 + pes / 64 + sramBytes / 2 ** 20;
  // Seed-dependent "accuracy" jitter so the seed visibly reaches the evaluator.
  const jitter = (new Rng(deriveSeed(input.seed, input.key)).nextFloat() - 0.5) * 1e-3;
  const accuracy = 1 - 2 ** -adcBits - 0.01 / dacBits + jitter;
  if (opts.spinMs) {
    const until = performance.now() + opts.spinMs;
    while (performance.now() < until) {
      // burn CPU: results do not depend on it
    }
  }
  if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
  return {
    tokensPerS,
    tokensPerJ: tokensPerS / powerW,
    areaMm2,
    energyPerTokenJ: powerW / tokensPerS,
    ttftS: (input.workload.promptTokens / tokensPerS) * 0.1,
    tpotS: 1 / tokensPerS,
    accuracy,
    tokens,
  };
}
