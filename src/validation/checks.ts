// Each published figure paired with aimcsim's number for it: how it is computed (describeChip peaks, the
// per-MVM cost model, or full simulations), whether a preset was calibrated on it, and its recorded error
// bound. The bound is the |error| recorded when the row was last reviewed, plus headroom (about 10 % of the
// error, at least 3 points); a model change that moves an error past its bound fails `npm run validate`
// and test/validation, and must be reviewed (and the bound re-recorded with the reason) rather than ignored.
import { analogMvmCost, describeChip, dramCost, weightColumnsPerTile, type PeakPart } from "../components/index.ts";
import { AimcsimError } from "../errors.ts";
import { simulate } from "../sim/index.ts";
import type { SimResult } from "../sim/result.ts";
import type { ChipSpec } from "../spec/types.ts";
import { publishedById, NEURRAM_POINTS } from "../../test/validation/published.ts";
import hermes from "../../hw-specs/hermes.ts";
import { neurramAt } from "../../hw-specs/neurram.ts";
import sinangil from "../../hw-specs/sinangil-7nm-sram.ts";
import jia from "../../hw-specs/jia-65nm-sram.ts";
import a100, { a100Int8 } from "../../hw-specs/a100-like.ts";
import h100, { h100Int8 } from "../../hw-specs/h100-like.ts";
import anda, { andaFp16Baseline } from "../../hw-specs/anda-like.ts";

export interface Check {
  readonly id: string;
  readonly usedForCalibration: boolean;
  readonly bound: number;
  readonly note: string;
  /** aimcsim's value, and the published value when it is computed at run time (rooflines). */
  readonly run: (ctx: CheckContext) => { readonly simulated: number; readonly published?: number };
}

/** Memoised expensive results shared by several checks within one validation run. */
export class CheckContext {
  private readonly memo = new Map<string, unknown>();
  cached<T>(key: string, f: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, f());
    return this.memo.get(key) as T;
  }
  peak(chip: ChipSpec, part: string): PeakPart {
    return this.cached(`peak:${chip.name}:${part}`, () => {
      const p = describeChip(chip).peak.find((x) => x.part === part);
      if (!p) throw new AimcsimError("SimError", `${chip.name}.peak`, `describeChip has no peak part "${part}"`);
      return p;
    });
  }
  sim(key: string, f: () => SimResult): SimResult {
    return this.cached(`sim:${key}`, f);
  }
}

/** A full-tile MVM on a chip's analog tile, through the same cost function the simulator uses. */
function fullTileMvm(chip: ChipSpec): { latencyPs: number; energyJ: number; dacJ: number; arrayJ: number; adcJ: number; weightCols: number } {
  const a = chip.analog;
  if (!a) throw new AimcsimError("SimError", chip.name, "the chip has no analog tiles");
  const weightCols = weightColumnsPerTile(a.tile, a.weightBits);
  const c = analogMvmCost(a.tile, a.weightBits, chip.technologyNm, a.clockHz, a.tile.rows, weightCols, undefined, undefined, a.accumulatorFormat);
  const e = c.energyByComponentJ;
  return { latencyPs: c.latencyPs, energyJ: e.dac + e.crossbar + e.adc + e.accumulate, dacJ: e.dac, arrayJ: e.crossbar, adcJ: e.adc, weightCols };
}

/** Analog area of a chip (DAC + array + ADC + accumulation), mm^2. */
function analogAreaMm2(chip: ChipSpec): number {
  const a = describeChip(chip).areaByComponentMm2;
  return a.dac + a.crossbar + a.adc + a.accumulate;
}

/** HERMES' four-phase read: each MVM is read in four phases (the unit cell's devices one after another), so four
 *  times the time and energy of a one-phase MVM. The spec language has no read-phase field; this factor is it. */
const HERMES_PHASES_4 = 4;

/** Batch-1 decode of llama-3.2-1b (FP16 weights) after a 64-token prompt: one measured decode step. */
function gpuDecode(ctx: CheckContext, chip: ChipSpec): { tokensPerS: number; rooflineTokensPerS: number } {
  const r = ctx.sim(`decode:${chip.name}`, () => simulate({ chip, model: "llama-3.2-1b", promptTokens: 64, genTokens: 2 }).result);
  const bytesPerStep = r.decode.energyByComponentJ.dram / (8 * dramCost(chip.dram).energyPerBitJ); // 8 bits per byte (definition)
  return { tokensPerS: r.decodeTokensPerS, rooflineTokensPerS: chip.dram.bandwidthBytesPerS / bytesPerStep };
}

/** Anda's evaluation models: OPT and LLaMA families (arXiv 2411.15982); here their smallest presets. */
export const ANDA_MODELS = ["opt-1.3b", "llama-3.2-1b"] as const;
/** Prefill length for the FP-INT GeMM comparison (assumption: long enough that the GeMMs are compute-bound). */
export const ANDA_PROMPT = 512;

export function andaRuns(ctx: CheckContext, model: string): { anda: SimResult; base: SimResult } {
  return ctx.cached(`anda:${model}`, () => ({
    anda: simulate({ chip: anda, model, promptTokens: ANDA_PROMPT, genTokens: 2 }).result,
    base: simulate({ chip: andaFp16Baseline, model, promptTokens: ANDA_PROMPT, genTokens: 2 }).result,
  }));
}
const geomean = (xs: readonly number[]): number => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

/** Recorded |error| bounds of the NeuRRAM rows (see the header for how bounds are recorded). Re-recorded when
 *  hw-specs/neurram.ts gained the neuron's analog integration of the input bit-planes (dac.planesPerConversion,
 *  two-phase mode, repeated integration): one conversion per phase instead of per plane. */
const NEURRAM_BOUNDS: Readonly<Record<string, number>> = {
  "neurram.in1.out3.topsPerW": 12,
  "neurram.in1.out3.tops": 22,
  "neurram.in2.out4.topsPerW": 18,
  "neurram.in2.out4.tops": 20,
  "neurram.in3.out5.topsPerW": 4,
  "neurram.in3.out5.tops": 14,
  "neurram.in4.out6.topsPerW": 7,
  "neurram.in4.out6.tops": 10,
  "neurram.in5.out7.topsPerW": 4,
  "neurram.in5.out7.tops": 17,
  "neurram.in6.out8.topsPerW": 8,
  "neurram.in6.out8.tops": 17,
  "neurram.in7.out9.topsPerW": 16,
  "neurram.in7.out9.tops": 17,
  "neurram.in8.out10.topsPerW": 21,
  "neurram.in8.out10.tops": 16,
};

export const CHECKS: readonly Check[] = [
  // ---------------------------------------------------------------- HERMES (hw-specs/hermes.ts, not calibrated)
  { id: "hermes.1phase.tops", usedForCalibration: false, bound: 7, note: "describeChip analog peak: 64 cores x 65,536 MACs per 129 ns MVM", run: (c) => ({ simulated: c.peak(hermes, "analog").tops }) },
  { id: "hermes.4phase.tops", usedForCalibration: false, bound: 4, note: "one-phase peak / 4 (four sequential reads; no read-phase field in the spec)", run: (c) => ({ simulated: c.peak(hermes, "analog").tops / HERMES_PHASES_4 }) },
  { id: "hermes.1phase.mvmNs", usedForCalibration: false, bound: 6, note: "analogMvmCost: 128 ns PWM window, CCO converting in it, + 1 cycle", run: () => ({ simulated: fullTileMvm(hermes).latencyPs / 1e3 }) },
  { id: "hermes.4phase.mvmNs", usedForCalibration: false, bound: 4, note: "4 x the one-phase MVM", run: () => ({ simulated: (HERMES_PHASES_4 * fullTileMvm(hermes).latencyPs) / 1e3 }) },
  { id: "hermes.1phase.mvmEnergyNj", usedForCalibration: false, bound: 86, note: "DAC + array + ADC + accumulate only; no LDPU, local memories, network, leakage", run: () => ({ simulated: fullTileMvm(hermes).energyJ * 1e9 }) },
  { id: "hermes.1phase.topsPerW", usedForCalibration: false, bound: 392, note: "compute-only power (converters, array, accumulators); chip figure includes digital units, network, bias", run: (c) => ({ simulated: c.peak(hermes, "analog").topsPerW }) },
  { id: "hermes.4phase.topsPerW", usedForCalibration: false, bound: 384, note: "4 x one-phase MVM energy; same omissions as the one-phase row", run: (c) => ({ simulated: c.peak(hermes, "analog").topsPerW / HERMES_PHASES_4 }) },
  { id: "hermes.core.topsPerW", usedForCalibration: false, bound: 357, note: "per core = chip compute-only efficiency; the core figure includes its LDPU", run: (c) => ({ simulated: c.peak(hermes, "analog").topsPerW }) },
  { id: "hermes.core.topsPerMm2", usedForCalibration: false, bound: 470, note: "analog area only (cells 25 F^2, converters, shift-add); no LDPU, SRAM, routing", run: (c) => ({ simulated: c.peak(hermes, "analog").tops / analogAreaMm2(hermes) }) },

  // ---------------------------------------------------------------- NeuRRAM (hw-specs/neurram.ts, not calibrated)
  ...NEURRAM_POINTS.flatMap(([inB, outB]): Check[] => [
    {
      id: `neurram.in${inB}.out${outB}.topsPerW`,
      usedForCalibration: false,
      bound: NEURRAM_BOUNDS[`neurram.in${inB}.out${outB}.topsPerW`] ?? 0,
      note: "describeChip analog peak of neurramAt(in, out); planes integrated per two-phase phase, one conversion per phase",
      run: (c) => ({ simulated: c.peak(neurramAt(inB, outB), "analog").topsPerW }),
    },
    {
      id: `neurram.in${inB}.out${outB}.tops`,
      usedForCalibration: false,
      bound: NEURRAM_BOUNDS[`neurram.in${inB}.out${outB}.tops`] ?? 0,
      note: "48 cores; plane k integrated 2^k times (one clock each), one full (bits+1)-step conversion per phase",
      run: (c) => ({ simulated: c.peak(neurramAt(inB, outB), "analog").tops }),
    },
  ]),

  // ---------------------------------------------------------------- SRAM macros
  { id: "sinangil.gops", usedForCalibration: true, bound: 1, note: "CALIBRATED: periphery clock set so one MVM takes the paper's 5.5 ns", run: (c) => ({ simulated: c.peak(sinangil, "analog").tops * 1e3 }) },
  { id: "sinangil.topsPerW", usedForCalibration: false, bound: 69, note: "one conversion per weight (slicesPerConversion 4) on flash ADCs of 40 fJ/comparator (not node-scaled); ADC 62 %, PWM drivers 34 % of the modelled energy", run: (c) => ({ simulated: c.peak(sinangil, "analog").topsPerW }) },
  { id: "jia.tops1b", usedForCalibration: true, bound: 1, note: "CALIBRATED: periphery clock set so one 1-b MVM takes 1.35 us", run: (c) => ({ simulated: c.peak(jia, "analog").tops }) },
  { id: "jia.topsPerW1b", usedForCalibration: false, bound: 17, note: "compute-only; 1.2 fF cell (assumption), survey SAR ADC, ISAAC DAC at 65 nm", run: (c) => ({ simulated: c.peak(jia, "analog").topsPerW }) },
  { id: "jia.adcPj", usedForCalibration: false, bound: 53, note: "Murmann-survey median SAR: 20.6 fJ x 2^7, not node-scaled", run: () => { const m = fullTileMvm(jia); return { simulated: (m.adcJ / m.weightCols) * 1e12 }; } },
  { id: "jia.cimPjPerCol", usedForCalibration: false, bound: 26, note: "(row drivers + array) / 256 columns", run: () => { const m = fullTileMvm(jia); return { simulated: ((m.dacJ + m.arrayJ) / m.weightCols) * 1e12 }; } },

  // ---------------------------------------------------------------- GPUs (peaks calibrated by construction)
  { id: "a100.int8.tops", usedForCalibration: true, bound: 1, note: "CALIBRATED: 432 tensor cores x 16x32 INT8 PEs x 1.41 GHz", run: (c) => ({ simulated: c.peak(a100Int8, "total").tops }) },
  { id: "a100.fp16.tflops", usedForCalibration: true, bound: 1, note: "CALIBRATED: 432 x 16x16 FP16 PEs x 1.41 GHz", run: (c) => ({ simulated: c.peak(a100, "total").tops }) },
  { id: "h100.int8.tops", usedForCalibration: true, bound: 1, note: "CALIBRATED: 528 x 32x32 INT8 PEs x 1.83 GHz", run: (c) => ({ simulated: c.peak(h100Int8, "total").tops }) },
  { id: "h100.fp16.tflops", usedForCalibration: true, bound: 1, note: "CALIBRATED: 528 x 16x32 FP16 PEs x 1.83 GHz", run: (c) => ({ simulated: c.peak(h100, "total").tops }) },
  { id: "a100.int8.topsPerW", usedForCalibration: false, bound: 4005, note: "Horowitz MACs scaled to 7 nm, compute only; board power adds HBM, SRAM, control, leakage, VRMs", run: (c) => ({ simulated: c.peak(a100Int8, "total").topsPerW }) },
  {
    id: "a100.decode.roofline",
    usedForCalibration: false,
    bound: 5,
    note: "simulated decode step vs HBM bytes / 1,555 GB/s",
    run: (c) => { const d = gpuDecode(c, a100); return { simulated: d.tokensPerS, published: d.rooflineTokensPerS }; },
  },
  {
    id: "h100.decode.roofline",
    usedForCalibration: false,
    bound: 9,
    note: "simulated decode step vs HBM bytes / 3.35 TB/s",
    run: (c) => { const d = gpuDecode(c, h100); return { simulated: d.tokensPerS, published: d.rooflineTokensPerS }; },
  },

  // ---------------------------------------------------------------- Anda (seed claim, numeric)
  {
    id: "anda.prefill.speedup",
    usedForCalibration: false,
    bound: 17,
    note: `geomean over ${ANDA_MODELS.join(", ")}: FP16-baseline / Anda projection time, ${ANDA_PROMPT}-token prefill, 8 mantissa planes`,
    run: (c) => ({ simulated: geomean(ANDA_MODELS.map((m) => { const r = andaRuns(c, m); return r.base.prefill.timeByOpClassS.projection / r.anda.prefill.timeByOpClassS.projection; })) }),
  },
  {
    id: "anda.prefill.energyGain",
    usedForCalibration: false,
    bound: 14,
    note: "geomean: FP16-baseline / Anda projection energy in prefill (DRAM weight traffic included)",
    run: (c) => ({ simulated: geomean(ANDA_MODELS.map((m) => { const r = andaRuns(c, m); return r.base.prefill.energyByOpClassJ.projection / r.anda.prefill.energyByOpClassJ.projection; })) }),
  },
];

/** The published figure a check compares against (throws when the id has none: a programming error). */
export function publishedFor(id: string): { quantity: string; unit: string; value: number; source: string } {
  const p = publishedById.get(id);
  if (!p) throw new AimcsimError("SimError", id, "no published figure with this id in test/validation/published.ts");
  return p;
}
