// JSON specs are first-class (issue 12.5): a JSON spec gets the defaults the TypeScript constructors fill
// (declared once, on the schema), may name its JSON Schema with "$schema", and the JSON Schema that
// `aimcsim schema` prints carries descriptions, units and the same defaults. Unit names are one namespace across
// the digital unit kinds.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkChipSpec, chipJsonSchema, decodeChipSpec, loadSpecFile, noiseModelDefaults, specToJson } from "../../src/spec/index.ts";
import { VECTOR_OPS } from "../../src/spec/schema.ts";
import { PRESETS } from "../hardening/arbitraries.ts";

type Json = Record<string, unknown>;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Resolve a JSON Schema node's $ref (the document's $defs). */
function deref(root: Json, node: Json): Json {
  const ref = node.$ref as string | undefined;
  return ref ? deref(root, (root.$defs as Json)[ref.replace("#/$defs/", "")] as Json) : node;
}

/** Drop every field of `value` that equals the default the JSON Schema states for it (and, for noise, the
 *  chosen model's defaults): what a user writing the shortest JSON spec leaves out. */
function stripDefaults(root: Json, schema: Json, value: unknown): unknown {
  const s = deref(root, schema);
  if (Array.isArray(value)) return value.map((v) => stripDefaults(root, (s.items ?? {}) as Json, v));
  if (value === null || typeof value !== "object") return value;
  const props = (s.properties ?? {}) as Record<string, Json>;
  const out: Json = {};
  const modelDefaults = "model" in (value as Json) && "driftCompensation" in props ? (noiseModelDefaults((value as Json).model as never) as Json) : {};
  for (const [k, v] of Object.entries(value as Json)) {
    const p = props[k] ? deref(root, props[k]) : {};
    if ("default" in p && JSON.stringify(p.default) === JSON.stringify(v)) continue;
    if (k in modelDefaults && JSON.stringify(modelDefaults[k]) === JSON.stringify(v)) continue;
    out[k] = stripDefaults(root, p, v);
  }
  return out;
}

describe("JSON specs get the constructors' defaults", () => {
  const root = chipJsonSchema() as Json;

  it("every preset, written as JSON with every defaulted field left out, decodes to the same spec", () => {
    let dropped = 0;
    for (const [name, spec] of Object.entries(PRESETS)) {
      const full = JSON.parse(JSON.stringify(spec)) as Json;
      const short = stripDefaults(root, root, full) as Json;
      dropped += JSON.stringify(full).length - JSON.stringify(short).length;
      expect(decodeChipSpec(short, name), name).toEqual(spec);
    }
    expect(dropped).toBeGreaterThan(1000); // the presets do use defaults: the check is not vacuous
  });

  it("a minimal JSON chip is filled like chip({...})", () => {
    const minimal = {
      name: "m",
      technologyNm: 22,
      supplyV: 0.8,
      analog: {
        tile: { rows: 64, cols: 64, device: "RRAM", bitsPerCell: 1, differential: true, gMaxUs: 25, readVoltageV: 0.2, integrationTimeNs: 10, dac: { kind: "pwm", bits: 8 }, adc: { kind: "sar", bits: 8 } },
        tiles: 4,
        weightBits: 2,
        clockHz: 1e9,
        accumulatorFormat: "int32",
      },
      systolic: [{ name: "sa", rows: 8, cols: 8, dataflow: "OS", format: "int8", clockHz: 1e9 }],
      vector: [{ name: "vu", lanes: 8, format: "fp16", clockHz: 1e9 }],
      sram: [],
      dram: { kind: "LPDDR5", capacityBytes: 2 ** 30, bandwidthBytesPerS: 5e10, channels: 2 },
      noc: { topology: "mesh", linkWidthBits: 64, hopLatencyCycles: 1, clockHz: 1e9 },
    };
    const c = decodeChipSpec(minimal);
    expect(c.description).toBe("");
    expect(c.sources).toEqual([]);
    expect(c.bitSerial).toEqual([]);
    expect(c.mapping).toEqual({ projections: "analog", lmHead: "digital", kvCache: "dram" });
    expect(c.analog!.tile.adc.colsPerAdc).toBe(1);
    expect(c.analog!.tile.gMinUs).toBe(0);
    expect(c.analog!.tile.outBound).toBe(12);
    expect(c.analog!.tile.inputRange).toEqual({ mode: "dynamic" });
    expect(c.analog!.tile.noise.model).toBe("none");
    expect(c.systolic[0]!.count).toBe(1);
    expect(c.vector[0]!.ops).toEqual([...VECTOR_OPS]);
    const { analog: _a, ...digital } = minimal;
    expect(decodeChipSpec(digital).mapping.projections).toBe("digital");
  });

  it('a noise section names its model; the rest takes that model\'s defaults, and a parameter without one is required', () => {
    const base = JSON.parse(specToJson(PRESETS.hermes!)) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    base.analog.tile.noise = { model: "pcm", tInfS: 86400 };
    const n = decodeChipSpec(base).analog!.tile.noise;
    expect(n).toMatchObject({ model: "pcm", progNoiseScale: 1, readNoiseScale: 1, driftScale: 1, outNoise: 0.06, tInfS: 86400, driftCompensation: true });
    base.analog.tile.noise = { model: "gaussian" };
    const r = checkChipSpec(base);
    expect(r.ok ? [] : r.issues).toEqual([{ path: "analog.tile.noise.relSigma", rule: "required field is missing" }]);
  });
});

describe("$schema", () => {
  it("a JSON spec file may name its JSON Schema; a non-string $schema is an unknown field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aimcsim-spec-"));
    dirs.push(dir);
    const spec = JSON.parse(specToJson(PRESETS.hermes!)) as Json;
    const file = join(dir, "hermes.json");
    await writeFile(file, JSON.stringify({ $schema: "./aimcsim.schema.json", ...spec }));
    expect(await loadSpecFile(file)).toEqual(PRESETS.hermes);
    const r = checkChipSpec({ $schema: 3, ...spec });
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(["$schema"]);
  });
});

describe("the JSON Schema for editors", () => {
  const root = chipJsonSchema() as Json;
  const props = root.properties as Record<string, Json>;
  const analogProps = deref(root, props.analog!).properties as Record<string, Json>;
  const tile = (deref(root, analogProps.tile!).properties ?? {}) as Record<string, Json>;

  it("describes every field, states units and defaults, and allows $schema", () => {
    const undocumented: string[] = [];
    const walk = (node: Json, path: string): void => {
      const n = deref(root, node);
      for (const [k, p] of Object.entries((n.properties ?? {}) as Record<string, Json>)) {
        const q = deref(root, p);
        if (typeof q.description !== "string" || q.description.length < 5) {
          if (q.type !== "object" && q.type !== "array") undocumented.push(`${path}${k}`);
        }
        walk(q, `${path}${k}.`);
        if (q.items) walk(q.items as Json, `${path}${k}[].`);
      }
    };
    walk(root, "");
    expect(undocumented).toEqual([]);
    expect(props.$schema).toMatchObject({ type: "string" });
    expect(deref(root, tile.gMaxUs!).description).toMatch(/Unit: uS/);
    expect(deref(root, props.technologyNm!).description).toMatch(/Unit: nm/);
    const adc = deref(root, tile.adc!).properties as Record<string, Json>;
    expect(deref(root, adc.colsPerAdc!).default).toBe(1);
    expect(deref(root, tile.outBound!).default).toBe(12);
    expect((deref(root, tile.adc!).required as string[]).includes("colsPerAdc")).toBe(false);
    expect(root.required).toEqual(expect.arrayContaining(["name", "technologyNm", "supplyV", "dram", "noc"]));
    expect(root.required).not.toContain("description");
  });
});

describe("unit names are one namespace across the digital unit kinds", () => {
  it("a vector unit named like a systolic array is an error naming the path and the other unit", () => {
    const spec = JSON.parse(specToJson(PRESETS["hybrid-bitnet"]!)) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    spec.vector[0].name = spec.systolic[0].name;
    const r = checkChipSpec(spec);
    expect(r.ok ? [] : r.issues).toEqual([{ path: "vector[0].name", rule: `duplicate unit name "${spec.systolic[0].name}" (also systolic[0])` }]);
    spec.vector[0].name = "v-unique";
    expect(checkChipSpec(spec).ok).toBe(true);
  });

  it("so does a bit-serial unit named like a vector unit", () => {
    const spec = JSON.parse(specToJson(PRESETS["anda-like"]!)) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(spec.bitSerial.length).toBeGreaterThan(0);
    spec.bitSerial[0].name = spec.vector[0].name;
    const r = checkChipSpec(spec);
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(["bitSerial[0].name"]);
  });
});

