// The spec language: types, schema, constructors, validation, loading.
export type * from "./types.ts";
export {
  ChipSpecSchema,
  SPEC_DEFAULTS,
  ADC_KINDS,
  COMPUTE_DOMAINS,
  DAC_KINDS,
  DATAFLOWS,
  DEVICE_KINDS,
  DIGITAL_FORMATS,
  DRAM_KINDS,
  INPUT_RANGE_MODES,
  KV_CACHE_LOCATIONS,
  PRECISION_FORMATS,
  NOC_TOPOLOGIES,
  NOISE_MODELS,
  PLANE_WEIGHTINGS,
  VECTOR_OPS,
} from "./schema.ts";
export { BUILTIN_NOISE_DEFAULTS, isNoiseModelKind, noiseModelDefaults, noiseModelKinds, type NoiseParams } from "./noise.ts";
export {
  chip,
  variant,
  crossbarTile,
  analogArray,
  adc,
  dac,
  systolicArray,
  vectorUnit,
  bitSerialUnit,
  sram,
  dram,
  noc,
  idealNoise,
  pcmNoise,
  gaussianNoise,
  rramNoise,
} from "./dsl.ts";
export type { ChipInput, CrossbarTileInput } from "./dsl.ts";
export { decodeChipSpec, checkChipSpec, chipJsonSchema, formatPath, SpecValidationError } from "./validate.ts";
export type { SpecIssue } from "./validate.ts";
export { loadSpecFile, resolveSpecPath, specToJson, sortKeys } from "./load.ts";
