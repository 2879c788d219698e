// Quality targets, durations and policies as the `lifetime` command and library take them, and the quality of a
// chip as a function of the time since it was programmed (a QualityModel): measured curves (piecewise linear in
// log time between the evaluated t_inf points) or an injected function (tests, what-if studies).
import { AimcsimError } from "../errors.ts";

export type QualityMetric = "perplexity" | "agreement";

/** "ppl<=X" (perplexity at most X) or "agreement>=Y" (top-1 agreement with the noise-free model at least Y). */
export interface QualityTarget {
  readonly metric: QualityMetric;
  readonly op: "<=" | ">=";
  readonly value: number;
  readonly text: string;
}

export function parseQualityTarget(text: string, path = "quality"): QualityTarget {
  const m = /^\s*(ppl|perplexity|agreement|agree)\s*(<=|>=)\s*([0-9.eE+-]+)\s*$/.exec(text);
  if (!m) throw new AimcsimError("UsageError", path, `must be "ppl<=X" or "agreement>=Y", got "${text}"`);
  const metric: QualityMetric = m[1]!.startsWith("p") ? "perplexity" : "agreement";
  const op = m[2] as "<=" | ">=";
  const value = Number(m[3]);
  if (metric === "perplexity" && op !== "<=") throw new AimcsimError("UsageError", path, `a perplexity target is an upper bound: "ppl<=X", got "${text}"`);
  if (metric === "agreement" && op !== ">=") throw new AimcsimError("UsageError", path, `an agreement target is a lower bound: "agreement>=Y", got "${text}"`);
  if (metric === "perplexity" && !(Number.isFinite(value) && value >= 1)) throw new AimcsimError("UsageError", path, `perplexity bound must be a finite number >= 1, got ${m[3]}`);
  if (metric === "agreement" && !(value >= 0 && value <= 1)) throw new AimcsimError("UsageError", path, `agreement bound must lie in [0, 1], got ${m[3]}`);
  return { metric, op, value, text: `${metric === "perplexity" ? "ppl" : "agreement"}${op}${value}` };
}

/** Whether a quality value meets the target (NaN never does). */
export function meets(target: QualityTarget, q: number): boolean {
  return target.op === "<=" ? q <= target.value : q >= target.value;
}

const DURATION_UNITS_S: Readonly<Record<string, number>> = {
  s: 1,
  min: 60,
  h: 3600,
  d: 86400,
  w: 7 * 86400,
  mo: 30 * 86400, // a month of 30 days (convention)
  y: 365 * 86400, // a year of 365 days (convention)
};

/** "1y", "30d", "12h", "15min", "90s", "3600" (seconds). Units: s, min, h, d, w, mo (30 d), y (365 d). */
export function parseDuration(text: string, path: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*(s|min|h|d|w|mo|y)?\s*$/.exec(text);
  if (!m) throw new AimcsimError("UsageError", path, `must be a duration such as 1y, 30d, 12h, 15min, 90s or seconds, got "${text}"`);
  const v = Number(m[1]) * DURATION_UNITS_S[m[2] ?? "s"]!;
  if (!(v > 0 && Number.isFinite(v))) throw new AimcsimError("UsageError", path, `must be a positive finite duration, got "${text}"`);
  return v;
}

/** A duration in the largest unit that keeps it >= 1 (for labels). */
export function formatDuration(s: number): string {
  const units: [string, number][] = [["y", 365 * 86400], ["d", 86400], ["h", 3600], ["min", 60], ["s", 1]];
  for (const [u, f] of units) if (s >= f) return `${+(s / f).toPrecision(3)}${u}`;
  return `${+s.toPrecision(3)}s`;
}

/** What keeps the chip at its quality target: nothing; refresh global drift compensation every periodS; reprogram
 *  when the target is crossed; both. */
export interface Policy {
  readonly kind: "none" | "recalibrate" | "reprogram" | "both";
  /** Recalibration period (recalibrate, both). */
  readonly periodS?: number;
  readonly text: string;
}

export function parsePolicy(text: string, path = "policy"): Policy {
  const t = text.trim();
  if (t === "none" || t === "reprogram") return { kind: t, text: t };
  const m = /^(recalibrate|both):(.+)$/.exec(t);
  if (!m) throw new AimcsimError("UsageError", path, `must be none, recalibrate:T, reprogram or both:T (T a duration such as 1d), got "${text}"`);
  const periodS = parseDuration(m[2]!, path);
  return { kind: m[1] as "recalibrate" | "both", periodS, text: `${m[1]}:${m[2]!.trim()}` };
}

export const recalibrates = (p: Policy): boolean => p.kind === "recalibrate" || p.kind === "both";
export const reprograms = (p: Policy): boolean => p.kind === "reprogram" || p.kind === "both";

/** Quality of the chip tauS seconds after it was programmed; `compensated`: global drift compensation refreshed at
 *  tauS (a recalibration has happened since programming), else the factor of programming time (alpha = 1). */
export interface QualityModel {
  at(tauS: number, compensated: boolean): number;
  /** The first tau in (fromS, toS] where meets(target, at(tau)) differs from `ok`, or null. */
  nextFlip(fromS: number, toS: number, compensated: boolean, target: QualityTarget, ok: boolean): number | null;
}

export interface CurvePoint {
  readonly tS: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/** Quality vs time since programming, measured at t_inf points (ascending, > 0), one list per compensation state. */
export interface QualityCurves {
  readonly uncompensated: readonly CurvePoint[];
  readonly compensated: readonly CurvePoint[] | null;
}

/** Piecewise linear in log(t) between measured points, held constant before the first and after the last. Policies
 *  decide on the mean over seeds (`which` picks a bound of the seeds' 95 % interval instead). Between two points
 *  that both meet a target every interpolated value meets it, so flips are found exactly on the knots' segments. */
export function curveModel(curves: QualityCurves, which: "mean" | "low" | "high" = "mean"): QualityModel {
  const pick = (c: boolean): readonly CurvePoint[] => {
    const pts = c ? curves.compensated : curves.uncompensated;
    if (!pts || pts.length === 0) throw new AimcsimError("UsageError", `curves.${c ? "compensated" : "uncompensated"}`, "no quality points measured for this compensation state");
    return pts;
  };
  for (const c of [false, true]) {
    const pts = c ? curves.compensated : curves.uncompensated;
    if (!pts) continue;
    for (let i = 0; i < pts.length; i++) {
      if (!(pts[i]!.tS > 0) || (i > 0 && !(pts[i]!.tS > pts[i - 1]!.tS)))
        throw new AimcsimError("UsageError", `curves.${c ? "compensated" : "uncompensated"}[${i}].tS`, "must be > 0 and ascending");
    }
  }
  const val = (p: CurvePoint): number => p[which];
  const at = (tau: number, c: boolean): number => {
    const pts = pick(c);
    if (tau <= pts[0]!.tS) return val(pts[0]!);
    const last = pts[pts.length - 1]!;
    if (tau >= last.tS) return val(last);
    let lo = 0;
    let hi = pts.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (pts[mid]!.tS <= tau) lo = mid;
      else hi = mid;
    }
    const a = pts[lo]!;
    const b = pts[hi]!;
    const f = Math.log(tau / a.tS) / Math.log(b.tS / a.tS);
    return val(a) + f * (val(b) - val(a));
  };
  return {
    at,
    nextFlip(from, to, c, target, ok) {
      const pts = pick(c);
      // knots strictly inside (from, to], then `to`
      let prevT = from;
      let prevQ = at(from, c);
      const knots = pts.filter((p) => p.tS > from && p.tS < to).map((p) => p.tS);
      knots.push(to);
      for (const t of knots) {
        const q = at(t, c);
        if (meets(target, q) !== ok) {
          // linear in log t on (prevT, t] (from may lie before the first knot, where the curve is flat)
          if (prevT <= 0 || q === prevQ) return t;
          const f = (target.value - prevQ) / (q - prevQ);
          let x = f > 0 && f < 1 ? prevT * Math.exp(f * Math.log(t / prevT)) : prevT;
          // the interpolated value equals the bound (meets it): the flip is just after; bisect to the first time
          // past it (relative 1e-12) so that the returned time really has the other status
          let y = t;
          if (meets(target, at(x, c)) !== ok) return x;
          for (let k = 0; k < 100 && y - x > 1e-12 * y; k++) {
            const m = 0.5 * (x + y);
            if (meets(target, at(m, c)) !== ok) y = m;
            else x = m;
          }
          return y;
        }
        prevT = t;
        prevQ = q;
      }
      return null;
    },
  };
}

/** An injected quality function (tests, what-if studies). Flips are found on a log grid of `perDecade` points per
 *  decade, then by bisection to a relative 1e-9. */
export function functionModel(fn: (tauS: number, compensated: boolean) => number, perDecade = 64): QualityModel {
  return {
    at: fn,
    nextFlip(from, to, c, target, ok) {
      const lo0 = Math.max(from, 1e-3);
      const steps = Math.max(1, Math.ceil(Math.log10(to / lo0) * perDecade));
      let a = from;
      for (let i = 1; i <= steps; i++) {
        const b = i === steps ? to : lo0 * Math.pow(to / lo0, i / steps);
        if (meets(target, fn(b, c)) !== ok) {
          let x = a;
          let y = b;
          for (let k = 0; k < 200 && y - x > 1e-9 * y; k++) {
            const m = 0.5 * (x + y);
            if (meets(target, fn(m, c)) !== ok) y = m;
            else x = m;
          }
          return y;
        }
        a = b;
      }
      return null;
    },
  };
}
