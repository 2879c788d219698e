// Monte Carlo summaries: mean and two-sided 95% Student-t interval over K seeds.

export interface Interval {
  readonly mean: number;
  /** 95% confidence bounds of the mean (Student t, K - 1 degrees of freedom); equal to mean when K = 1. */
  readonly low: number;
  readonly high: number;
  /** Sample standard deviation over seeds (0 when K = 1). */
  readonly std: number;
  readonly perSeed: readonly number[];
}

// Two-sided 95% critical values t_{0.975, df} for df = 1..30 (standard t table, e.g. NIST/SEMATECH
// e-Handbook of Statistical Methods, section 1.3.6.7.2).
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t_{0.975, df}: table up to 30, then the Cornish-Fisher expansion around z = 1.959964 (error < 1e-3). */
export function studentT975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[Math.round(df) - 1];
  const z = 1.959964;
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

export function interval(values: readonly number[]): Interval {
  const k = values.length;
  const mean = values.reduce((a, v) => a + v, 0) / Math.max(k, 1);
  if (k < 2) return { mean, low: mean, high: mean, std: 0, perSeed: [...values] };
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const std = Math.sqrt(ss / (k - 1));
  const half = (studentT975(k - 1) * std) / Math.sqrt(k);
  return { mean, low: mean - half, high: mean + half, std, perSeed: [...values] };
}

/**
 * The interval of a positive quantity whose logarithm is the natural scale (perplexity = exp(mean NLL)): the
 * Student-t interval is taken over log(values) and mapped back, so the bounds stay positive and the
 * interval is asymmetric like the quantity; `mean` is the arithmetic mean of the values, which the interval
 * (around their geometric mean) contains. `std` is the sample standard deviation of the values.
 */
export function logInterval(values: readonly number[]): Interval {
  const plain = interval(values);
  if (values.length < 2 || values.some((v) => !(v > 0))) return plain;
  const logs = interval(values.map(Math.log));
  const low = Math.min(Math.exp(logs.low), plain.mean);
  const high = Math.max(Math.exp(logs.high), plain.mean);
  return { mean: plain.mean, low, high, std: plain.std, perSeed: [...values] };
}

/** Clip an interval's bounds to the range the quantity can take (an agreement in [0, 1], a KL >= 0). */
export function clampInterval(i: Interval, min: number, max: number): Interval {
  return { ...i, low: Math.min(Math.max(i.low, min), max), high: Math.max(Math.min(i.high, max), min) };
}
