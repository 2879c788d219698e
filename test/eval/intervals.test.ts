import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { clampInterval, interval, logInterval } from "../../src/eval/stats.ts";

describe("seed intervals", () => {
  it("a perplexity interval stays positive and contains the mean, even for 2 widely spread seeds", () => {
    const plain = interval([50, 1400]);
    expect(plain.low).toBeLessThan(0); // the symmetric t interval would print a negative perplexity
    const i = logInterval([50, 1400]);
    expect(i.low).toBeGreaterThan(0);
    expect(i.mean).toBe(725);
    expect(i.low).toBeLessThanOrEqual(i.mean);
    expect(i.high).toBeGreaterThanOrEqual(i.mean);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 8 }), (v) => {
        const r = logInterval(v);
        expect(r.low).toBeGreaterThan(0);
        expect(r.low).toBeLessThanOrEqual(r.mean * (1 + 1e-12));
        expect(r.high).toBeGreaterThanOrEqual(r.mean * (1 - 1e-12));
      }),
    );
  });

  it("agreement and KL intervals are clipped to the quantity's range", () => {
    const a = clampInterval(interval([0.2, 0.99]), 0, 1);
    expect(a.low).toBeGreaterThanOrEqual(0);
    expect(a.high).toBeLessThanOrEqual(1);
    const k = clampInterval(interval([0.01, 3]), 0, Infinity);
    expect(k.low).toBeGreaterThanOrEqual(0);
  });
});
