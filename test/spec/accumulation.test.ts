// Validation of the analog-accumulation fields: analog.tile.dac.planesPerConversion / planeWeighting and
// analog.tile.slicesPerConversion (src/spec/types.ts documents the rules).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { produce } from "immer";
import neurram from "../../hw-specs/neurram.ts";
import sinangil from "../../hw-specs/sinangil-7nm-sram.ts";
import hermes from "../../hw-specs/hermes.ts";
import { checkChipSpec, decodeChipSpec, type ChipSpec } from "../../src/spec/index.ts";
import { PLANE_WEIGHTINGS } from "../../src/spec/schema.ts";

const issuesOf = (input: unknown) => {
  const r = checkChipSpec(input);
  if (r.ok) throw new Error("expected the spec to be rejected");
  return r.issues;
};
const accepted = (input: unknown): boolean => checkChipSpec(input).ok;

describe("analog.tile.dac.planesPerConversion", () => {
  it("is accepted from 1 to 16 on a bit-serial DAC of any bits with a weighting (above bits: one group of all planes)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 16 }), fc.constantFrom(...PLANE_WEIGHTINGS), (bits, p, w) => {
        const spec = produce(neurram, (d) => {
          d.analog!.tile.dac.bits = bits;
          d.analog!.tile.dac.planesPerConversion = p;
          d.analog!.tile.dac.planeWeighting = w;
        });
        expect(accepted(spec)).toBe(true);
      }),
      { numRuns: 60 },
    );
    const over = produce(neurram, (d) => {
      d.analog!.tile.dac.planesPerConversion = 17;
    });
    expect(issuesOf(over)).toContainEqual({ path: "analog.tile.dac.planesPerConversion", rule: expect.stringMatching(/between 1 and 16/) });
  });

  it("needs planeWeighting above 1, a bit-serial DAC, and an ADC that holds the charge (not a CCO)", () => {
    const noWeighting = produce(neurram, (d) => {
      delete d.analog!.tile.dac.planeWeighting;
    });
    expect(issuesOf(noWeighting)).toContainEqual({ path: "analog.tile.dac.planeWeighting", rule: expect.stringMatching(/required when planesPerConversion > 1/) });
    const pwm = produce(hermes, (d) => {
      d.analog!.tile.dac.planesPerConversion = 2;
      d.analog!.tile.dac.planeWeighting = "charge-share";
    });
    expect(issuesOf(pwm)).toContainEqual({ path: "analog.tile.dac.planesPerConversion", rule: expect.stringMatching(/needs kind "bit-serial"/) });
    const cco = produce(neurram, (d) => {
      d.analog!.tile.adc.kind = "cco";
    });
    expect(issuesOf(cco)).toContainEqual({ path: "analog.tile.dac.planesPerConversion", rule: expect.stringMatching(/cco/) });
  });

  it("rejects non-integers and 0 with the field path", () => {
    for (const v of [0, 1.5, -2]) {
      const bad = produce(neurram, (d) => {
        d.analog!.tile.dac.planesPerConversion = v;
      });
      expect(issuesOf(bad).map((i) => i.path)).toContain("analog.tile.dac.planesPerConversion");
    }
  });

  it("leaves the old specs valid: absent means 1, and a weighting with 1 plane per conversion has no effect", () => {
    expect(hermes.analog!.tile.dac.planesPerConversion).toBeUndefined();
    const oneWithWeighting = produce(hermes, (d) => {
      d.analog!.tile.dac.planesPerConversion = 1;
      d.analog!.tile.dac.planeWeighting = "charge-share";
    });
    expect(accepted(oneWithWeighting)).toBe(true);
  });
});

describe("analog.tile.slicesPerConversion", () => {
  it("is accepted from 1 to 16 for any weight precision (above the slices: all of a weight's slices joined) and rejected outside", () => {
    for (let s = 1; s <= 16; s++) {
      for (const weightBits of [1, 4, 8]) {
        const spec = produce(sinangil, (d) => {
          d.analog!.tile.slicesPerConversion = s;
          d.analog!.weightBits = weightBits;
        });
        expect(accepted(spec), `s=${s} weightBits=${weightBits}`).toBe(true);
      }
    }
    for (const s of [0, 1.5, 17]) {
      const spec = produce(sinangil, (d) => {
        d.analog!.tile.slicesPerConversion = s;
      });
      expect(issuesOf(spec).map((i) => i.path)).toContain("analog.tile.slicesPerConversion");
    }
  });

  it("rejects charge sharing into a CCO ADC", () => {
    const bad: ChipSpec = produce(sinangil, (d) => {
      d.analog!.tile.adc.kind = "cco";
    });
    expect(issuesOf(bad).map((i) => i.path)).toContain("analog.tile.slicesPerConversion");
  });

  it("round-trips through JSON with the new fields", () => {
    for (const spec of [neurram, sinangil]) {
      expect(decodeChipSpec(JSON.parse(JSON.stringify(spec)), spec.name)).toEqual(spec);
    }
  });
});
