// Optional non-idealities (issue 15 item 6): static ADC offset and gain error per output line, stuck-at faults.
import { describe, expect, it } from "vitest";
import { createAnalogBackend, type AnalogBackendOptions } from "../../src/numerics/analog/index.ts";
import { exactBackend, type LinearWeight } from "../../src/numerics/backend.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { analogSpec, randomInput, randomWeight } from "./analog-fixtures.ts";

function identity(n: number): LinearWeight {
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { name: "eye", outFeatures: n, inFeatures: n, data, bias: null };
}
const run = (w: LinearWeight, x: Float32Array, T: number, opts: Partial<AnalogBackendOptions>, over = {}) => {
  const b = createAnalogBackend([w], analogSpec({ rows: 64, cols: 64, adc: { kind: "sar", bits: 12, colsPerAdc: 1 }, outBound: 1, ...over }, { weightBits: 8 }), { seed: 3, ...opts });
  const out = new Float32Array(T * w.outFeatures);
  b.linear(w, x, T, out);
  return out;
};

describe("ADC offset and gain error", () => {
  const n = 64;
  const w = identity(n);
  const T = 6;
  const x = randomInput(T, n, 5);
  // static ranges of 4 so each column sees |x / 4| <= ~1 and nothing clips at outBound 1
  const staticRange = { inputRange: { mode: "static" as const, bound: 4 } };

  it("gain error: each column's output ratio is the same for every token, spread ~ the sigma asked", () => {
    const base = run(w, x, T, {}, staticRange);
    const g = run(w, x, T, { adcGainSigma: 0.05 }, staticRange);
    const gains: number[] = [];
    for (let o = 0; o < n; o++) {
      const r: number[] = [];
      for (let t = 0; t < T; t++) if (Math.abs(base[t * n + o]!) > 0.5) r.push(g[t * n + o]! / base[t * n + o]!);
      if (r.length < 2) continue;
      for (const v of r) expect(Math.abs(v - r[0]!)).toBeLessThan(0.01); // one gain per column (12-bit rounding aside)
      gains.push(r[0]!);
    }
    expect(gains.length).toBeGreaterThan(20);
    const mean = gains.reduce((a, b) => a + b, 0) / gains.length;
    const sd = Math.sqrt(gains.reduce((a, b) => a + (b - mean) ** 2, 0) / (gains.length - 1));
    expect(sd).toBeGreaterThan(0.03);
    expect(sd).toBeLessThan(0.075);
  });

  it("offset error: a zero input reads the column's offset, the same for every token, ~ sigma LSB", () => {
    const zero = new Float32Array(T * n);
    for (let t = 0; t < T; t++) zero[t * n] = 1; // a non-zero range; column 0 aside, every column reads 0 + offset
    const y = run(w, zero, T, { adcOffsetLsb: 3 }, staticRange);
    const lsb = (4 * 1) / 2047; // range x outBound / (2^11 - 1)
    const offs: number[] = [];
    for (let o = 1; o < n; o++) {
      for (let t = 1; t < T; t++) expect(y[t * n + o]).toBe(y[o]);
      offs.push(y[o]! / lsb);
    }
    const sd = Math.sqrt(offs.reduce((a, b) => a + b * b, 0) / offs.length);
    expect(sd).toBeGreaterThan(2);
    expect(sd).toBeLessThan(4);
  });
});

describe("stuck-at faults", () => {
  const w = randomWeight("m", 16, 64, 1);
  const x = randomInput(4, 64, 2);
  const ref = new Float32Array(4 * 16);
  exactBackend.linear(w, x, 4, ref);
  const err = (o: Float32Array) => {
    let s = 0;
    for (let j = 0; j < o.length; j++) s += (o[j]! - ref[j]!) ** 2;
    return s / o.length;
  };
  it("error grows with the fault rate; every device stuck off (or on) leaves a differential pair reading zero", () => {
    const e = [0, 0.01, 0.1].map((p) => err(run(w, x, 4, { stuckOffRate: p / 2, stuckOnRate: p / 2 }, { outBound: 12 })));
    expect(e[1]).toBeGreaterThan(e[0]! * 2);
    expect(e[2]).toBeGreaterThan(e[1]! * 3);
    for (const opts of [{ stuckOffRate: 1 }, { stuckOnRate: 1 }]) {
      const y = run(w, x, 4, opts, { outBound: 12 });
      expect(Math.max(...Array.from(y, Math.abs))).toBe(0);
    }
  });
  it("rejects rates outside [0, 1] with an AimcsimError naming the option", () => {
    for (const opts of [{ stuckOffRate: -0.1 }, { stuckOffRate: 0.6, stuckOnRate: 0.6 }, { adcGainSigma: Number.NaN }]) {
      let caught: unknown;
      try {
        run(w, x, 1, opts);
      } catch (e) {
        caught = e;
      }
      expect(isAimcsimError(caught)).toBe(true);
    }
  });
});
