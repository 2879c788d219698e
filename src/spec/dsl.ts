// Constructors of the spec language. Each takes the fields an architect must decide and fills the rest
// with the documented default; `chip()` validates the assembled spec against the schema, so a spec file
// that loads is a valid spec. The defaults are modelling conventions, not physical constants.
import { produce, type Draft } from "immer";
import { decodeChipSpec } from "./validate.ts";
import { SPEC_DEFAULTS } from "./schema.ts";
import { BUILTIN_NOISE_DEFAULTS, type NoiseParams } from "./noise.ts";
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
export function idealNoise(overrides: Partial<NoiseParams> = {}): NoiseSpec {
  return { model: "none", ...BUILTIN_NOISE_DEFAULTS.none, ...overrides };
}

/** PCM noise as IBM aihwkit's PCMLikeNoiseModel (scales 1 = the published fit), with aihwkit's
 *  default output noise and, unless given, inference one hour after programming (src/spec/noise.ts). */
export function pcmNoise(overrides: Partial<NoiseParams> = {}): NoiseSpec {
  return { model: "pcm", ...BUILTIN_NOISE_DEFAULTS.pcm, ...overrides };
}

/** Generic Gaussian programming noise, relSigma of g_max. */
export function gaussianNoise(relSigma: number, overrides: Partial<NoiseParams> = {}): NoiseSpec {
  return { model: "gaussian", ...BUILTIN_NOISE_DEFAULTS.gaussian, relSigma, ...overrides };
}

/** RRAM noise: Gaussian programming noise relSigma of g_max, plus a read-noise draw readRelSigma of |g|
 *  fixed at t_inf; no drift. */
export function rramNoise(relSigma: number, readRelSigma: number, overrides: Partial<NoiseParams> = {}): NoiseSpec {
  return { model: "rram", ...BUILTIN_NOISE_DEFAULTS.rram, relSigma, readRelSigma, ...overrides };
}

export function dac(spec: DacSpec): DacSpec {
  return { ...spec };
}

export function adc(spec: Optional<AdcSpec, "colsPerAdc">): AdcSpec {
  return { ...SPEC_DEFAULTS.adc, ...spec };
}

export type CrossbarTileInput = Optional<CrossbarTileSpec, "noise" | "inputRange" | "outBound" | "gMinUs">;

export function crossbarTile(spec: CrossbarTileInput): CrossbarTileSpec {
  return { ...SPEC_DEFAULTS.tile, noise: idealNoise(), ...spec };
}

export function analogArray(spec: AnalogSpec): AnalogSpec {
  return { ...spec };
}

export function systolicArray(spec: Optional<SystolicArraySpec, "count">): SystolicArraySpec {
  return { ...SPEC_DEFAULTS.unit, ...spec };
}

export function vectorUnit(spec: Optional<VectorUnitSpec, "count" | "ops">): VectorUnitSpec {
  return { ...SPEC_DEFAULTS.unit, ops: [...SPEC_DEFAULTS.vector.ops], ...spec };
}

export function bitSerialUnit(spec: Optional<BitSerialUnitSpec, "count">): BitSerialUnitSpec {
  return { ...SPEC_DEFAULTS.unit, ...spec };
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

export type ChipInput = Optional<Omit<ChipSpec, "mapping">, "description" | "bitSerial" | "sources" | "vector" | "systolic"> & {
  readonly mapping?: Partial<MappingPolicy>;
};

/** Assemble and validate a chip, filling the schema's defaults (as a JSON spec gets them). Throws
 *  SpecValidationError naming the field path of every problem. */
export function chip(input: ChipInput, source = ""): ChipSpec {
  return decodeChipSpec(input, source || input.name);
}

/** A variant of a spec, written as edits to a draft (immer), validated like any spec. */
export function variant(spec: ChipSpec, recipe: (draft: Draft<ChipSpec>) => void, source = ""): ChipSpec {
  const next = produce(spec, recipe);
  return decodeChipSpec(next, source || `${spec.name} (variant)`);
}
