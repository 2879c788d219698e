import type { LinearBackend } from "../backend.ts";

// The inner loops of the analog MVM: plain loops over typed arrays, register-blocked 4 outputs x 2 tokens
// (measured fastest of 1x1, 4x2, 4x3, 2x4 under V8 on this machine: ~2.2 GFLOP/s vs 0.8 naive).

/**
 * y[t*C + o] = sum_i W[o*R + i] * x[t*R + i] for t < T, o < C.
 * W: [C x R] row-major (one row per logical output column of the tile). x: [T x R]. y: [T x C].
 */
export function gemmTile(W: Float32Array, R: number, C: number, x: Float32Array, T: number, y: Float64Array): void {
  let t = 0;
  for (; t + 2 <= T; t += 2) {
    const x0 = t * R;
    const x1 = x0 + R;
    const y0 = t * C;
    const y1 = y0 + C;
    let o = 0;
    for (; o + 4 <= C; o += 4) {
      const w0 = o * R;
      const w1 = w0 + R;
      const w2 = w1 + R;
      const w3 = w2 + R;
      let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
      for (let i = 0; i < R; i++) {
        const u = x[x0 + i];
        const v = x[x1 + i];
        const p = W[w0 + i];
        const q = W[w1 + i];
        const r = W[w2 + i];
        const s = W[w3 + i];
        a00 += p * u; a01 += q * u; a02 += r * u; a03 += s * u;
        a10 += p * v; a11 += q * v; a12 += r * v; a13 += s * v;
      }
      y[y0 + o] = a00; y[y0 + o + 1] = a01; y[y0 + o + 2] = a02; y[y0 + o + 3] = a03;
      y[y1 + o] = a10; y[y1 + o + 1] = a11; y[y1 + o + 2] = a12; y[y1 + o + 3] = a13;
    }
    for (; o < C; o++) {
      const wo = o * R;
      let a = 0, b = 0;
      for (let i = 0; i < R; i++) {
        const w = W[wo + i];
        a += w * x[x0 + i];
        b += w * x[x1 + i];
      }
      y[y0 + o] = a;
      y[y1 + o] = b;
    }
  }
  for (; t < T; t++) {
    const x0 = t * R;
    const y0 = t * C;
    let o = 0;
    for (; o + 4 <= C; o += 4) {
      const w0 = o * R;
      const w1 = w0 + R;
      const w2 = w1 + R;
      const w3 = w2 + R;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let i = 0; i < R; i++) {
        const u = x[x0 + i];
        a0 += W[w0 + i] * u; a1 += W[w1 + i] * u; a2 += W[w2 + i] * u; a3 += W[w3 + i] * u;
      }
      y[y0 + o] = a0; y[y0 + o + 1] = a1; y[y0 + o + 2] = a2; y[y0 + o + 3] = a3;
    }
    for (; o < C; o++) {
      const wo = o * R;
      let a = 0;
      for (let i = 0; i < R; i++) a += W[wo + i] * x[x0 + i];
      y[y0 + o] = a;
    }
  }
}

/**
 * out = W x + b through gemmTile: bit-identical to exactBackend (both accumulate each dot product in a
 * double, i ascending, then add the bias and round to fp32) but register-blocked, ~2.5x faster.
 * `y` is a caller-kept scratch of at least T * outF doubles.
 */
export function exactLinearBlocked(W: Float32Array, bias: Float32Array | null, inF: number, outF: number, x: Float32Array, T: number, out: Float32Array, y: Float64Array): void {
  gemmTile(W, inF, outF, x, T, y);
  for (let t = 0; t < T; t++) {
    const o0 = t * outF;
    if (bias) for (let o = 0; o < outF; o++) out[o0 + o] = y[o0 + o] + bias[o];
    else for (let o = 0; o < outF; o++) out[o0 + o] = y[o0 + o];
  }
}

/** A LinearBackend equal bit for bit to exactBackend, using the blocked kernel (reference passes, benches). */
export function createBlockedExactBackend(): LinearBackend {
  let y = new Float64Array(0);
  return {
    label: "fp32 exact",
    linear(w, x, T, out) {
      const n = T * w.outFeatures;
      if (y.length < n) y = new Float64Array(n);
      exactLinearBlocked(w.data, w.bias, w.inFeatures, w.outFeatures, x, T, out, y);
    },
  };
}

/**
 * Fused pass for the output-referred weight noise: y = W x and v = |W| x^2 reading W once
 * (v[t*C + o] = sum_i |W[o*R + i]| * xsq[t*R + i], xsq = x^2 precomputed). Same summation order as
 * gemmTile, so y is bit-identical to gemmTile(W, ...) and v to gemmTile(|W|, xsq, ...).
 * Blocked 2 outputs x 2 tokens (8 accumulators), single-token tail 4 outputs.
 * |w| is Math.abs (one andpd in TurboFan), never `p < 0 ? -p : p`: with random-sign weights that ternary
 * compiles to a branch mispredicted about half the time, which made this pass 4x slower (T = 1, 512 x 512
 * tile: 2.9 ms -> 0.68 ms). Same values: |-0| = +0 adds nothing to a sum that starts at +0.
 */
export function gemmTileNoise(
  W: Float32Array,
  R: number,
  C: number,
  x: Float32Array,
  xsq: Float32Array,
  T: number,
  y: Float64Array,
  v: Float64Array,
): void {
  let t = 0;
  for (; t + 2 <= T; t += 2) {
    const x0 = t * R;
    const x1 = x0 + R;
    const y0 = t * C;
    const y1 = y0 + C;
    let o = 0;
    for (; o + 2 <= C; o += 2) {
      const w0 = o * R;
      const w1 = w0 + R;
      let a00 = 0, a01 = 0, a10 = 0, a11 = 0, b00 = 0, b01 = 0, b10 = 0, b11 = 0;
      for (let i = 0; i < R; i++) {
        const p = W[w0 + i];
        const q = W[w1 + i];
        const pa = Math.abs(p);
        const qa = Math.abs(q);
        const u = x[x0 + i];
        const z = x[x1 + i];
        const us = xsq[x0 + i];
        const zs = xsq[x1 + i];
        a00 += p * u; a01 += q * u; a10 += p * z; a11 += q * z;
        b00 += pa * us; b01 += qa * us; b10 += pa * zs; b11 += qa * zs;
      }
      y[y0 + o] = a00; y[y0 + o + 1] = a01; y[y1 + o] = a10; y[y1 + o + 1] = a11;
      v[y0 + o] = b00; v[y0 + o + 1] = b01; v[y1 + o] = b10; v[y1 + o + 1] = b11;
    }
    for (; o < C; o++) {
      const wo = o * R;
      let a0 = 0, a1 = 0, b0 = 0, b1 = 0;
      for (let i = 0; i < R; i++) {
        const p = W[wo + i];
        const pa = Math.abs(p);
        a0 += p * x[x0 + i]; a1 += p * x[x1 + i];
        b0 += pa * xsq[x0 + i]; b1 += pa * xsq[x1 + i];
      }
      y[y0 + o] = a0; y[y1 + o] = a1; v[y0 + o] = b0; v[y1 + o] = b1;
    }
  }
  for (; t < T; t++) {
    const x0 = t * R;
    const y0 = t * C;
    let o = 0;
    for (; o + 4 <= C; o += 4) {
      const w0 = o * R;
      const w1 = w0 + R;
      const w2 = w1 + R;
      const w3 = w2 + R;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let i = 0; i < R; i++) {
        const u = x[x0 + i];
        const us = xsq[x0 + i];
        const p = W[w0 + i];
        const q = W[w1 + i];
        const r = W[w2 + i];
        const s = W[w3 + i];
        a0 += p * u; a1 += q * u; a2 += r * u; a3 += s * u;
        b0 += Math.abs(p) * us; b1 += Math.abs(q) * us; b2 += Math.abs(r) * us; b3 += Math.abs(s) * us;
      }
      y[y0 + o] = a0; y[y0 + o + 1] = a1; y[y0 + o + 2] = a2; y[y0 + o + 3] = a3;
      v[y0 + o] = b0; v[y0 + o + 1] = b1; v[y0 + o + 2] = b2; v[y0 + o + 3] = b3;
    }
    for (; o < C; o++) {
      const wo = o * R;
      let a = 0, b = 0;
      for (let i = 0; i < R; i++) {
        const p = W[wo + i];
        a += p * x[x0 + i];
        b += Math.abs(p) * xsq[x0 + i];
      }
      y[y0 + o] = a;
      v[y0 + o] = b;
    }
  }
}
