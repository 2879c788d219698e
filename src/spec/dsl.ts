// Constructors of the spec language. Each takes the fields an architect must decide and fills the rest
// with the documented default; `chip()` validates the assembled spec against the schema, so a spec file
// that loads is a valid spec. The defaults are modelling conventions, not physical constants.
import { produce, type Draft } from "immer";
import { decodeChipSpec } from "./validate.ts";
import type {
  AdcSpec,
  AnalogSpec,
  BitSerialUnitSpec,
  ChipSpec,
  CrossbarTileSpec,
  DacSpec,
  DramSpec,
  MappingPolicy,
  NocSpec,
  NoiseSpec,
  SramSpec,
  SystolicArraySpec,
  VectorUnitSpec,
} from "./types.ts";

type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/** Ideal devices: no programming, drift or read noise. */
export function idealNoise(): NoiseSpec {
  return {
    model: "none",
    progNoiseScale: 0,
    readNoiseScale: 0,
    driftScale: 0,
    relSigma: 0,
    readRelSigma: 0,
    wNoise: 0,
    outNoise: 0,
    tInfS: 0,
    driftCompensation: false,
  };
}

/** PCM noise as IBM aihwkit's PCMLikeNoiseModel (scales 1 = the published fit), with aihwkit's
 *  default output noise and, unless given, inference one hour after programming. */
export function pcmNoise(overrides: Partial<NoiseSpec> = {}): NoiseSpec {
  return {
    model: "pcm",
    progNoiseScale: 1,
    readNoiseScale: 1,
    driftScale: 1,
    relSigma: 0,
    readRelSigma: 0,
    wNoise: 0,
    outNoise: 0.06, // aihwkit IOParameters default out_noise (docs/REFERENCES.md [aihwkit], parameters/io.py)
    tInfS: 3600,
    driftCompensation: true,
    ...overrides,
  };
}

/** Generic Gaussian programming noise, relSigma of g_max. */
export function gaussianNoise(relSigma: number, overrides: Partial<NoiseSpec> = {}): NoiseSpec {
  return { ...idealNoise(), model: "gaussian", relSigma, ...overrides };
}

export function dac(spec: DacSpec): DacSpec {
  return { ...spec };
}

export function adc(spec: Optional<AdcSpec, "colsPerAdc">): AdcSpec {
  return { colsPerAdc: 1, ...spec };
}

export type CrossbarTileInput = Optional<CrossbarTileSpec, "noise" | "inputRange" | "outBound" | "gMinUs">;

export function crossbarTile(spec: CrossbarTileInput): CrossbarTileSpec {
  return {
    gMinUs: 0,
    noise: idealNoise(),
    inputRange: { mode: "dynamic" },
    outBound: 12, // aihwkit IOParameters default out_bound (docs/REFERENCES.md [aihwkit])
    ...spec,
  };
}

export function analogArray(spec: AnalogSpec): AnalogSpec {
  return { ...spec };
}

export function systolicArray(spec: Optional<SystolicArraySpec, "count">): SystolicArraySpec {
  return { count: 1, ...spec };
}

export function vectorUnit(spec: Optional<VectorUnitSpec, "count" | "ops">): VectorUnitSpec {
  return { count: 1, ops: ["softmax", "norm", "activation", "rope", "elementwise"], ...spec };
}

export function bitSerialUnit(spec: Optional<BitSerialUnitSpec, "count">): BitSerialUnitSpec {
  return { count: 1, ...spec };
}

export function sram(spec: SramSpec): SramSpec {
  return { ...spec };
}

export function dram(spec: DramSpec): DramSpec {
  return { ...spec };
}

export function noc(spec: NocSpec): NocSpec {
  return { ...spec };
}

export type ChipInput = Optional<ChipSpec, "description" | "bitSerial" | "sources" | "mapping" | "vector" | "systolic"> & {
  readonly mapping?: Partial<MappingPolicy>;
};

/** Assemble and validate a chip. Throws SpecValidationError naming the field path of every problem. */
export function chip(input: ChipInput, source = ""): ChipSpec {
  const { mapping, ...rest } = input;
  const assembled = {
    description: "",
    systolic: [],
    vector: [],
    bitSerial: [],
    sources: [],
    ...rest,
    mapping: {
      projections: input.analog ? "analog" : "digital",
      lmHead: "digital",
      kvCache: "dram",
      ...mapping,
    },
  };
  return decodeChipSpec(assembled, source || input.name);
}

/** A variant of a spec, written as edits to a draft (immer), validated like any spec. */
export function variant(spec: ChipSpec, recipe: (draft: Draft<ChipSpec>) => void, source = ""): ChipSpec {
  const next = produce(spec, recipe);
  return decodeChipSpec(next, source || `${spec.name} (variant)`);
}
