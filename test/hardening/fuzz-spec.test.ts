// Fuzzing the spec pipeline: > 10,000 generated specs per run through validate (decodeChipSpec), describe
// (describeChip on the ones that validate) and run (simulate on a sample of the valid ones, gpt2-shaped
// models, tiny workloads, chips "auto"). Every case either succeeds or fails with an AimcsimError naming a
// field; never a bare exception, never a hang, never NaN/Infinity anywhere in a result.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { describeChip } from "../../src/components/index.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { resolveModelShape } from "../../src/model/index.ts";
import { simulate } from "../../src/sim/index.ts";
import { decodeChipSpec, SpecValidationError } from "../../src/spec/index.ts";
import type { ChipSpec } from "../../src/spec/types.ts";
import { ALWAYS_INVALID, dotted, garbageArb, nearValidArb, nonFinitePaths, presetJson, presetVariantArb, validSpecArb } from "./arbitraries.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const hybridJson = (): Record<string, any> => presetJson("hybrid-bitnet");

const counts = {
  specs: 0,
  accepted: 0,
  rejected: 0,
  described: 0,
  runs: 0,
  runOk: 0,
  runErrors: {} as Record<string, number>,
};

afterAll(() => {
  const errs = Object.entries(counts.runErrors)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  console.log(
    `fuzz-spec: ${counts.specs} specs validated (${counts.accepted} accepted, ${counts.rejected} rejected with field paths), ` +
      `${counts.described} described, ${counts.runs} simulated (${counts.runOk} ok${errs ? `, typed errors: ${errs}` : ""}); ` +
      "no untyped exception, no NaN/Infinity",
  );
});

const isPlainObject = (v: unknown): boolean => v !== null && typeof v === "object" && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** Validate: a ChipSpec, or a SpecValidationError whose issues each name a rule (and a field, for objects). */
function validate(input: unknown): ChipSpec | SpecValidationError {
  counts.specs++;
  try {
    const spec = decodeChipSpec(input);
    counts.accepted++;
    return spec;
  } catch (e) {
    if (!(e instanceof SpecValidationError)) throw new Error(`validate threw an untyped ${String(e)} for ${JSON.stringify(input)?.slice(0, 400)}`);
    counts.rejected++;
    expect(e._tag).toBe("SpecError");
    expect(e.issues.length).toBeGreaterThan(0);
    for (const i of e.issues) {
      expect(i.rule.length).toBeGreaterThan(0);
      expect(i.rule).not.toMatch(/\[object Object\]|undefined/);
      if (isPlainObject(input)) expect(i.path, `issue without a field path: ${i.rule}`).not.toBe("");
    }
    expect(e.path).toBe(e.issues[0]!.path);
    return e;
  }
}

/** Describe a valid spec: must succeed, every number finite. */
function describeOk(spec: ChipSpec): void {
  const d = describeChip(spec);
  counts.described++;
  expect(nonFinitePaths(d), `describe of ${spec.name}`).toEqual([]);
  expect(d.areaMm2).toBeGreaterThan(0);
}

describe("validate + describe", () => {
  it("valid specs from the schema's whole range validate and describe with finite numbers", () => {
    fc.assert(
      fc.property(validSpecArb, (input) => {
        const r = validate(input);
        if (r instanceof SpecValidationError) throw new Error(`a valid spec was rejected: ${r.message}\n${JSON.stringify(input)}`);
        describeOk(r);
      }),
      { numRuns: 3500 },
    );
  });

  it("preset variants validate and describe", () => {
    fc.assert(
      fc.property(presetVariantArb, ({ spec }) => {
        const r = validate(spec);
        if (!(r instanceof SpecValidationError)) describeOk(r);
      }),
      { numRuns: 600 },
    );
  });

  it("near-valid specs (a preset with 1-3 fields broken) are rejected naming the field, or describe cleanly", () => {
    fc.assert(
      fc.property(nearValidArb, ({ spec, mutations }) => {
        const r = validate(spec);
        if (r instanceof SpecValidationError) {
          if (mutations.length === 1 && ALWAYS_INVALID.has(mutations[0]!.kind)) {
            const want = dotted(mutations[0]!.path);
            expect(
              r.issues.map((i) => i.path),
              `${mutations[0]!.kind} at ${want}`,
            ).toContain(want);
          }
        } else {
          for (const m of mutations) expect(ALWAYS_INVALID.has(m.kind), `${m.kind} at ${dotted(m.path)} was accepted`).toBe(false);
          describeOk(r);
        }
      }),
      { numRuns: 3500 },
    );
  });

  it("garbage (random JSON and values) is rejected with a SpecError, never an untyped exception", () => {
    fc.assert(
      fc.property(garbageArb, (input) => {
        const r = validate(input);
        if (!(r instanceof SpecValidationError)) describeOk(r);
      }),
      { numRuns: 2500 },
    );
  });

  it("the examples the fuzzer found stay fixed", () => {
    const base = JSON.parse(JSON.stringify(validPreset())) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    // bitSerial.groupSize 1 used to validate and then crash describe (the adder tree needs >= 2 inputs)
    const g = structuredClone(base);
    g.bitSerial = [{ name: "bs", groupSize: 1, units: 4, clockHz: 1e9, count: 1 }];
    expect((validate(g) as SpecValidationError).issues.map((i) => i.path)).toContain("bitSerial[0].groupSize");
    // an extra field named "" used to be reported at the empty path (the root)
    expect((validate({ ...base, "": false }) as SpecValidationError).issues.map((i) => i.path)).toContain('[""]');
    // a tile narrower than one weight (slices x differential) used to validate and then crash describe
    const t = structuredClone(base);
    t.analog.tile.cols = 2;
    t.analog.tile.bitsPerCell = 1;
    t.analog.weightBits = 8;
    t.analog.tile.adc.colsPerAdc = 1;
    expect((validate(t) as SpecValidationError).issues.map((i) => i.path)).toContain("analog.tile.cols");
  });
});

function validPreset(): ChipSpec {
  return fc.sample(presetVariantArb, { numRuns: 1, seed: 1 })[0]!.spec as unknown as ChipSpec;
}

// ---------------------------------------------------------------------------------------------------

const gpt2 = resolveModelShape("gpt2");
const gpt2TwoLayers = { ...gpt2, name: "gpt2-2-layers", numLayers: 2 };

/** Keep random valid specs to sizes a test can simulate in milliseconds: the extremes of instance counts and
 *  1-wide arrays multiply the engine's task count (see the report: a 1x1 systolic array x 65536 instances
 *  makes millions of tasks); everything else keeps its random, possibly extreme, value. */
function runnable(spec: Record<string, any>): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const s = structuredClone(spec);
  for (const u of [...s.systolic, ...s.vector, ...s.bitSerial]) u.count = Math.min(u.count, 16);
  for (const u of s.systolic) {
    u.rows = Math.max(u.rows, 8);
    u.cols = Math.max(u.cols, 8);
  }
  for (const u of s.vector) u.lanes = Math.max(u.lanes, 8);
  for (const u of s.bitSerial) u.units = Math.max(u.units, 8);
  if (s.analog) {
    s.analog.tile.rows = Math.max(s.analog.tile.rows, 32);
    s.analog.tile.cols = Math.max(s.analog.tile.cols, 64);
    s.analog.tile.adc.colsPerAdc = Math.min(s.analog.tile.adc.colsPerAdc, s.analog.tile.differential ? s.analog.tile.cols / 2 : s.analog.tile.cols);
  }
  return s;
}

describe("run", () => {
  const workload = fc.record({
    prompt: fc.integer({ min: 1, max: 16 }),
    gen: fc.integer({ min: 1, max: 4 }),
    batch: fc.integer({ min: 1, max: 2 }),
    model: fc.constantFrom(...Array.from({ length: 9 }, () => gpt2TwoLayers), gpt2),
  });

  const simulateCase = (input: Record<string, unknown>, w: { prompt: number; gen: number; batch: number; model: typeof gpt2 }): void => {
    const r = validate(input);
    if (r instanceof SpecValidationError) return;
    counts.runs++;
    try {
      const sim = simulate({ chip: r, model: w.model, promptTokens: w.prompt, genTokens: w.gen, batch: w.batch, chips: "auto" });
      counts.runOk++;
      expect(nonFinitePaths(sim.result), `run of ${JSON.stringify(input)}`).toEqual([]);
      expect(sim.result.tokensPerS).toBeGreaterThan(0);
      expect(sim.result.energyJ).toBeGreaterThan(0);
    } catch (e) {
      if (!isAimcsimError(e)) throw new Error(`simulate threw an untyped ${String(e)} for ${JSON.stringify(input)}`);
      expect(e.rule.length).toBeGreaterThan(0);
      expect(e.path, `${e._tag} without a path: ${e.message}`).not.toBe("");
      // the only SimError a valid spec may meet is the engine's time range; any other is a broken invariant
      if (e._tag === "SimError") expect(e.rule, e.message).toMatch(/2\^53 ps/);
      counts.runErrors[e._tag] = (counts.runErrors[e._tag] ?? 0) + 1;
    }
  };

  it("the examples the fuzzer found stay fixed", () => {
    const expectTyped = (f: () => unknown, tag: string, path: string | RegExp, rule: RegExp) => {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      if (!isAimcsimError(err)) throw new Error(`expected an AimcsimError, got ${String(err)}`);
      expect(err._tag).toBe(tag);
      expect(err.path).toMatch(path);
      expect(err.rule).toMatch(rule);
    };
    const base = validPreset() as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    // 1x1 tiles with chips "auto" used to build ~1e8 tile blocks and run out of memory
    const tinyTiles = structuredClone(base);
    tinyTiles.analog = { ...structuredClone(hybridJson().analog), tiles: 1 };
    tinyTiles.analog.tile = { ...tinyTiles.analog.tile, rows: 1, cols: 2, adc: { ...tinyTiles.analog.tile.adc, colsPerAdc: 1 } };
    tinyTiles.mapping = { ...tinyTiles.mapping, projections: "analog" };
    const chip = decodeChipSpec(tinyTiles);
    expectTyped(() => simulate({ chip, model: gpt2TwoLayers, promptTokens: 2, genTokens: 1, chips: "auto" }), "MappingError", "analog.tile", /more than the \d+ one simulation places/);
    // a 1 kHz clock used to fail with an engine error on an anonymous task index
    const slow = presetJson("digital-baseline") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    slow.systolic = [{ ...slow.systolic[0], rows: 1, cols: 1, count: 1, clockHz: 1e3 }];
    expectTyped(() => simulate({ chip: decodeChipSpec(slow), model: gpt2, promptTokens: 16, genTokens: 1 }), "SimError", /^prefill\[0\] /, /2\^53 ps/);
  });

  it("preset variants simulate to finite results or fail with a typed error", () => {
    fc.assert(
      fc.property(presetVariantArb, workload, ({ spec }, w) => simulateCase(spec, w)),
      { numRuns: 90 },
    );
  });

  it("random valid specs simulate to finite results or fail with a typed error", () => {
    fc.assert(
      fc.property(validSpecArb.map(runnable), workload, (spec, w) => simulateCase(spec, w)),
      { numRuns: 90 },
    );
  });
});
