import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, pointKey, simEvaluator } from "../../src/dse/index.ts";
import { genomeAt, genomeIndex, materialize, spaceOf, loadDefaultValidator } from "../../src/dse/space.ts";
import { syntheticSweep } from "./fixtures/defs.ts";

describe("design space", () => {
  it("genomeAt and genomeIndex are inverse over the whole grid", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), (sizes) => {
        const space = { names: sizes.map((_, i) => `a${i}`), sizes, size: sizes.reduce((a, b) => a * b, 1) };
        const seen = new Set<string>();
        for (let i = 0; i < space.size; i++) {
          const g = genomeAt(space, i);
          g.forEach((x, a) => expect(x).toBeLessThan(sizes[a]));
          expect(genomeIndex(space, g)).toBe(i);
          seen.add(g.join(","));
        }
        expect(seen.size).toBe(space.size);
      }),
    );
  });

  it("canonical JSON ignores key order and undefined fields", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.boolean())), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
        expect(canonicalJson({ ...obj, zz_undefined: undefined })).toBe(canonicalJson(obj));
      }),
    );
    const k = { spec: { a: 1 }, model: "m", workload: { promptTokens: 1, genTokens: 1, batch: 1 }, seed: 0, version: "0.1.0", evaluator: "sim" };
    expect(pointKey(k)).toMatch(/^[0-9a-f]{64}$/);
    expect(pointKey({ ...k, seed: 1 })).not.toBe(pointKey(k));
    expect(pointKey({ ...k, version: "0.2.0" })).not.toBe(pointKey(k));
    expect(pointKey({ ...k, evaluator: "synthetic" })).not.toBe(pointKey(k));
  });

  it("builds variants with immer without touching the base, and validates them with decodeChipSpec", async () => {
    const def = syntheticSweep({ flash12: true });
    const space = spaceOf(def);
    const validate = await loadDefaultValidator();
    const before = JSON.stringify(def.base);
    const m = materialize(def, space, [1, 0, 1, 2], validate);
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    expect(m.axes).toEqual({ adcBits: 6, crossbar: 128, dacKind: "pwm", systolic: 128 });
    expect(m.input.spec.analog!.tile.adc.bits).toBe(6);
    expect(m.input.spec.analog!.tile.rows).toBe(128);
    expect(m.input.spec.systolic[0].cols).toBe(128);
    expect(JSON.stringify(def.base)).toBe(before);
    // Same genome => same key; another genome => another key.
    const again = materialize(def, space, [1, 0, 1, 2], validate);
    expect(again.ok && again.input.key).toBe(m.input.key);
    const other = materialize(def, space, [1, 0, 1, 1], validate);
    expect(other.ok && other.input.key).not.toBe(m.input.key);
  });

  it("keys on the evaluator options that change results, not on timing-only ones", async () => {
    const validate = await loadDefaultValidator();
    const keyWith = (def: ReturnType<typeof syntheticSweep>) => {
      const m = materialize(def, spaceOf(def), [0, 0, 0, 0], validate);
      return m.ok ? m.input.key : m.key;
    };
    const plain = keyWith(syntheticSweep());
    expect(keyWith(syntheticSweep({ delayMs: 50 }))).toBe(plain);
    expect(keyWith(syntheticSweep({ failWhenAdcBits: 6 }))).not.toBe(plain);
    const sim = { ...syntheticSweep(), evaluator: simEvaluator() };
    const simAuto = { ...syntheticSweep(), evaluator: simEvaluator({ chips: "auto" }) };
    expect(keyWith(sim)).not.toBe(plain);
    expect(keyWith(simAuto)).not.toBe(keyWith(sim));
  });

  it("turns an invalid variant into a failed point carrying the validator's field path", async () => {
    const def = syntheticSweep({ flash12: true });
    const m = materialize(def, spaceOf(def), [3, 0, 0, 0], await loadDefaultValidator());
    expect(m.ok).toBe(false);
    if (m.ok) return;
    expect(m.error).toContain("analog.tile.adc.bits");
    expect(m.key).toMatch(/^[0-9a-f]{64}$/);
  });
});
