import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { gemm, gemmInt16, gemmNoise, setMaxBlockBytes } from "../../src/numerics/kernels/gemm.ts";
import { allocF32, allocInt16Rows, allocU16, resident, scratch } from "../../src/numerics/kernels/arena.ts";
import { VAR_CHUNK } from "../../src/numerics/kernels/wasm.ts";
import { roundAcc } from "../../src/numerics/analog/conversion.ts";
import { kernelThreads, setKernelThreads } from "../../src/numerics/kernels/pool.ts";
import { createAnalogBackend } from "../../src/numerics/analog/index.ts";
import { exactBackend } from "../../src/numerics/backend.ts";
import { analogSpec, pcmNoise } from "./analog-fixtures.ts";
import { Rng } from "../../src/util/rng.ts";

function rand(n: number, seed: number, scale = 1): Float32Array {
  const r = new Rng(seed);
  const a = new Float32Array(n);
  for (let j = 0; j < n; j++) a[j] = r.nextGaussian() * scale;
  return a;
}

/** IEEE binary16 bits -> value, from the definition (sign, 5-bit exponent bias 15, 10-bit fraction). */
function f16(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 31;
  const m = h & 1023;
  return s * (e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15));
}

describe("WebAssembly kernels", () => {
  it("bf16 and f16 weights give the same bits as their float32 widening, for any shape", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 6 }), fc.integer(), (R, C, T, seed) => {
        const r = new Rng(seed >>> 0);
        const bits = new Uint16Array(R * C);
        const hbits = new Uint16Array(R * C);
        for (let j = 0; j < bits.length; j++) {
          bits[j] = r.nextU32() & 0xffff;
          if (((bits[j] >> 7) & 0xff) === 0xff) bits[j] &= 0xbfff; // finite bf16 only
          hbits[j] = r.nextU32() & 0xffff;
          if (((hbits[j] >> 10) & 31) === 31) hbits[j] &= 0xbfff; // finite f16 only
        }
        const wb = new Float32Array(new Uint32Array(Array.from(bits, (b) => b << 16)).buffer);
        const wh = Float32Array.from(hbits, f16);
        const x = rand(T * R, seed >>> 0, 1e-3);
        const y1 = new Float32Array(T * C);
        const y2 = new Float32Array(T * C);
        gemm(bits, R, C, x, T, y1, "bf16");
        gemm(wb, R, C, x, T, y2);
        expect(Array.from(y1)).toEqual(Array.from(y2));
        gemm(hbits, R, C, x, T, y1, "f16");
        gemm(wh, R, C, x, T, y2);
        expect(Array.from(y1)).toEqual(Array.from(y2));
      }),
      { numRuns: 40 },
    );
  });

  it("the fused noise pass over bf16 and f16 weights gives the same bits as over their float32 widening", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 6 }), fc.integer(), (R, C, T, seed) => {
        const r = new Rng(seed >>> 0);
        const bits = new Uint16Array(R * C);
        const hbits = new Uint16Array(R * C);
        for (let j = 0; j < bits.length; j++) {
          bits[j] = r.nextU32() & 0x3fff; // finite bf16 of magnitude < 2
          hbits[j] = r.nextU32() & 0xbfff; // finite f16
        }
        const wb = new Float32Array(new Uint32Array(Array.from(bits, (b) => b << 16)).buffer);
        const wh = Float32Array.from(hbits, f16);
        const x = rand(T * R, seed >>> 0, 1e-2);
        const xs = x.map((v) => v * v);
        const [y1, v1, y2, v2] = [0, 0, 0, 0].map(() => new Float32Array(T * C));
        gemmNoise(bits, R, C, x, xs, T, y1, v1, "bf16");
        gemmNoise(wb, R, C, x, xs, T, y2, v2);
        expect(Array.from(y1)).toEqual(Array.from(y2));
        expect(Array.from(v1)).toEqual(Array.from(v2));
        gemmNoise(hbits, R, C, x, xs, T, y1, v1, "f16");
        gemmNoise(wh, R, C, x, xs, T, y2, v2);
        expect(Array.from(y1)).toEqual(Array.from(y2));
        expect(Array.from(v1)).toEqual(Array.from(v2));
        // and the plain kernel's W x bits
        gemm(hbits, R, C, x, T, y2, "f16");
        expect(Array.from(y1)).toEqual(Array.from(y2));
      }),
      { numRuns: 40 },
    );
  });

  it("any split of the outputs (worker threads) gives bit-identical results", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 30 }), (R, C, T, cut0) => {
        const W = rand(R * C, R * 100 + C);
        const x = rand(T * R, T + R);
        const y = new Float32Array(T * C);
        gemm(W, R, C, x, T, y);
        const w = resident(W);
        const b = w.bank;
        const s = scratch(b, (T * R + T * C) * 4);
        b.f32.set(x, s / 4);
        const yOff = s + T * R * 4;
        b.f32.fill(NaN, yOff / 4, yOff / 4 + T * C);
        const cut = Math.min(cut0, C);
        b.k.gemm_f32(w.off, R, C, s, T, yOff, cut, C);
        b.k.gemm_f32(w.off, R, C, s, T, yOff, 0, cut);
        expect(Array.from(b.f32.subarray(yOff / 4, yOff / 4 + T * C))).toEqual(Array.from(y));
      }),
      { numRuns: 60 },
    );
  });

  it("the fused noise pass equals W x and |W| xs within float32 rounding of sum |w x|", () => {
    const R = 37, C = 11, T = 5;
    const W = rand(R * C, 3);
    const x = rand(T * R, 4);
    const xs = x.map((v) => v * v);
    const y = new Float64Array(T * C);
    const v = new Float64Array(T * C);
    gemmNoise(W, R, C, x, xs, T, y, v);
    for (let t = 0; t < T; t++)
      for (let o = 0; o < C; o++) {
        let a = 0, b = 0, m = 0;
        for (let i = 0; i < R; i++) {
          a += W[o * R + i] * x[t * R + i];
          b += Math.abs(W[o * R + i]) * xs[t * R + i];
          m += Math.abs(W[o * R + i] * x[t * R + i]);
        }
        expect(Math.abs(y[t * C + o] - a)).toBeLessThanOrEqual(R * 2 ** -23 * m);
        expect(Math.abs(v[t * C + o] - b)).toBeLessThanOrEqual(R * 2 ** -23 * b);
        expect(v[t * C + o]).toBeGreaterThan(0);
      }
  });

  it("the integer variance pass: exact int16 products, and |W| quantised per row within max|w| / (2 Amax) * sum x^2", () => {
    fc.assert(
      // R up to 300: past one chunk of VAR_CHUNK steps of 8 inputs (128), with the per-step remainder and the tail
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 2 ** 30 }), (R, C, T, seed) => {
        const r = new Rng(seed);
        const L = 127;
        const Amax = Math.floor((2 ** 31 - 1) / (2 * VAR_CHUNK * L * L)); // the backend's rule: a chunk adds exactly in int32
        const W = new Float32Array(R * C);
        for (let j = 0; j < W.length; j++) W[j] = r.nextGaussian() * (j % 7 === 0 ? 0 : 0.3); // zeros included
        const { a, s } = allocInt16Rows(C, R);
        for (let o = 0; o < C; o++) {
          let mx = 0;
          for (let i = 0; i < R; i++) mx = Math.max(mx, Math.abs(W[o * R + i]!));
          if (!(mx > 0)) continue;
          s[o] = mx / Amax;
          for (let i = 0; i < R; i++) a[o * R + i] = Math.round((Math.abs(W[o * R + i]!) * Amax) / mx);
        }
        const codes = new Int32Array(T * R);
        const m = new Uint16Array(T * R);
        for (let j = 0; j < codes.length; j++) {
          codes[j] = (r.nextU32() % (2 * L + 1)) - L;
          m[j] = codes[j]! * codes[j]!;
        }
        const v = new Float64Array(T * C);
        gemmInt16("var", a, s, R, C, m, T, v);
        for (let t = 0; t < T; t++)
          for (let o = 0; o < C; o++) {
            let exactInt = 0; // sum a m, exact in float64 (< 2^53)
            let ref = 0; // sum |w| x^2 with x = c / L
            let sx2 = 0;
            let mx = 0;
            for (let i = 0; i < R; i++) {
              exactInt += a[o * R + i]! * m[t * R + i]!;
              const x = codes[t * R + i]! / L;
              ref += Math.abs(W[o * R + i]!) * x * x;
              sx2 += x * x;
              mx = Math.max(mx, Math.abs(W[o * R + i]!));
            }
            const got = v[t * C + o]!;
            // the kernel: float32 sums of exact int32 chunk sums, scaled by float32 s
            expect(Math.abs(got - s[o]! * exactInt)).toBeLessThanOrEqual(R * 2 ** -22 * s[o]! * exactInt);
            // the quantisation bound (plus float32 rounding), in the units of x^2 = m / L^2
            const vq = got / (L * L);
            expect(Math.abs(vq - ref)).toBeLessThanOrEqual((mx / (2 * Amax)) * sx2 * (1 + 1e-6) + R * 2 ** -22 * ref);
          }
      }),
      { numRuns: 60 },
    );
  });

  it("the int16 tile MVM (gemm_i16): the integer sum exact, scaled by s in float64 and rounded once", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 2 ** 30 }), (R, C, T, seed) => {
        const r = new Rng(seed);
        const L = 127;
        // the backend's bound: ceil(R / 8) * 2 * Amax * L < 2^31 (full-scale codes of both signs included)
        const Amax = Math.min(32767, Math.floor((2 ** 31 - 1) / (2 * L * Math.ceil(R / 8))));
        const { a, s } = allocInt16Rows(C, R);
        for (let o = 0; o < C; o++) s[o] = Math.fround(r.nextFloat() * 1e-3 + 1e-6);
        const A = new Int16Array(a.buffer, a.byteOffset, a.length);
        for (let j = 0; j < A.length; j++) A[j] = j % 5 === 0 ? (j % 2 ? Amax : -Amax) : (r.nextU32() % (2 * Amax + 1)) - Amax;
        const n = new Int16Array(T * R);
        for (let j = 0; j < n.length; j++) n[j] = j % 3 === 0 ? L : (r.nextU32() % (2 * L + 1)) - L;
        const y = new Float32Array(T * C);
        gemmInt16("mvm", a, s, R, C, n, T, y);
        for (let t = 0; t < T; t++)
          for (let o = 0; o < C; o++) {
            let exactInt = 0;
            for (let i = 0; i < R; i++) exactInt += A[o * R + i]! * n[t * R + i]!;
            expect(y[t * C + o]).toBe(Math.fround(exactInt * s[o]!));
          }
      }),
      { numRuns: 60 },
    );
  });

  it("the one-pass tile kernel (gemmyv_i16) is bit-identical to gemm_i16 and to gemmv_i16 over the derived codes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 2 ** 30 }), (R, C, T, sh, seed) => {
        const r = new Rng(seed);
        const L = 127;
        const Amax = 32767 >> sh === 0 ? 1 : Math.min(32767, Math.floor((2 ** 31 - 1) / (2 * L * Math.ceil(R / 8))));
        const h = sh > 0 ? 1 << (sh - 1) : 0;
        const { a, s } = allocInt16Rows(C, R);
        const dv = allocInt16Rows(C, R); // the variance codes (|A| + h) >> sh and their scale
        const A = new Int16Array(a.buffer, a.byteOffset, a.length);
        for (let j = 0; j < A.length; j++) A[j] = j % 9 === 0 ? -Amax : (r.nextU32() % (2 * Amax + 1)) - Amax;
        for (let j = 0; j < A.length; j++) dv.a[j] = (Math.abs(A[j]!) + h) >> sh;
        for (let o = 0; o < C; o++) {
          s[o] = Math.fround(r.nextFloat() * 1e-3 + 1e-6);
          dv.s[o] = Math.fround(r.nextFloat() * 1e-2 + 1e-6);
        }
        const b = resident(a).bank;
        const nx = T * R;
        const off = scratch(b, 4 * nx + 8 * T * C + 256);
        const nOff = off, mOff = off + ((2 * nx + 63) & ~63), yOff = mOff + ((2 * nx + 63) & ~63), vOff = yOff + 4 * T * C;
        const n = new Int16Array(b.memory.buffer, nOff, nx);
        const m = new Uint16Array(b.memory.buffer, mOff, nx);
        // squared inputs small enough that a chunk of (|A| + h) >> sh codes adds exactly in int32 at every sh
        for (let j = 0; j < nx; j++) {
          n[j] = (r.nextU32() % (2 * L + 1)) - L;
          m[j] = r.nextU32() % 2000;
        }
        const n0 = Int16Array.from(n); // copies: gemmInt16 below reuses the bank's scratch
        const m0 = Uint16Array.from(m);
        b.k.gemmyv_i16(a.byteOffset, s.byteOffset, dv.s.byteOffset, R, C, nOff, mOff, T, yOff, vOff, 0, C, sh);
        const y1 = Array.from(new Float32Array(b.memory.buffer, yOff, T * C));
        const v1 = Array.from(new Float32Array(b.memory.buffer, vOff, T * C));
        const y2 = new Float32Array(T * C);
        const v2 = new Float32Array(T * C);
        gemmInt16("mvm", a, s, R, C, n0, T, y2);
        gemmInt16("var", dv.a, dv.s, R, C, m0, T, v2);
        expect(y1).toEqual(Array.from(y2));
        expect(v1).toEqual(Array.from(v2));
      }),
      { numRuns: 40 },
    );
  });

  it("round16 rounds as roundAcc: float32, binary16 and bfloat16 (subnormals, overflow, ties, zeros, NaN)", () => {
    const k = resident(allocF32(1)).bank.k;
    const same = (a: number, b: number) => (Number.isNaN(a) ? Number.isNaN(b) : Object.is(a, b));
    const special = [0, -0, 1, -1, 65504, 65519.99, 65520, -65520, 2 ** -24, 2 ** -25, 2 ** -25 * 1.0000001, 3 * 2 ** -25, 2 ** -14, 2 ** -14 - 2 ** -24, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 2049, 2051, 3.4e38, 3.5e38, Infinity, -Infinity, NaN, 1e-300, 257, 259, 2 ** 127 * 1.999];
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: false }), fc.constantFrom(...special), fc.double({ min: -70000, max: 70000 }), fc.double({ min: -1e-4, max: 1e-4 })), fc.constantFrom(1, 2, 3), (v, kind) => {
        expect(same(k.round16(v, kind), roundAcc(kind, v))).toBe(true);
      }),
      { numRuns: 3000 },
    );
    for (const v of special) for (const kind of [1, 2, 3]) expect(same(k.round16(v, kind), roundAcc(kind, v))).toBe(true);
  });

  it("rescale's rounding of pairs (emitRound2) equals roundAcc for float32, binary16 and bfloat16, edge cases included", () => {
    const K = 64;
    const src = allocF32(2 * K); // room for K float64 values
    const b = resident(src).bank;
    const S = new Float64Array(b.memory.buffer, src.byteOffset, K);
    const acc = allocF32(2 * K);
    const A = new Float64Array(b.memory.buffer, acc.byteOffset, K);
    const cs = allocF32(2 * K);
    new Float64Array(b.memory.buffer, cs.byteOffset, K).fill(1);
    const range = allocF32(2);
    new Float64Array(b.memory.buffer, range.byteOffset, 1)[0] = 1;
    const same = (a: number, c: number) => (Number.isNaN(a) ? Number.isNaN(c) : Object.is(a, c));
    const edge = [0, -0, 65504, 65519.99, 65520, -70000, 2 ** -24, 2 ** -25, 3 * 2 ** -25, 2 ** -14, 2 ** -14 - 2 ** -24, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 257, 259, 3.5e38, Infinity, -Infinity, NaN, 1e-300];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.constantFrom(...edge), fc.double({ min: -70000, max: 70000 }), fc.double({ min: -1e-4, max: 1e-4 })), { minLength: K, maxLength: K }), fc.constantFrom(1, 2, 3), (xs, kind) => {
        S.set(xs);
        A.fill(0);
        // acc = r(0 + r(1 * 1 * (1 * src - 0))): K even, so every output goes through the pair path
        b.k.rescale(src.byteOffset, 8 * K, acc.byteOffset, 8 * K, cs.byteOffset, range.byteOffset, 0, 1, K, kind, 1, 0);
        for (let o = 0; o < K; o++) expect(same(A[o]!, roundAcc(kind, 0 + roundAcc(kind, 1 * 1 * (1 * xs[o]! - 0))))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("weights above the block size run in row blocks with bit-identical results", () => {
    const R = 33, C = 50, T = 3;
    const W = rand(R * C, 31);
    const x = rand(T * R, 32);
    const y1 = new Float32Array(T * C);
    gemm(W, R, C, x, T, y1);
    const old = setMaxBlockBytes(R * 4 * 7); // 7 rows per block
    try {
      const W2 = W.slice();
      const y2 = new Float32Array(T * C);
      gemm(W2, R, C, x, T, y2);
      gemm(W2, R, C, x, T, y2); // blocks' resident copies reused
      expect(Array.from(y2)).toEqual(Array.from(y1));
    } finally {
      setMaxBlockBytes(old);
    }
  });

  it("weights allocated in a bank are read in place; arrays from outside are copied once and reused", () => {
    const R = 8, C = 4;
    const A = allocF32(R * C);
    A.set(rand(R * C, 9));
    const ra = resident(A);
    expect(ra.off).toBe(A.byteOffset);
    const B = rand(R * C, 10);
    const rb1 = resident(B);
    const rb2 = resident(B);
    expect(rb2.off).toBe(rb1.off);
    expect(Array.from(rb1.bank.f32.subarray(rb1.off / 4, rb1.off / 4 + R * C))).toEqual(Array.from(B));
    const U = allocU16(3);
    expect(resident(U).off).toBe(U.byteOffset);
  });
});

describe("worker threads", () => {
  it("split large calls across threads with results bit-identical to one thread (exact and noisy analog)", () => {
    const R = 700, C = 530, T = 3; // R * C * T above MIN_PARALLEL_MACS; C not a multiple of 4 x threads
    const w = { name: "m", outFeatures: C, inFeatures: R, data: rand(R * C, 21, 0.05), bias: rand(C, 22) };
    const x = rand(T * R, 23);
    const spec = analogSpec({ rows: 256, cols: 512, noise: pcmNoise }, { weightBits: 8 });
    const T5 = 5; // a second token count, split across threads too (the one-pass int16 kernel below 5 tokens)
    const x5 = rand(T5 * R, 24);
    // 40 tokens x 512 columns: above MIN_PARALLEL_OUTPUTS, so the noise, ADC epilogue (with its histograms) and
    // rescale are split by tokens too
    const T40 = 40;
    const x40 = rand(T40 * R, 25);
    const runBoth = () => {
      const e = new Float32Array(T * C);
      exactBackend.linear(w, x, T, e);
      const a = new Float32Array(T * C);
      createAnalogBackend([w], spec, { seed: 5, record: false }).linear(w, x, T, a);
      const a5 = new Float32Array(T5 * C);
      createAnalogBackend([w], spec, { seed: 5, record: false }).linear(w, x5, T5, a5);
      const a40 = new Float32Array(T40 * C);
      const b40 = createAnalogBackend([w], spec, { seed: 5, record: true });
      b40.linear(w, x40, T40, a40);
      return [e, a, a5, a40, b40.stats()] as const;
    };
    setKernelThreads(1);
    const [e1, a1, a51, a401, s401] = runBoth();
    try {
      setKernelThreads(3);
      expect(kernelThreads()).toBe(3);
      const [e3, a3, a53, a403, s403] = runBoth();
      expect(Array.from(e3)).toEqual(Array.from(e1));
      expect(Array.from(a3)).toEqual(Array.from(a1));
      expect(Array.from(a53)).toEqual(Array.from(a51));
      expect(Array.from(a403)).toEqual(Array.from(a401));
      expect(s403).toEqual(s401);
      expect(s401.layers[0]!.adcHistogram.reduce((p, q) => p + q, 0)).toBe(s401.layers[0]!.adcConversions);
      // a bank made while the workers run is handed to them
      const W2 = allocF32(R * C, true);
      W2.set(w.data);
      expect(resident(W2).bank.id).toBeGreaterThan(resident(w.data).bank.id);
      const e3b = new Float32Array(T * C);
      exactBackend.linear({ ...w, data: W2 }, x, T, e3b);
      expect(Array.from(e3b)).toEqual(Array.from(e1));
      // the fused noise pass over bf16 weights, split across the threads, equals one thread's bits
      const hb = Uint16Array.from(w.data, (f) => new Uint32Array(new Float32Array([f]).buffer)[0]! >>> 16);
      const xs = x.map((u) => u * u);
      const [y3, v3, y1, v1] = [0, 0, 0, 0].map(() => new Float32Array(T * C));
      gemmNoise(hb, R, C, x, xs, T, y3, v3, "bf16");
      setKernelThreads(1);
      gemmNoise(hb, R, C, x, xs, T, y1, v1, "bf16");
      expect(Array.from(y3)).toEqual(Array.from(y1));
      expect(Array.from(v3)).toEqual(Array.from(v1));
    } finally {
      setKernelThreads(1);
    }
    expect(kernelThreads()).toBe(1);
    expect(() => setKernelThreads(-1)).toThrow(/threads/);
  });
});
