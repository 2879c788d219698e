import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { produce } from "immer";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";
import hermes from "../../hw-specs/hermes.ts";
import {
  checkChipSpec,
  chipJsonSchema,
  decodeChipSpec,
  loadSpecFile,
  SpecValidationError,
  variant,
  type ChipSpec,
} from "../../src/spec/index.ts";
import { ADC_KINDS, DATAFLOWS } from "../../src/spec/schema.ts";

const issuesOf = (input: unknown) => {
  const r = checkChipSpec(input);
  if (r.ok) throw new Error("expected the spec to be rejected");
  return r.issues;
};

describe("chip spec validation", () => {
  it("accepts every preset", async () => {
    for (const name of ["hybrid-bitnet", "digital-baseline", "hermes", "afm-pcm"]) {
      const spec = await loadSpecFile(name);
      expect(spec.name).toBe(name);
    }
  });

  it("names the path of a negative column count", () => {
    const bad = produce(hermes, (d) => {
      d.analog!.tile.cols = -4;
    });
    const issues = issuesOf(bad);
    expect(issues.map((i) => i.path)).toContain("analog.tile.cols");
    expect(issues.find((i) => i.path === "analog.tile.cols")!.rule).toMatch(/between 1 and/);
  });

  it("names the path of an ADC with 0 bits", () => {
    const bad = produce(hermes, (d) => {
      d.analog!.tile.adc.bits = 0;
    });
    expect(issuesOf(bad)).toContainEqual({ path: "analog.tile.adc.bits", rule: expect.stringMatching(/between 2 and 16/) });
  });

  it("rejects a misspelled field and suggests the right one", () => {
    const bad = JSON.parse(JSON.stringify(hermes));
    bad.analog.tile.adc.bitz = 8;
    delete bad.analog.tile.adc.bits;
    const issues = issuesOf(bad);
    const unknown = issues.find((i) => i.path === "analog.tile.adc.bitz")!;
    expect(unknown.rule).toMatch(/unknown field "bitz" \(did you mean "bits"\?\)/);
    expect(issues.find((i) => i.path === "analog.tile.adc.bits")!.rule).toMatch(/missing/);
  });

  it("rejects NaN, Infinity and wrong types with the field path", () => {
    const bad = JSON.parse(JSON.stringify(hybrid));
    bad.analog.clockHz = "1GHz";
    bad.systolic[0].rows = 3.5;
    bad.dram.bandwidthBytesPerS = Infinity;
    const paths = issuesOf(bad).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["analog.clockHz", "systolic[0].rows", "dram.bandwidthBytesPerS"]));
    expect(() => decodeChipSpec({ ...hybrid, technologyNm: NaN })).toThrow(/technologyNm/);
  });

  it("checks cross-field rules on the field a user must change", () => {
    const tileBad = produce(hermes, (d) => {
      d.analog!.tile.gMinUs = 30;
      d.analog!.tile.cols = 511;
    });
    expect(issuesOf(tileBad).map((i) => i.path)).toEqual(expect.arrayContaining(["analog.tile.gMinUs", "analog.tile.cols"]));
    const chipBad = produce(hermes, (d) => {
      d.mapping.kvCache = "sram";
      d.sram = [];
      d.vector = [];
    });
    expect(issuesOf(chipBad).map((i) => i.path)).toEqual(expect.arrayContaining(["mapping.kvCache", "vector"]));
  });

  it("throws a typed error whose message lists every problem", () => {
    try {
      decodeChipSpec({ name: "" }, "bad.json");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SpecValidationError);
      const err = e as SpecValidationError;
      expect(err._tag).toBe("SpecError");
      expect(err.message.startsWith("bad.json: invalid chip spec")).toBe(true);
      expect(err.issues.length).toBeGreaterThan(5);
    }
  });

  it("round-trips spec -> JSON -> spec (property over ADC/DAC/array variants)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.constantFrom(...ADC_KINDS),
        fc.integer({ min: 1, max: 4096 }),
        fc.constantFrom(...DATAFLOWS),
        (bits, kind, rows, dataflow) => {
          const v = variant(hybrid, (d) => {
            d.analog!.tile.adc.bits = Math.min(bits, kind === "flash" ? 10 : 16);
            d.analog!.tile.adc.kind = kind;
            d.systolic[0].rows = rows;
            d.systolic[0].dataflow = dataflow;
          });
          const back = decodeChipSpec(JSON.parse(JSON.stringify(v)));
          expect(back).toEqual(v);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("variant() validates the result", () => {
    expect(() =>
      variant(hybrid, (d) => {
        d.analog!.tile.adc.colsPerAdc = 1000;
      }),
    ).toThrow(/analog.tile.adc.colsPerAdc/);
    const v: ChipSpec = variant(hybrid, (d) => {
      d.analog!.tile.adc.bits = 6;
    });
    expect(v.analog!.tile.adc.bits).toBe(6);
    expect(hybrid.analog!.tile.adc.bits).toBe(8);
  });

  it("exports a JSON Schema that closes objects", () => {
    const js = chipJsonSchema() as { properties: Record<string, { additionalProperties?: boolean }>; additionalProperties: boolean };
    expect(js.additionalProperties).toBe(false);
    expect(Object.keys(js.properties)).toEqual(expect.arrayContaining(["analog", "systolic", "dram", "noc", "mapping"]));
  });
});
