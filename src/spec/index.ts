// The spec language: types, schema, constructors, validation, loading.
export type * from "./types.ts";
export { ChipSpecSchema } from "./schema.ts";
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
} from "./dsl.ts";
export type { ChipInput, CrossbarTileInput } from "./dsl.ts";
export { decodeChipSpec, checkChipSpec, chipJsonSchema, formatPath, SpecValidationError } from "./validate.ts";
export type { SpecIssue } from "./validate.ts";
export { loadSpecFile, resolveSpecPath, specToJson, sortKeys } from "./load.ts";
