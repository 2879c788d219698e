// What the analog hardware saw during a run, per layer: the energy model (src/components) reads these for
// data-dependent energy (DAC pulse lengths, ADC codes, conductances) instead of worst-case guesses.

export interface AnalogLayerStats {
  readonly name: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Physical tiles the layer occupies (row tiles x column tiles). */
  readonly tiles: number;
  /** Cells per weight side (bit slices). */
  readonly slices: number;
  /** linear() calls and token vectors processed. */
  readonly calls: number;
  readonly tokens: number;
  /** max |x| and mean |x| of the activations entering the layer (before scaling). */
  readonly inputAbsMax: number;
  readonly inputAbsMean: number;
  /** DAC conversions (one per input element per row tile) and the fraction clipped (|x| > range). */
  readonly dacConversions: number;
  readonly dacClipRate: number;
  /** Mean |DAC code| / full-scale code: PWM pulse length relative to the longest (0..1). */
  readonly inputActivity: number;
  /** Fraction of DAC codes that are non-zero. */
  readonly inputNonzeroFraction: number;
  /** DAC code utilisation: the 50th and 99th percentile of |code| (0..2^(bits-1) - 1) and the bits the 99th
   *  percentile spans, log2(2 p99 + 1) (8-bit DAC fully used: 8). NaN with ideal converters or DACs above 12 bits. */
  readonly inputCodeP50?: number;
  readonly inputCodeP99?: number;
  readonly inputBitsUsed?: number;
  /** ADC conversions (one per output column per slice per row tile per token) and the clipped fraction. */
  readonly adcConversions: number;
  readonly adcClipRate: number;
  /** Counts per ADC code, bin = code + 2^(bits-1) (2^bits bins; empty with ideal converters). */
  readonly adcHistogram: readonly number[];
  /** Mean conductance / g_max over every programmed device at t_inf. */
  readonly meanAbsConductanceNorm: number;
  /** Mean global-drift-compensation factor over the layer's tiles (1 when off). */
  readonly meanDriftAlpha: number;
}

export interface AnalogStats {
  readonly dacBits: number;
  readonly adcBits: number;
  readonly ideal: boolean;
  readonly tInfS: number;
  readonly layers: readonly AnalogLayerStats[];
  /** linear() calls for weights that were not programmed onto crossbars (computed exactly, digitally). */
  readonly digitalCalls: number;
}

/** Mutable per-layer accumulators (kept allocation-free during MVMs). */
export class LayerCounters {
  calls = 0;
  tokens = 0;
  inAbsMax = 0;
  inAbsSum = 0;
  inCount = 0;
  dacConv = 0;
  dacClip = 0;
  dacCodeAbsSum = 0;
  dacNonzero = 0;
  adcConv = 0;
  adcClip = 0;
  readonly adcHist: Float64Array;
  /** Counts per |DAC code| (2^(bits-1) bins; empty when not recorded). */
  readonly dacHist: Float64Array;
  constructor(adcBins: number, dacAbsBins = 0) {
    this.adcHist = new Float64Array(adcBins);
    this.dacHist = new Float64Array(dacAbsBins);
  }
  reset(): void {
    this.calls = this.tokens = this.inAbsMax = this.inAbsSum = this.inCount = 0;
    this.dacConv = this.dacClip = this.dacCodeAbsSum = this.dacNonzero = this.adcConv = this.adcClip = 0;
    this.adcHist.fill(0);
    this.dacHist.fill(0);
  }
}

/** The q-quantile of |code| from a |code| histogram (NaN when empty). */
export function histQuantile(h: Float64Array, q: number): number {
  let n = 0;
  for (let i = 0; i < h.length; i++) n += h[i]!;
  if (n === 0) return NaN;
  let c = 0;
  for (let i = 0; i < h.length; i++) {
    c += h[i]!;
    if (c >= q * n) return i;
  }
  return h.length - 1;
}
