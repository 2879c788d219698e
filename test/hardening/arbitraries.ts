// Generators shared by the hardening tests: the presets as plain JSON, valid chip specs drawn from the
// whole range the schema accepts (extremes included), near-valid specs (a preset with one to three fields
// broken), and garbage JSON; plus a walker that finds every non-finite number in a result.
import fc from "fast-check";
import a100 from "../../hw-specs/a100-like.ts";
import afm from "../../hw-specs/afm-pcm.ts";
import anda from "../../hw-specs/anda-like.ts";
import digital from "../../hw-specs/digital-baseline.ts";
import h100 from "../../hw-specs/h100-like.ts";
import hermes from "../../hw-specs/hermes.ts";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";
import jia from "../../hw-specs/jia-65nm-sram.ts";
import neurram from "../../hw-specs/neurram.ts";
import sinangil from "../../hw-specs/sinangil-7nm-sram.ts";
import type { ChipSpec } from "../../src/spec/types.ts";
import {
  ADC_KINDS,
  COMPUTE_DOMAINS,
  DAC_KINDS,
  DATAFLOWS,
  DEVICE_KINDS,
  DIGITAL_FORMATS,
  DRAM_KINDS,
  KV_CACHE_LOCATIONS,
  NOC_TOPOLOGIES,
  NOISE_MODELS,
  PLANE_WEIGHTINGS,
  VECTOR_OPS,
} from "../../src/spec/schema.ts";

export const PRESETS: Readonly<Record<string, ChipSpec>> = {
  "a100-like": a100,
  "afm-pcm": afm,
  "anda-like": anda,
  "digital-baseline": digital,
  "h100-like": h100,
  hermes,
  "hybrid-bitnet": hybrid,
  "jia-65nm-sram": jia,
  neurram,
  "sinangil-7nm-sram": sinangil,
};
export const PRESET_NAMES = Object.keys(PRESETS);

/** A deep, mutable JSON copy of a preset. */
export const presetJson = (name: string): Record<string, unknown> => JSON.parse(JSON.stringify(PRESETS[name])) as Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------
// Valid specs across the schema's whole range

/** Log-uniform real in [min, max] with the bounds themselves drawn often (extremes find the bugs). */
export const logReal = (min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
    {
      weight: 4,
      arbitrary: fc
        .double({ min: Math.log(min), max: Math.log(max), noNaN: true, noDefaultInfinity: true })
        .map((x) => Math.min(max, Math.max(min, Math.exp(x)))),
    },
  );

/** Uniform real in [min, max], bounds drawn often. */
export const real = (min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
    { weight: 4, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) },
  );

/** Integer in [min, max], log-distributed, bounds drawn often. */
export const logInt = (min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
    { weight: 4, arbitrary: logReal(Math.max(min, 1), max).map((x) => Math.min(max, Math.max(min, Math.round(x)))) },
  );

const formats = DIGITAL_FORMATS;
const clock = logReal(1e3, 1e11);
const optionalKey = <T>(key: string, arb: fc.Arbitrary<T>): fc.Arbitrary<Record<string, T>> =>
  fc.option(arb, { nil: undefined }).map((v) => (v === undefined ? {} : { [key]: v }));

const noiseArb = fc.record({
  model: fc.constantFrom(...NOISE_MODELS),
  progNoiseScale: logReal(1e-3, 100).chain((x) => fc.constantFrom(0, x)),
  readNoiseScale: logReal(1e-3, 100).chain((x) => fc.constantFrom(0, x)),
  driftScale: logReal(1e-3, 100).chain((x) => fc.constantFrom(0, x)),
  relSigma: real(0, 1),
  readRelSigma: real(0, 1),
  wNoise: real(0, 1),
  outNoise: real(0, 10),
  tInfS: real(0, 1e10),
  driftCompensation: fc.boolean(),
});

const tileArb = fc
  .record({
    rows: logInt(1, 1 << 16),
    halfCols: logInt(1, 1 << 15),
    device: fc.constantFrom(...DEVICE_KINDS),
    bitsPerCell: fc.integer({ min: 1, max: 8 }),
    differential: fc.boolean(),
    gMaxUs: logReal(1e-6, 1e6),
    gMinFrac: real(0, 0.999),
    readVoltageV: logReal(1e-3, 5),
    integrationTimeNs: logReal(1e-3, 1e6),
    noise: noiseArb,
    dacKind: fc.constantFrom(...DAC_KINDS),
    dacBits: fc.integer({ min: 1, max: 16 }),
    dacOverrides: fc.tuple(optionalKey("energyPerConversionJ", logReal(1e-18, 1e-6)), optionalKey("latencyPs", logReal(1e-3, 1e9))),
    adcKind: fc.constantFrom(...ADC_KINDS),
    adcBits: fc.integer({ min: 2, max: 16 }), // a signed ADC code needs a sign and a magnitude bit (schema)
    colsPerAdcFrac: real(0, 1),
    adcOverrides: fc.tuple(
      optionalKey("energyPerConversionJ", logReal(1e-18, 1e-6)),
      optionalKey("latencyPs", logReal(1e-3, 1e9)),
      optionalKey("waldenFomJ", logReal(1e-18, 1e-9)),
    ),
    inputRange: fc.oneof(
      fc.constant({ mode: "dynamic" }),
      fc.constant({ mode: "static" }),
      logReal(1e-3, 1e3).map((bound) => ({ mode: "static", bound })),
    ),
    outBound: logReal(1e-3, 1e3),
  })
  .map((t) => {
    const cols = t.differential ? 2 * t.halfCols : t.halfCols;
    const outputs = t.differential ? cols / 2 : cols;
    return {
      rows: t.rows,
      cols,
      device: t.device,
      bitsPerCell: t.device === "SRAM" ? 1 : t.bitsPerCell,
      differential: t.differential,
      gMaxUs: t.gMaxUs,
      gMinUs: t.gMaxUs * t.gMinFrac,
      readVoltageV: t.readVoltageV,
      integrationTimeNs: t.integrationTimeNs,
      noise: t.noise,
      dac: { kind: t.dacKind, bits: t.dacBits, ...t.dacOverrides[0], ...t.dacOverrides[1] },
      adc: {
        kind: t.adcKind,
        bits: t.adcKind === "flash" ? Math.min(10, t.adcBits) : t.adcBits,
        colsPerAdc: Math.max(1, Math.min(outputs, Math.round(1 + t.colsPerAdcFrac * (outputs - 1)))),
        ...t.adcOverrides[0],
        ...t.adcOverrides[1],
        ...t.adcOverrides[2],
      },
      inputRange: t.inputRange,
      outBound: t.outBound,
    };
  });

const analogArb = fc
  .record({
    tile: tileArb,
    tiles: logInt(1, 1 << 24),
    weightBits: fc.integer({ min: 1, max: 16 }),
    clockHz: clock,
    accumulatorFormat: fc.constantFrom(...formats),
  })
  .chain((a) => fc.record({ a: fc.constant(a), planes: fc.integer({ min: 1, max: 16 }), weighting: fc.constantFrom(...PLANE_WEIGHTINGS), slices: fc.integer({ min: 1, max: 16 }), accumulate: fc.boolean() }))
  .map(({ a, planes, weighting, slices, accumulate }) => {
    // one weight (slices x differential columns) must fit on a tile
    const magnitudeBits = a.tile.differential ? Math.max(1, a.weightBits - 1) : a.weightBits;
    const weightSlices = Math.ceil(magnitudeBits / a.tile.bitsPerCell);
    const colsPerWeight = weightSlices * (a.tile.differential ? 2 : 1);
    let tile: Record<string, any> = a.tile.cols >= colsPerWeight ? a.tile : { ...a.tile, cols: colsPerWeight }; // eslint-disable-line @typescript-eslint/no-explicit-any
    // analog accumulation before the ADC: bit-planes (bit-serial DAC) and weight slices, not with a CCO ADC
    if (accumulate && tile.adc.kind !== "cco") {
      if (tile.dac.kind === "bit-serial") {
        const p = Math.min(planes, tile.dac.bits);
        tile = { ...tile, dac: { ...tile.dac, planesPerConversion: p, ...(p > 1 ? { planeWeighting: weighting } : {}) } };
      }
      tile = { ...tile, slicesPerConversion: Math.min(slices, weightSlices) };
    }
    return { ...a, tile };
  });

const systolicArb = fc.record({
  name: fc.string({ minLength: 1, maxLength: 8 }),
  rows: logInt(1, 4096),
  cols: logInt(1, 4096),
  dataflow: fc.constantFrom(...DATAFLOWS),
  format: fc.constantFrom(...formats),
  clockHz: clock,
  count: logInt(1, 1 << 16),
});
const vectorArb = fc.record({
  name: fc.string({ minLength: 1, maxLength: 8 }),
  lanes: logInt(1, 1 << 16),
  format: fc.constantFrom(...formats),
  clockHz: clock,
  count: logInt(1, 1 << 16),
  ops: fc.uniqueArray(fc.constantFrom(...VECTOR_OPS), { minLength: 1 }),
});
const bitSerialArb = fc.record({
  name: fc.string({ minLength: 1, maxLength: 8 }),
  groupSize: logInt(2, 4096),
  units: logInt(1, 1 << 20),
  clockHz: clock,
  count: logInt(1, 1 << 16),
});
const sramArb = fc.record({
  name: fc.string({ minLength: 1, maxLength: 8 }),
  capacityBytes: logInt(64, 2 ** 40),
  banks: logInt(1, 1 << 16),
  bytesPerCyclePerBank: logInt(1, 1 << 16),
  clockHz: clock,
});
const dramArb = fc
  .tuple(
    fc.record({
      kind: fc.constantFrom(...DRAM_KINDS),
      capacityBytes: logInt(1 << 20, 2 ** 50),
      bandwidthBytesPerS: logReal(1e6, 1e14),
      channels: logInt(1, 1024),
    }),
    optionalKey("energyPerBitJ", logReal(1e-15, 1e-9)),
  )
  .map(([d, e]) => ({ ...d, ...e }));
const nocArb = fc.record({
  topology: fc.constantFrom(...NOC_TOPOLOGIES),
  linkWidthBits: logInt(1, 1 << 16),
  hopLatencyCycles: logInt(0, 1 << 16).chain((x) => fc.constantFrom(0, x)),
  clockHz: clock,
});

/** Unit names made unique by suffixing the index (duplicates are a validation error, tested elsewhere). */
const uniqueNames = <T extends { name: string }>(units: T[], prefix: string): T[] => units.map((u, i) => ({ ...u, name: `${prefix}${i}-${u.name}` }));

/** Any spec the schema should accept: every field drawn from its allowed range, cross-field rules honoured. */
export const validSpecArb: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    name: fc.string({ minLength: 1, maxLength: 16 }),
    description: fc.string({ maxLength: 32 }),
    technologyNm: logReal(1, 1000),
    supplyV: real(0.1, 5),
    analog: fc.option(analogArb, { nil: undefined }),
    systolic: fc.array(systolicArb, { maxLength: 3 }),
    vector: fc.array(vectorArb, { minLength: 1, maxLength: 3 }),
    bitSerial: fc.array(bitSerialArb, { maxLength: 2 }),
    sram: fc.array(sramArb, { maxLength: 2 }),
    dram: dramArb,
    noc: nocArb,
    projections: fc.constantFrom(...COMPUTE_DOMAINS),
    lmHead: fc.constantFrom(...COMPUTE_DOMAINS),
    kvCache: fc.constantFrom(...KV_CACHE_LOCATIONS),
    sources: fc.array(fc.string({ maxLength: 16 }), { maxLength: 3 }),
    extraSystolic: systolicArb,
  })
  .map((r) => {
    const hasAnalog = r.analog !== undefined;
    const systolic = r.systolic.length === 0 && r.bitSerial.length === 0 ? [r.extraSystolic] : r.systolic;
    return {
      name: r.name,
      description: r.description,
      technologyNm: r.technologyNm,
      supplyV: r.supplyV,
      ...(hasAnalog ? { analog: r.analog } : {}),
      systolic: uniqueNames(systolic, "sa"),
      vector: uniqueNames(r.vector, "vec"),
      bitSerial: uniqueNames(r.bitSerial, "bs"),
      sram: uniqueNames(r.sram, "sram"),
      dram: r.dram,
      noc: r.noc,
      mapping: {
        projections: hasAnalog ? r.projections : "digital",
        lmHead: hasAnalog ? r.lmHead : "digital",
        kvCache: r.sram.length > 0 ? r.kvCache : "dram",
      },
      sources: r.sources,
    };
  });

/** A preset with a few of its numeric fields moved to other valid values (variants a sweep would try). */
export const presetVariantArb: fc.Arbitrary<{ preset: string; spec: Record<string, unknown> }> = fc
  .record({
    preset: fc.constantFrom(...PRESET_NAMES),
    techNm: fc.option(fc.constantFrom(7, 14, 22, 32, 45, 65), { nil: undefined }),
    adcBits: fc.option(fc.integer({ min: 2, max: 10 }), { nil: undefined }),
    dacBits: fc.option(fc.integer({ min: 1, max: 16 }), { nil: undefined }),
    tileRows: fc.option(fc.constantFrom(64, 128, 256, 512, 1024), { nil: undefined }),
    weightBits: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
    saRows: fc.option(fc.constantFrom(8, 16, 32, 64, 128, 256), { nil: undefined }),
    clockScale: fc.option(fc.constantFrom(0.25, 0.5, 2), { nil: undefined }),
    dramBw: fc.option(logReal(1e9, 4e12), { nil: undefined }),
    lanes: fc.option(fc.constantFrom(8, 16, 64, 256), { nil: undefined }),
  })
  .map((v) => {
    const s = presetJson(v.preset) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (v.techNm !== undefined) s.technologyNm = v.techNm;
    if (s.analog) {
      if (v.adcBits !== undefined) s.analog.tile.adc.bits = v.adcBits;
      if (v.dacBits !== undefined) s.analog.tile.dac.bits = v.dacBits;
      if (v.tileRows !== undefined) s.analog.tile.rows = v.tileRows;
      if (v.weightBits !== undefined) s.analog.weightBits = v.weightBits;
      if (v.clockScale !== undefined) s.analog.clockHz *= v.clockScale;
    }
    for (const sa of s.systolic) {
      if (v.saRows !== undefined) sa.rows = v.saRows;
      if (v.clockScale !== undefined) sa.clockHz *= v.clockScale;
    }
    for (const vu of s.vector) if (v.lanes !== undefined) vu.lanes = v.lanes;
    if (v.dramBw !== undefined) s.dram.bandwidthBytesPerS = v.dramBw;
    return { preset: v.preset, spec: s };
  });

// ---------------------------------------------------------------------------------------------------
// Near-valid specs: a preset with one to three fields broken

export type Path = readonly (string | number)[];

/** Every path into a JSON value (objects and arrays included, the root excluded). */
export function allPaths(v: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push([...prefix, i], ...allPaths(x, [...prefix, i])));
  else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v)) out.push([...prefix, k], ...allPaths(x, [...prefix, k]));
  return out;
}

export const dotted = (p: Path): string =>
  p.reduce<string>((acc, s) => (typeof s === "number" ? `${acc}[${s}]` : acc === "" ? s : `${acc}.${s}`), "");

export type MutationKind =
  | "wrong-type"
  | "negative"
  | "zero"
  | "nan"
  | "infinity"
  | "huge"
  | "tiny"
  | "fraction"
  | "delete"
  | "extra-field"
  | "unknown-kind"
  | "empty-array"
  | "duplicate-element"
  | "string-number";

export interface Mutation {
  readonly kind: MutationKind;
  readonly path: Path;
}

/** Mutations that no valid spec can contain: validation must reject them and name exactly `path`. */
export const ALWAYS_INVALID: ReadonlySet<MutationKind> = new Set(["wrong-type", "nan", "infinity", "extra-field", "unknown-kind", "string-number"]);

const get = (root: unknown, path: Path): unknown => path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)?.[k], root);

/** Apply one mutation in place; returns the path validation should name (for "extra-field", the new key). */
export function mutate(root: Record<string, unknown>, m: Mutation, wrongValue: unknown, extraKey: string): Mutation | null {
  const parent = get(root, m.path.slice(0, -1)) as Record<string | number, unknown> | unknown[];
  const key = m.path[m.path.length - 1]!;
  const cur = (parent as Record<string | number, unknown>)[key];
  const set = (v: unknown) => {
    (parent as Record<string | number, unknown>)[key] = v;
  };
  switch (m.kind) {
    case "wrong-type": {
      // a value of another JSON type than the current one
      if (typeof wrongValue === typeof cur && Array.isArray(wrongValue) === Array.isArray(cur) && (wrongValue === null) === (cur === null)) return null;
      set(wrongValue);
      return m;
    }
    case "string-number":
      if (typeof cur !== "number") return null;
      set(String(cur));
      return m;
    case "negative":
      if (typeof cur !== "number") return null;
      set(cur === 0 ? -1 : -Math.abs(cur));
      return m;
    case "zero":
      if (typeof cur !== "number") return null;
      set(0);
      return m;
    case "nan":
      if (typeof cur !== "number") return null;
      set(Number.NaN);
      return m;
    case "infinity":
      if (typeof cur !== "number") return null;
      set(cur >= 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY);
      return m;
    case "huge":
      if (typeof cur !== "number") return null;
      set(1e300);
      return m;
    case "tiny":
      if (typeof cur !== "number") return null;
      set(Number.MIN_VALUE);
      return m;
    case "fraction":
      if (typeof cur !== "number") return null;
      set(cur + 0.5);
      return m;
    case "delete":
      if (Array.isArray(parent)) return null;
      delete (parent as Record<string, unknown>)[key as string];
      return m;
    case "extra-field": {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return null;
      if (extraKey in (cur as object)) return null;
      (cur as Record<string, unknown>)[extraKey] = 1;
      return { kind: m.kind, path: [...m.path, extraKey] };
    }
    case "unknown-kind":
      if (typeof cur !== "string" || !["kind", "device", "model", "topology", "dataflow", "format", "accumulatorFormat", "mode", "projections", "lmHead", "kvCache"].includes(String(key)))
        return null;
      set(`${cur}-x`);
      return m;
    case "empty-array":
      if (!Array.isArray(cur)) return null;
      set([]);
      return m;
    case "duplicate-element":
      if (!Array.isArray(cur) || cur.length === 0) return null;
      cur.push(JSON.parse(JSON.stringify(cur[0])));
      return m;
  }
}

const mutationKinds: MutationKind[] = [
  "wrong-type",
  "negative",
  "zero",
  "nan",
  "infinity",
  "huge",
  "tiny",
  "fraction",
  "delete",
  "extra-field",
  "unknown-kind",
  "empty-array",
  "duplicate-element",
  "string-number",
];

export interface NearValid {
  readonly preset: string;
  readonly spec: Record<string, unknown>;
  readonly mutations: readonly Mutation[];
}

const wrongValueArb = fc.oneof(fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null), fc.constant({}), fc.constant([]), fc.integer());

/** A preset with 1 to 3 mutations at random paths; mutations that do not apply to a path are skipped. */
export const nearValidArb: fc.Arbitrary<NearValid> = fc
  .record({
    preset: fc.constantFrom(...PRESET_NAMES),
    muts: fc.array(
      fc.record({
        pathSeed: fc.nat(),
        kind: fc.constantFrom(...mutationKinds),
        wrong: wrongValueArb,
        extraKey: fc.constantFrom("colour", "bitz", "clockMhz", "rowz", "__proto", "tiles2", "constructor"),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ preset, muts }) => {
    const spec = presetJson(preset);
    const applied: Mutation[] = [];
    for (const m of muts) {
      const paths = allPaths(spec);
      const path = paths[m.pathSeed % paths.length]!;
      // never touch a field an earlier mutation broke, nor its parents (that would undo the earlier mutation)
      const related = (a: Path, b: Path) => a.every((k, i) => b[i] === k) || b.every((k, i) => a[i] === k);
      if (applied.some((d) => related(d.path, path) || related(d.path.slice(0, -1), path))) continue;
      const done = mutate(spec, { kind: m.kind, path }, m.wrong, m.extraKey);
      if (done) applied.push(done);
    }
    return { preset, spec, mutations: applied };
  });

/** Random JSON, and objects that look a little like a spec. */
export const garbageArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom("name", "analog", "systolic", "vector", "dram", "noc", "mapping", "sources", "x"), fc.jsonValue()),
  fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true }),
);

// ---------------------------------------------------------------------------------------------------

/** Paths of every number in `v` that is NaN or +-Infinity (typed arrays included). */
export function nonFinitePaths(v: unknown, prefix = "", out: string[] = [], seen = new Set<object>()): string[] {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) out.push(`${prefix || "(root)"} = ${v}`);
  } else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < a.length; i++) if (typeof a[i] === "number" && !Number.isFinite(a[i])) out.push(`${prefix}[${i}] = ${a[i]}`);
  } else if (v !== null && typeof v === "object") {
    if (seen.has(v)) return out;
    seen.add(v);
    if (v instanceof Map) for (const [k, x] of v) nonFinitePaths(x, `${prefix}<${String(k)}>`, out, seen);
    else if (Array.isArray(v)) v.forEach((x, i) => nonFinitePaths(x, `${prefix}[${i}]`, out, seen));
    else for (const [k, x] of Object.entries(v)) nonFinitePaths(x, prefix ? `${prefix}.${k}` : k, out, seen);
  }
  return out;
}
