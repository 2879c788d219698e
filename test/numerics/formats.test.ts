import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  andaBitsPerValue,
  exponentOf,
  f16BitsToF32,
  f32ToF16Bits,
  FP8_E4M3,
  FP8_E5M2,
  quantiseAnda,
  quantiseIntSymmetric,
  quantiseTernaryAbsmean,
  roundHalfEven,
  roundMinifloat,
  roundToBf16,
  roundToFp16,
  roundToFp8E4M3,
  roundToFp8E5M2,
} from "../../src/formats/numbers.ts";

const f32 = (n: number) => Math.fround(n);
const floatArb = fc.float({ noNaN: true, noDefaultInfinity: true, min: f32(-1e5), max: f32(1e5) });
const arrArb = (min = 1, max = 200) => fc.array(floatArb, { minLength: min, maxLength: max }).map((a) => Float32Array.from(a));

/** Independent FP16 reference: ulp arithmetic in float64 from the binade of x. */
function fp16Reference(x: number): number {
  if (x === 0) return x;
  const a = Math.abs(x);
  const e = Math.max(Math.floor(Math.log2(a)) - (2 ** Math.floor(Math.log2(a)) > a ? 1 : 0), -14);
  const ulp = 2 ** (e - 10);
  const t = a / ulp;
  let q = Math.floor(t);
  const frac = t - q;
  if (frac > 0.5 || (frac === 0.5 && q % 2 === 1)) q++;
  let v = q * ulp;
  if (v >= 65520) v = Infinity; // 65504 + half an ulp (16) rounds to Inf
  else if (v > 65504) v = 65504;
  return x < 0 ? -v : v;
}

describe("FP16", () => {
  it("matches a Math.fround-based ulp reference on random float32 values", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const x = Math.fround(v);
        const got = f16BitsToF32(f32ToF16Bits(x));
        const ref = fp16Reference(x);
        return Object.is(got, ref) || (got === 0 && ref === 0);
      }),
      { numRuns: 20000 },
    );
  });
  it("known values: max, smallest subnormal, ties to even, overflow", () => {
    expect(f16BitsToF32(f32ToF16Bits(65504))).toBe(65504);
    expect(f16BitsToF32(f32ToF16Bits(65519))).toBe(65504);
    expect(f16BitsToF32(f32ToF16Bits(65520))).toBe(Infinity);
    expect(f16BitsToF32(f32ToF16Bits(2 ** -24))).toBe(2 ** -24);
    expect(f16BitsToF32(f32ToF16Bits(2 ** -25))).toBe(0); // tie to even (0)
    expect(f16BitsToF32(f32ToF16Bits(3 * 2 ** -25))).toBe(2 ** -23); // tie to even (2)
    expect(f16BitsToF32(f32ToF16Bits(1 + 2 ** -11))).toBe(1); // tie -> even mantissa
    expect(f16BitsToF32(f32ToF16Bits(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
    expect(f32ToF16Bits(1)).toBe(0x3c00);
    expect(f32ToF16Bits(-2)).toBe(0xc000);
    expect(Number.isNaN(f16BitsToF32(f32ToF16Bits(NaN)))).toBe(true);
  });
});

describe("elementwise formats: idempotent, monotone, error within half a step", () => {
  const formats: Array<[string, (x: Float32Array) => Float32Array, (v: number) => number]> = [
    ["fp16", (x) => roundToFp16(x), (v) => 2 ** (Math.max(exponentOf(v), -14) - 10)],
    ["bf16", (x) => roundToBf16(x), (v) => 2 ** (exponentOf(v) - 7)],
    ["fp8 e4m3", (x) => roundToFp8E4M3(x), (v) => 2 ** (Math.max(exponentOf(v), -6) - 3)],
    ["fp8 e5m2", (x) => roundToFp8E5M2(x), (v) => 2 ** (Math.max(exponentOf(v), -14) - 2)],
  ];
  for (const [name, q, ulp] of formats) {
    it(`${name}`, () => {
      fc.assert(
        fc.property(arrArb(), (x) => {
          const a = q(Float32Array.from(x));
          const b = q(Float32Array.from(a));
          for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
          const s = Float32Array.from(x).sort();
          const qs = q(Float32Array.from(s));
          for (let i = 1; i < qs.length; i++) if (qs[i - 1]! > qs[i]!) return false;
          for (let i = 0; i < x.length; i++) {
            const v = x[i]!;
            if (!Number.isFinite(a[i]!) || v === 0) continue;
            if (name.startsWith("fp8") && Math.abs(v) >= (name === "fp8 e4m3" ? 448 : 57344)) continue; // saturated
            if (Math.abs(a[i]! - v) > ulp(v) / 2 + 1e-30) return false;
          }
          return true;
        }),
        { numRuns: 300 },
      );
    });
  }
  it("fp8 known values: E4M3 max 448 and saturation; E5M2 max 57344; subnormals", () => {
    expect(roundMinifloat(448, FP8_E4M3)).toBe(448);
    expect(roundMinifloat(1000, FP8_E4M3)).toBe(448);
    expect(roundMinifloat(-1e9, FP8_E5M2)).toBe(-57344);
    expect(roundMinifloat(2 ** -9, FP8_E4M3)).toBe(2 ** -9); // smallest E4M3 subnormal
    expect(roundMinifloat(2 ** -10, FP8_E4M3)).toBe(0); // tie to even -> 0
    expect(roundMinifloat(1.0625, FP8_E4M3)).toBe(1); // tie between 1 and 1.125 -> even (1)
    expect(roundMinifloat(1.1875, FP8_E4M3)).toBe(1.25); // tie between 1.125 and 1.25 -> even (1.25)
    expect(roundMinifloat(2 ** -16, FP8_E5M2)).toBe(2 ** -16);
  });
  it("bf16 keeps 8 significant bits", () => {
    expect(roundToBf16(Float32Array.of(1 + 2 ** -8))[0]).toBe(1); // tie to even
    expect(roundToBf16(Float32Array.of(1 + 3 * 2 ** -8))[0]).toBe(1 + 2 ** -6);
    expect(roundToBf16(Float32Array.of(3.3e38))[0]).toBe(248 * 2 ** 120); // step 2^120 in the top binade
    expect(roundToBf16(Float32Array.of(3.3895313892515355e38))[0]).toBe(3.3895313892515355e38); // bf16 max
    expect(roundToBf16(Float32Array.of(3.4028234663852886e38))[0]).toBe(Infinity); // float32 max rounds up
  });
});

describe("INT-k symmetric", () => {
  const grans = ["per-tensor", "per-channel", "per-token", { groupSize: 4 }] as const;
  for (const g of grans) {
    it(`idempotent, bounded by half a step, levels within +-qmax (${typeof g === "string" ? g : "group 4"})`, () => {
      fc.assert(
        fc.property(arrArb(8, 8 * 12).filter((a) => a.length % 8 === 0), fc.integer({ min: 2, max: 8 }), (x, bits) => {
          const a = quantiseIntSymmetric(x, bits, g, 8, new Float32Array(x.length));
          const b = quantiseIntSymmetric(a, bits, g, 8, new Float32Array(x.length));
          const qmax = 2 ** (bits - 1) - 1;
          const glen = g === "per-tensor" ? x.length : typeof g === "string" ? 8 : 4;
          for (let g0 = 0; g0 < x.length; g0 += glen) {
            let m = 0;
            for (let i = g0; i < g0 + glen; i++) m = Math.max(m, Math.abs(x[i]!));
            const step = m / qmax;
            const levels = new Set<number>();
            // The outputs are float32: besides 1e-6 relative, allow one float32 subnormal ulp (2^-149), the
            // absolute rounding of a result stored below 2^-126 (a group of subnormal inputs, fast-check's
            // counterexample [0, 3.9e-44, 0, 4.1e-44, ...] at 5 bits: 1.0 subnormal ulp off with a 0.97-ulp half step).
            const ulp32 = 2 ** -149;
            for (let i = g0; i < g0 + glen; i++) {
              if (Math.abs(a[i]! - x[i]!) > step / 2 + 1e-6 * m + ulp32) return false;
              if (Math.abs(a[i]! - b[i]!) > 1e-6 * m + ulp32) return false;
              if (step > 0) levels.add(Math.round(a[i]! / step));
            }
            for (const l of levels) if (Math.abs(l) > qmax) return false;
          }
          return true;
        }),
        { numRuns: 300 },
      );
    });
  }
  it("is monotone within a scale group", () => {
    fc.assert(
      fc.property(arrArb(2, 64), fc.integer({ min: 2, max: 8 }), (x, bits) => {
        const s = Float32Array.from(x).sort();
        const q = quantiseIntSymmetric(s, bits, "per-tensor", s.length, new Float32Array(s.length));
        for (let i = 1; i < q.length; i++) if (q[i - 1]! > q[i]!) return false;
        return true;
      }),
    );
  });
  it("4-bit per-channel example by hand", () => {
    // rows [7, -3.5, 1, 0] (max 7, step 1) and [0.7, 0.34, -0.36, 0.04] (max 0.7, step 0.1)
    const q = quantiseIntSymmetric(Float32Array.of(7, -3.5, 1, 0, 0.7, 0.34, -0.36, 0.04), 4, "per-channel", 4);
    expect(Array.from(q.subarray(0, 4))).toEqual([7, -4, 1, 0]); // -3.5 ties to even (-4)
    expect(Array.from(q.subarray(4)).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([0.7, 0.3, -0.4, 0]);
  });
  it("rejects bad bit widths and row lengths", () => {
    expect(() => quantiseIntSymmetric(new Float32Array(4), 1, "per-tensor", 4)).toThrow(/bits/);
    expect(() => quantiseIntSymmetric(new Float32Array(6), 4, "per-channel", 4)).toThrow(/rowLength/);
  });
});

describe("ternary absmean", () => {
  it("gives values in {-s, 0, s} with s = mean|x|, and is idempotent in its levels", () => {
    fc.assert(
      fc.property(arrArb(4, 100), (x) => {
        const out = new Float32Array(x.length);
        const s = quantiseTernaryAbsmean(x, out);
        const mean = x.reduce((a, v) => a + Math.abs(v), 0) / x.length;
        if (mean > 1e-5 && Math.abs(s - mean) > 1e-5 * mean + 1e-12) return false;
        for (const v of out) if (!(v === 0 || Math.abs(Math.abs(v) - s) <= 1e-6 * s)) return false;
        // values below s/2 in magnitude become 0, above 1.5 s saturate at s
        for (let i = 0; i < x.length; i++) {
          const r = Math.abs(x[i]!) / s;
          if (r < 0.49 && out[i] !== 0) return false;
          if (r > 0.51 && out[i] === 0) return false;
        }
        return true;
      }),
    );
  });
  it("roundHalfEven", () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, -3]);
  });
});

describe("Anda block format", () => {
  it("hand example: shared exponent of the group max, truncation of aligned mantissas", () => {
    // group max 3.0 = 1.5 x 2^1 -> FP16 exponent field 16; with M = 4 the step is 2^(16-15-3) = 0.25
    const x = Float32Array.of(3, 1.3, -0.2, 0.1, 2.99);
    const q = quantiseAnda(x, 4, x.length, {}, new Float32Array(x.length));
    expect(Array.from(q)).toEqual([3, 1.25, -0, 0, 2.75]);
    const r = quantiseAnda(x, 4, x.length, { rounding: "nearest" }, new Float32Array(x.length));
    expect(Array.from(r)).toEqual([3, 1.25, -0.25, 0, 3]);
  });
  it("groups of 64 do not share exponents across groups or rows", () => {
    const x = new Float32Array(128).fill(0.01);
    x[0] = 100; // only the first group gets a large exponent
    const q = quantiseAnda(x, 4, 128, {}, new Float32Array(128));
    expect(q[1]).toBe(0); // 0.01 under a 2^6 exponent with 4 bits is lost
    expect(q[64]!).toBeGreaterThan(0.008); // second group keeps it
    const rows = quantiseAnda(x, 4, 32, {}, new Float32Array(128));
    expect(rows[32]!).toBeGreaterThan(0.008); // row length 32: a new group starts at 32
  });
  it("idempotent, monotone within a group, error below one step (truncation) or half a step (nearest)", () => {
    fc.assert(
      fc.property(arrArb(1, 64), fc.integer({ min: 1, max: 12 }), fc.boolean(), (x0, M, nearest) => {
        const x = roundToFp16(Float32Array.from(x0));
        const opts = { rounding: nearest ? ("nearest" as const) : ("truncate" as const) };
        const a = quantiseAnda(x, M, x.length, opts, new Float32Array(x.length));
        const b = quantiseAnda(a, M, a.length, opts, new Float32Array(a.length));
        for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
        let E = 1;
        for (const v of x) if (v !== 0) E = Math.max(E, Math.min(Math.max(exponentOf(v), -14), 15) + 15);
        const step = 2 ** (E - 15 - (M - 1));
        const top = (2 ** M - 1) * step;
        for (let i = 0; i < x.length; i++) {
          const err = Math.abs(a[i]! - x[i]!);
          const bound = Math.abs(x[i]!) > top ? Math.abs(x[i]!) - top + (nearest ? 0 : step) : nearest ? step / 2 : step;
          if (err > bound * (1 + 1e-12)) return false;
        }
        const s = Float32Array.from(x).sort();
        const qs = quantiseAnda(s, M, s.length, opts, new Float32Array(s.length));
        for (let i = 1; i < qs.length; i++) if (qs[i - 1]! > qs[i]!) return false;
        return true;
      }),
      { numRuns: 500 },
    );
  });
  it("more mantissa bits never increase the error of a group", () => {
    fc.assert(
      fc.property(arrArb(64, 64), (x) => {
        let prev = Infinity;
        for (let M = 1; M <= 12; M++) {
          const q = quantiseAnda(x, M, 64, {}, new Float32Array(64));
          const ref = roundToFp16(Float32Array.from(x));
          let e = 0;
          for (let i = 0; i < 64; i++) e += (q[i]! - ref[i]!) ** 2;
          if (e > prev + 1e-12) return false;
          prev = e;
        }
        return true;
      }),
      { numRuns: 100 },
    );
  });
  it("bits per value", () => {
    expect(andaBitsPerValue(4)).toBeCloseTo(5 + 5 / 64, 12);
  });
});
