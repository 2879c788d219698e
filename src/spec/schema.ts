// Effect Schema definitions of the chip spec language. `ChipSpecSchema.Type` is structurally the
// ChipSpec of ./types.ts (checked at the bottom of this file), so validation and the contract cannot drift.
// Rules are written where they belong: ranges on the field, cross-field rules on the struct that owns
// both fields, with the path of the field a user must change.
import { Schema } from "effect";
import type { ChipSpec } from "./types.ts";

const positive = Schema.Finite.check(Schema.isGreaterThan(0));
const nonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0));
const positiveInt = Schema.Finite.check(Schema.isInt(), Schema.isGreaterThan(0));
const intBetween = (minimum: number, maximum: number) =>
  Schema.Finite.check(Schema.isInt(), Schema.isBetween({ minimum, maximum }));
const between = (minimum: number, maximum: number) => Schema.Finite.check(Schema.isBetween({ minimum, maximum }));
const name = Schema.String.check(Schema.isMinLength(1));

// Clocks from 1 kHz to 100 GHz; a value outside is a unit mistake (Hz vs MHz), not a design.
const clockHz = between(1e3, 1e11);

export const DigitalFormatSchema = Schema.Literals(["int4", "int8", "int16", "int32", "fp8", "fp16", "bf16", "fp32"]);

export const NoiseSchema = Schema.Struct({
  model: Schema.Literals(["pcm", "gaussian", "rram", "none"]),
  progNoiseScale: nonNegative,
  readNoiseScale: nonNegative,
  driftScale: nonNegative,
  relSigma: between(0, 1),
  readRelSigma: between(0, 1),
  wNoise: between(0, 1),
  outNoise: between(0, 10),
  tInfS: between(0, 1e10),
  driftCompensation: Schema.Boolean,
});

export const DacSchema = Schema.Struct({
  kind: Schema.Literals(["pwm", "current-steering", "bit-serial"]),
  bits: intBetween(1, 16),
  energyPerConversionJ: Schema.optionalKey(positive),
  latencyPs: Schema.optionalKey(positive),
  planesPerConversion: Schema.optionalKey(intBetween(1, 16)),
  planeWeighting: Schema.optionalKey(Schema.Literals(["charge-share", "repeated-integration"])),
}).check(
  Schema.makeFilter((d) => {
    // Analog accumulation of input bit-planes (src/components/crossbar.ts): only bit-serial inputs have planes
    // (a PWM or current-steering input is one phase; a value above `bits` groups all planes), and the
    // integrator must say how it weights plane k by 2^k.
    const p = d.planesPerConversion ?? 1;
    if (p === 1) return undefined;
    if (d.kind !== "bit-serial")
      return { path: ["planesPerConversion"], issue: `a ${d.kind} DAC applies the whole input in one phase; planesPerConversion above 1 needs kind "bit-serial"` };
    if (d.planeWeighting === undefined)
      return { path: ["planeWeighting"], issue: 'is required when planesPerConversion > 1: "charge-share" or "repeated-integration" (how plane k gets weight 2^k)' };
    return undefined;
  }),
);

export const AdcSchema = Schema.Struct({
  kind: Schema.Literals(["sar", "flash", "ramp", "cco"]),
  bits: intBetween(1, 16),
  colsPerAdc: positiveInt,
  energyPerConversionJ: Schema.optionalKey(positive),
  latencyPs: Schema.optionalKey(positive),
  waldenFomJ: Schema.optionalKey(positive),
}).check(
  Schema.makeFilter((a) =>
    a.kind === "flash" && a.bits > 10
      ? { path: ["bits"], issue: `a flash ADC needs 2^bits - 1 comparators; ${a.bits} bits is not a buildable flash ADC (max 10)` }
      : undefined,
  ),
);

export const InputRangeSchema = Schema.Struct({
  mode: Schema.Literals(["dynamic", "static"]),
  bound: Schema.optionalKey(positive),
});

export const CrossbarTileSchema = Schema.Struct({
  rows: intBetween(1, 1 << 16),
  cols: intBetween(1, 1 << 16),
  device: Schema.Literals(["PCM", "RRAM", "SRAM", "Flash"]),
  bitsPerCell: intBetween(1, 8),
  differential: Schema.Boolean,
  gMaxUs: between(1e-6, 1e6),
  gMinUs: nonNegative,
  readVoltageV: between(1e-3, 5),
  integrationTimeNs: between(1e-3, 1e6),
  noise: NoiseSchema,
  dac: DacSchema,
  adc: AdcSchema,
  inputRange: InputRangeSchema,
  outBound: positive,
  slicesPerConversion: Schema.optionalKey(intBetween(1, 16)),
}).check(
  Schema.makeFilter((t) => {
    const issues: Schema.FilterIssue[] = [];
    // Analog accumulation before the ADC holds the integrated charge until it is converted; a CCO converts the
    // column current during the read (HERMES) and holds none.
    if ((t.dac.planesPerConversion ?? 1) > 1 && t.adc.kind === "cco")
      issues.push({ path: ["dac", "planesPerConversion"], issue: 'accumulating bit-planes needs an ADC that samples the integrated charge (sar, flash, ramp); a "cco" ADC converts during the read' });
    if ((t.slicesPerConversion ?? 1) > 1 && t.adc.kind === "cco")
      issues.push({ path: ["slicesPerConversion"], issue: 'charge sharing across slice columns needs an ADC that samples the shared charge (sar, flash, ramp); a "cco" ADC converts during the read' });
    if (t.gMinUs >= t.gMaxUs) issues.push({ path: ["gMinUs"], issue: `must be below gMaxUs (${t.gMaxUs})` });
    if (t.differential && t.cols % 2 !== 0)
      issues.push({ path: ["cols"], issue: "a differential tile pairs columns (G+ and G-): cols must be even" });
    if (t.adc.colsPerAdc > (t.differential ? t.cols / 2 : t.cols))
      issues.push({ path: ["adc", "colsPerAdc"], issue: `cannot exceed the tile's output columns (${t.differential ? t.cols / 2 : t.cols})` });
    if (t.device === "SRAM" && t.bitsPerCell !== 1)
      issues.push({ path: ["bitsPerCell"], issue: "an SRAM cell stores exactly 1 bit" });
    return issues;
  }),
);

export const AnalogSchema = Schema.Struct({
  tile: CrossbarTileSchema,
  tiles: intBetween(1, 1 << 24),
  weightBits: intBetween(1, 16),
  clockHz,
  accumulatorFormat: DigitalFormatSchema,
}).check(
  Schema.makeFilter((a) => {
    // One weight takes ceil(magnitude bits / bitsPerCell) slices, x2 for a differential pair
    // (the same rule as src/components/crossbar.ts columnsPerWeight); it must fit on one tile.
    const magnitudeBits = a.tile.differential ? Math.max(1, a.weightBits - 1) : a.weightBits;
    const colsPerWeight = Math.ceil(magnitudeBits / a.tile.bitsPerCell) * (a.tile.differential ? 2 : 1);
    return colsPerWeight > a.tile.cols
      ? { path: ["tile", "cols"], issue: `a ${a.weightBits}-bit weight needs ${colsPerWeight} columns (slices x differential) but the tile has ${a.tile.cols}` }
      : undefined;
  }),
);

export const SystolicArraySchema = Schema.Struct({
  name,
  rows: intBetween(1, 4096),
  cols: intBetween(1, 4096),
  dataflow: Schema.Literals(["OS", "WS", "IS"]),
  format: DigitalFormatSchema,
  clockHz,
  count: intBetween(1, 1 << 16),
});

export const VectorUnitSchema = Schema.Struct({
  name,
  lanes: intBetween(1, 1 << 16),
  format: DigitalFormatSchema,
  clockHz,
  count: intBetween(1, 1 << 16),
  ops: Schema.Array(Schema.Literals(["softmax", "norm", "activation", "rope", "elementwise"])).check(
    Schema.isMinLength(1),
  ),
});

export const BitSerialUnitSchema = Schema.Struct({
  name,
  // >= 2: the group's adder tree needs two inputs (src/components/digital.ts bitSerialCost rejects 1).
  groupSize: intBetween(2, 4096),
  units: intBetween(1, 1 << 20),
  clockHz,
  count: intBetween(1, 1 << 16),
});

export const SramSchema = Schema.Struct({
  name,
  capacityBytes: intBetween(64, 2 ** 40),
  banks: intBetween(1, 1 << 16),
  bytesPerCyclePerBank: intBetween(1, 1 << 16),
  clockHz,
});

export const DramSchema = Schema.Struct({
  kind: Schema.Literals(["LPDDR4", "LPDDR5", "DDR4", "HBM2", "HBM3", "GDDR6"]),
  capacityBytes: intBetween(1 << 20, 2 ** 50),
  bandwidthBytesPerS: between(1e6, 1e14),
  channels: intBetween(1, 1024),
  energyPerBitJ: Schema.optionalKey(between(1e-15, 1e-9)),
});

export const NocSchema = Schema.Struct({
  topology: Schema.Literals(["mesh", "ring", "bus", "crossbar", "tree"]),
  linkWidthBits: intBetween(1, 1 << 16),
  hopLatencyCycles: intBetween(0, 1 << 16),
  clockHz,
});

export const MappingPolicySchema = Schema.Struct({
  projections: Schema.Literals(["analog", "digital"]),
  lmHead: Schema.Literals(["analog", "digital"]),
  kvCache: Schema.Literals(["sram", "dram"]),
});

const uniqueNames = (units: readonly { readonly name: string }[], field: string): Schema.FilterIssue[] => {
  const seen = new Map<string, number>();
  const issues: Schema.FilterIssue[] = [];
  units.forEach((u, i) => {
    const prev = seen.get(u.name);
    if (prev !== undefined) issues.push({ path: [field, i, "name"], issue: `duplicate unit name "${u.name}" (also ${field}[${prev}])` });
    else seen.set(u.name, i);
  });
  return issues;
};

export const ChipSpecSchema = Schema.Struct({
  name,
  description: Schema.String,
  technologyNm: between(1, 1000),
  supplyV: between(0.1, 5),
  analog: Schema.optionalKey(AnalogSchema),
  systolic: Schema.Array(SystolicArraySchema),
  vector: Schema.Array(VectorUnitSchema),
  bitSerial: Schema.Array(BitSerialUnitSchema),
  sram: Schema.Array(SramSchema),
  dram: DramSchema,
  noc: NocSchema,
  mapping: MappingPolicySchema,
  sources: Schema.Array(Schema.String),
}).check(
  Schema.makeFilter((c) => {
    const issues: Schema.FilterIssue[] = [];
    if (c.mapping.projections === "analog" && c.analog === undefined)
      issues.push({ path: ["mapping", "projections"], issue: 'is "analog" but the chip has no analog section' });
    if (c.mapping.lmHead === "analog" && c.analog === undefined)
      issues.push({ path: ["mapping", "lmHead"], issue: 'is "analog" but the chip has no analog section' });
    if (c.systolic.length === 0 && c.bitSerial.length === 0)
      issues.push({ path: ["systolic"], issue: "the chip needs at least one systolic array or bit-serial unit for the attention matmuls" });
    if (c.vector.length === 0) issues.push({ path: ["vector"], issue: "the chip needs at least one vector unit (softmax, norms)" });
    if (c.mapping.kvCache === "sram" && c.sram.length === 0)
      issues.push({ path: ["mapping", "kvCache"], issue: 'is "sram" but the chip has no SRAM' });
    issues.push(...uniqueNames(c.systolic, "systolic"), ...uniqueNames(c.vector, "vector"));
    issues.push(...uniqueNames(c.bitSerial, "bitSerial"), ...uniqueNames(c.sram, "sram"));
    return issues;
  }),
);

// The schema and the hand-written contract must describe the same type, both ways.
type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _schemaMatchesContract: Same<Mutable<typeof ChipSpecSchema.Type>, Mutable<ChipSpec>> = true;
void _schemaMatchesContract;
