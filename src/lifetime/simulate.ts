// A chip's life in service as events on the engine's event queue (src/engine/event-queue.ts, time in seconds):
// periodic recalibrations (refresh of global drift compensation), reprogrammings when the quality target is
// crossed, and the crossings themselves. The chip serves no tokens while it recalibrates or reprograms.
//
// Quality model (src/lifetime/quality.ts): q(tau, compensated), tau = time since the last programming. Right after
// programming the drift-compensation factor is that of programming time (alpha = 1): the uncompensated curve.
// After a recalibration the quality follows the compensated curve at the time since programming (the brief's
// approximation: the compensation read at the recalibration is treated as current until the next one; the residual
// global gain error accumulated between two recalibrations, ((tau + t0)/(tau_cal + t0))^-nu for PCM, is not
// modelled). A reprogramming restarts the clock (tau = 0, uncompensated).
//
// Energy: inference = tokens served x energy per token (the run's decode energy per token, dynamic + static while
// decoding); idle = leakage while available but not serving (load below the chip's throughput; 0 for a
// power-gated chip); recalibration and reprogramming = their own energy plus the leakage over their downtime.
// total = inference + idle + recalibration + reprogramming (the first programming of the deployment is reported
// apart, it is the same for every policy).
import { EventQueue } from "../engine/event-queue.ts";
import { AimcsimError } from "../errors.ts";
import { meets, recalibrates, reprograms, type Policy, type QualityModel, type QualityTarget } from "./quality.ts";

export interface MaintenanceCost {
  readonly energyJ: number;
  readonly timeS: number;
}

export interface LifetimeCosts {
  /** One refresh of global drift compensation (the reads it needs). */
  readonly recalibration: MaintenanceCost;
  /** One write-verify programming of every cell mapped. */
  readonly reprogramming: MaintenanceCost;
  /** Energy per generated token while serving (J). */
  readonly energyPerTokenJ: number;
  /** Most tokens/s the chip serves (decode throughput). */
  readonly maxTokensPerS: number;
  /** Leakage while powered and not serving (W); 0 for a power-gated chip. */
  readonly idlePowerW: number;
}

export interface LifetimeSimInput {
  readonly horizonS: number;
  readonly target: QualityTarget;
  readonly policy: Policy;
  readonly quality: QualityModel;
  readonly costs: LifetimeCosts;
  /** Offered load (tokens/s); served up to costs.maxTokensPerS. */
  readonly loadTokensPerS: number;
  /** Wall times at which the quality curve is sampled for plots (default: 160 log-spaced points from 1 s). */
  readonly plotPoints?: number;
}

export type LifetimeEventKind = "recalibration" | "reprogramming" | "target-crossed" | "target-met";

export interface LifetimeEvent {
  readonly kind: LifetimeEventKind;
  readonly atS: number;
  /** End of the downtime (recalibration, reprogramming); atS for crossings. */
  readonly endS: number;
  /** Time since programming when it happened. */
  readonly tauS: number;
  /** Quality just before (recalibration, reprogramming: at the start; crossings: at the crossing). */
  readonly quality: number;
}

export interface EnergyBreakdown {
  readonly inferenceJ: number;
  readonly idleJ: number;
  readonly recalibrationJ: number;
  readonly reprogrammingJ: number;
  readonly totalJ: number;
}

export interface LifetimeOutcome {
  readonly policy: string;
  readonly horizonS: number;
  readonly recalibrations: number;
  /** Recalibrations due while the chip was reprogramming (not run). */
  readonly recalibrationsSkipped: number;
  readonly reprogrammings: number;
  readonly downtimeS: number;
  /** 1 - downtime / horizon. */
  readonly availability: number;
  /** Available time at or better than the target (s) and its share of the available time. */
  readonly inTargetS: number;
  readonly inTargetFraction: number;
  /** The target holds over all the available time. */
  readonly meetsTarget: boolean;
  /** Reprogramming cannot restore the target (quality right after programming misses it). */
  readonly unreachable: boolean;
  /** First time the target was crossed (null: never). */
  readonly firstCrossingS: number | null;
  readonly servedTokensPerS: number;
  readonly tokens: number;
  readonly tokensInTarget: number;
  readonly energy: EnergyBreakdown;
  /** tokens / total energy. */
  readonly tokensPerJ: number;
  /** Tokens served at or better than the target / total energy (iso-quality: what the target buys). */
  readonly tokensPerJInTarget: number;
  /** Quality over the available time: time-weighted mean (log-spaced samples in each stretch), worst, at the end. */
  readonly quality: { readonly mean: number; readonly worst: number; readonly final: number };
  readonly events: readonly LifetimeEvent[];
  /** Events beyond the first MAX_EVENTS_KEPT are counted but not listed. */
  readonly eventsDropped: number;
  /** Quality against wall time, for the figure (null where the chip is down). */
  readonly curve: readonly { readonly tS: number; readonly quality: number | null }[];
}

/** Events listed in an outcome (the counts are always complete). */
export const MAX_EVENTS_KEPT = 2000;
/** Reprogrammings beyond this in one horizon: the policy thrashes (target just above what programming gives). */
export const MAX_REPROGRAMMINGS = 1_000_000;

const EV_RECAL = 1;
const EV_RECAL_END = 2;
const EV_REPROG_END = 3;
const EV_FLIP = 4;

interface Stretch {
  readonly startS: number;
  endS: number;
  readonly programmedAtS: number;
  readonly compensated: boolean;
  readonly available: boolean;
}

export function simulateLifetime(input: LifetimeSimInput): LifetimeOutcome {
  const { horizonS, target, policy, quality: Q, costs } = input;
  if (!(horizonS > 0 && Number.isFinite(horizonS))) throw new AimcsimError("UsageError", "horizon", `must be a positive finite duration, got ${horizonS}`);
  if (!(input.loadTokensPerS >= 0 && Number.isFinite(input.loadTokensPerS))) throw new AimcsimError("UsageError", "load", `must be a finite number of tokens/s >= 0, got ${input.loadTokensPerS}`);
  for (const [k, c] of [["recalibration", costs.recalibration], ["reprogramming", costs.reprogramming]] as const) {
    if (!(c.energyJ >= 0 && c.timeS >= 0 && Number.isFinite(c.energyJ) && Number.isFinite(c.timeS)))
      throw new AimcsimError("UsageError", `costs.${k}`, `energy and time must be finite and >= 0, got ${c.energyJ} J, ${c.timeS} s`);
  }
  if (recalibrates(policy)) {
    const T = policy.periodS!;
    if (!(T > costs.recalibration.timeS))
      throw new AimcsimError("UsageError", "policy", `recalibration period ${T} s must exceed the recalibration time ${costs.recalibration.timeS} s`);
  }
  const doReprogram = reprograms(policy);
  const q = new EventQueue(64);
  const stretches: Stretch[] = [];
  const events: LifetimeEvent[] = [];
  let eventsDropped = 0;
  const log = (e: LifetimeEvent): void => {
    if (events.length < MAX_EVENTS_KEPT) events.push(e);
    else eventsDropped++;
  };

  let now = 0;
  let programmedAt = 0;
  let compensated = false;
  let busy = false;
  let ok = meets(target, Q.at(0, false));
  let unreachable = !ok;
  let gen = 0; // flip events carry the generation they were scheduled in; a state change invalidates them
  let recalibrations = 0;
  let recalibrationsSkipped = 0;
  let reprogrammings = 0;
  let firstCrossingS: number | null = ok ? null : 0;
  let inTargetS = 0;
  let okSince = 0; // start of the current available in-target stretch (when ok && !busy)

  const open = (available: boolean): void => {
    const last = stretches[stretches.length - 1];
    if (last) last.endS = now;
    stretches.push({ startS: now, endS: horizonS, programmedAtS: programmedAt, compensated, available });
  };
  const closeOk = (): void => {
    if (ok && !busy) inTargetS += now - okSince;
  };
  // Right after a (re)programming the search is the same every time: searched once to the full horizon, reused.
  const fromZero = new Map<string, number | null>();
  const scheduleFlip = (): void => {
    gen++;
    const tau = now - programmedAt;
    const end = horizonS - programmedAt;
    if (!(end > tau)) return;
    let flip: number | null;
    if (tau === 0) {
      const key = `${compensated}|${ok}`;
      if (!fromZero.has(key)) fromZero.set(key, Q.nextFlip(0, horizonS, compensated, target, ok));
      flip = fromZero.get(key)!;
      if (flip !== null && flip > end) flip = null;
    } else flip = Q.nextFlip(tau, end, compensated, target, ok);
    if (flip !== null) q.push(programmedAt + flip, EV_FLIP, gen);
  };
  const startReprogram = (): void => {
    closeOk();
    busy = true;
    gen++;
    const tau = now - programmedAt;
    log({ kind: "reprogramming", atS: now, endS: now + costs.reprogramming.timeS, tauS: tau, quality: Q.at(tau, compensated) });
    reprogrammings++;
    if (reprogrammings > MAX_REPROGRAMMINGS)
      throw new AimcsimError("SimError", "policy", `more than ${MAX_REPROGRAMMINGS} reprogrammings in the horizon: the target "${target.text}" is barely met right after programming`);
    open(false);
    q.push(now + costs.reprogramming.timeS, EV_REPROG_END, 0);
  };
  /** After programming or a recalibration: is the target met now? act on it, then look for the next flip. */
  const settle = (): void => {
    const tau = now - programmedAt;
    const wasOk = ok;
    ok = meets(target, Q.at(tau, compensated));
    if (ok) okSince = now;
    if (wasOk !== ok) log({ kind: ok ? "target-met" : "target-crossed", atS: now, endS: now, tauS: tau, quality: Q.at(tau, compensated) });
    if (!ok && firstCrossingS === null) firstCrossingS = now;
    if (!ok && doReprogram && !unreachable) {
      if (tau === 0) unreachable = true; // fresh programming misses the target: reprogramming cannot help
      else return startReprogram();
    }
    open(true);
    scheduleFlip();
  };

  if (ok) okSince = 0;
  else log({ kind: "target-crossed", atS: 0, endS: 0, tauS: 0, quality: Q.at(0, false) });
  open(true);
  scheduleFlip();
  if (recalibrates(policy)) q.push(policy.periodS!, EV_RECAL, 0);

  while (q.size > 0 && q.peekTimePs() < horizonS) {
    q.pop();
    now = q.poppedTimePs;
    const kind = q.poppedKind;
    if (kind === EV_FLIP) {
      if (q.poppedPayload !== gen || busy) continue;
      closeOk();
      ok = !ok;
      const tau = now - programmedAt;
      log({ kind: ok ? "target-met" : "target-crossed", atS: now, endS: now, tauS: tau, quality: Q.at(tau, compensated) });
      if (ok) okSince = now;
      else if (firstCrossingS === null) firstCrossingS = now;
      if (!ok && doReprogram && !unreachable) startReprogram();
      else scheduleFlip();
    } else if (kind === EV_RECAL) {
      const next = now + policy.periodS!;
      if (next < horizonS) q.push(next, EV_RECAL, 0);
      if (busy) {
        recalibrationsSkipped++;
        continue;
      }
      closeOk();
      busy = true;
      gen++;
      recalibrations++;
      const tau = now - programmedAt;
      log({ kind: "recalibration", atS: now, endS: now + costs.recalibration.timeS, tauS: tau, quality: Q.at(tau, compensated) });
      open(false);
      q.push(now + costs.recalibration.timeS, EV_RECAL_END, 0);
    } else if (kind === EV_RECAL_END) {
      busy = false;
      compensated = true;
      settle();
    } else if (kind === EV_REPROG_END) {
      busy = false;
      programmedAt = now;
      compensated = false;
      settle();
    }
  }
  now = horizonS;
  closeOk();
  stretches[stretches.length - 1]!.endS = horizonS;

  // Downtime may run past the horizon (an event started just before it): count only the part inside.
  let downtimeS = 0;
  let qSum = 0;
  let qTime = 0;
  let worst = target.op === "<=" ? -Infinity : Infinity;
  let final = NaN;
  const statsCache = new Map<string, { integral: number; min: number; max: number }>(); // repeated reprogramming cycles
  for (const s of stretches) {
    const d = Math.min(s.endS, horizonS) - s.startS;
    if (!(d > 0)) continue;
    if (!s.available) {
      downtimeS += d;
      continue;
    }
    const a = s.startS - s.programmedAtS;
    const b = a + d;
    const key = `${a}|${b}|${s.compensated}`;
    let st = statsCache.get(key);
    if (st === undefined) statsCache.set(key, (st = stretchStats(Q, a, b, s.compensated)));
    qSum += st.integral;
    qTime += d;
    worst = target.op === "<=" ? Math.max(worst, st.max) : Math.min(worst, st.min);
    final = Q.at(b, s.compensated);
  }
  const available = horizonS - downtimeS;
  const served = Math.min(input.loadTokensPerS, costs.maxTokensPerS);
  const tokens = served * available;
  const tokensInTarget = served * inTargetS;
  const busyServing = costs.maxTokensPerS > 0 ? tokens / costs.maxTokensPerS : 0;
  const downRecal = recalibrations * costs.recalibration.timeS;
  const downReprog = reprogrammings * costs.reprogramming.timeS;
  const energy = sumEnergy({
    inferenceJ: tokens * costs.energyPerTokenJ,
    idleJ: costs.idlePowerW * Math.max(0, available - busyServing),
    recalibrationJ: recalibrations * costs.recalibration.energyJ + costs.idlePowerW * downRecal,
    reprogrammingJ: reprogrammings * costs.reprogramming.energyJ + costs.idlePowerW * downReprog,
  });
  const inTargetFraction = available > 0 ? inTargetS / available : 0;
  return {
    policy: policy.text,
    horizonS,
    recalibrations,
    recalibrationsSkipped,
    reprogrammings,
    downtimeS,
    availability: 1 - downtimeS / horizonS,
    inTargetS,
    inTargetFraction,
    meetsTarget: inTargetS >= available * (1 - 1e-12),
    unreachable,
    firstCrossingS,
    servedTokensPerS: served,
    tokens,
    tokensInTarget,
    energy,
    tokensPerJ: energy.totalJ > 0 ? tokens / energy.totalJ : 0,
    tokensPerJInTarget: energy.totalJ > 0 ? tokensInTarget / energy.totalJ : 0,
    quality: { mean: qTime > 0 ? qSum / qTime : NaN, worst, final },
    events,
    eventsDropped,
    curve: plotCurve(stretches, Q, horizonS, input.plotPoints ?? 160),
  };
}

export function sumEnergy(e: Omit<EnergyBreakdown, "totalJ">): EnergyBreakdown {
  return { ...e, totalJ: e.inferenceJ + e.idleJ + e.recalibrationJ + e.reprogrammingJ };
}

/** Integral (trapezoid over log-spaced samples, 16 per decade, linear time weights), min and max of q over [a, b]. */
function stretchStats(Q: QualityModel, a: number, b: number, c: boolean): { integral: number; min: number; max: number } {
  const lo = Math.max(a, 1e-3);
  const n = Math.min(256, Math.max(2, Math.ceil(Math.log10(Math.max(b, lo * 1.0001) / lo) * 16)));
  let prevT = a;
  let prevQ = Q.at(a, c);
  let min = prevQ;
  let max = prevQ;
  let integral = 0;
  for (let i = 1; i <= n; i++) {
    const t = i === n ? b : lo * Math.pow(b / lo, i / n);
    if (!(t > prevT)) continue;
    const v = Q.at(t, c);
    integral += 0.5 * (prevQ + v) * (t - prevT);
    min = Math.min(min, v);
    max = Math.max(max, v);
    prevT = t;
    prevQ = v;
  }
  return { integral, min, max };
}

/** Quality at log-spaced wall times from 1 s to the horizon, plus both sides of every state change (when few). */
function plotCurve(stretches: readonly Stretch[], Q: QualityModel, horizonS: number, points: number): { tS: number; quality: number | null }[] {
  const t0 = Math.min(1, horizonS / 10);
  const times: number[] = [];
  for (let i = 0; i < points; i++) times.push(t0 * Math.pow(horizonS / t0, i / (points - 1)));
  if (stretches.length <= 400) {
    for (const s of stretches) {
      if (s.startS > t0) times.push(s.startS);
      if (s.endS > t0 && s.endS < horizonS) times.push(s.endS * (1 - 1e-9));
    }
  }
  times.sort((x, y) => x - y);
  const out: { tS: number; quality: number | null }[] = [];
  let j = 0;
  for (const t of times) {
    while (j < stretches.length - 1 && stretches[j]!.endS <= t) j++;
    const s = stretches[j]!;
    out.push({ tS: t, quality: s.available ? Q.at(t - s.programmedAtS, s.compensated) : null });
  }
  return out;
}
