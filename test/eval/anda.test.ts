import { describe, expect, it } from "vitest";
import { andaBitOps, andaMacsPerToken, andaPrecisionSearch, type AndaTuple } from "../../src/eval/index.ts";
import type { TransformerShape } from "../../src/model/shape.ts";

const shape = {
  hiddenSize: 256,
  intermediateSize: 704,
  numHeads: 8,
  numKvHeads: 4,
  headDim: 32,
  gatedMlp: true,
} as TransformerShape;

describe("Anda precision search", () => {
  it("weights bit-operations by each tensor type's MACs per token", () => {
    expect(andaMacsPerToken(shape)).toEqual([256 * (256 + 2 * 128), 256 * 256, 256 * 704 * 2, 704 * 256]);
    expect(andaBitOps(shape, [1, 0, 0, 0])).toBe(256 * 512);
    expect(andaBitOps(shape, [8, 8, 8, 8])).toBe(8 * andaBitOps(shape, [1, 1, 1, 1]));
  });

  it("descends from the cheapest accepted uniform tuple, popping lowest bit-ops first, within 32 evaluations", async () => {
    // accuracy model: each type needs a minimum mantissa; below it accuracy collapses
    const need = [7, 5, 6, 9];
    const calls: AndaTuple[] = [];
    const evaluateTuple = (t: AndaTuple) => {
      calls.push(t);
      return t.every((m, j) => m >= need[j]) ? 0.9 : 0.5;
    };
    const r = await andaPrecisionSearch({ model: { shape }, tokens: 64, delta: 0.01, evaluateTuple, fpAccuracy: 0.9 });
    expect(r.threshold).toBeCloseTo(0.891, 9);
    expect(r.history.length).toBeLessThanOrEqual(32);
    // uniform tuples 4..8 fail, 9 is the first accepted
    expect(calls.slice(0, 6).map((t) => t[0])).toEqual([4, 5, 6, 7, 8, 9]);
    expect(r.history[5].accepted).toBe(true);
    // every popped tuple costs no less than the previous one among those still queued when it was pushed:
    // the accepted best must satisfy the requirement and be cheaper than the uniform [9,9,9,9]
    expect(r.best).not.toBeNull();
    expect(r.best!.every((m, j) => m >= need[j])).toBe(true);
    expect(r.bestBitOps!).toBeLessThan(andaBitOps(shape, [9, 9, 9, 9]));
    // no tuple evaluated twice
    expect(new Set(calls.map((t) => t.join(","))).size).toBe(calls.length);
    // with enough iterations the search reaches the true optimum [7,5,6,9]
    const full = await andaPrecisionSearch({ model: { shape }, tokens: 64, delta: 0.01, evaluateTuple, fpAccuracy: 0.9, maxIterations: 400 });
    expect(full.best).toEqual([7, 5, 6, 9]);
  });

  it("evaluates the FP model itself when fpAccuracy is not given, and returns null when nothing passes", async () => {
    const seen: AndaTuple[] = [];
    const r = await andaPrecisionSearch({
      model: { shape },
      tokens: 8,
      delta: 0,
      evaluateTuple: (t) => {
        seen.push(t);
        return t[0] === 16 ? 1 : 0.2;
      },
    });
    expect(seen[0]).toEqual([16, 16, 16, 16]);
    expect(r.fpAccuracy).toBe(1);
    expect(r.best).toBeNull();
    expect(r.history).toHaveLength(10); // the 10 uniform tuples 4..13, all rejected, none expanded
  });
});
