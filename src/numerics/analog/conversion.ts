// How the converters are organised around a tile, as the mapping and the cost model see it
// (src/components/crossbar.ts, src/spec/types.ts DacSpec.planesPerConversion, CrossbarTileSpec.slicesPerConversion):
//
// - Inputs. A PWM or current-steering DAC applies the whole signed code c in [-L, L] (L = 2^(bits-1) - 1) in
//   one phase: the tile sees x = c / L. A bit-serial DAC applies `bits` binary planes of c in two's complement
//   (src/components/dac.ts: plane k weighs 2^k, the MSB plane -2^(bits-1)); a plane drives a row at full scale
//   (input 1) or not at all. Consecutive planes are grouped (planesPerConversion, groups whose sizes differ by at
//   most one, larger first) and the column integrator sums a group with binary weights 2^(k - k0) (the MSB plane
//   subtracted) before ONE ADC conversion; the groups are shift-added digitally with weight 2^k0 / L.
// - Weights. A weight's slices (bitsPerCell each) sit in adjacent columns; slicesPerConversion joins a group of
//   them by binary-weighted charge sharing (slice j weighted 2^((j - j0) bitsPerCell)) before ONE conversion;
//   groups are shift-added digitally. A differential pair is subtracted before the ADC (one output line).
// - ADC range. A conversion of one plane and one slice clips at +-outBound with 2^(bits-1) - 1 levels (aihwkit
//   out_bound, normalised units). A group keeps adc.bits but its full scale is the group's: (2^s - 1) plane
//   full scales for s planes times (2^(c b) - 1) / (2^b - 1) slice full scales for c slices of b-bit cells
//   (the cost model's assumption, src/components/crossbar.ts adcRangeExtraBits), so its LSB is that much coarser.
//   out_noise is referred to the ADC's input range, so it scales with the group's full scale too (assumption).
// - Accumulation (analog.accumulatorFormat). Inside a tile the shift-add of the integer ADC codes runs in the
//   format: integer formats saturate at their range, float formats round after every add. The tile's partial sum
//   is then rescaled (input range x weight scale x drift alpha) and added across row tiles, rounded to a float
//   format after every add; with an integer format that cross-tile sum is kept in fp32 (assumption: the
//   per-tile scales differ, so the partial sums are aligned in floating point).

import { AimcsimError } from "../../errors.ts";
import type { DigitalFormat } from "../../spec/types.ts";
import { FP8_E4M3, bf16BitsToF32, f16BitsToF32, f32ToBf16Bits, f32ToF16Bits, roundMinifloat } from "../../formats/numbers.ts";

/** ceil(n / maxPerGroup) consecutive groups whose sizes differ by at most one, larger groups first: the rule of
 *  DacSpec.planesPerConversion and CrossbarTileSpec.slicesPerConversion (same as src/components/crossbar.ts
 *  conversionGroups; the conversion-count property test checks that the two agree). */
export function groupSizes(n: number, maxPerGroup: number): number[] {
  const m = Math.min(Math.max(1, maxPerGroup), n);
  const groups = Math.ceil(n / m);
  const small = Math.floor(n / groups);
  const large = n - small * groups;
  const out: number[] = [];
  for (let g = 0; g < groups; g++) out.push(g < large ? small + 1 : small);
  return out;
}

export interface PlaneGroup {
  /** Least significant plane of the group. */
  readonly k0: number;
  readonly size: number;
  /** Full scale of the integrated group in plane full scales: sum of |plane weights| = 2^size - 1 (1 for PWM). */
  readonly range: number;
  /** Per DAC code c (index c + L): the tile input the group applies, sum_k w_k b_k(c) (PWM: c / L). Null when
   *  the DAC has more than TABLE_MAX_BITS bits (then groupInput computes it). */
  readonly x: Float32Array | null;
  /** Per DAC code: sum_k w_k^2 b_k(c) (PWM: (c / L)^2), for the output-referred weight noise of the reads. */
  readonly xsq: Float32Array | null;
  /** Digital weight of the group in the shift-add (bit-serial: 2^k0 / L; PWM: 1). */
  readonly digital: number;
  /** Integer weight of the group's ADC code in the tile's shift-add: range * 2^k0 (PWM: 1). */
  readonly codeWeight: number;
}

export interface SliceGroup {
  readonly j0: number;
  readonly size: number;
  /** Relative analog weight of each slice of the group: 2^((j - j0) bitsPerCell). */
  readonly weights: Float64Array;
  /** Full scale in slice full scales: sum of the weights. */
  readonly range: number;
  /** Integer weight of the group's ADC code in the shift-add: range * 2^(j0 bitsPerCell). */
  readonly codeWeight: number;
}

export interface ConversionPlan {
  readonly bitSerial: boolean;
  /** Input phases (planes) per input: bits for bit-serial, else 1. */
  readonly phases: number;
  readonly planeGroups: readonly PlaneGroup[];
  readonly sliceGroups: readonly SliceGroup[];
  /** Digital scale of a shift-added integer code sum to normalised output units, before the slice denominator:
   *  adcStep x (bit-serial: 1 / L; PWM: 1). */
  readonly planeScale: number;
  /** Per DAC code (index c + L): 1-bits applied over all planes (bit-serial input activity); null above TABLE_MAX_BITS. */
  readonly ones: Uint8Array | null;
  readonly bits: number;
}

/** Largest DAC resolution with per-code tables (2^12 codes); above it the group inputs are computed per element. */
export const TABLE_MAX_BITS = 12;

/** sum_k w_k b_k(c) (sq false) or sum_k w_k^2 b_k(c) (sq true) of plane group G for DAC code c. */
export function groupInput(plan: ConversionPlan, G: PlaneGroup, c: number, sq: boolean): number {
  const L = dacCodeLevels(plan.bits);
  if (!plan.bitSerial) return sq ? (c / L) * (c / L) : c / L;
  const u = c < 0 ? c + 2 ** plan.bits : c;
  let s = 0;
  for (let k = G.k0; k < G.k0 + G.size; k++) {
    if (Math.floor(u / 2 ** k) % 2 === 0) continue;
    const wk = (k === plan.bits - 1 ? -1 : 1) * 2 ** (k - G.k0);
    s += sq ? wk * wk : wk;
  }
  return s;
}

/** Largest DAC code magnitude L (codes -L..L) of a `bits`-bit input, sign included: 2^(bits-1) - 1 (8 bits:
 *  -127..127). A 1-bit input is the sign alone, codes -1 and +1 (binary +-1 inputs, as the XNOR mode of Jia et
 *  al., JSSC 2020, docs/REFERENCES.md [jia-jssc2020]), so L = 1. */
export function dacCodeLevels(bits: number): number {
  return bits === 1 ? 1 : 2 ** (bits - 1) - 1;
}

/** 1-bits of code c over its planes (two's complement, `bits` planes). */
export function onesOf(c: number, bits: number): number {
  const u = c < 0 ? c + 2 ** bits : c;
  let n = 0;
  for (let k = 0; k < bits; k++) n += Math.floor(u / 2 ** k) % 2;
  return n;
}

export function conversionPlan(
  dac: { kind: string; bits: number; planesPerConversion?: number },
  slices: number,
  bitsPerCell: number,
  slicesPerConversion: number | undefined,
): ConversionPlan {
  // The spec is validated (src/spec/schema.ts: planesPerConversion and slicesPerConversion are integers >= 1,
  // planes above 1 only on a bit-serial DAC). A 1-bit bit-serial input is one plane of +-1 pulses (the sign as
  // pulse polarity): one phase, like any one-phase DAC.
  const ppc = dac.planesPerConversion ?? 1;
  const bits = dac.bits;
  const bitSerial = dac.kind === "bit-serial" && bits > 1;
  const spc = slicesPerConversion ?? 1;
  const L = dacCodeLevels(bits);
  const nCodes = 2 * L + 1;
  const phases = bitSerial ? bits : 1;
  const tables = bits <= TABLE_MAX_BITS;
  const ones = bitSerial && tables ? new Uint8Array(nCodes) : null;
  if (ones) for (let c = -L; c <= L; c++) ones[c + L] = onesOf(c, bits);
  const planeGroups: PlaneGroup[] = [];
  const sizes = bitSerial ? groupSizes(bits, ppc) : [1];
  let k0 = 0;
  for (const size of sizes) {
    const range = bitSerial ? 2 ** size - 1 : 1;
    const proto = { k0, size, range, x: null, xsq: null, digital: bitSerial ? 2 ** k0 / L : 1, codeWeight: bitSerial ? range * 2 ** k0 : 1 };
    let G: PlaneGroup = proto;
    if (tables) {
      const x = new Float32Array(nCodes);
      const xsq = new Float32Array(nCodes);
      const partial = { bitSerial, bits } as ConversionPlan;
      for (let c = -L; c <= L; c++) {
        x[c + L] = groupInput(partial, proto, c, false);
        xsq[c + L] = groupInput(partial, proto, c, true);
      }
      G = { ...proto, x, xsq };
    }
    planeGroups.push(G);
    k0 += size;
  }
  const sliceGroups: SliceGroup[] = [];
  let j0 = 0;
  for (const size of groupSizes(slices, spc)) {
    const weights = new Float64Array(size);
    let range = 0;
    for (let j = 0; j < size; j++) {
      weights[j] = 2 ** (j * bitsPerCell);
      range += weights[j]!;
    }
    sliceGroups.push({ j0, size, weights, range, codeWeight: range * 2 ** (j0 * bitsPerCell) });
    j0 += size;
  }
  return { bitSerial, phases, planeGroups, sliceGroups, planeScale: bitSerial ? 1 / L : 1, ones, bits };
}

/** How the digital accumulator rounds (see the header). kind: 0 integer (saturate at +-intMax), 1 fp32,
 *  2 fp16, 3 bf16, 4 fp8 (E4M3, OCP v1.0; the spec's "fp8" taken as E4M3: assumption). */
export interface Accumulator {
  readonly format: DigitalFormat;
  readonly kind: 0 | 1 | 2 | 3 | 4;
  readonly intMax: number;
}

const INT_BITS: Partial<Record<DigitalFormat, number>> = { int4: 4, int8: 8, int16: 16, int32: 32 }; // bits of each integer format

export function accumulator(format: DigitalFormat): Accumulator {
  const ib = INT_BITS[format];
  if (ib !== undefined) return { format, kind: 0, intMax: 2 ** (ib - 1) - 1 };
  switch (format) {
    case "fp32":
      return { format, kind: 1, intMax: Infinity };
    case "fp16":
      return { format, kind: 2, intMax: Infinity };
    case "bf16":
      return { format, kind: 3, intMax: Infinity };
    case "fp8":
      return { format, kind: 4, intMax: Infinity };
    default:
      throw new AimcsimError("SpecError", "analog.accumulatorFormat", `unknown format ${String(format)}`);
  }
}

/** v rounded to a float accumulator format (kind 1..4); kind 0 returns v. */
export function roundAcc(kind: number, v: number): number {
  switch (kind) {
    case 1:
      return Math.fround(v);
    case 2:
      return f16BitsToF32(f32ToF16Bits(v));
    case 3:
      return bf16BitsToF32(f32ToBf16Bits(v));
    case 4:
      return roundMinifloat(v, FP8_E4M3);
    default:
      return v;
  }
}
