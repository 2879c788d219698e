// The analog crossbar backend: every projection weight is programmed once onto (noisy) crossbar cells at
// construction, then each linear() runs aihwkit's forward order per tile (IBM aihwkit
// src/aihwkit/simulator/parameters/io.py; docs/REFERENCES.md [aihwkit], [aihwkit-io]):
//   input range (dynamic abs-max per tile input vector, or a static per-layer bound) -> DAC quantise and
//   clip -> W x with the programmed + drifted + read-noisy conductances -> output-referred weight noise
//   w_noise * sqrt(sum_i |w_i| x_i^2) * N -> out_noise * N -> ADC quantise, clip at +-outBound ->
//   digital rescale (input range x weight scale x drift-compensation alpha) -> digital accumulation of
//   bit slices and of row-tile partial sums.
// Units inside a tile are aihwkit's normalised ones: inputs in [-1, 1] after the range, weights
// (G+ - G-)/(g_max - g_min) in [-1, 1], so outBound is in the same units as aihwkit's out_bound.

import type { AnalogSpec } from "../../spec/types.ts";
import type { LinearBackend, LinearWeight } from "../backend.ts";
import { AimcsimError } from "../../errors.ts";
import { Rng, deriveSeed } from "../../util/rng.ts";
import { createNoiseModel, globalDriftAlpha, normal, type ConductanceNoiseModel } from "../noise/index.ts";
import { fillNormal } from "../noise/gaussian.ts";
import { tileGrid, type TileSpan } from "./tiling.ts";
import { groupScale, quantizeWeight, sliceLevel, weightEncoding, type WeightEncoding } from "./encoding.ts";
import { exactLinear, gemmTile, gemmTileNoise } from "./kernels.ts";
import { allocF32, allocInt16Rows, bankOf, freeNow, tryAlloc64, type Bank } from "../kernels/arena.ts";
import { releasedLinearWeight } from "../../formats/tensors.ts"; // programmed slices live in a kernel bank (read in place)
import { gemmInt16 } from "../kernels/gemm.ts";
import { TILE_JOB, TILE_JOB_BYTES, VAR_CHUNK } from "../kernels/wasm.ts";
import { kernelThreads, parallelRescale, parallelTileJobs } from "../kernels/pool.ts";
import { accumulatorFor, convertReady, convertTile, normalsFor, stackBuffer, tileMvmInt, type EpilogueParams } from "../kernels/convert.ts";
import { LayerCounters, histQuantile, type AnalogLayerStats, type AnalogStats } from "./stats.ts";
import { TABLE_MAX_BITS, accumulator, conversionPlan, dacCodeLevels, groupInput, onesOf, roundAcc, type ConversionPlan, type PlaneGroup, type SliceGroup } from "./conversion.ts";

/** Static input ranges per layer (HF name without ".weight"), e.g. from calibrateInputRanges. */
export interface InputCalibration {
  readonly bounds: Readonly<Record<string, number>>;
  /** Optional per-row-tile bounds (one per row tile of the mapping, in order), overriding `bounds` for that layer. */
  readonly tileBounds?: Readonly<Record<string, readonly number[]>>;
}

export interface AnalogBackendOptions {
  readonly seed: number;
  /** Seconds since programming; defaults to analog.tile.noise.tInfS. */
  readonly tInfS?: number;
  /** Static input ranges (needed when analog.tile.inputRange.mode is "static" and it has no bound). */
  readonly calibration?: InputCalibration;
  /** Record AnalogStats (default true). */
  readonly record?: boolean;
  /** Ideal periphery: no DAC/ADC quantisation or clipping and no w_noise/out_noise (device noise stays). */
  readonly ideal?: boolean;
  /** Weight-to-conductance scale: g_max / max|W| per physical tile column (default) or per tile. */
  readonly weightScaling?: "column" | "tile";
  /** Overrides analog.tile.noise.driftCompensation. */
  readonly driftCompensation?: boolean;
  /** How the drift-compensation readout is taken (aihwkit GlobalDriftCompensation reads the tile with one-hot
   *  inputs right after programming and at t_inf, alpha = mean|y_ref| / mean|y_t|, readouts clamped at 1e-4):
   *  "ideal" (default): both readouts noise-free and unquantised (mean |programmed| and |drifted| weights);
   *  "noisy": both through the tile's read path as aihwkit does (read noise, w_noise, out_noise, ADC rounding and
   *  clipping; a one-hot input is one full-scale PWM-style conversion per slice group: assumption for bit-serial);
   *  "exact-reference": the reference is the exact target weights (aihwkit 1.1
   *  GlobalDriftCompensationWithExactReference), the readout at t_inf through the noisy path. */
  readonly driftReadout?: "ideal" | "noisy" | "exact-reference";
  /** One compensation factor per output column instead of one per tile (default false). */
  readonly perColumnCompensation?: boolean;
  /** aihwkit forward.bound_management: "none" (default) or "iterative": while any ADC conversion of a token's
   *  row-tile MVM saturates, halve its input (range x 2) and redo it, at most until the input resolution
   *  2^k / (2^bits - 2) exceeds aihwkit's max_bm_res 0.25 (5 halvings at 8 bits). Decided per row tile (the
   *  input shared by its column tiles; aihwkit decides per tile: approximation). */
  readonly boundManagement?: "none" | "iterative";
  /** aihwkit forward.noise_management for dynamic input ranges: "abs-max" (default; per token and row tile),
   *  "average-abs-max" (the mean over a call's tokens of their abs-max, one range per row tile and call),
   *  "none" (range 1: inputs taken as already in [-1, 1], aihwkit NONE with inp_bound 1). */
  readonly noiseManagement?: "abs-max" | "average-abs-max" | "none";
  /** Static ADC errors (CrossSim-style), drawn once per output line (one logical column and slice group of a
   *  tile) at programming: offset ~ N(0, adcOffsetLsb) LSB and gain 1 + N(0, adcGainSigma); default 0. */
  readonly adcOffsetLsb?: number;
  readonly adcGainSigma?: number;
  /** Stuck-at faults (MNSIM-style): the fraction of devices stuck at g_min (off) or at g_max (on), whatever they
   *  were programmed to; default 0. */
  readonly stuckOffRate?: number;
  readonly stuckOnRate?: number;
  /** How the tiles' MVMs are computed (src/numerics/kernels/wasm.ts kernelInt):
   *  "int16" (default): after programming (noise, drift, compensation all in float64 as before), each slice's
   *  effective weights are held as int16 per output row, w = s_o * A (s_o = max_i |w_oi| / AmaxY, A rounded),
   *  and the tile inputs as the integers the DAC applies (PWM: the code c, x = c / L; bit-serial: the group's
   *  integer input), so W x is summed exactly in int32 and rounded once (gemm_i16): |error| <= max_i |w_oi| /
   *  (2 AmaxY) * sum_i |x_i| (AmaxY = 32767 for tiles up to 2048 rows and 8-bit inputs: 1.5e-5 of the row's
   *  largest weight per unit input, against PCM programming noise of ~1e-2 of g_max). The w_noise variance
   *  v = sum_i |w_i| x_i^2 uses |w| quantised to AmaxV per row and the integer squared inputs (gemmv_i16, int32
   *  chunks of 16 steps): |error| <= max_i |w_i| / (2 AmaxV) * sum_i x_i^2 (AmaxV = 4161 at 8-bit PWM: a
   *  relative error below 1e-3 unless the x^2-weighted mean |w| of the row is under 12 % of its largest |w|);
   *  v only sets the std of the noise draw. The float32 copy of the weights is freed (2 bytes per device slice,
   *  4 with w_noise).
   *  "float32": the weights stay float32 and W x and v are float32 sums in one pass (gemmn_f32 / gemm_f32).
   *  The integer form is used only where it is exact as stated: DACs up to 12 bits whose tile inputs are
   *  integers with AmaxY >= 2047, and (with w_noise) squared inputs up to 32767; otherwise, and with ideal
   *  periphery, float32. */
  readonly tileArithmetic?: "int16" | "float32";
  /** Where the ADC epilogue runs: "wasm" (default; src/numerics/kernels/convert.ts, bit-identical to the
   *  JavaScript one) or "js" (the reference). Joined slices, ADC errors, iterative bound management and
   *  fp8 accumulators always run in JavaScript. */
  readonly epilogue?: "wasm" | "js";
}

/** int16 tiles with w_noise: calls of at most this many tokens compute W x and the variance in one pass over the
 *  tile codes (gemmyv_i16, bit-identical to the two passes): at few tokens the weights' memory traffic dominates. */
export const FUSE_MAX_TOKENS = 4;

export type AnalogBackend = LinearBackend & {
  /**
   * Program one more weight after construction (a streamed load: loadModel's onLinear). Returns the stand-in
   * (releasedLinearWeight) that the model keeps and linear() is called with; the backend keeps only the programmed
   * conductances, so the source values can be dropped. Same devices as passing the weight to createAnalogBackend.
   */
  program(w: LinearWeight): LinearWeight;
  stats(): AnalogStats;
  /** Zero the recorded statistics (programming is kept). */
  resetStats(): void;
};

interface ProgrammedTile {
  readonly rows: TileSpan;
  readonly cols: TileSpan;
  /** Per slice: effective normalised weights [cols.length x rows.length], row-major by output. */
  readonly slices: Float32Array[];
  /** Digital scale per output column: group digital scale / qMax * alpha. */
  readonly colScale: Float64Array;
  readonly alpha: number;
  /** Per output line (o * sliceGroups + s): ADC gain 1 + error and offset in LSB; empty without ADC errors. */
  readonly adcGain: Float64Array;
  readonly adcOffset: Float64Array;
  /** Per slice, for the integer variance pass: |slice| as int16 codes and the per-row scale (empty when unused). */
  readonly varA: Uint16Array[];
  readonly varS: Float32Array[];
  /** Per slice, the int16 tile weights and per-row scale (times the input unit) of tileArithmetic "int16"; then
   *  `slices` is empty (freed). Empty otherwise. */
  readonly intA: Uint16Array[];
  readonly intS: Float32Array[];
  /** The tile's per-MVM periphery noise: its own stream (deriveSeed(seed, name + "/mvm/" + tile index)), one
   *  standard normal per conversion in (slice group, token, output) order, whichever code path or thread runs it. */
  readonly rng: Rng;
}

interface ProgrammedLayer {
  readonly w: LinearWeight;
  readonly rowTiles: readonly TileSpan[];
  readonly tiles: ProgrammedTile[]; // row-tile-major: tiles[r * nColTiles + c]
  readonly nColTiles: number;
  readonly staticBound: number; // NaN when dynamic
  /** Static bound per row tile (all = staticBound unless per-tile bounds were given); empty when dynamic. */
  readonly tileBound: Float64Array;
  /** Per row tile, its tiles' noise streams (tiles[r * nColTiles + c].rng). */
  readonly rowRngs: readonly (readonly Rng[])[];
  readonly counters: LayerCounters;
  readonly meanAbsG: number;
  /** The bank holding every tile's int16 weights, scales and column scales (the WebAssembly DAC path), or null. */
  readonly bank: Bank | null;
}

export function createAnalogBackend(
  linears: readonly LinearWeight[],
  analog: AnalogSpec,
  opts: AnalogBackendOptions,
): AnalogBackend {
  // `analog` is a validated spec (src/spec/schema.ts holds every rule); nothing here re-checks it.
  const tile = analog.tile;
  const noise = tile.noise;
  const tInfS = opts.tInfS ?? noise.tInfS;
  if (!(tInfS >= 0)) throw new AimcsimError("UsageError", "tInfS", "must be >= 0 seconds");
  const ideal = opts.ideal === true;
  const record = opts.record !== false;
  const columnScaling = (opts.weightScaling ?? "column") === "column";
  const compensate = opts.driftCompensation ?? noise.driftCompensation;
  const enc = weightEncoding(analog.weightBits, tile.bitsPerCell, tile.differential);
  const model = createNoiseModel(noise, tile.gMaxUs);
  const dacLevels = dacCodeLevels(tile.dac.bits); // signed, sign included: 8 bits => -127..127; 1 bit => -1, +1
  const signOnly = tile.dac.bits === 1;
  const adcLevels = 2 ** (tile.adc.bits - 1) - 1;
  const adcStep = tile.outBound / adcLevels;
  const adcBins = ideal || tile.adc.bits > 16 ? 0 : 2 ** tile.adc.bits;
  const dacAbsBins = ideal || tile.dac.bits > 12 ? 0 : 2 ** (tile.dac.bits - 1);
  const wNoise = ideal ? 0 : noise.wNoise;
  const outNoise = ideal ? 0 : noise.outNoise;
  const outBound = tile.outBound;
  const staticMode = tile.inputRange.mode === "static";

  const plan = conversionPlan(tile.dac, enc.slices, tile.bitsPerCell, tile.slicesPerConversion);
  // tileArithmetic "int16": per plane group and DAC code c, the integer tile input n with x = n * xUnit and the
  // integer squared input m with xsq = m * sqUnit (PWM: c, 1 / L, c^2, 1 / L^2; bit-serial: sum_k w_k b_k(c),
  // sum_k w_k^2 b_k(c), both already integers, units 1).
  const dacL = dacCodeLevels(tile.dac.bits);
  const varM: Uint16Array[] = [];
  const xN: Int16Array[] = [];
  const xUnit = plan.bitSerial ? 1 : 1 / dacL;
  const sqUnit = plan.bitSerial ? 1 : 1 / (dacL * dacL);
  let maxM = 0;
  let maxN = 0;
  let intTiles = !ideal && opts.tileArithmetic !== "float32" && tile.dac.bits <= TABLE_MAX_BITS;
  if (opts.tileArithmetic !== undefined && opts.tileArithmetic !== "int16" && opts.tileArithmetic !== "float32")
    throw new AimcsimError("UsageError", "tileArithmetic", `must be int16 or float32; got ${String(opts.tileArithmetic)}`);
  if (intTiles)
    for (const G of plan.planeGroups) {
      const m = new Uint16Array(2 * dacL + 1);
      const n = new Int16Array(2 * dacL + 1);
      for (let c = -dacL; c <= dacL; c++) {
        const u = plan.bitSerial ? groupInput(plan, G, c, false) : c;
        const v = plan.bitSerial ? groupInput(plan, G, c, true) : c * c;
        if (!Number.isInteger(u) || Math.abs(u) > 32767) intTiles = false;
        if (noise.wNoise > 0 && (!Number.isInteger(v) || v < 0 || v > 32767)) intTiles = false;
        n[c + dacL] = u;
        m[c + dacL] = v;
        maxN = Math.max(maxN, Math.abs(u));
        maxM = Math.max(maxM, v);
      }
      xN.push(n);
      varM.push(m);
    }
  // gemm_i16: an int32 lane adds 2 products per 8 inputs over the tile's rows: ceil(rows / 8) * 2 * AmaxY * maxN < 2^31
  const intAmax = intTiles ? Math.min(32767, Math.floor((2 ** 31 - 1) / (2 * Math.max(1, maxN) * Math.ceil(tile.rows / 8)))) : 0;
  if (intAmax < 2047) intTiles = false;
  // gemmv_i16: an int32 lane adds 2 products per step over VAR_CHUNK steps: VAR_CHUNK * 2 * AmaxV * maxM < 2^31
  const varAmax = intTiles && !ideal && noise.wNoise > 0 ? Math.min(32767, Math.floor((2 ** 31 - 1) / (2 * VAR_CHUNK * Math.max(1, maxM)))) : 0;
  // the variance codes (|A| + h) >> varShift of the tile codes: the smallest shift whose largest code fits varAmax
  let varShift = 0;
  if (varAmax > 0) while ((intAmax + (varShift > 0 ? 1 << (varShift - 1) : 0)) >> varShift > varAmax) varShift++;
  const readoutCfg: ReadoutConfig = {
    mode: ideal ? "ideal" : (opts.driftReadout ?? "ideal"),
    perColumn: opts.perColumnCompensation === true,
    plan,
    adcStep,
    adcLevels,
    outBound: tile.outBound,
    wNoise,
    outNoise,
    adcOffsetLsb: ideal ? 0 : (opts.adcOffsetLsb ?? 0),
    adcGainSigma: ideal ? 0 : (opts.adcGainSigma ?? 0),
    stuckOffRate: opts.stuckOffRate ?? 0,
    stuckOnRate: opts.stuckOnRate ?? 0,
    varAmax,
    intAmax: intTiles ? intAmax : 0,
    varShift,
    xUnit,
  };
  for (const [k, v] of [["adcOffsetLsb", readoutCfg.adcOffsetLsb], ["adcGainSigma", readoutCfg.adcGainSigma], ["stuckOffRate", readoutCfg.stuckOffRate], ["stuckOnRate", readoutCfg.stuckOnRate]] as const)
    if (!(v >= 0 && Number.isFinite(v))) throw new AimcsimError("UsageError", k, `must be a finite number >= 0, got ${v}`);
  if (readoutCfg.stuckOffRate + readoutCfg.stuckOnRate > 1) throw new AimcsimError("UsageError", "stuckOffRate", "stuckOffRate + stuckOnRate must not exceed 1");
  const adcErr = readoutCfg.adcOffsetLsb > 0 || readoutCfg.adcGainSigma > 0;
  const layers = new Map<LinearWeight, ProgrammedLayer>();
  const byName = new Map<string, ProgrammedLayer>();
  const order: ProgrammedLayer[] = [];
  let maxRows = 1;
  let maxCols = 1;
  let maxOut = 1;
  let maxIn = 1;
  let maxColTiles = 1;
  let grown = false; // a layer programmed after the scratch was sized (streaming): resize it at the next call
  const addLayer = (w: LinearWeight, keep: LinearWeight): void => {
    if (byName.has(w.name)) throw new AimcsimError("ModelError", w.name, "weight name appears twice in the analog layer list");
    const nVals = w.half ? w.half.bits.length : w.data.length; // a 16-bit weight is widened once, in programLayer
    if (nVals !== w.inFeatures * w.outFeatures)
      throw new AimcsimError("CheckpointError", w.name, `data has ${nVals} values, expected ${w.outFeatures} x ${w.inFeatures}`);
    let staticBound = NaN;
    if (staticMode) {
      staticBound = opts.calibration?.bounds[w.name] ?? tile.inputRange.bound ?? NaN;
      if (!(staticBound > 0))
        throw new AimcsimError(
          "UsageError",
          "analog.tile.inputRange.bound",
          `static input range needs a positive bound for ${w.name}: set inputRange.bound or pass calibration (calibrateInputRanges)`,
        );
    }
    const tb = staticMode ? opts.calibration?.tileBounds?.[w.name] : undefined;
    if (tb) {
      const want = Math.ceil(w.inFeatures / tile.rows);
      if (tb.length !== want || !tb.every((b) => b > 0))
        throw new AimcsimError("UsageError", `calibration.tileBounds.${w.name}`, `needs ${want} positive bounds (one per row tile of ${tile.rows} rows), got ${tb.length}`);
    }
    const programmed = programLayer(w, analog, enc, model, opts.seed, tInfS, columnScaling, compensate, staticBound, adcBins, tb, dacAbsBins, readoutCfg);
    const layer = keep === w ? programmed : { ...programmed, w: keep };
    maxIn = Math.max(maxIn, w.inFeatures);
    maxColTiles = Math.max(maxColTiles, layer.nColTiles);
    layers.set(keep, layer);
    byName.set(w.name, layer);
    order.push(layer);
    maxRows = Math.max(maxRows, tile.rows);
    for (const t of layer.tiles) maxCols = Math.max(maxCols, t.cols.length);
    maxOut = Math.max(maxOut, w.outFeatures);
    grown = true;
  };
  for (const w of linears) addLayer(w, w);

  // Converter organisation (conversion.ts): plane groups of the DAC, slice groups of the weights, accumulator.
  const accu = accumulator(analog.accumulatorFormat);
  const accKind = accu.kind;
  const intMax = accu.intMax;
  // integers up to 2^(significand bits) are exact in a float accumulator: fp32 2^24, fp16 2^11, bf16 2^8, fp8 E4M3 2^4
  const exactInt = [Infinity, 2 ** 24, 2 ** 11, 2 ** 8, 2 ** 4][accKind];
  const maxJoined = Math.max(...plan.sliceGroups.map((g) => g.size));
  const nSG = plan.sliceGroups.length;
  const phases = plan.phases;

  // Scratch, grown when a call brings more tokens than before.
  let cap = 0;
  let codes = new Int32Array(0);
  let xq = new Float32Array(0);
  let xsq = new Float32Array(0);
  let mIn = new Uint16Array(0);
  let nIn = new Int16Array(0);
  let nAll = new Int16Array(0); // bit-serial planes stacked (stackPlanes)
  let mAll = new Uint16Array(0);
  let inScale = new Float64Array(0);
  let sumX = new Float64Array(0);
  let ybufs: Float32Array[] = [];
  let vbufs: Float32Array[] = [];
  const noisy = wNoise > 0 || outNoise > 0;
  let nz = new Float64Array(0);
  let sliceAcc = new Float64Array(0);
  let intAcc = new Float64Array(0);
  let bmAct = new Uint8Array(0);
  let bmClip = new Uint8Array(0);
  let bmF = new Float64Array(0);
  const nmMode = ({ "abs-max": 0, none: 1, "average-abs-max": 2 } as const)[opts.noiseManagement ?? "abs-max"];
  if (nmMode === undefined) throw new AimcsimError("UsageError", "noiseManagement", `must be abs-max, average-abs-max or none; got ${String(opts.noiseManagement)}`);
  const bmIterative = !ideal && opts.boundManagement === "iterative";
  if (opts.boundManagement !== undefined && opts.boundManagement !== "none" && opts.boundManagement !== "iterative")
    throw new AimcsimError("UsageError", "boundManagement", `must be none or iterative; got ${String(opts.boundManagement)}`);
  // aihwkit max_bm_res 0.25 with inp_res 1 / (2^bits - 2), and max_bm_factor 1000 (at most 9 halvings)
  const bmMaxIter = Math.max(0, Math.min(9, Math.floor(Math.log2(0.25 * (2 ** tile.dac.bits - 2)))));
  let acc = new Float64Array(0);
  const ensure = (T: number) => {
    if (T <= cap && !grown) return;
    grown = false;
    cap = T <= cap ? cap : Math.max(T, cap * 2);
    nz = new Float64Array(noisy ? maxCols : 0);
    codes = new Int32Array(cap * maxRows);
    xq = new Float32Array(cap * maxRows);
    xsq = new Float32Array(wNoise > 0 ? cap * maxRows : 0);
    mIn = new Uint16Array(varAmax > 0 ? cap * maxRows : 0);
    nIn = new Int16Array(intTiles ? cap * maxRows : 0);
    nAll = new Int16Array(stackPlanes ? nG * cap * maxRows : 0);
    mAll = new Uint16Array(stackPlanes && varAmax > 0 ? nG * cap * maxRows : 0);
    inScale = new Float64Array(cap);
    sumX = new Float64Array(cap);
    ybufs = [];
    vbufs = [];
    for (let j = 0; j < maxJoined; j++) {
      ybufs.push(new Float32Array(cap * maxCols));
      vbufs.push(new Float32Array(wNoise > 0 ? cap * maxCols : 0));
    }
    sliceAcc = new Float64Array(ideal ? cap * maxCols : 0);
    intAcc = new Float64Array(cap * maxOut);
    bmAct = new Uint8Array(cap);
    bmClip = new Uint8Array(cap);
    bmF = new Float64Array(cap);
    acc = new Float64Array(cap * maxOut);
  };
  let digitalCalls = 0;
  let digitalY = new Float64Array(0);
  const sw = enc.sliceWeights;
  const encA = enc.a;
  const encC = enc.c;
  const nSlices = enc.slices;
  const halfBins = adcBins / 2;
  // normalised output of one unit of the shift-added integer code sum
  const codeUnit = adcStep * enc.sliceDenom * plan.planeScale;

  // the WebAssembly conversion (convert.ts) covers slice groups of one slice, without ADC errors or bound
  // management, with an integer, fp32, fp16 or bf16 accumulator (fp8 stays in JavaScript); its codes accumulate
  // into a float64 array in the weights' bank
  const wasmEpi = opts.epilogue !== "js" && !ideal && !adcErr && !bmIterative && accKind <= 3;
  // the rescale's rounding (addPartials): float32 for integer and fp32 accumulators, else the format's
  const rsKind = accKind === 0 ? 1 : accKind;
  const epi: EpilogueParams = {
    noisy, accKind, wn2: 0, so2: 0, bound: 0, invStep: 0, levels: adcLevels, cw: 0, lim: accKind === 0 ? intMax : exactInt, halfBins: 0,
    varShift, fuseMaxTokens: FUSE_MAX_TOKENS,
  };
  /** The converter parameters of one conversion of plane group G and slice group SG into epi: the group's full
   *  scale sets the ADC bound and step and the out_noise (conversion.ts); the integer variance is in units of sqUnit. */
  const setEpi = (G: PlaneGroup, SG: SliceGroup): void => {
    const fs = G.range * SG.range;
    const sigOut = outNoise * fs;
    epi.wn2 = wNoise * wNoise * (varAmax > 0 ? sqUnit : 1);
    epi.so2 = sigOut * sigOut;
    epi.bound = outBound * fs;
    epi.invStep = 1 / (adcStep * fs);
    epi.cw = G.codeWeight * SG.codeWeight;
    epi.halfBins = halfBins;
  };

  // one PWM plane group with tables: its tile inputs are written by the DAC loop itself (no second pass)
  const fuseFill = !plan.bitSerial && plan.planeGroups.length === 1 && plan.planeGroups[0]!.x !== null && plan.planeGroups[0]!.xsq !== null;
  const gx0 = fuseFill ? plan.planeGroups[0]!.x : null;
  const gsq0 = fuseFill ? plan.planeGroups[0]!.xsq : null;
  const gm0 = fuseFill && varAmax > 0 ? varM[0]! : null;
  const gn0 = fuseFill && intTiles ? xN[0]! : null;
  // the whole conversion in WebAssembly: one-phase multi-level DAC (PWM / current steering), int16 tiles, one
  // slice per conversion, the WebAssembly epilogue (so an integer or fp32 accumulator, no ADC errors or bound
  // management)
  const fastDac = wasmEpi && intTiles && fuseFill && !signOnly && plan.sliceGroups.every((g) => g.size === 1);
  // bit-serial (several plane groups) on int16 tiles with the WebAssembly epilogue: planes stacked per tile
  const stackPlanes = wasmEpi && intTiles && plan.planeGroups.length > 1 && plan.sliceGroups.every((g) => g.size === 1);
  const nG = plan.planeGroups.length;
  /** One row tile's conversions with the plane groups stacked (see the caller); false (nothing done) when the bank
   *  lacks room for the working arrays. codes[] holds the row tile's DAC codes. */
  const stackedRowTile = (L: ProgrammedLayer, r: number, R: number, T: number, outF: number, IA: Float64Array): boolean => {
    const b = L.bank!;
    const n = nG * T * maxCols;
    const hist = record && adcBins > 0 ? L.counters.adcHist : null;
    if (!convertReady(b, T * maxCols, hist ? 2 * halfBins : 0, noisy)) return false;
    for (let sgi = 0; sgi < nSG; sgi++) {
      stackY[sgi] = stackBuffer(b, 2 * sgi, n);
      stackV[sgi] = varAmax > 0 ? stackBuffer(b, 2 * sgi + 1, n) : 0;
      if (!stackY[sgi] || (varAmax > 0 && !stackV[sgi])) return false;
    }
    const TR = T * R;
    for (let g = 0; g < nG; g++) {
      const gn = xN[g]!;
      for (let j = 0; j < TR; j++) nAll[g * TR + j] = gn[codes[j] + dacLevels]!;
      if (varAmax > 0) {
        const gm = varM[g]!;
        for (let j = 0; j < TR; j++) mAll[g * TR + j] = gm[codes[j] + dacLevels]!;
      }
    }
    const C = L.counters;
    const nCol = L.nColTiles;
    const iv = varAmax > 0;
    for (let c = 0; c < nCol; c++) {
      const P = L.tiles[r * nCol + c];
      const K = P.cols.length;
      for (let sgi = 0; sgi < nSG; sgi++) {
        const j0 = plan.sliceGroups[sgi].j0;
        tileMvmInt(P.intA[j0], P.intS[j0], R, K, nG * T, nAll, iv ? P.varA[j0] : null, iv ? P.varS[j0] : null, iv ? mAll : null, stackY[sgi], stackV[sgi], epi);
      }
      let adcClip = 0;
      for (let g = 0; g < nG; g++) {
        const G = plan.planeGroups[g];
        for (let sgi = 0; sgi < nSG; sgi++) {
          const SG = plan.sliceGroups[sgi];
          setEpi(G, SG);
          const rows = 4 * g * T * K;
          adcClip += convertTile(P.intA[SG.j0], P.intS[SG.j0], R, K, T, nIn, iv ? P.varA[SG.j0] : null, iv ? P.varS[SG.j0] : null, iv ? mIn : null, null, IA, P.cols.start, outF, P.rng, hist, epi, 0, stackY[sgi] + rows, iv ? stackV[sgi] + rows : 0);
        }
      }
      if (record) {
        C.adcConv += nG * T * K * nSG;
        C.adcClip += adcClip;
      }
    }
    return true;
  };
  const stackY = new Array<number>(nSG).fill(0);
  const stackV = new Array<number>(nSG).fill(0);
  interface DacScratch {
    readonly key: string;
    readonly x: Float32Array;
    readonly n: Int16Array;
    readonly m: Uint16Array;
    readonly range: Float64Array;
    readonly sumX: Float64Array;
    readonly cnt: Int32Array;
    readonly hist: Int32Array;
    readonly acc: Float64Array;
    /** a row tile's standard normals (T x outF x slice groups), the normal_jobs list and the streams' states */
    readonly z: Float64Array;
    readonly jobs: Int32Array;
    readonly states: Int32Array;
    readonly counts: Int32Array;
    /** tile_jobs records of a row tile (int32 and float64 views of one block) */
    readonly tjI: Int32Array;
    readonly tjD: Float64Array;
    readonly blocks: Float64Array[]; // keeps the bank blocks alive
  }
  const dacScratches = new Map<Bank, DacScratch>();
  /** Per bank: the float32 input, the DAC outputs, ranges, sums, counters and the output accumulator, sized for cap
   *  tokens of the largest layer (re-made when a call or a newly programmed layer needs more). */
  const dacScratch = (b: Bank): DacScratch | null => {
    const key = `${cap}/${maxIn}/${maxOut}/${maxRows}/${maxColTiles}`;
    const d = dacScratches.get(b);
    if (d && d.key === key) return d;
    let full = false;
    const blk = (bytes: number): Float64Array => {
      const a = tryAlloc64(b, Math.ceil(Math.max(bytes, 8) / 8));
      if (!a) full = true;
      return a ?? new Float64Array(1);
    };
    const bx = blk(4 * cap * maxIn), bn = blk(2 * cap * maxRows), bm = blk(2 * cap * maxRows), bc = blk(16), bh = blk(4 * Math.max(1, dacAbsBins));
    const bj = blk(12 * maxColTiles), bs = blk(16 * maxColTiles), bt = blk(TILE_JOB_BYTES * maxColTiles);
    const made: DacScratch = {
      key,
      x: new Float32Array(bx.buffer, bx.byteOffset, cap * maxIn),
      n: new Int16Array(bn.buffer, bn.byteOffset, cap * maxRows),
      m: new Uint16Array(bm.buffer, bm.byteOffset, cap * maxRows),
      range: blk(8 * cap),
      sumX: blk(8 * cap),
      cnt: new Int32Array(bc.buffer, bc.byteOffset, 4),
      hist: new Int32Array(bh.buffer, bh.byteOffset, Math.max(1, dacAbsBins)),
      acc: blk(8 * cap * maxOut),
      z: blk(noisy ? 8 * cap * maxOut * nSG : 8),
      jobs: new Int32Array(bj.buffer, bj.byteOffset, 3 * maxColTiles),
      states: new Int32Array(bs.buffer, bs.byteOffset, 4 * maxColTiles),
      counts: new Int32Array(maxColTiles),
      tjI: new Int32Array(bt.buffer, bt.byteOffset, (TILE_JOB_BYTES * maxColTiles) >> 2),
      tjD: new Float64Array(bt.buffer, bt.byteOffset, (TILE_JOB_BYTES * maxColTiles) >> 3),
      blocks: [bx, bn, bm, bc, bh, bj, bs, bt],
    };
    if (full) return null; // the bank has no room left: the JavaScript DAC and rescale (and what falls back with them)
    dacScratches.set(b, made);
    return made;
  };

  /** Per bank: each thread's y, v (float32, cap x maxCols) and histogram (nBins int32) for tile_jobs, or null when
   *  the bank has no room. Remade when the thread count, cap, maxCols or nBins changes. */
  const tileBufs = new Map<Bank, { key: string; y: Int32Array; v: Int32Array; h: Int32Array; hists: Int32Array[]; keep: Float64Array[] }>();
  const tileBuffers = (b: Bank, nBins: number) => {
    const nt = kernelThreads();
    const key = `${nt}/${cap}/${maxCols}/${nBins}`;
    const e = tileBufs.get(b);
    if (e && e.key === key) return e;
    const keep: Float64Array[] = [];
    const y = new Int32Array(nt), v = new Int32Array(nt), h = new Int32Array(nt);
    const hists: Int32Array[] = [];
    for (let k = 0; k < nt; k++) {
      const by = tryAlloc64(b, Math.ceil((cap * maxCols) / 2)), bv = tryAlloc64(b, Math.ceil((cap * maxCols) / 2));
      const bh = nBins > 0 ? tryAlloc64(b, Math.ceil(nBins / 2)) : null;
      if (!by || !bv || (nBins > 0 && !bh)) return null;
      keep.push(by, bv);
      y[k] = by.byteOffset;
      v[k] = bv.byteOffset;
      if (bh) {
        keep.push(bh);
        h[k] = bh.byteOffset;
        hists.push(new Int32Array(bh.buffer, bh.byteOffset, nBins));
      }
    }
    const made = { key, y, v, h, hists, keep };
    tileBufs.set(b, made);
    return made;
  };

  const linear = (w: LinearWeight, x: Float32Array, T: number, out: Float32Array): void => {
    const L = layers.get(w) ?? byName.get(w.name);
    if (!L) {
      digitalCalls++;
      if (digitalY.length < T * w.outFeatures) digitalY = new Float64Array(T * w.outFeatures);
      exactLinear(w, x, T, out);
      return;
    }
    ensure(T);
    // (the JavaScript accumulator when the bank has no room: convertTile then declines and JavaScript converts)
    const IA = (wasmEpi && L.tiles.length > 0 ? accumulatorFor(intTiles ? L.tiles[0].intA[0] : L.tiles[0].slices[0], cap * maxOut) : null) ?? intAcc;
    const iv = varAmax > 0; // the integer variance pass (tileArithmetic "int16" with w_noise)
    const inF = w.inFeatures;
    const outF = w.outFeatures;
    const C = L.counters;
    if (record) {
      C.calls++;
      C.tokens += T;
      for (let j = 0, n = T * inF; j < n; j++) {
        const a = Math.abs(x[j]);
        C.inAbsSum += a;
        if (a > C.inAbsMax) C.inAbsMax = a;
      }
      C.inCount += T * inF;
    }
    const bias = w.bias;
    // the DAC and the digital rescale in WebAssembly too (dac_pwm, rescale): one-phase DACs on int16 tiles with
    // the WebAssembly epilogue, every tile of the layer in one bank
    // (every working array of the conversion in the layer's bank first: convertTile must not decline on this path)
    const S =
      fastDac && L.bank !== null && bankOf(IA) === L.bank && convertReady(L.bank, T * maxCols, record && adcBins > 0 ? 2 * halfBins : 0, noisy)
        ? dacScratch(L.bank)
        : null;
    const ACC = S ? S.acc : acc;
    {
      // the bias rounded to the accumulator once per output, then copied per token
      const kInit = ideal ? 0 : accKind === 0 ? 1 : accKind;
      if (bias) for (let o = 0; o < outF; o++) ACC[o] = roundAcc(kInit, bias[o]);
      else ACC.fill(0, 0, outF);
      for (let t = 1; t < T; t++) ACC.copyWithin(t * outF, 0, outF);
    }
    const nCol = L.nColTiles;
    if (S) {
      S.x.set(T * inF === x.length ? x : x.subarray(0, T * inF));
      const k = L.bank!.k;
      for (let r = 0; r < L.rowTiles.length; r++) {
        const rs = L.rowTiles[r];
        const R = rs.length;
        const r0 = rs.start;
        const absMax = !staticMode && nmMode === 0;
        if (!absMax) {
          let range = L.tileBound[r];
          if (!staticMode && nmMode === 1) range = 1;
          else if (!staticMode) {
            range = 0; // "average-abs-max"
            for (let t = 0; t < T; t++) {
              let m = 0;
              for (let i = 0, xo = t * inF + r0; i < R; i++) m = Math.max(m, Math.abs(x[xo + i]));
              range += m / T;
            }
          }
          S.range.fill(range, 0, T);
        }
        const hist = record && C.dacHist.length > 0;
        if (record) S.cnt.fill(0);
        if (hist) S.hist.fill(0, 0, C.dacHist.length);
        k.dac_pwm(S.x.byteOffset + 4 * r0, 4 * inF, R, T, S.n.byteOffset, iv ? S.m.byteOffset : 0, S.range.byteOffset, absMax ? 1 : 0, encC !== 0 ? S.sumX.byteOffset : 0, record ? S.cnt.byteOffset : 0, hist ? S.hist.byteOffset : 0, dacLevels);
        if (record) {
          C.dacConv += T * R;
          C.dacClip += S.cnt[0];
          C.dacNonzero += S.cnt[1];
          C.dacCodeAbsSum += S.cnt[2] / dacLevels;
          if (hist) for (let j = 0; j < C.dacHist.length; j++) C.dacHist[j] += S.hist[j];
        }
        IA.fill(0, 0, T * outF);
        const G = plan.planeGroups[0];
        const adcHist = record && adcBins > 0 ? C.adcHist : null;
        let adcClip = 0;
        // the row tile's Gaussian draws first, each tile from its own stream, the tiles spread over the threads
        if (noisy) {
          for (let c = 0; c < nCol; c++) S.counts[c] = T * L.tiles[r * nCol + c].cols.length * nSG;
          normalsFor(L.bank!, L.rowRngs[r], S.counts, nCol, S.z, S.jobs, S.states);
        }
        let zOff = S.z.byteOffset;
        // with worker threads, whole tiles to threads (one signal per row tile instead of several per tile)
        const TB = nSG === 1 && nCol >= 2 && kernelThreads() > 1 ? tileBuffers(L.bank!, adcHist ? 2 * halfBins : 0) : null;
        if (TB) {
          setEpi(G, plan.sliceGroups[0]);
          const ti = S.tjI;
          const td = S.tjD;
          const J = TILE_JOB;
          for (let c = 0; c < nCol; c++) {
            const P = L.tiles[r * nCol + c];
            const K = P.cols.length;
            const q = (c * TILE_JOB_BYTES) >> 2;
            const qd = (c * TILE_JOB_BYTES) >> 3;
            ti[q + J.A / 4] = P.intA[0].byteOffset;
            ti[q + J.sY / 4] = P.intS[0].byteOffset;
            ti[q + J.varA / 4] = iv ? P.varA[0].byteOffset : 0;
            ti[q + J.varS / 4] = iv ? P.varS[0].byteOffset : 0;
            ti[q + J.R / 4] = R;
            ti[q + J.K / 4] = K;
            ti[q + J.T / 4] = T;
            ti[q + J.n / 4] = S.n.byteOffset;
            ti[q + J.m / 4] = iv ? S.m.byteOffset : 0;
            ti[q + J.fuse / 4] = iv && T <= epi.fuseMaxTokens ? 1 : 0;
            ti[q + J.sh / 4] = epi.varShift;
            ti[q + J.Z / 4] = noisy ? zOff : 0;
            ti[q + J.acc / 4] = IA.byteOffset + 8 * P.cols.start;
            ti[q + J.accStride / 4] = 8 * outF;
            ti[q + J.halfBins / 4] = epi.halfBins;
            ti[q + J.accKind / 4] = epi.accKind;
            ti[q + J.cs / 4] = P.colScale.byteOffset;
            ti[q + J.range / 4] = S.range.byteOffset;
            ti[q + J.sumX / 4] = encC !== 0 ? S.sumX.byteOffset : 0;
            ti[q + J.rsKind / 4] = rsKind;
            ti[q + J.dst / 4] = S.acc.byteOffset + 8 * P.cols.start;
            ti[q + J.dstStride / 4] = 8 * outF;
            td[qd + J.wn2 / 8] = epi.wn2;
            td[qd + J.so2 / 8] = epi.so2;
            td[qd + J.bound / 8] = epi.bound;
            td[qd + J.invStep / 8] = epi.invStep;
            td[qd + J.levels / 8] = epi.levels;
            td[qd + J.cw / 8] = epi.cw;
            td[qd + J.lim / 8] = epi.lim;
            td[qd + J.au / 8] = encA * codeUnit;
            td[qd + J.ac / 8] = encC;
            zOff += 8 * T * K;
          }
          for (const h of TB.hists) h.fill(0);
          parallelTileJobs(L.bank!, S.tjI.byteOffset, nCol, TB.y, TB.v, TB.h);
          for (let c = 0; c < nCol; c++) {
            adcClip += ti[((c * TILE_JOB_BYTES) >> 2) + J.clips / 4];
            if (record) C.adcConv += T * L.tiles[r * nCol + c].cols.length;
          }
          if (adcHist) for (const h of TB.hists) for (let j = 0; j < h.length; j++) adcHist[j] += h[j];
        } else
        for (let c = 0; c < nCol; c++) {
          const P = L.tiles[r * nCol + c];
          const K = P.cols.length;
          for (let sgi = 0; sgi < nSG; sgi++) {
            // one slice per group (fastDac); the same converter parameters as the plane-group pass below
            const SG = plan.sliceGroups[sgi];
            setEpi(G, SG);
            adcClip += convertTile(P.intA[SG.j0], P.intS[SG.j0], R, K, T, S.n, iv ? P.varA[SG.j0] : null, iv ? P.varS[SG.j0] : null, iv ? S.m : null, null, IA, P.cols.start, outF, P.rng, adcHist, epi, noisy ? zOff : 0);
            zOff += 8 * T * K;
          }
          const src = IA.byteOffset + 8 * P.cols.start;
          const dst = S.acc.byteOffset + 8 * P.cols.start;
          const sx = encC !== 0 ? S.sumX.byteOffset : 0;
          if (!parallelRescale(L.bank!, src, 8 * outF, dst, 8 * outF, P.colScale.byteOffset, S.range.byteOffset, sx, T, K, rsKind, encA * codeUnit, encC))
            k.rescale(src, 8 * outF, dst, 8 * outF, P.colScale.byteOffset, S.range.byteOffset, sx, T, K, rsKind, encA * codeUnit, encC);
          if (record) C.adcConv += T * K * nSG;
        }
        if (record) C.adcClip += adcClip;
      }
      out.set(T * outF === S.acc.length ? S.acc : S.acc.subarray(0, T * outF));
      return;
    }
    for (let r = 0; r < L.rowTiles.length; r++) {
      const rs = L.rowTiles[r];
      const R = rs.length;
      const r0 = rs.start;
      // noise management "average-abs-max": one range for the call's tokens
      let avgRange = 0;
      if (!staticMode && nmMode === 2) {
        for (let t = 0; t < T; t++) {
          let m = 0;
          for (let i = 0, xo = t * inF + r0; i < R; i++) m = Math.max(m, Math.abs(x[xo + i]));
          avgRange += m / T;
        }
      }
      for (let t = 0; t < T; t++) {
        bmAct[t] = 1;
        bmF[t] = 1;
      }
      let activeN = T;
      for (let iter = 0; ; iter++) {
      // input range, DAC codes
      let clip = 0;
      let codeAbs = 0;
      let nonzero = 0;
      for (let t = 0; t < T; t++) {
        if (!bmAct[t]) continue;
        bmClip[t] = 0;
        const xo = t * inF + r0;
        let range = L.tileBound[r];
        if (!staticMode) {
          if (nmMode === 1) range = 1;
          else if (nmMode === 2) range = avgRange;
          else {
            range = 0;
            for (let i = 0; i < R; i++) {
              const a = Math.abs(x[xo + i]);
              if (a > range) range = a;
            }
          }
        }
        range *= bmF[t];
        inScale[t] = range;
        const qo = t * R;
        let s = 0;
        if (range === 0) {
          for (let i = 0; i < R; i++) {
            xq[qo + i] = 0;
            codes[qo + i] = 0;
          }
          if (fuseFill && intTiles) nIn.fill(0, qo, qo + R);
          if (fuseFill && iv) mIn.fill(0, qo, qo + R);
          else if (fuseFill && wNoise > 0) xsq.fill(0, qo, qo + R);
        } else if (ideal) {
          const inv = 1 / range;
          for (let i = 0; i < R; i++) {
            const v = x[xo + i] * inv;
            xq[qo + i] = v;
            s += v;
          }
        } else {
          const inv = 1 / range;
          const ones = plan.ones;
          const dacHist = C.dacHist;
          const dacBits = tile.dac.bits;
          for (let i = 0; i < R; i++) {
            let v = x[xo + i] * inv;
            if (v > 1) {
              v = 1;
              clip++;
            } else if (v < -1) {
              v = -1;
              clip++;
            }
            const c = signOnly ? (v < 0 ? -1 : 1) : v < 0 ? -Math.round(-v * dacLevels) : Math.round(v * dacLevels);
            codes[qo + i] = c;
            if (fuseFill) {
              // the group's tile input (and squared input) from the tables, as the plane-group pass would
              if (intTiles) nIn[qo + i] = gn0![c + dacLevels];
              else xq[qo + i] = gx0![c + dacLevels];
              if (iv) mIn[qo + i] = gm0![c + dacLevels];
              else if (wNoise > 0) xsq[qo + i] = gsq0![c + dacLevels];
            }
            if (record && dacHist.length > 0) dacHist[c < 0 ? -c : c]++;
            if (c !== 0) {
              nonzero++;
              codeAbs += phases > 1 ? ((ones ? ones[c + dacLevels] : onesOf(c, dacBits)) * dacLevels) / phases : c < 0 ? -c : c;
            }
            s += c / dacLevels;
          }
        }
        sumX[t] = s;
        if (ideal && wNoise > 0) for (let i = 0; i < R; i++) xsq[qo + i] = xq[qo + i] * xq[qo + i];
      }
      if (record) {
        C.dacConv += activeN * R;
        C.dacClip += clip;
        C.dacCodeAbsSum += codeAbs / dacLevels;
        C.dacNonzero += ideal ? T * R : nonzero;
      }
      if (ideal) {
        const ybuf = ybufs[0];
        for (let c = 0; c < nCol; c++) {
          const P = L.tiles[r * nCol + c];
          const K = P.cols.length;
          const n = T * K;
          for (let j = 0; j < n; j++) sliceAcc[j] = 0;
          for (let k = 0; k < nSlices; k++) {
            gemmTile(P.slices[k], R, K, xq, T, ybuf);
            const swk = sw[k];
            for (let j = 0; j < n; j++) sliceAcc[j] += swk * ybuf[j];
          }
          addPartials(P, T, K, outF, sliceAcc, 1, K, 0);
        }
        break;
      }
      for (let t = 0; t < T; t++) if (bmAct[t]) for (let j = t * outF, e = j + outF; j < e; j++) IA[j] = 0;
      // bit-serial planes stacked: every plane group's inputs as rows of one MVM per tile (the tile's codes read
      // once), then each group's conversions in the order below (same draws, same accumulation order, same bits)
      if (stackPlanes && L.bank !== null && bankOf(IA) === L.bank && stackedRowTile(L, r, R, T, outF, IA)) {
        // done
      } else
      // one pass per plane group: the group's tile input from the codes, then every column tile's conversions
      for (let g = 0; g < plan.planeGroups.length; g++) {
        const G = plan.planeGroups[g];
        const gx = G.x;
        const gsq = G.xsq;
        if (fuseFill) {
          // written with the codes
        } else {
          if (intTiles) {
            const gn = xN[g];
            for (let j = 0, n = T * R; j < n; j++) nIn[j] = gn[codes[j] + dacLevels];
          } else if (gx) for (let j = 0, n = T * R; j < n; j++) xq[j] = gx[codes[j] + dacLevels];
          else for (let j = 0, n = T * R; j < n; j++) xq[j] = groupInput(plan, G, codes[j], false);
          if (iv) {
            const gm = varM[g];
            for (let j = 0, n = T * R; j < n; j++) mIn[j] = gm[codes[j] + dacLevels];
          } else if (wNoise > 0) {
            if (gsq) for (let j = 0, n = T * R; j < n; j++) xsq[j] = gsq[codes[j] + dacLevels];
            else for (let j = 0, n = T * R; j < n; j++) xsq[j] = groupInput(plan, G, codes[j], true);
          }
        }
        for (let c = 0; c < nCol; c++) {
          const P = L.tiles[r * nCol + c];
          const K = P.cols.length;
          const c0 = P.cols.start;
          let adcClip = 0;
          for (let sgi = 0; sgi < nSG; sgi++) {
            const S = plan.sliceGroups[sgi];
            const fs = G.range * S.range;
            const bound = outBound * fs;
            const step = adcStep * fs;
            const sigOut = outNoise * fs;
            const cw = G.codeWeight * S.codeWeight;
            if (wasmEpi && S.size === 1) {
              const hist = record && adcBins > 0 ? C.adcHist : null;
              setEpi(G, S);
              const clips = intTiles
                ? convertTile(P.intA[S.j0], P.intS[S.j0], R, K, T, nIn, iv ? P.varA[S.j0] : null, iv ? P.varS[S.j0] : null, iv ? mIn : null, !iv && wNoise > 0 ? xsq : null, IA, c0, outF, P.rng, hist, epi)
                : convertTile(P.slices[S.j0], null, R, K, T, xq, null, null, null, wNoise > 0 ? xsq : null, IA, c0, outF, P.rng, hist, epi);
              if (clips >= 0) {
                adcClip += clips;
                continue;
              }
            }
            for (let jj = 0; jj < S.size; jj++) {
              if (intTiles) {
                gemmInt16("mvm", P.intA[S.j0 + jj], P.intS[S.j0 + jj], R, K, nIn, T, ybufs[jj]);
                if (iv) gemmInt16("var", P.varA[S.j0 + jj], P.varS[S.j0 + jj], R, K, mIn, T, vbufs[jj]);
                else if (wNoise > 0) throw new Error("unreachable: int16 tiles with w_noise always take the integer variance pass");
              } else if (wNoise > 0) gemmTileNoise(P.slices[S.j0 + jj], R, K, xq, xsq, T, ybufs[jj], vbufs[jj]);
              else gemmTile(P.slices[S.j0 + jj], R, K, xq, T, ybufs[jj]);
            }
            const y0 = ybufs[0];
            const v0 = vbufs[0];
            const joined = S.size > 1;
            const invStep = 1 / step;
            const wn2 = wNoise * wNoise * (iv ? sqUnit : 1); // the integer pass's v is in units of sqUnit
            const so2 = sigOut * sigOut;
            const hist = record && adcBins > 0 ? C.adcHist : null;
            for (let t = 0; t < T; t++) {
              if (!bmAct[t]) continue;
              const io = t * outF + c0;
              const jt = t * K;
              const clip0 = adcClip;
              // w_noise * sqrt(v) * N1 + out_noise * N2 (independent, zero mean) is one Gaussian of variance
              // w_noise^2 v + out_noise^2: one draw per conversion, batch-filled for the row
              if (noisy) fillNormal(P.rng, nz, 0, K);
              for (let o = 0; o < K; o++) {
                const j = jt + o;
                let y = y0[j];
                if (noisy) {
                  let v = wNoise > 0 ? v0[j] : 0;
                  if (joined)
                    for (let jj = 1; jj < S.size; jj++) {
                      const sj = S.weights[jj];
                      y += sj * ybufs[jj][j];
                      if (wNoise > 0) v += sj * sj * vbufs[jj][j];
                    }
                  y += Math.sqrt(wn2 * v + so2) * nz[o];
                } else if (joined) for (let jj = 1; jj < S.size; jj++) y += S.weights[jj] * ybufs[jj][j];
                if (adcErr) {
                  const line = o * nSG + sgi;
                  y = y * P.adcGain[line] + P.adcOffset[line] * step;
                }
                let code: number;
                if (y > bound) {
                  code = adcLevels;
                  adcClip++;
                } else if (y < -bound) {
                  code = -adcLevels;
                  adcClip++;
                } else {
                  const u = y * invStep;
                  code = u < 0 ? -Math.round(-u) : Math.round(u);
                }
                if (hist) hist[code + halfBins]++;
                let a = IA[io + o] + code * cw;
                if (accKind === 0) a = a > intMax ? intMax : a < -intMax ? -intMax : a;
                else if (a > exactInt || a < -exactInt) a = roundAcc(accKind, a);
                IA[io + o] = a;
              }
              if (adcClip !== clip0) bmClip[t] = 1;
            }
          }
          if (record) {
            C.adcConv += activeN * K * plan.sliceGroups.length;
            C.adcClip += adcClip;
          }
        }
      }
      if (!bmIterative) break;
      // bound management: redo the tokens whose conversions saturated with their input halved
      activeN = 0;
      for (let t = 0; t < T; t++) {
        if (bmAct[t] && bmClip[t] && iter < bmMaxIter) {
          bmF[t] *= 2;
          activeN++;
        } else bmAct[t] = 0;
      }
      if (activeN === 0) break;
      }
      if (ideal) continue;
      // digital rescale and accumulation of this row tile's partial sums
      for (let c = 0; c < nCol; c++) {
        const P = L.tiles[r * nCol + c];
        addPartials(P, T, P.cols.length, outF, IA, codeUnit, outF, P.cols.start);
      }
    }
    for (let j = 0, n = T * outF; j < n; j++) out[j] = ACC[j];
  };

  /** acc[t, c0 + o] += colScale[o] * inScale[t] * (encA * unit * src[t * stride + off + o] - encC * sumX[t]),
   *  each product and sum rounded to the accumulator format (fp32 when the format is an integer one). */
  const addPartials = (P: ProgrammedTile, T: number, K: number, outF: number, src: Float64Array, unit: number, stride: number, off: number): void => {
    const cs = P.colScale;
    const c0 = P.cols.start;
    const k = ideal ? 0 : accKind === 0 ? 1 : accKind; // ideal periphery: exact (double) accumulation
    for (let t = 0; t < T; t++) {
      const sIn = inScale[t];
      if (sIn === 0) continue;
      const offV = encC * sumX[t];
      const ao = t * outF + c0;
      const so = t * stride + off;
      for (let o = 0; o < K; o++) {
        const p = roundAcc(k, cs[o] * sIn * (encA * unit * src[so + o] - offV));
        acc[ao + o] = roundAcc(k, acc[ao + o] + p);
      }
    }
  };

  const dacOrg = () =>
    !plan.bitSerial ? tile.dac.kind : plan.planeGroups.length === phases ? "bit-serial" : `bit-serial (${phases} planes in ${plan.planeGroups.length} conversions)`;
  const label =
    `analog ${tile.device} ${noise.model} ${ideal ? "ideal converters" : `${tile.dac.bits}b ${dacOrg()} DAC/${tile.adc.bits}b ADC${plan.sliceGroups.length < nSlices ? ` (${nSlices} slices in ${plan.sliceGroups.length} conversion(s))` : ""}`}` +
    ` W${analog.weightBits}/${tile.bitsPerCell}b-cells t=${tInfS}s${compensate ? ` drift-comp${readoutCfg.mode !== "ideal" ? ` (${readoutCfg.mode} readout${readoutCfg.perColumn ? ", per column" : ""})` : readoutCfg.perColumn ? " (per column)" : ""}` : ""}` +
    `${bmIterative ? " bound-mgmt iterative" : ""}${!staticMode && nmMode !== 0 ? ` noise-mgmt ${opts.noiseManagement}` : ""} seed ${opts.seed}`;

  return {
    label,
    linear,
    program(w: LinearWeight): LinearWeight {
      const keep = releasedLinearWeight(w, `the analog backend (${label})`);
      addLayer(w, keep);
      return keep;
    },
    stats(): AnalogStats {
      return {
        dacBits: tile.dac.bits,
        adcBits: tile.adc.bits,
        ideal,
        tInfS,
        digitalCalls,
        layers: order.map((L): AnalogLayerStats => {
          const C = L.counters;
          let alphaSum = 0;
          for (const t of L.tiles) alphaSum += t.alpha;
          return {
            name: L.w.name,
            inFeatures: L.w.inFeatures,
            outFeatures: L.w.outFeatures,
            tiles: L.tiles.length,
            slices: nSlices,
            calls: C.calls,
            tokens: C.tokens,
            inputAbsMax: C.inAbsMax,
            inputAbsMean: C.inCount ? C.inAbsSum / C.inCount : 0,
            dacConversions: C.dacConv,
            dacClipRate: C.dacConv ? C.dacClip / C.dacConv : 0,
            inputActivity: C.dacConv ? C.dacCodeAbsSum / C.dacConv : 0,
            inputNonzeroFraction: C.dacConv ? C.dacNonzero / C.dacConv : 0,
            inputCodeP50: histQuantile(C.dacHist, 0.5),
            inputCodeP99: histQuantile(C.dacHist, 0.99),
            inputBitsUsed: Math.log2(2 * histQuantile(C.dacHist, 0.99) + 1),
            adcConversions: C.adcConv,
            adcClipRate: C.adcConv ? C.adcClip / C.adcConv : 0,
            adcHistogram: Array.from(C.adcHist),
            meanAbsConductanceNorm: L.meanAbsG,
            meanDriftAlpha: L.tiles.length ? alphaSum / L.tiles.length : 1,
          };
        }),
      };
    },
    resetStats() {
      digitalCalls = 0;
      for (const L of order) L.counters.reset();
    },
  };
}

/** Program one weight matrix: quantise, slice, map to conductances, apply programming noise, drift and
 *  read noise at t_inf, and compute the per-tile drift-compensation factor. Streams: prog, nu and read
 *  noise each from deriveSeed(seed, name + "/prog" | "/nu" | "/read"), so a layer's devices do not depend
 *  on other layers or on call order, and the programming draws do not change with t_inf. */
function programLayer(
  w: LinearWeight,
  analog: AnalogSpec,
  enc: WeightEncoding,
  model: ConductanceNoiseModel,
  seed: number,
  tInfS: number,
  columnScaling: boolean,
  compensate: boolean,
  staticBound: number,
  adcBins: number,
  tileBounds: readonly number[] | undefined,
  dacAbsBins: number,
  ro: ReadoutConfig,
): ProgrammedLayer {
  const rngReadout = new Rng(deriveSeed(seed, `${w.name}/readout`));
  const rngAdc = new Rng(deriveSeed(seed, `${w.name}/adc`));
  const rngFault = new Rng(deriveSeed(seed, `${w.name}/fault`));
  const pOff = ro.stuckOffRate;
  const pOnOrOff = ro.stuckOffRate + ro.stuckOnRate;
  const tile = analog.tile;
  const grid = tileGrid(w.inFeatures, w.outFeatures, tile, analog.weightBits, enc.slices);
  const rngProg = new Rng(deriveSeed(seed, `${w.name}/prog`));
  const rngNu = new Rng(deriveSeed(seed, `${w.name}/nu`));
  const rngRead = new Rng(deriveSeed(seed, `${w.name}/read`));
  const gMin = tile.gMinUs;
  const gSpan = tile.gMaxUs - tile.gMinUs;
  const inF = w.inFeatures;
  const W = w.data;
  const nS = enc.slices;
  const sw = enc.sliceWeights;
  const bpc = enc.bitsPerCell;
  let gSum = 0;
  let devices = 0;
  // one device: programmed (normalised) into uProg, at t_inf returned
  let uProg = 0;
  const device = (u: number): number => {
    if (pOnOrOff > 0) {
      const f = rngFault.nextFloat();
      if (f < pOnOrOff) {
        const g = f < pOff ? 0 : 1; // stuck at g_min or g_max: no programming, drift or read noise modelled on it
        gSum += (gMin + g * gSpan) / tile.gMaxUs;
        devices++;
        uProg = g;
        return g;
      }
    }
    const gT = gMin + u * gSpan;
    const gP = model.program(gT, rngProg);
    const nu = model.driftNu(gT, rngNu);
    const gt = model.atTime(gP, nu, tInfS, rngRead);
    gSum += gt / tile.gMaxUs;
    devices++;
    uProg = (gP - gMin) / gSpan;
    return (gt - gMin) / gSpan;
  };
  // normalised target level of slice k for every stored integer n (the same values as sliceLevel / sliceDenom,
  // looked up instead of recomputed per device). The table has nS x 2^weightBits entries, so it is built only
  // while that is small against the matrix (a 24-bit test encoding would otherwise fill 2^24 levels for a 9 x 40
  // matrix); past that the level is computed per device, the same value.
  const nLev = enc.nMax + 1;
  const tabulate = nS * nLev <= Math.max(1 << 16, W.length);
  const uTab = new Float64Array(tabulate ? nS * nLev : 0);
  if (tabulate) for (let k = 0; k < nS; k++) for (let n = 0; n < nLev; n++) uTab[k * nLev + n] = sliceLevel(n, k, bpc) / enc.sliceDenom;
  const level = (k: number, n: number): number => (tabulate ? uTab[k * nLev + n]! : sliceLevel(n, k, bpc) / enc.sliceDenom);
  const tiles: ProgrammedTile[] = [];
  for (const rows of grid.rowTiles) {
    for (const cols of grid.colTiles) {
      const R = rows.length;
      const K = cols.length;
      const slices: Float32Array[] = [];
      for (let k = 0; k < nS; k++) slices.push(allocF32(K * R));
      const colScale = new Float64Array(K);
      const quantScale = new Float64Array(K);
      if (!columnScaling) {
        const s = groupScale(enc, W, (j) => (cols.start + Math.floor(j / R)) * inF + rows.start + (j % R), K * R);
        colScale.fill(s.digitalScale / enc.qMax);
        quantScale.fill(s.quantScale);
      } else {
        for (let o = 0; o < K; o++) {
          const base = (cols.start + o) * inF + rows.start;
          const s = groupScale(enc, W, (j) => base + j, R);
          colScale[o] = s.digitalScale / enc.qMax;
          quantScale[o] = s.quantScale;
        }
      }
      // per element: the recombined weight right after programming (ref), at t_inf (now), the exact target (q);
      // the t0 slice values are kept for a noisy readout
      const refW = new Float64Array(compensate ? K * R : 0);
      const nowW = new Float64Array(compensate ? K * R : 0);
      const refSlices: Float32Array[] = compensate && ro.mode === "noisy" ? slices.map(() => new Float32Array(K * R)) : [];
      for (let o = 0; o < K; o++) {
        const base = (cols.start + o) * inF + rows.start;
        for (let i = 0; i < R; i++) {
          const q = quantizeWeight(enc, W[base + i], quantScale[o]);
          let ref = 0;
          let now = 0;
          if (enc.differential) {
            const np = q > 0 ? q : 0;
            const nn = q < 0 ? -q : 0;
            for (let k = 0; k < nS; k++) {
              const up = device(level(k, np));
              const upRef = uProg;
              const un = device(level(k, nn));
              const v = up - un;
              slices[k][o * R + i] = v;
              if (refSlices.length) refSlices[k]![o * R + i] = upRef - uProg;
              now += sw[k] * v;
              ref += sw[k] * (upRef - uProg);
            }
          } else {
            const n = (q + enc.c) / enc.a;
            for (let k = 0; k < nS; k++) {
              const u = device(level(k, n));
              slices[k][o * R + i] = u;
              if (refSlices.length) refSlices[k]![o * R + i] = uProg;
              now += sw[k] * u;
              ref += sw[k] * uProg;
            }
            now = enc.a * now - enc.c;
            ref = enc.a * ref - enc.c;
          }
          if (compensate) {
            nowW[o * R + i] = ro.mode === "ideal" ? now : readoutOne(ro, enc, slices, o * R + i, rngReadout);
            refW[o * R + i] = ro.mode === "ideal" ? ref : ro.mode === "exact-reference" ? q : readoutOne(ro, enc, refSlices, o * R + i, rngReadout);
          }
        }
      }
      // Global drift compensation (aihwkit GlobalDriftCompensation): one-hot (eye) inputs make mean|y| the mean
      // |recombined weight| read out; see AnalogBackendOptions.driftReadout for how the readouts are taken.
      let alpha = 1;
      if (compensate) {
        let refAbs = 0;
        let nowAbs = 0;
        for (let o = 0; o < K; o++) {
          let rc = 0;
          let nc = 0;
          for (let i = 0; i < R; i++) {
            rc += Math.abs(refW[o * R + i]!);
            nc += Math.abs(nowW[o * R + i]!);
          }
          refAbs += rc;
          nowAbs += nc;
          if (ro.perColumn) colScale[o] *= globalDriftAlpha(rc / R, nc / R);
        }
        alpha = globalDriftAlpha(refAbs / (K * R), nowAbs / (K * R));
      }
      if (!ro.perColumn) for (let o = 0; o < K; o++) colScale[o] *= alpha;
      const nLines = ro.adcGainSigma > 0 || ro.adcOffsetLsb > 0 ? K * ro.plan.sliceGroups.length : 0;
      const adcGain = new Float64Array(nLines);
      const adcOffset = new Float64Array(nLines);
      for (let j = 0; j < nLines; j++) {
        adcGain[j] = 1 + ro.adcGainSigma * normal(rngAdc);
        adcOffset[j] = ro.adcOffsetLsb * normal(rngAdc);
      }
      // tileArithmetic "int16": the tile weights as int16 per output row, A = round(w / s_o) with s_o = max |w| / AmaxY
      // (the kernel's scale times the input unit); with w_noise, the variance pass's |w| codes derived from them,
      // (|A| + h) >> varShift (h = 2^(varShift-1)), with scale s_o 2^varShift (gemmv_i16 and gemmyv_i16 alike)
      const intA: Uint16Array[] = [];
      const intS: Float32Array[] = [];
      let intCs: Float64Array | null = null;
      const varA: Uint16Array[] = [];
      const varS: Float32Array[] = [];
      if (ro.intAmax > 0) {
        const sh = ro.varShift;
        const h = sh > 0 ? 1 << (sh - 1) : 0;
        for (const sl of slices) {
          const { a, s, d } = allocInt16Rows(K, R, intA.length === 0 ? K : 0); // the first slice's block keeps the column scales too
          if (intA.length === 0) intCs = d;
          const v = ro.varAmax > 0 ? allocInt16Rows(K, R) : null;
          for (let o = 0; o < K; o++) {
            let mx = 0;
            for (let i = 0; i < R; i++) mx = Math.max(mx, Math.abs(sl[o * R + i]!));
            if (!(mx > 0)) continue;
            s[o] = (mx / ro.intAmax) * ro.xUnit;
            if (v) v.s[o] = (mx / ro.intAmax) * 2 ** sh;
            const inv = ro.intAmax / mx;
            for (let i = 0; i < R; i++) {
              const q = Math.round(sl[o * R + i]! * inv);
              a[o * R + i] = q & 0xffff; // int16 bits
              if (v) v.a[o * R + i] = ((q < 0 ? -q : q) + h) >> sh;
            }
          }
          intA.push(a);
          intS.push(s);
          if (v) {
            varA.push(v.a);
            varS.push(v.s);
          }
          freeNow(sl);
        }
        slices.length = 0;
      }
      // with int16 tiles the column scales live in the weights' bank too (the WebAssembly rescale reads them)
      const cs = intCs ?? colScale;
      if (cs !== colScale) cs.set(colScale);
      tiles.push({ rows, cols, slices, colScale: cs, alpha, adcGain, adcOffset, varA, varS, intA, intS, rng: new Rng(deriveSeed(seed, `${w.name}/mvm/${tiles.length}`)) });
    }
  }
  return {
    w,
    rowTiles: grid.rowTiles,
    tiles,
    nColTiles: grid.colTiles.length,
    staticBound,
    tileBound: Float64Array.from(grid.rowTiles, (_, r) => (tileBounds ? tileBounds[r]! : staticBound)),
    rowRngs: grid.rowTiles.map((_, r) => tiles.slice(r * grid.colTiles.length, (r + 1) * grid.colTiles.length).map((t) => t.rng)),
    counters: new LayerCounters(adcBins, dacAbsBins),
    meanAbsG: devices ? gSum / devices : 0,
    bank: oneBank(tiles),
  };
}

/** The bank of a layer whose every tile keeps its int16 weights, variance codes and column scales in one bank. */
function oneBank(tiles: readonly ProgrammedTile[]): Bank | null {
  if (tiles.length === 0 || tiles[0]!.intA.length === 0) return null;
  const b = bankOf(tiles[0]!.intA[0]!) ?? null;
  for (const t of tiles) for (const a of [...t.intA, ...t.intS, ...t.varA, ...t.varS, t.colScale]) if (bankOf(a) !== b) return null;
  return b;
}

interface ReadoutConfig {
  readonly mode: "ideal" | "noisy" | "exact-reference";
  readonly perColumn: boolean;
  readonly plan: ConversionPlan;
  readonly adcStep: number;
  readonly adcLevels: number;
  readonly outBound: number;
  readonly wNoise: number;
  readonly outNoise: number;
  readonly adcOffsetLsb: number;
  readonly adcGainSigma: number;
  readonly stuckOffRate: number;
  readonly stuckOnRate: number;
  /** Largest int16 |w| code of the integer variance pass; 0 when the float32 pass is used. */
  readonly varAmax: number;
  /** Largest int16 |w| code of the int16 tile weights (tileArithmetic "int16"); 0: float32 tiles. */
  readonly intAmax: number;
  /** The variance codes are (|A| + h) >> varShift of the tile codes A. */
  readonly varShift: number;
  /** The tile input of one integer input unit (PWM 1 / L, bit-serial 1). */
  readonly xUnit: number;
}

/** One element of a one-hot readout through the tile's read path: per slice group the joined slice values, plus
 *  w_noise sqrt(sum |w|) and out_noise (scaled to the group's full scale), ADC-rounded and clipped, shift-added and
 *  recombined (offset encoding: minus the reference for a full-scale one-hot input). */
function readoutOne(ro: ReadoutConfig, enc: WeightEncoding, slices: readonly Float32Array[], j: number, rng: Rng): number {
  let acc = 0;
  for (const S of ro.plan.sliceGroups) {
    let y = 0;
    let v = 0;
    for (let jj = 0; jj < S.size; jj++) {
      const u = slices[S.j0 + jj]![j]!;
      y += S.weights[jj]! * u;
      v += S.weights[jj]! * S.weights[jj]! * Math.abs(u);
    }
    if (ro.wNoise > 0) y += ro.wNoise * Math.sqrt(v) * normal(rng);
    if (ro.outNoise > 0) y += ro.outNoise * S.range * normal(rng);
    const step = ro.adcStep * S.range;
    const bound = ro.outBound * S.range;
    const code = y > bound ? ro.adcLevels : y < -bound ? -ro.adcLevels : y < 0 ? -Math.round(-y / step) : Math.round(y / step);
    acc += code * S.codeWeight;
  }
  return enc.a * acc * ro.adcStep * enc.sliceDenom - enc.c;
}
