// Numeric scale construction shared by the x/y charts (linear or log, with padding and validation).
import { scaleLinear, scaleLog, type ScaleLinear, type ScaleLogarithmic } from "d3";
import { linearAxis, logAxis, type AxisModel } from "../svg.ts";
import { requirePositive } from "./validate.ts";

export type ScaleKind = "linear" | "log";

export interface NumericScale {
  readonly scale: ScaleLinear<number, number> | ScaleLogarithmic<number, number>;
  readonly axis: AxisModel;
}

export interface ScaleOptions {
  readonly kind?: ScaleKind;
  /** Log base (default 10; 2 suits context lengths 128..4096). */
  readonly base?: number;
  /** Force the domain to include zero (linear only). */
  readonly zero?: boolean;
  /** Explicit domain. */
  readonly domain?: readonly [number, number];
  /** Pad the data range by this fraction on each side (linear only; default 0). */
  readonly pad?: number;
}

export function numericScale(values: readonly number[], label: string, unit: string | undefined, opts: ScaleOptions, path: string): NumericScale {
  const kind = opts.kind ?? "linear";
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (kind === "log") requirePositive(v, path);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (opts.domain) [lo, hi] = opts.domain;
  if (kind === "log") {
    const base = opts.base ?? 10;
    if (lo === hi) {
      lo /= base;
      hi *= base;
    }
    const s = scaleLog().base(base).domain([lo, hi]);
    if (!opts.domain) s.nice();
    return { scale: s, axis: logAxis(s, label, unit) };
  }
  if (opts.zero) {
    lo = Math.min(0, lo);
    hi = Math.max(0, hi);
  }
  // A (nearly) single value: widen around it so ticks stay meaningful (and d3 does not make 1e300 of them).
  const mag = Math.max(Math.abs(lo), Math.abs(hi));
  if (!(hi - lo > mag * 1e-9) || mag < 1e-200) {
    const d = mag > 1e-200 ? mag * 0.1 : 1;
    lo -= d;
    hi += d;
  }
  const pad = opts.pad ?? 0;
  if (!opts.domain && pad > 0) {
    const span = hi - lo;
    if (!(opts.zero && lo === 0)) lo -= span * pad;
    hi += span * pad;
  }
  const s = scaleLinear().domain([lo, hi]);
  if (!opts.domain) s.nice();
  return { scale: s, axis: linearAxis(s, label, unit) };
}
