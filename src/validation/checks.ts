// Each published figure paired with aimcsim's number for it: how it is computed (describeChip peaks, the
// per-MVM cost model, or full simulations), whether a preset was calibrated on it, and its error bound.
// Bounds follow from the goal, not from the errors (issue 14): a held-out row must stay within 25 % (the goal is
// 15 %); a row outside it is a known gap that names the mechanism aimcsim lacks and is bounded at 50 %; a known
// gap beyond 50 % is listed with its mechanism but bounded by nothing and claimed as nothing. The checks are
// two-sided: a known gap that comes within 25 % fails until its label is removed (and one beyond 50 % that
// comes within 50 % fails until it is bounded), so the table cannot keep describing a model that moved.
// A row whose number is computed from another row's (derivedFrom) is shown but is not separate evidence.
import { analogMvmCost, analogMvmCostPrepared, describeChip, dramCost, prepareAnalogTile, weightColumnsPerTile, type PeakPart } from "../components/index.ts";
import { AimcsimError } from "../errors.ts";
import { simulate } from "../sim/index.ts";
import type { SimResult } from "../sim/result.ts";
import type { ChipSpec } from "../spec/types.ts";
import { publishedById, NEURRAM_BREAKDOWN_FJ_PER_OP, NEURRAM_POINTS } from "./published.ts";
import { a100, a100Int8, a100Sxm80, anda, andaFp16Baseline, h100, h100Int8, hermes, intelC2cAt, jia, neurramAt, sinangil } from "./presets.ts";
import { a100LayerOpId, a100VectorOpId, aimcsimGemmMs, aimcsimLayerOpMs, aimcsimVectorOpMs, measuredA100Layer, measuredA100Matmuls, measuredA100VectorOps, VECTOR_OP_OF } from "./gpu-ops.ts";

/** What the Intel C-2C macro's efficiency rows lack. */
const C2C_GAP = "the MAC share's drivers as built: the input row drivers that carry the DAC voltage to the multipliers and the select word-line drivers (aimcsim charges the C-2C capacitors by CiMLoop's model, 8.8 pJ per MVM at 1.0 V, and generic word / bit lines: wang.1v0.macPj is about -78 %); the ADC and the R-2R DACs are within 25 % at 1.0 V";
/** The R-2R DAC inputs (two ladders per input at VDD/2, 5 kOhm) come from CiMLoop's model of this macro, which its
 *  authors built to reproduce the paper's energy split: rows that include the DAC are calibration, not evidence. */
const C2C_DAC_CAL = "R-2R DAC inputs (2 ladders at VDD/2, 5 kOhm) from CiMLoop's model of this paper";

/** Measured A100 matmuls whose latency is dominated by a fixed per-kernel cost (the measurements do not fall
 *  below about 0.03 ms): known gaps, beyond 50 % where the modelled time is a small fraction of that floor. */
const KERNEL_FLOOR_GAP = "kernel launch and the fixed per-kernel cost (the measured latencies do not fall below about 0.03 ms), and cuBLAS wave quantisation, are not modelled";
const A100_MATMUL_GAPS: Readonly<Record<string, "bounded" | "beyond50">> = {
  "a100.matmul.8192x64x64": "beyond50",
  "a100.matmul.8192x128x128": "beyond50",
  "a100.matmul.8192x256x256": "beyond50",
  "a100.matmul.8192x512x512": "beyond50",
  "a100.matmul.8192x1024x1024": "bounded",
};

/** What aimcsim lacks for the measured A100 vector ops (softmax, layernorm, GeLU; the GPT-3 layer's too). aimcsim
 *  lowers them (src/sim/lowering.ts vectorOp) at one element per lane per cycle, at least the time the shared 40 MB
 *  L2 needs for input + output (4 bytes per element at ~7 TB/s), and at least the HBM stream of input + output at
 *  the 2,039 GB/s peak when the two do not fit in the L2. Rows not listed in A100_VECTOR_GAPS are beyond 50 %. */
const VECTOR_OP_FLOOR_GAP =
  "the per-call cost of the measurement: every call pays PyTorch's launch + cuda.synchronise (a floor of about 0.013 ms for eager softmax, 0.048 ms for the torch.compile'd layernorm and GeLU: a property of the harness, not of the chip), which dominates every tensor that fits in the 40 MB L2 (aimcsim: L2-resident, bounded by the L2's bandwidth); for the spilled softmax rows, eager softmax's several passes over each row (max, exp-sum, normalise) and achievable rather than peak HBM bandwidth";
const VECTOR_OP_HBM_GAP =
  "achievable rather than peak HBM bandwidth (aimcsim streams input + output at the 2,039 GB/s peak), more than one pass over the input for softmax and layernorm (row max and exp-sum; mean and variance), and the per-call launch + synchronise floor of the measurement (about 0.013 ms eager, 0.048 ms compiled)";
/** Measured vector-op rows whose tensors spill from the L2 and land within 50 % ("bounded") or 25 % ("heldOut":
 *  no gap) once the lowering streams them from HBM; every other vector row is a known gap beyond 50 %. */
const A100_VECTOR_GAPS: Readonly<Record<string, "bounded" | "heldOut">> = {
  "a100.softmax.32768x4096": "bounded",
  "a100.layernorm.4096x8192": "bounded",
  "a100.layernorm.8192x4096": "bounded",
  "a100.layernorm.16384x4096": "bounded",
  "a100.layernorm.32768x4096": "heldOut",
  "a100.gelu.33554432": "bounded",
  "a100.gelu.67108864": "bounded",
  "a100.gelu.134217728": "bounded",
  "a100.gelu.268435456": "bounded",
  "a100.gelu.536870912": "heldOut",
  "a100.gpt3.prefill.Softmax": "bounded",
  "a100.gpt3.prefill.LayerNorm_MHA": "bounded",
  "a100.gpt3.prefill.LayerNorm_FFN": "bounded",
  "a100.gpt3.prefill.GeLU": "heldOut",
};
const vectorGap = (id: string): Pick<Check, "knownGap" | "beyond50"> => {
  const g = A100_VECTOR_GAPS[id];
  return g === "heldOut" ? {} : g === "bounded" ? { knownGap: VECTOR_OP_HBM_GAP } : { knownGap: VECTOR_OP_FLOOR_GAP, beyond50: true };
};
/** What the GPT-3 layer's GEMMs lack where they are outside 25 %: achievable HBM bandwidth (aimcsim streams at the
 *  datasheet peak), the per-call cost at decode, and the small-K batched GEMM's write-back (prefill Q x K^T). */
const LAYER_GEMM_GAP =
  "achievable HBM bandwidth (aimcsim streams weights, KV and scores at the 2,039 GB/s peak; the measured decode GEMMs reach about 1.1 TB/s, the prefill Q x K^T about half the peak while it writes its 1.6 GB of scores) and the per-call launch + synchronise cost";
const A100_LAYER_GAPS: Readonly<Record<string, "bounded" | "beyond50" | "vector">> = {
  "a100.gpt3.prefill.Q_mul_K": "beyond50",
  "a100.gpt3.decode.Q_K_V": "bounded",
  "a100.gpt3.decode.Q_mul_K": "bounded",
  "a100.gpt3.decode.A_mul_V": "bounded",
  "a100.gpt3.decode.Wo_proj": "bounded",
};

/** What the GPUs' peak power still lacks after operand delivery and the whole die's leakage (issue 14). */
const GPU_POWER_GAP =
  "the board's other consumers: HBM background / refresh and the HBM PHYs, VRM conversion loss, clock tree and the SM pipeline (instruction issue, operand collectors, scheduling), L2 / NoC traffic, leakage at operating temperature; and the MAC and SRAM energies themselves, scaled from Horowitz's 45 nm figures to 7 nm / 5 nm by Stillmaker-Baas (about 13x lower), which real tensor cores do not reach";

export interface Check {
  readonly id: string;
  readonly usedForCalibration: boolean;
  /** The mechanism aimcsim lacks, for a row outside the 25 % held-out bound. */
  readonly knownGap?: string;
  /** A calibration row whose very number a parameter was fitted to (bound 1 %); other calibration rows (an input
   *  set after the row was seen, not fitted to it) keep the held-out / known-gap bounds. */
  readonly fitted?: boolean;
  /** A known gap beyond 50 %: listed, not bounded (fails if it comes within 50 %, to be bounded then). */
  readonly beyond50?: boolean;
  /** The row this one's published or simulated value is computed from (not separate evidence). */
  readonly derivedFrom?: string;
  readonly note: string;
  /** aimcsim's value, and the published value when it is computed at run time (rooflines). */
  readonly run: (ctx: CheckContext) => { readonly simulated: number; readonly published?: number };
}

/** What HERMES' energy rows still lack (the generic periphery, supply scaling and leakage are modelled). */
const HERMES_GAP =
  "HERMES' CCO input current mirror, which drives each oscillator with a trimmed copy of the column current from the supply during the read (ratio not published), and the CCO's oscillator and counter as built (aimcsim charges the survey-median ADC energy, 0.44 nJ per core MVM); the LDPU's fp16 datapath and local memories as built; the generic mean conductance 0.25 and input activity 0.5";
/** The read-current rail of the HERMES preset (0.8 V, the chip supply assumption) was set after seeing these rows. */
const HERMES_CAL = "CALIBRATION (read current drawn from the drivers' 0.8 V rail, set after seeing the row)";

/** Bounds from the goal (issue 14), in percent. */
export const BOUNDS = { heldOut: 25, knownGap: 50, calibration: 1 } as const;

/** The |error| bound of a check (Infinity for a known gap beyond 50 %: listed, not bounded). */
export function boundOf(c: Pick<Check, "usedForCalibration" | "knownGap" | "beyond50" | "fitted">): number {
  if (c.usedForCalibration && c.fitted) return BOUNDS.calibration;
  if (c.knownGap !== undefined) return c.beyond50 ? Infinity : BOUNDS.knownGap;
  return BOUNDS.heldOut;
}

/** Known gaps of the NeuRRAM rows, by id, with the mechanism aimcsim lacks (recorded from the table of this
 *  change; see test/validation/README.md). */
const NEURON_ADC_GAP =
  "NeuRRAM's neuron converts by charge decrement, its energy about linear in the output bits; aimcsim's survey SAR model grows as 2^bits (low at 3-6 bits, high at 9-10); the integrator's amplifier bias is not modelled";
const INPUT_DRIVER_GAP = "ISAAC-derived 1-bit row drivers node-scaled to 130 nm stand in for NeuRRAM's ternary pulse drivers; the bit lines are assumed to swing V_read every phase";
const WL_GAP = "word-line capacitance from the reported per-cell values times the row length; the chip's WL toggling per two-phase input is approximated as one toggle per plane";
const NEURRAM_GAPS: Readonly<Record<string, string>> = {
  "neurram.in7.out9.topsPerW": NEURON_ADC_GAP,
  "neurram.in8.out10.topsPerW": NEURON_ADC_GAP,
  "neurram.in1.out3.neuronNj": NEURON_ADC_GAP,
  "neurram.in2.out4.neuronNj": NEURON_ADC_GAP,
  "neurram.in3.out5.neuronNj": NEURON_ADC_GAP,
  "neurram.in4.out6.neuronNj": NEURON_ADC_GAP,
  "neurram.in7.out9.neuronNj": NEURON_ADC_GAP,
  "neurram.in1.out3.inputNj": INPUT_DRIVER_GAP,
  "neurram.in2.out4.inputNj": INPUT_DRIVER_GAP,
  "neurram.in3.out5.inputNj": INPUT_DRIVER_GAP,
  "neurram.in4.out6.inputNj": INPUT_DRIVER_GAP,
  "neurram.in5.out7.inputNj": INPUT_DRIVER_GAP,
  "neurram.in6.out8.inputNj": INPUT_DRIVER_GAP,
  "neurram.in7.out9.inputNj": INPUT_DRIVER_GAP,
  "neurram.in8.out10.inputNj": INPUT_DRIVER_GAP,
  "neurram.in4.out6.wlNj": WL_GAP,
  "neurram.in8.out10.wlNj": WL_GAP,
};
const NEURRAM_BEYOND_50: ReadonlySet<string> = new Set(["neurram.in7.out9.neuronNj", "neurram.in8.out10.neuronNj"]);
const neurramGap = (id: string): Pick<Check, "knownGap" | "beyond50"> =>
  NEURRAM_GAPS[id] !== undefined || NEURRAM_BEYOND_50.has(id)
    ? { knownGap: NEURRAM_GAPS[id] ?? NEURON_ADC_GAP, ...(NEURRAM_BEYOND_50.has(id) ? { beyond50: true } : {}) }
    : {};

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
function fullTileMvm(chip: ChipSpec): { latencyPs: number; energyJ: number; dacJ: number; arrayJ: number; adcJ: number; peripheryJ: number; weightCols: number } {
  const a = chip.analog;
  if (!a) throw new AimcsimError("SimError", chip.name, "the chip has no analog tiles");
  const weightCols = weightColumnsPerTile(a.tile, a.weightBits);
  const ctx = { supplyV: chip.supplyV, ...(a.periphery !== undefined ? { periphery: a.periphery } : {}) };
  const c = analogMvmCost(a.tile, a.weightBits, chip.technologyNm, a.clockHz, a.tile.rows, weightCols, undefined, undefined, a.accumulatorFormat, ctx);
  const e = c.energyByComponentJ;
  return { latencyPs: c.latencyPs, energyJ: e.dac + e.crossbar + e.adc + e.accumulate + e.periphery, dacJ: e.dac, arrayJ: e.crossbar, adcJ: e.adc, peripheryJ: e.periphery, weightCols };
}

/** A full-tile MVM split by mechanism: the four converter/array/accumulate components and the periphery's parts
 *  (src/components/periphery.ts), all through the cost model the simulator uses (J). */
export function tileBreakdown(chip: ChipSpec): {
  dac: number; array: number; adc: number; accumulate: number; wordline: number; bitline: number;
  sampleIntegrate: number; ldpu: number; buffers: number; clock: number; total: number; weightCols: number; latencyPs: number;
} {
  const a = chip.analog;
  if (!a) throw new AimcsimError("SimError", chip.name, "the chip has no analog tiles");
  const m = prepareAnalogTile(a.tile, a.weightBits, chip.technologyNm, a.clockHz, a.accumulatorFormat, { supplyV: chip.supplyV, ...(a.periphery !== undefined ? { periphery: a.periphery } : {}) });
  const weightCols = weightColumnsPerTile(a.tile, a.weightBits);
  const c = analogMvmCostPrepared(m, a.tile.rows, weightCols);
  const e = c.energyByComponentJ;
  const p = m.periphery!;
  const rows = a.tile.rows;
  const physicalCols = weightCols * m.colsPerWeight;
  const outputs = Math.ceil(physicalCols / (a.tile.differential ? 2 : 1));
  const conversions = weightCols * m.sliceGroups * m.planeGroups;
  const cycles = c.latencyPs / m.cyclePs;
  const parts = {
    wordline: rows * m.phases * p.wordlineJ,
    bitline: physicalCols * m.phases * p.bitlineJ,
    sampleIntegrate: conversions * p.sampleJ + outputs * m.extraIntegrationCycles * p.integrateJ,
    ldpu: outputs * p.ldpuJ,
    buffers: outputs * p.outputBufferJ + rows * p.inputBufferJ,
    clock: conversions * p.clockJPerConversion + cycles * p.clockJPerRowCycle * rows,
  };
  const sum = parts.wordline + parts.bitline + parts.sampleIntegrate + parts.ldpu + parts.buffers + parts.clock;
  if (Math.abs(sum - e.periphery) > 1e-9 * Math.max(sum, e.periphery, 1e-30))
    throw new AimcsimError("SimError", chip.name, `periphery parts (${sum}) do not add up to the cost model's periphery energy (${e.periphery})`);
  return { dac: e.dac, array: e.crossbar, adc: e.adc, accumulate: e.accumulate, ...parts, total: e.dac + e.crossbar + e.adc + e.accumulate + e.periphery, weightCols, latencyPs: c.latencyPs };
}

/** Analog area of a chip (DAC + array + ADC + accumulation), mm^2. */
function analogAreaMm2(chip: ChipSpec): number {
  const a = describeChip(chip).areaByComponentMm2;
  return a.dac + a.crossbar + a.adc + a.accumulate + a.periphery;
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


export const CHECKS: readonly Check[] = [
  // ---------------------------------------------------------------- HERMES (hw-specs/hermes.ts, not calibrated)
  { id: "hermes.1phase.tops", usedForCalibration: false, note: "describeChip analog peak: 64 cores x 65,536 MACs per 129 ns MVM", run: (c) => ({ simulated: c.peak(hermes, "analog").tops }) },
  { id: "hermes.4phase.tops", usedForCalibration: false, derivedFrom: "hermes.1phase.tops", note: "one-phase peak / 4 (four sequential reads; no read-phase field in the spec)", run: (c) => ({ simulated: c.peak(hermes, "analog").tops / HERMES_PHASES_4 }) },
  { id: "hermes.1phase.mvmNs", usedForCalibration: false, derivedFrom: "hermes.1phase.tops", note: "analogMvmCost: 128 ns PWM window, CCO converting in it, + 1 cycle", run: () => ({ simulated: fullTileMvm(hermes).latencyPs / 1e3 }) },
  { id: "hermes.4phase.mvmNs", usedForCalibration: false, derivedFrom: "hermes.1phase.tops", note: "4 x the one-phase MVM", run: () => ({ simulated: (HERMES_PHASES_4 * fullTileMvm(hermes).latencyPs) / 1e3 }) },
  { id: "hermes.1phase.mvmEnergyNj", usedForCalibration: true, derivedFrom: "hermes.1phase.topsPerW", knownGap: HERMES_GAP, note: `${HERMES_CAL}: DAC + array + ADC + accumulate + tile periphery (word/bit lines, LDPU, buffers, clock) at 0.8 V; leakage in the TOPS/W rows`, run: () => ({ simulated: fullTileMvm(hermes).energyJ * 1e9 }) },
  { id: "hermes.1phase.topsPerW", usedForCalibration: true, knownGap: HERMES_GAP, note: `${HERMES_CAL}: converters, array, accumulators, tile periphery, supply-scaled, plus the tiles' leakage`, run: (c) => ({ simulated: c.peak(hermes, "analog").topsPerW }) },
  { id: "hermes.4phase.topsPerW", usedForCalibration: true, derivedFrom: "hermes.1phase.topsPerW", knownGap: HERMES_GAP, note: `${HERMES_CAL}: 4 x one-phase MVM energy; same omissions as the one-phase row`, run: (c) => ({ simulated: c.peak(hermes, "analog").topsPerW / HERMES_PHASES_4 }) },
  { id: "hermes.1phase.powerW", usedForCalibration: true, derivedFrom: "hermes.1phase.topsPerW", knownGap: HERMES_GAP, note: `${HERMES_CAL}: analog part at peak: dynamic (converters, array, periphery) + the tiles' leakage`, run: (c) => ({ simulated: c.peak(hermes, "analog").powerW }) },
  { id: "hermes.core.topsPerW", usedForCalibration: true, derivedFrom: "hermes.1phase.topsPerW", knownGap: HERMES_GAP, note: `${HERMES_CAL}: per core = the chip's analog-part efficiency (tile periphery with an LDPU, leakage of the tiles)`, run: (c) => ({ simulated: c.peak(hermes, "analog").topsPerW }) },
  { id: "hermes.core.topsPerMm2", usedForCalibration: false, knownGap: "area of the LDPU, local SRAM, control and routing; the 4-device PCM unit cell", beyond50: true, note: "analog area only (cells 25 F^2, converters, shift-add); no LDPU, SRAM, routing", run: (c) => ({ simulated: c.peak(hermes, "analog").tops / analogAreaMm2(hermes) }) },

  // ---------------------------------------------------------------- NeuRRAM (hw-specs/neurram.ts, not calibrated)
  ...NEURRAM_POINTS.flatMap(([inB, outB]): Check[] => [
    {
      id: `neurram.in${inB}.out${outB}.topsPerW`,
      // Calibration: the preset's conductance window, periphery voltages and periphery flags were set after this
      // row had been seen (from CiMLoop's cell file and the figure's legend; not fitted to it).
      usedForCalibration: true,
      ...neurramGap(`neurram.in${inB}.out${outB}.topsPerW`),
      note: "describeChip analog peak of neurramAt(in, out); planes integrated per two-phase phase, one conversion per phase",
      run: (c) => ({ simulated: c.peak(neurramAt(inB, outB), "analog").topsPerW }),
    },
    {
      id: `neurram.in${inB}.out${outB}.tops`,
      usedForCalibration: false,
      note: "48 cores; plane k integrated 2^k times (one clock each), one full (bits+1)-step conversion per phase",
      run: (c) => ({ simulated: c.peak(neurramAt(inB, outB), "analog").tops }),
    },
  ]),

  // NeuRRAM energy by mechanism (Fig. 12 b): word lines, neuron, input pulses.
  ...NEURRAM_BREAKDOWN_FJ_PER_OP.flatMap(([inB, outB]): Check[] => {
    const b = (c: CheckContext) => c.cached(`neurram-breakdown:${inB}:${outB}`, () => tileBreakdown(neurramAt(inB, outB)));
    const NJ = 1e9; // J -> nJ (unit conversion)
    return [
      { id: `neurram.in${inB}.out${outB}.wlNj`, usedForCalibration: true, ...neurramGap(`neurram.in${inB}.out${outB}.wlNj`), note: "periphery word-line switching: rows x phases x C_wl x 1.3 V x 2.2 V x 4/3; voltages from the figure's legend (set after the row was seen)", run: (c) => ({ simulated: b(c).wordline * NJ }) },
      { id: `neurram.in${inB}.out${outB}.neuronNj`, usedForCalibration: true, ...neurramGap(`neurram.in${inB}.out${outB}.neuronNj`), note: "ADC + accumulate + sample/integrate + clock/control (neuron supply 1.8 V from the legend, set after the row was seen)", run: (c) => { const x = b(c); return { simulated: (x.adc + x.accumulate + x.sampleIntegrate + x.clock + x.ldpu) * NJ }; } },
      { id: `neurram.in${inB}.out${outB}.inputNj`, usedForCalibration: true, ...neurramGap(`neurram.in${inB}.out${outB}.inputNj`), note: "DACs (0.5 V drivers) + array V^2 G t (CiMLoop cell 4 uS on-state) + bit lines; inputs set after the row was seen", run: (c) => { const x = b(c); return { simulated: (x.dac + x.array + x.bitline) * NJ }; } },
    ];
  }),

  // ---------------------------------------------------------------- SRAM macros
  { id: "sinangil.gops", usedForCalibration: true, fitted: true, note: "CALIBRATED: periphery clock set so one MVM takes the paper's 5.5 ns", run: (c) => ({ simulated: c.peak(sinangil, "analog").tops * 1e3 }) },
  { id: "sinangil.topsPerW", usedForCalibration: true, /* periphery flags (no LDPU, no buffers) set after the row was seen */ knownGap: "flash comparators and row drivers at the macro's 7 nm, 0.8 V circuits (generic survey comparator, no supply scaling)", beyond50: true, note: "one conversion per weight (slicesPerConversion 4) on flash ADCs of 40 fJ/comparator (not node-scaled); ADC 62 %, PWM drivers 34 % of the modelled energy", run: (c) => ({ simulated: c.peak(sinangil, "analog").topsPerW }) },
  { id: "jia.tops1b", usedForCalibration: true, fitted: true, note: "CALIBRATED: periphery clock set so one 1-b MVM takes 1.35 us", run: (c) => ({ simulated: c.peak(jia, "analog").tops }) },
  { id: "jia.topsPerW1b", usedForCalibration: true, /* periphery flags (no LDPU/buffers, no separate bit-line swing) and the leakage density set after the row was seen */ note: "2 fF cell (CiMLoop), survey SAR ADC and ISAAC DAC supply-scaled to 0.85 V, word lines, clock; leakage at the chip's own 65 nm figure (hwcomponents-library jia.py)", run: (c) => ({ simulated: c.peak(jia, "analog").topsPerW }) },
  { id: "jia.adcPj", usedForCalibration: false, note: "Murmann-survey median SAR: 20.6 fJ x 2^7 at 1.0 V, x (0.85 V / 1.0 V)^2 (supply scaling), not node-scaled", run: () => { const m = fullTileMvm(jia); return { simulated: (m.adcJ / m.weightCols) * 1e12 }; } },
  { id: "jia.cimPjPerCol", usedForCalibration: true, /* bitlineSwingV 0 set after the row was seen */ knownGap: "the CIMU's column drivers and its full capacitor network (CiMLoop models column drivers); aimcsim's row drivers are ISAAC 1-bit DACs node-scaled to 65 nm", note: "(row DACs + word-line switching + array) / 256 columns", run: () => { const b = tileBreakdown(jia); return { simulated: ((b.dac + b.wordline + b.array) / b.weightCols) * 1e12 }; } },

  // ---------------------------------------------------------------- GPUs (peaks calibrated by construction)
  { id: "a100.int8.tops", usedForCalibration: true, fitted: true, note: "CALIBRATED: 432 tensor cores x 16x32 INT8 PEs x 1.41 GHz", run: (c) => ({ simulated: c.peak(a100Int8, "total").tops }) },
  { id: "a100.fp16.tflops", usedForCalibration: true, fitted: true, note: "CALIBRATED: 432 x 16x16 FP16 PEs x 1.41 GHz", run: (c) => ({ simulated: c.peak(a100, "total").tops }) },
  { id: "h100.int8.tops", usedForCalibration: true, fitted: true, note: "CALIBRATED: 528 x 32x32 INT8 PEs x 1.83 GHz", run: (c) => ({ simulated: c.peak(h100Int8, "total").tops }) },
  { id: "h100.fp16.tflops", usedForCalibration: true, fitted: true, note: "CALIBRATED: 528 x 16x32 FP16 PEs x 1.83 GHz", run: (c) => ({ simulated: c.peak(h100, "total").tops }) },
  { id: "a100.int8.topsPerW", usedForCalibration: false, knownGap: GPU_POWER_GAP, beyond50: true, note: "Horowitz MACs scaled to 7 nm (10.7 W) + register-file / shared-memory operand delivery (28.3 W) + leakage of the whole 826 mm^2 die (12.3 W) = 51.3 W at peak", run: (c) => ({ simulated: c.peak(a100Int8, "total").topsPerW }) },
  { id: "a100.fp16.topsPerW", usedForCalibration: false, knownGap: GPU_POWER_GAP, beyond50: true, note: "as the INT8 row with the FP16 tensor-core datapath (Horowitz FP16 MACs) and mma.m16n8k16 operand delivery", run: (c) => ({ simulated: c.peak(a100, "total").topsPerW }) },
  { id: "h100.fp16.topsPerW", usedForCalibration: false, knownGap: GPU_POWER_GAP, beyond50: true, note: "as the H100 INT8 row with the FP16 datapath and wgmma.m64n256k16 operand delivery", run: (c) => ({ simulated: c.peak(h100, "total").topsPerW }) },
  { id: "h100.int8.topsPerW", usedForCalibration: false, knownGap: GPU_POWER_GAP, beyond50: true, note: "as the A100 row on the h100-like preset (N5-family scaling, wgmma operand delivery, 814 mm^2 die): 75 W at peak", run: (c) => ({ simulated: c.peak(h100Int8, "total").topsPerW }) },
  {
    id: "a100.decode.roofline",
    usedForCalibration: false,
    derivedFrom: "aimcsim's own DRAM byte count (a roofline, not a measurement)",
   
    note: "simulated decode step vs HBM bytes / 1,555 GB/s",
    run: (c) => { const d = gpuDecode(c, a100); return { simulated: d.tokensPerS, published: d.rooflineTokensPerS }; },
  },
  {
    id: "h100.decode.roofline",
    usedForCalibration: false,
    derivedFrom: "aimcsim's own DRAM byte count (a roofline, not a measurement)",
   
    note: "simulated decode step vs HBM bytes / 3.35 TB/s",
    run: (c) => { const d = gpuDecode(c, h100); return { simulated: d.tokensPerS, published: d.rooflineTokensPerS }; },
  },

  // ---------------------------------------------------------------- Intel 22 nm C-2C macro (hw-specs/intel-c2c-22nm.ts)
  { id: "wang.0v7.tops", usedForCalibration: true, note: "CALIBRATED: periphery clock set so one MVM takes CiMLoop's 6.9 ns at 0.7 V (0.297 TOPS; the paper's 0.3 is rounded)", run: (c) => ({ simulated: c.peak(intelC2cAt(0.7), "analog").tops }) },
  { id: "wang.1v1.tops", usedForCalibration: true, note: "clock x (V / 0.7 V)^1.1: CiMLoop's latency scale, fitted by its authors to the same paper (not by aimcsim)", run: (c) => ({ simulated: c.peak(intelC2cAt(1.1), "analog").tops }) },
  { id: "wang.0v7.topsPerW", usedForCalibration: true, note: `CALIBRATION (${C2C_DAC_CAL}): survey SAR ADCs (supply-scaled), R-2R DACs' static current over the MVM, C-2C multiplier capacitors (CiMLoop's model), word lines, clock, leakage of the logic (not of the ladders' resistors); the MAC share is about -78 % (wang.1v0.macPj: row and select drivers missing), so the row is not evidence that the split is right`, run: (c) => ({ simulated: c.peak(intelC2cAt(0.7), "analog").topsPerW }) },
  { id: "wang.1v1.topsPerW", usedForCalibration: true, knownGap: C2C_GAP, note: `CALIBRATION (${C2C_DAC_CAL}): as at 0.7 V, with every supply-dependent energy at 1.1 V`, run: (c) => ({ simulated: c.peak(intelC2cAt(1.1), "analog").topsPerW }) },
  { id: "wang.1v0.adcPj", usedForCalibration: false, note: "16 conversions of the survey-median 8-bit SAR at 1.0 V", run: () => ({ simulated: tileBreakdown(intelC2cAt(1.0)).adc * 1e12 }) },
  { id: "wang.1v0.dacPj", usedForCalibration: true, note: `CALIBRATION (${C2C_DAC_CAL}): 64 inputs x 2 R-2R ladders, V_ref^2 x 1.444 / 2R (mean over uniform codes) held over the 4.6 ns MVM, + bit switches; CiMLoop's own input histogram is not used`, run: () => ({ simulated: tileBreakdown(intelC2cAt(1.0)).dac * 1e12 }) },
  { id: "wang.1v0.macPj", usedForCalibration: true, knownGap: "the input row drivers that carry the DAC voltage to the 16 multipliers of a row and the select word-line drivers as built (CiMLoop models them with NeuroSim-style driver energies fitted to this figure; aimcsim has only generic word / bit-line C V^2)", beyond50: true, note: "CALIBRATION (C_u 2 fF and the 1.67/8 reference-node scale from CiMLoop's model of this paper): C-2C multiplier capacitors, 1024 weights x 8 bits x 3 C_u V^2 (1.67/48 + 1/(4 sqrt 3)) (CiMLoop c2c_multiplier model, uniform inputs, random weight bits) + word lines + bit lines", run: () => { const b = tileBreakdown(intelC2cAt(1.0)); return { simulated: (b.array + b.wordline + b.bitline) * 1e12 }; } },

  // ---------------------------------------------------------------- A100 per-operator latency (measured, LLMCompass)
  ...measuredA100Matmuls().map(({ m, n, k }): Check => {
    const id = `a100.matmul.${m}x${n}x${k}`;
    const gap = A100_MATMUL_GAPS[id];
    return {
      id,
      usedForCalibration: false,
      ...(gap !== undefined ? { knownGap: KERNEL_FLOOR_GAP, ...(gap === "beyond50" ? { beyond50: true } : {}) } : {}),
      note: "SCALE-Sim folds over 432 tensor-core arrays (split as the simulator splits over instances), at least the HBM transfer of A, B, C at 2,039 GB/s (the measured A100 80 GB)",
      run: () => ({ simulated: aimcsimGemmMs(a100Sxm80, m, n, k) }),
    };
  }),
  ...measuredA100VectorOps().map(({ op, m, n, occurrence }): Check => ({
    id: a100VectorOpId(op, m, n, occurrence),
    usedForCalibration: false,
    ...vectorGap(a100VectorOpId(op, m, n, occurrence)),
    note: `the simulator's vector-op lowering (${VECTOR_OP_OF[op]}) on the a100-80gb-like preset's CUDA-core vector unit; input + output through the shared L2, streamed from HBM when they exceed its 40 MB`,
    run: () => ({ simulated: aimcsimVectorOpMs(a100Sxm80, VECTOR_OP_OF[op], m * n) }),
  })),
  ...measuredA100Layer().map((op): Check => {
    const id = a100LayerOpId(op.phase, op.name);
    const gap = op.vector ? "vector" : A100_LAYER_GAPS[id];
    return {
      id,
      usedForCalibration: false,
      ...(gap === "vector" ? vectorGap(id) : gap !== undefined ? { knownGap: LAYER_GEMM_GAP, ...(gap === "beyond50" ? { beyond50: true } : {}) } : {}),
      note: op.gemm
        ? `${op.gemm.times > 1 ? `${op.gemm.times} x ` : ""}${op.gemm.batch > 1 ? `${op.gemm.batch} x ` : ""}GEMM M ${op.gemm.m}, N ${op.gemm.n}, K ${op.gemm.k}: as the matmul rows`
        : `vector op ${op.vector!.op} over ${op.vector!.elements} elements: as the softmax / layernorm / GeLU rows`,
      run: () => ({ simulated: aimcsimLayerOpMs(a100Sxm80, op) }),
    };
  }),

  // ---------------------------------------------------------------- Anda (seed claim, numeric)
  {
    id: "anda.prefill.speedup",
    usedForCalibration: false,
   
    note: `geomean over ${ANDA_MODELS.join(", ")}: FP16-baseline / Anda projection time, ${ANDA_PROMPT}-token prefill, 8 mantissa planes`,
    run: (c) => ({ simulated: geomean(ANDA_MODELS.map((m) => { const r = andaRuns(c, m); return r.base.prefill.timeByOpClassS.projection / r.anda.prefill.timeByOpClassS.projection; })) }),
  },
  {
    id: "anda.prefill.energyGain",
    usedForCalibration: false,
   
    note: "geomean: FP16-baseline / Anda projection energy in prefill (DRAM weight traffic included)",
    run: (c) => ({ simulated: geomean(ANDA_MODELS.map((m) => { const r = andaRuns(c, m); return r.base.prefill.energyByOpClassJ.projection / r.anda.prefill.energyByOpClassJ.projection; })) }),
  },
];

/** The published figure a check compares against (throws when the id has none: a programming error). */
export function publishedFor(id: string): { quantity: string; unit: string; value: number; source: string } {
  const p = publishedById.get(id);
  if (!p) throw new AimcsimError("SimError", id, "no published figure with this id in src/validation/published.ts");
  return p;
}
