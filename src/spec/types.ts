// The chip description that every stage downstream reads, as TypeScript types. They are derived from the
// schema (./schema.ts), the single source: the field docs (with units), ranges and defaults live there, and
// validation decodes unknown input (TypeScript or JSON specs) into exactly these types, so nothing after
// validation re-checks them. The interfaces only give the derived types their names.
//
// Units are in the field names: ...Hz, ...Ps (picoseconds), ...Ns, ...S, ...J, ...Us (microsiemens),
// ...V, ...Bytes, ...Bits, ...Mm2, ...Nm. Counts are plain integers.
import type { Schema } from "effect";
import type {
  AdcKindSchema,
  AdcSchema,
  AnalogSchema,
  BitSerialUnitSchema,
  ChipSpecSchema,
  CrossbarTileSchema,
  DacKindSchema,
  DacSchema,
  DataflowSchema,
  DeviceKindSchema,
  DigitalFormatSchema,
  DramKindSchema,
  DramSchema,
  InputRangeModeSchema,
  InputRangeSchema,
  KvCacheLocationSchema,
  PrecisionFormatSchema,
  MappingPolicySchema,
  ChipLinkSchema,
  NocSchema,
  NocTopologySchema,
  NoiseSchema,
  PeripherySchema,
  ComputeDomainSchema,
  PlaneWeightingSchema,
  SramSchema,
  SystolicArraySchema,
  VectorOpSchema,
  VectorUnitSchema,
} from "./schema.ts";

type T<S extends Schema.Top> = S["Type"];

export type DeviceKind = T<typeof DeviceKindSchema>;
export type DacKind = T<typeof DacKindSchema>;
export type AdcKind = T<typeof AdcKindSchema>;
export type Dataflow = T<typeof DataflowSchema>;
export type DigitalFormat = T<typeof DigitalFormatSchema>;
export type DramKind = T<typeof DramKindSchema>;
export type NocTopology = T<typeof NocTopologySchema>;
export type VectorOp = T<typeof VectorOpSchema>;
/** How accumulated input bit-planes are given their binary weights in the analog integrator (DacSpec). */
export type PlaneWeighting = T<typeof PlaneWeightingSchema>;
export type InputRangeMode = T<typeof InputRangeModeSchema>;
export type ComputeDomain = T<typeof ComputeDomainSchema>;
export type KvCacheLocation = T<typeof KvCacheLocationSchema>;
/** Format of the KV cache, the attention datapath or the lm_head (MappingPolicy). */
export type PrecisionFormat = T<typeof PrecisionFormatSchema>;
export type { NoiseModelKind, NoiseModelExtensions } from "./noise.ts";

/** Conductance noise model of the analog devices (docs/REFERENCES.md [aihwkit, nandakumar-icecs2019]: aihwkit PCM, generic Gaussian, RRAM). */
export interface NoiseSpec extends T<typeof NoiseSchema> {}
export interface DacSpec extends T<typeof DacSchema> {}
export interface AdcSpec extends T<typeof AdcSchema> {}
/** How the analog input range is set before the DAC (aihwkit noise management / AFM static ranges). */
export interface InputRangeSpec extends T<typeof InputRangeSchema> {}
export interface CrossbarTileSpec extends T<typeof CrossbarTileSchema> {}
/** Tile periphery and overhead energy (src/components/periphery.ts). */
export interface PeripherySpec extends T<typeof PeripherySchema> {}
export interface AnalogSpec extends T<typeof AnalogSchema> {}
export interface SystolicArraySpec extends T<typeof SystolicArraySchema> {}
export interface VectorUnitSpec extends T<typeof VectorUnitSchema> {}
/** Anda-style bit-serial units: one mantissa bit-plane per cycle over a group adder tree. */
export interface BitSerialUnitSpec extends T<typeof BitSerialUnitSchema> {}
export interface SramSpec extends T<typeof SramSchema> {}
export interface DramSpec extends T<typeof DramSchema> {}
export interface NocSpec extends T<typeof NocSchema> {}
export interface ChipLinkSpec extends T<typeof ChipLinkSchema> {}
export interface MappingPolicy extends T<typeof MappingPolicySchema> {}
export interface ChipSpec extends T<typeof ChipSpecSchema> {}

/** A spec as written before defaults are filled (a JSON file, or what `chip()` accepts): the schema's input side. */
export type ChipSpecInput = (typeof ChipSpecSchema)["Encoded"];
