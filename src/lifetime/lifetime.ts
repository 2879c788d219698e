// `lifetime`: what keeping an analog chip at a quality target costs over its life (issue 19). Three parts:
//  1. quality vs time since programming, measured with the accuracy evaluation (src/eval) at log-spaced t_inf
//     points, uncompensated and with global drift compensation refreshed, K seeds each (95 % intervals); every
//     (t_inf, compensation) point is evaluated once per call and shared by all the policies;
//  2. the costs of the events from the component models: reprogramming = the write-verify programming of every
//     mapped cell (src/components/programming.ts, as SimResult.programming reports it) plus the compensation's
//     reference readout; recalibration = the readout global drift compensation needs (aihwkit
//     GlobalDriftCompensation reads each tile with one-hot inputs: rows MVMs of one active row per tile, through
//     the simulator's tile cost, analogMvmCost; tiles read in parallel: assumption); inference energy per token
//     and throughput from `run`'s decode phase;
//  3. the policies simulated over the horizon on the event queue (./simulate.ts), and a digital baseline (no
//     drift: quality constant at the noise-free model's, no events) at the same load.
import { analogMvmCost, weightColumnsPerTile } from "../components/index.ts";
import { AimcsimError } from "../errors.ts";
import { calibrateStaticRanges, prepareEval, scoreAnalog, type CalibrationChoice, type PreparedEval } from "../eval/evaluate.ts";
import type { Interval } from "../eval/stats.ts";
import type { LoadedModel } from "../model/checkpoint.ts";
import { setKernelThreads } from "../numerics/kernels/pool.ts";
import { run } from "../sim/run.ts";
import type { SimResult } from "../sim/result.ts";
import type { ChipSpec } from "../spec/types.ts";
import {
  curveModel, functionModel, meets, parsePolicy, parseQualityTarget, recalibrates,
  type CurvePoint, type Policy, type QualityCurves, type QualityModel, type QualityTarget,
} from "./quality.ts";
import { simulateLifetime, type LifetimeCosts, type LifetimeOutcome } from "./simulate.ts";

export interface LifetimeOptions {
  readonly chip: ChipSpec;
  readonly model: LoadedModel;
  /** Service horizon (s). */
  readonly horizonS: number;
  readonly target: QualityTarget | string;
  readonly policies: readonly (Policy | string)[];
  /** Offered load, tokens/s (default 10). */
  readonly loadTokensPerS?: number;
  /** Monte Carlo seeds per t_inf point (default 2). */
  readonly seeds?: number;
  /** Held-out tokens scored per point (default 128). */
  readonly tokens?: number;
  /** t_inf points (s); default log-spaced from 1 s to the horizon, `pointsPerDecade` per decade. */
  readonly scheduleS?: readonly number[];
  readonly pointsPerDecade?: number;
  /** Digital baseline chip (no drift); null: none. */
  readonly baseline?: ChipSpec | null;
  /** Workload of the `run` that prices a token (default prompt 128, 64 generated). */
  readonly promptTokens?: number;
  readonly genTokens?: number;
  readonly baseSeed?: number;
  readonly text?: string;
  readonly calibrationRule?: CalibrationChoice;
  readonly threads?: number;
  /** Skip the evaluation: quality from this model instead (tests, what-if studies); `reference` is the noise-free
   *  quality the baseline keeps. */
  readonly quality?: { readonly model: QualityModel; readonly reference: number };
  /** Leakage while a chip is powered but not serving: "chip" (default: as its spec says, ChipSpec.powerGating) or
   *  "gated" (every chip, the baseline too, power-gated when idle: leakage only while it decodes). */
  readonly idle?: "chip" | "gated";
  /** Called after each evaluated (t_inf, compensation) point. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface MeasuredPoint {
  readonly tS: number;
  readonly compensated: boolean;
  readonly perplexity: Interval;
  readonly top1Agreement: Interval;
}

/** First crossing of the target on one curve, by the seeds' mean and by the pessimistic / optimistic ends of
 *  their 95 % interval (null: not within the horizon). */
export interface CurveCrossing {
  readonly compensated: boolean;
  readonly mean: number | null;
  readonly pessimistic: number | null;
  readonly optimistic: number | null;
}

export interface LifetimeCostReport extends LifetimeCosts {
  readonly tilesMapped: number;
  readonly cellsProgrammed: number;
  readonly programmingEnergyJ: number;
  readonly programmingTimeS: number;
  /** One-hot MVMs one compensation readout takes (all tiles). */
  readonly calibrationReads: number;
  readonly calibrationReadEnergyJ: number;
  readonly calibrationReadTimeS: number;
}

export interface LifetimeResult {
  readonly chip: string;
  readonly model: string;
  readonly horizonS: number;
  readonly target: QualityTarget;
  readonly loadTokensPerS: number;
  readonly seeds: number;
  readonly tokensScored: number;
  readonly reference: { readonly perplexity: number; readonly top1Agreement: number };
  /** Measured points (empty when the quality model was injected). */
  readonly points: readonly MeasuredPoint[];
  readonly crossings: readonly CurveCrossing[];
  readonly costs: LifetimeCostReport;
  readonly policies: readonly LifetimeOutcome[];
  readonly baseline: { readonly chip: string; readonly quality: number; readonly costs: LifetimeCosts; readonly outcome: LifetimeOutcome } | null;
  readonly notes: readonly string[];
}

/** Log-spaced t_inf schedule from 1 s to the horizon (both included), `perDecade` points per decade. */
export function logSchedule(horizonS: number, perDecade = 1): number[] {
  if (!(horizonS > 1)) throw new AimcsimError("UsageError", "horizon", `must exceed 1 s, got ${horizonS} s`);
  if (!(perDecade > 0 && perDecade <= 20)) throw new AimcsimError("UsageError", "pointsPerDecade", `must lie in (0, 20], got ${perDecade}`);
  const n = Math.max(1, Math.ceil(Math.log10(horizonS) * perDecade - 1e-9));
  const out: number[] = [];
  for (let i = 0; i <= n; i++) out.push(i === n ? horizonS : +Math.pow(10, i / perDecade).toPrecision(6));
  return out;
}

/** Quality of the chip at t_inf points, with and without refreshed compensation, K seeds; one evaluation per
 *  (t_inf, compensation), cached in `cache` (keyed "t|c") across calls that share the prepared text. */
export function measureQuality(
  prep: PreparedEval,
  chip: ChipSpec,
  o: { scheduleS: readonly number[]; compensated: readonly boolean[]; seeds: number; baseSeed?: number; calibration: ReturnType<typeof calibrateStaticRanges>; cache?: Map<string, MeasuredPoint>; onPoint?: () => void },
): MeasuredPoint[] {
  const cache = o.cache ?? new Map<string, MeasuredPoint>();
  const out: MeasuredPoint[] = [];
  for (const c of o.compensated) {
    for (const t of o.scheduleS) {
      const key = `${t}|${c}`;
      let p = cache.get(key);
      if (p === undefined) {
        const r = scoreAnalog(prep, chip, { seeds: o.seeds, ...(o.baseSeed !== undefined ? { baseSeed: o.baseSeed } : {}), tInfS: t, driftCompensation: c, calibration: o.calibration });
        p = { tS: t, compensated: c, perplexity: r.analog.perplexity, top1Agreement: r.analog.top1Agreement };
        cache.set(key, p);
        o.onPoint?.();
      }
      out.push(p);
    }
  }
  return out;
}

/** The measured points of one metric as curves for the policy simulation. */
export function curvesOf(points: readonly MeasuredPoint[], target: QualityTarget): QualityCurves {
  const pick = (c: boolean): CurvePoint[] =>
    points
      .filter((p) => p.compensated === c)
      .map((p) => {
        const i = target.metric === "perplexity" ? p.perplexity : p.top1Agreement;
        return { tS: p.tS, mean: i.mean, low: i.low, high: i.high };
      })
      .sort((a, b) => a.tS - b.tS);
  const comp = pick(true);
  return { uncompensated: pick(false), compensated: comp.length ? comp : null };
}

/** Energy and time of the events and of a served token on `chip` (see the file header). */
export function lifetimeCosts(chip: ChipSpec, sim: SimResult): LifetimeCostReport {
  const a = chip.analog;
  const tiles = sim.mapping.tilesNeeded;
  const idlePowerW = sim.powerGating ? 0 : sim.staticPowerW;
  const inference = { energyPerTokenJ: sim.decodeEnergyPerTokenJ, maxTokensPerS: sim.decodeTokensPerS, idlePowerW };
  if (!a || tiles === 0 || sim.programming === null) {
    const zero = { energyJ: 0, timeS: 0 };
    return { ...inference, recalibration: zero, reprogramming: zero, tilesMapped: 0, cellsProgrammed: 0, programmingEnergyJ: 0, programmingTimeS: 0, calibrationReads: 0, calibrationReadEnergyJ: 0, calibrationReadTimeS: 0 };
  }
  const ctx = { supplyV: chip.supplyV, ...(a.periphery !== undefined ? { periphery: a.periphery } : {}) };
  const c = analogMvmCost(a.tile, a.weightBits, chip.technologyNm, a.clockHz, 1, weightColumnsPerTile(a.tile, a.weightBits), undefined, undefined, a.accumulatorFormat, ctx);
  const e = c.energyByComponentJ;
  const perRead = e.dac + e.crossbar + e.adc + e.accumulate + e.periphery;
  const reads = tiles * a.tile.rows;
  const readout = { energyJ: reads * perRead, timeS: a.tile.rows * c.latencyPs * 1e-12 }; // ps -> s (unit conversion)
  const p = sim.programming;
  return {
    ...inference,
    recalibration: readout,
    reprogramming: { energyJ: p.energyJ + readout.energyJ, timeS: p.timeS + readout.timeS },
    tilesMapped: tiles,
    cellsProgrammed: p.cells,
    programmingEnergyJ: p.energyJ,
    programmingTimeS: p.timeS,
    calibrationReads: reads,
    calibrationReadEnergyJ: readout.energyJ,
    calibrationReadTimeS: readout.timeS,
  };
}

export async function lifetime(opts: LifetimeOptions): Promise<LifetimeResult> {
  const { chip, model } = opts;
  if (!chip.analog) throw new AimcsimError("UsageError", "chip.analog", `chip "${chip.name}" has no analog part: nothing drifts (use it as --baseline)`);
  const target = typeof opts.target === "string" ? parseQualityTarget(opts.target) : opts.target;
  const policies = opts.policies.map((p, i) => (typeof p === "string" ? parsePolicy(p, `policies[${i}]`) : p));
  if (policies.length === 0) throw new AimcsimError("UsageError", "policies", "give at least one policy");
  const horizonS = opts.horizonS;
  const load = opts.loadTokensPerS ?? 10;
  if (!(load >= 0 && Number.isFinite(load))) throw new AimcsimError("UsageError", "load", `must be a finite number of tokens/s >= 0, got ${load}`);
  const seeds = opts.seeds ?? 2;
  const tokens = opts.tokens ?? 128;
  const notes: string[] = [];

  // 1. quality vs time since programming
  let Q: QualityModel;
  let reference: { perplexity: number; top1Agreement: number };
  let points: MeasuredPoint[] = [];
  let tokensScored = 0;
  let crossings: CurveCrossing[] = [];
  if (opts.quality) {
    Q = opts.quality.model;
    reference = target.metric === "perplexity" ? { perplexity: opts.quality.reference, top1Agreement: 1 } : { perplexity: NaN, top1Agreement: opts.quality.reference };
    notes.push("quality from an injected model (no evaluation)");
  } else {
    setKernelThreads(opts.threads ?? 0);
    const scheduleS = [...(opts.scheduleS ?? logSchedule(horizonS, opts.pointsPerDecade ?? 1))].sort((x, y) => x - y);
    scheduleS.forEach((t, i) => {
      if (!(t > 0 && Number.isFinite(t))) throw new AimcsimError("UsageError", `scheduleS[${i}]`, `t_inf must be a positive finite number of seconds, got ${t}`);
    });
    const prep = await prepareEval({ model, tokens, ...(opts.text !== undefined ? { text: opts.text } : {}) });
    notes.push(...prep.notes);
    const calibration = calibrateStaticRanges(prep, chip, undefined, opts.calibrationRule);
    if (calibration?.note) notes.push(calibration.note);
    const comp = policies.some(recalibrates) ? [false, true] : [false];
    let done = 0;
    const total = comp.length * scheduleS.length;
    points = measureQuality(prep, chip, { scheduleS, compensated: comp, seeds, calibration, ...(opts.baseSeed !== undefined ? { baseSeed: opts.baseSeed } : {}), onPoint: () => opts.onProgress?.(++done, total) });
    const curves = curvesOf(points, target);
    Q = curveModel(curves);
    const worse = target.op === "<=" ? "high" : "low";
    const better = target.op === "<=" ? "low" : "high";
    const firstMiss = (m: QualityModel, c: boolean): number | null => (meets(target, m.at(0, c)) ? m.nextFlip(0, horizonS, c, target, true) : 0);
    crossings = comp.map((c) => ({ compensated: c, mean: firstMiss(Q, c), pessimistic: firstMiss(curveModel(curves, worse), c), optimistic: firstMiss(curveModel(curves, better), c) }));
    reference = { perplexity: prep.reference.perplexity, top1Agreement: 1 };
    tokensScored = prep.reference.tokensScored;
    notes.push(
      `quality: ${model.shape.name}, ${tokensScored} held-out tokens, ${seeds} seed(s) per point, t_inf ${scheduleS.map((t) => `${+t.toPrecision(3)}`).join(", ")} s; ` +
        "piecewise linear in log time between points, held before the first; policies decide on the seeds' mean",
    );
  }

  // 2. costs
  const shape = model.shape;
  const promptTokens = opts.promptTokens ?? 128;
  const genTokens = opts.genTokens ?? 64;
  const sim = await run({ chip, model: shape, promptTokens, genTokens });
  const gated = opts.idle === "gated";
  const costs0 = lifetimeCosts(chip, sim);
  const costs = gated ? { ...costs0, idlePowerW: 0 } : costs0;
  if (load > costs.maxTokensPerS) notes.push(`load ${load} tokens/s exceeds ${chip.name}'s decode throughput ${costs.maxTokensPerS.toPrecision(3)} tokens/s: served at the throughput`);
  notes.push(
    `energy per token: ${chip.name}'s decode energy per generated token (run: prompt ${promptTokens}, ${genTokens} generated, batch 1); ` +
      `idle leakage ${costs.idlePowerW > 0 ? `${costs.idlePowerW.toPrecision(3)} W while not serving and during recalibration / reprogramming` : `0 (power-gated${gated ? ": --idle gated" : ""})`}`,
    `recalibration: global drift compensation readout, ${costs.calibrationReads} one-hot MVMs (${chip.analog.tile.rows} per tile, ${costs.tilesMapped} tiles, tiles in parallel: assumption); ` +
      `reprogramming: write-verify of ${costs.cellsProgrammed} cells (src/components/programming.ts) + the compensation's reference readout`,
    "after a recalibration the quality follows the compensated curve at the time since programming (the staleness of the compensation between recalibrations is not modelled); " +
      "reprogramming restarts the clock; the chip serves nothing while it recalibrates or reprograms",
  );
  for (const s of sim.assumptions) if (s.startsWith("programming")) notes.push(s);

  // 3. policies and the baseline
  const outcomes = policies.map((policy) => simulateLifetime({ horizonS, target, policy, quality: Q, costs, loadTokensPerS: load }));
  let baseline: LifetimeResult["baseline"] = null;
  if (opts.baseline) {
    const b = opts.baseline;
    const bsim = await run({ chip: b, model: shape, promptTokens, genTokens });
    const bq = target.metric === "perplexity" ? reference.perplexity : reference.top1Agreement;
    const bcosts: LifetimeCosts = {
      recalibration: { energyJ: 0, timeS: 0 },
      reprogramming: { energyJ: 0, timeS: 0 },
      energyPerTokenJ: bsim.decodeEnergyPerTokenJ,
      maxTokensPerS: bsim.decodeTokensPerS,
      idlePowerW: bsim.powerGating || gated ? 0 : bsim.staticPowerW,
    };
    const outcome = simulateLifetime({ horizonS, target, policy: { kind: "none", text: "digital (no drift)" }, quality: functionModel(() => bq), costs: bcosts, loadTokensPerS: load });
    baseline = { chip: b.name, quality: bq, costs: bcosts, outcome };
    notes.push(`baseline ${b.name}: no drift, quality constant at the noise-free model's (${target.metric} ${bq.toPrecision(4)}; its own quantisation not scored), no events`);
    if (load > bcosts.maxTokensPerS) notes.push(`load ${load} tokens/s exceeds ${b.name}'s decode throughput ${bcosts.maxTokensPerS.toPrecision(3)} tokens/s: served at the throughput`);
  }
  return {
    chip: chip.name,
    model: shape.name,
    horizonS,
    target,
    loadTokensPerS: load,
    seeds,
    tokensScored,
    reference,
    points,
    crossings,
    costs,
    policies: outcomes,
    baseline,
    notes,
  };
}
