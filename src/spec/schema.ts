// Effect Schema definitions of the chip spec language: the single source of the spec. Every enum is declared
// once here as schema literals; its runtime list (ADC_KINDS, ...) and its TypeScript type (./types.ts) are
// derived from it. Every rule that makes a spec valid is here too: ranges on the field, cross-field rules on
// the struct that owns both fields, with the path of the field a user must change. Component models and
// numerics receive a decoded spec and do not re-check it.
//
// Each field carries its description (with its unit) and, where it has one, its default: the JSON Schema
// for editors (`aimcsim schema`) and the defaults JSON specs get are both read from here, so TypeScript and
// JSON specs fill the same defaults.
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";
import * as SchemaTransformation from "effect/SchemaTransformation";
import { between, doc, intBetween, nonEmpty, nonNegative, positive, positiveInt, withDefault } from "./fields.ts";
import { isNoiseModelKind, NOISE_MODELS, noiseModelDefaults, NoiseParamsFields, type NoiseModelKind } from "./noise.ts";

// ---------------------------------------------------------------------------------------------------------------
// Enums: one declaration each. `X_KINDS` is the list, `XSchema` the schema; the type is in ./types.ts.

export const DeviceKindSchema = Schema.Literals(["PCM", "RRAM", "SRAM", "Flash"]);
export const DEVICE_KINDS = DeviceKindSchema.literals;
export const DacKindSchema = Schema.Literals(["pwm", "current-steering", "bit-serial", "c2c-ladder", "capacitive", "r2r-ladder"]);
export const DAC_KINDS = DacKindSchema.literals;
export const AdcKindSchema = Schema.Literals(["sar", "flash", "ramp", "cco"]);
export const ADC_KINDS = AdcKindSchema.literals;
export const PlaneWeightingSchema = Schema.Literals(["charge-share", "repeated-integration"]);
export const PLANE_WEIGHTINGS = PlaneWeightingSchema.literals;
export const InputRangeModeSchema = Schema.Literals(["dynamic", "static"]);
export const INPUT_RANGE_MODES = InputRangeModeSchema.literals;
export const DataflowSchema = Schema.Literals(["OS", "WS", "IS"]);
export const DATAFLOWS = DataflowSchema.literals;
export const DigitalFormatSchema = Schema.Literals(["int4", "int8", "int16", "int32", "fp8", "fp16", "bf16", "fp32"]);
export const DIGITAL_FORMATS = DigitalFormatSchema.literals;
export const DramKindSchema = Schema.Literals(["LPDDR4", "LPDDR5", "DDR4", "HBM2", "HBM3", "GDDR6"]);
export const DRAM_KINDS = DramKindSchema.literals;
export const NocTopologySchema = Schema.Literals(["mesh", "ring", "bus", "crossbar", "tree"]);
export const NOC_TOPOLOGIES = NocTopologySchema.literals;
/** How the chips of a multi-chip run are wired (chipLink.topology; src/components/chiplink.ts routes over it). */
export const ChipLinkTopologySchema = Schema.Literals(["shared", "ring", "mesh", "switch"]);
export const CHIP_LINK_TOPOLOGIES = ChipLinkTopologySchema.literals;
export const VectorOpSchema = Schema.Literals(["softmax", "norm", "activation", "rope", "elementwise"]);
export const VECTOR_OPS = VectorOpSchema.literals;
/** Where a class of layers runs (MappingPolicy.projections / lmHead). */
export const ComputeDomainSchema = Schema.Literals(["analog", "digital"]);
export const COMPUTE_DOMAINS = ComputeDomainSchema.literals;
/** Where the KV cache lives (MappingPolicy.kvCache). */
export const KvCacheLocationSchema = Schema.Literals(["sram", "dram"]);
export const KV_CACHE_LOCATIONS = KvCacheLocationSchema.literals;
/** Formats of the KV cache and of the attention datapath (MappingPolicy.kvCacheFormat / attentionFormat /
 *  lmHeadFormat): the 8- and 16-bit members of the digital formats (issue 17 item 2). */
export const PRECISION_FORMATS = (["int8", "fp8", "fp16", "bf16"] as const satisfies readonly (typeof DIGITAL_FORMATS)[number][]);
export const PrecisionFormatSchema = Schema.Literals(PRECISION_FORMATS);
/** Conductance noise models: the keys of the noise-model table in ./noise.ts (built-ins, listed in NOISE_MODELS)
 *  plus any registered since with registerNoiseModel (src/numerics/noise/registry.ts). */
export const NoiseModelKindSchema = Schema.String.annotate({
  description:
    'Conductance noise model (src/spec/noise.ts): "pcm" aihwkit PCMLikeNoiseModel (programming noise, drift, 1/f read noise); "gaussian" programming noise relSigma * g_max, no drift; "rram" Gaussian programming noise plus read noise readRelSigma * |g|; "none" ideal devices; or a model registered with registerNoiseModel. Fields left out take the model\'s defaults.',
  examples: [...NOISE_MODELS],
}).pipe(
  Schema.refine((k: string): k is NoiseModelKind => isNoiseModelKind(k), {
    message: `unknown noise model; built in: ${NOISE_MODELS.join(", ")} (others are added with registerNoiseModel)`,
  }),
);
export { NOISE_MODELS };

// Clocks from 1 kHz to 100 GHz; a value outside is a unit mistake (Hz vs MHz), not a design.
const clockHz = (what: string) => doc(between(1e3, 1e11), what, "Hz");
const unitName = doc(nonEmpty, "Unit name, unique across all digital units of the chip (systolic, vector, bit-serial); names its resource in results and traces.");
const unitCount = withDefault(intBetween(1, 1 << 16), 1, "Identical instances.");

// ---------------------------------------------------------------------------------------------------------------
// Defaults the TS constructors (./dsl.ts) and JSON specs share

export const SPEC_DEFAULTS = {
  adc: { colsPerAdc: 1 },
  tile: { gMinUs: 0, inputRange: { mode: "dynamic" as const }, outBound: 12 }, // outBound: aihwkit IOParameters default out_bound (docs/REFERENCES.md [aihwkit])
  unit: { count: 1 },
  vector: { ops: VECTOR_OPS },
  chip: { description: "", systolic: [], vector: [], bitSerial: [], sources: [] },
  mapping: { lmHead: "digital" as const, kvCache: "dram" as const, kvCacheFormat: "fp16" as const },
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Noise: one struct for every model; the fields a spec leaves out are the chosen model's defaults
// (NOISE_MODEL_DEFAULTS, the same table the constructors idealNoise()/pcmNoise()/... read).

const NoiseFull = Schema.Struct({ model: NoiseModelKindSchema, ...NoiseParamsFields });
const noiseInputFields = Object.fromEntries(Object.entries(NoiseParamsFields).map(([k, s]) => [k, Schema.optionalKey(s)])) as {
  readonly [K in keyof typeof NoiseParamsFields]: Schema.optionalKey<(typeof NoiseParamsFields)[K]>;
};
const NoiseInput = Schema.Struct({ model: NoiseModelKindSchema, ...noiseInputFields }).annotate({
  description: 'Conductance noise of the analog devices; the fields left out take the chosen model\'s defaults (src/spec/noise.ts). Default: {"model":"none"} (ideal devices).',
  default: { model: "none" },
});

export const NoiseSchema = NoiseInput.pipe(
  Schema.decodeTo(
    NoiseFull,
    SchemaTransformation.transform({
      decode: (n) => ({ ...noiseModelDefaults(n.model), ...n }) as typeof NoiseFull.Encoded,
      encode: (n) => n as typeof NoiseInput.Type,
    }),
  ),
).annotate({ description: "Conductance noise of the analog devices." });

// ---------------------------------------------------------------------------------------------------------------
// Converters and the crossbar tile

export const DacSchema = Schema.Struct({
  kind: doc(DacKindSchema, "DAC kind: pwm (pulse width), current-steering (one phase), bit-serial (one input bit-plane per phase), c2c-ladder (C-2C capacitive ladder, one phase), capacitive (binary-weighted capacitor array, charge redistribution, one phase), r2r-ladder (R-2R resistive voltage ladder, static current while it holds a code, one phase)."),
  bits: doc(intBetween(1, 16), "Input resolution in bits, sign included (8 => -127..127; 1 => the sign alone, as a binary input driver)."),
  unitCapF: Schema.optionalKey(doc(between(1e-18, 1e-12), "Unit capacitor of a capacitive DAC (c2c-ladder default 2 fF, capacitive default 1 fF; src/components/dac.ts).", "F")),
  unitResistanceOhm: Schema.optionalKey(doc(between(1, 1e9), "Unit resistor R of an r2r-ladder DAC (default 5 kOhm; src/components/dac/r2r-ladder.ts).", "Ohm")),
  referenceV: Schema.optionalKey(doc(between(0.01, 10), "Reference voltage of an r2r-ladder DAC (default the driver supply).", "V")),
  laddersPerInput: Schema.optionalKey(doc(intBetween(1, 4), "Ladders per input of an r2r-ladder DAC (default 1; 2 for a positive and a negative ladder that both hold the code).")),
  energyPerConversionJ: Schema.optionalKey(doc(positive, "Overrides the model's energy per conversion (for an r2r-ladder, the whole conversion: no held static power on top).", "J")),
  latencyPs: Schema.optionalKey(doc(positive, "Overrides the model's conversion latency.", "ps")),
  planesPerConversion: Schema.optionalKey(
    doc(
      intBetween(1, 16),
      "Bit-serial inputs only: the most consecutive input bit-planes the column integrator accumulates, with binary weights, before ONE ADC conversion (absent or 1: convert after every plane, ISAAC-style; >= bits: one conversion per input, as NeuRRAM's one-phase mode). The bits planes form ceil(bits / min(planesPerConversion, bits)) consecutive groups whose sizes differ by at most one (e.g. 7 planes at 4 -> groups of 4 and 3), each group converted once. Values above 1 need a bit-serial DAC, an ADC that samples a held charge (not \"cco\"), and planeWeighting. The ADC keeps adc.bits: its full scale is the integrated sum's, so its LSB is coarser than one plane's (src/components/crossbar.ts).",
    ),
  ),
  planeWeighting: Schema.optionalKey(
    doc(
      PlaneWeightingSchema,
      'How the integrator gives plane k of a group the weight 2^k; required when planesPerConversion > 1. "charge-share": binary-weighted charge sharing, one read per plane and no extra time; "repeated-integration": each plane is read and sampled once and its charge integrated 2^k times (NeuRRAM\'s neuron), 2^s - 1 - s extra integration steps per group of s planes.',
    ),
  ),
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
  kind: doc(AdcKindSchema, "ADC kind: sar, flash, ramp (single slope), cco (current-controlled oscillator, converts during the read)."),
  // >= 2: the analog numerics read a signed code (sign + magnitude, 8 bits => -127..127); a 1-bit ADC would have
  // no magnitude level (src/numerics/analog/backend.ts), so the schema rejects it rather than the numerics.
  bits: doc(intBetween(2, 16), "Output resolution in bits, sign included (8 => -127..127); at least 2 (a sign and one magnitude bit)."),
  colsPerAdc: withDefault(
    positiveInt,
    SPEC_DEFAULTS.adc.colsPerAdc,
    "Output columns time-multiplexed onto one ADC (1 = one ADC per output). A differential pair (G+ and G- subtracted before conversion) is ONE output column.",
  ),
  energyPerConversionJ: Schema.optionalKey(doc(positive, "Overrides the model's energy per conversion.", "J")),
  latencyPs: Schema.optionalKey(doc(positive, "Overrides the model's conversion latency.", "ps")),
  waldenFomJ: Schema.optionalKey(doc(positive, "Walden figure of merit for the SAR model (energy per conversion step); default from the Murmann survey.", "J")),
}).check(
  Schema.makeFilter((a) =>
    a.kind === "flash" && a.bits > 10
      ? { path: ["bits"], issue: `a flash ADC needs 2^bits - 1 comparators; ${a.bits} bits is not a buildable flash ADC (max 10)` }
      : undefined,
  ),
);

export const InputRangeSchema = Schema.Struct({
  mode: doc(InputRangeModeSchema, "How the analog input range is set before the DAC: dynamic (per input vector, aihwkit noise management) or static (a fixed bound, AFM)."),
  bound: Schema.optionalKey(doc(positive, 'For "static": the clipping bound in units of the activation; calibrated on data when absent.')),
});

export const CrossbarTileSchema = Schema.Struct({
  rows: doc(intBetween(1, 1 << 16), "Physical cell rows (inputs, word lines)."),
  cols: doc(intBetween(1, 1 << 16), "Physical cell columns (outputs, bit lines), differential pairs counted as 2."),
  device: doc(DeviceKindSchema, "Memory device of the cells."),
  bitsPerCell: doc(intBetween(1, 8), "Conductance levels stored per cell, in bits."),
  differential: doc(Schema.Boolean, "Signed weights as a differential pair of cells (G+ - G-)."),
  gMaxUs: doc(between(1e-6, 1e6), "Maximum cell conductance.", "uS"),
  gMinUs: withDefault(nonNegative, SPEC_DEFAULTS.tile.gMinUs, "Minimum cell conductance; below gMaxUs.", "uS"),
  readVoltageV: doc(between(1e-3, 5), "Read voltage.", "V"),
  readSupplyV: Schema.optionalKey(
    doc(
      between(1e-3, 10),
      "Supply rail the read current is drawn from (the input drivers' supply), at least readVoltageV: a driver that holds a line at readVoltageV from a higher rail dissipates the difference, so one cell's read costs V_rail V_read G t instead of V_read^2 G t (src/components/crossbar.ts). Default: readVoltageV.",
      "V",
    ),
  ),
  c2cUnitCapF: Schema.optionalKey(
    doc(
      between(1e-18, 1e-12),
      "SRAM cells feeding a charge-domain C-2C multiplier (the Intel 22 nm macro) with this unit capacitor: the array energy is the multiplier's capacitor switching per weight bit (src/components/c2c-multiply.ts) instead of V^2 G t. Needs device SRAM.",
      "F",
    ),
  ),
  integrationTimeNs: doc(between(1e-3, 1e6), "Integration (read) time of one analog MVM phase.", "ns"),
  noise: NoiseSchema.pipe(Schema.withDecodingDefaultKey(Effect.sync(() => ({ model: "none" as const })))),
  dac: DacSchema,
  adc: AdcSchema,
  inputRange: withDefault(
    InputRangeSchema,
    SPEC_DEFAULTS.tile.inputRange,
    "How the analog input range is set before the DAC (aihwkit noise management / AFM static ranges).",
  ),
  outBound: withDefault(positive, SPEC_DEFAULTS.tile.outBound, "ADC clipping bound in normalised output units (aihwkit out_bound)."),
  slicesPerConversion: Schema.optionalKey(
    doc(
      intBetween(1, 16),
      "Adjacent slice columns of one weight whose outputs are joined in the analog domain, by binary-weighted charge sharing (slice k weighted 2^(k * bitsPerCell)), before ONE ADC conversion (absent or 1: every slice column is converted and the slices are shift-added digitally; = slices per weight: one conversion per weight, as the TSMC 7 nm SRAM macro's binary-weighted computation caps). A weight's slices = ceil(magnitude bits / bitsPerCell) form ceil(slices / min(slicesPerConversion, slices)) groups whose sizes differ by at most one; above 1 the ADC must sample a held charge (not \"cco\"). adc.colsPerAdc still counts physical output lines, joined ones included. The ADC keeps adc.bits (full scale = the combined sum's; see src/components/crossbar.ts).",
    ),
  ),
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
    if (t.readSupplyV !== undefined && t.readSupplyV < t.readVoltageV)
      issues.push({ path: ["readSupplyV"], issue: `must be at least readVoltageV (${t.readVoltageV} V): the read current is drawn from this rail` });
    if (t.c2cUnitCapF !== undefined && t.device !== "SRAM")
      issues.push({ path: ["c2cUnitCapF"], issue: "a C-2C multiplier is fed by SRAM cells: needs device SRAM" });
    if (t.device === "SRAM" && t.bitsPerCell !== 1)
      issues.push({ path: ["bitsPerCell"], issue: "an SRAM cell stores exactly 1 bit" });
    return issues;
  }),
);

/** Tile periphery and overhead energy (src/components/periphery.ts): every field optional, each default cited there. */
export const PeripherySchema = Schema.Struct({
  wordlineSwingV: Schema.optionalKey(doc(between(1e-3, 10), "Word-line voltage swing; default: the chip supply.", "V")),
  wordlineSupplyV: Schema.optionalKey(doc(between(1e-3, 10), "Supply the word lines are charged from; default: the swing.", "V")),
  bitlineSwingV: Schema.optionalKey(doc(between(0, 10), "Bit-line voltage swing per phase; default: tile.readVoltageV; 0 for a bit line held at virtual ground.", "V")),
  sampleCapF: Schema.optionalKey(doc(between(1e-18, 1e-9), "Sample-and-hold / integrator capacitor; default: the kT/C size for adc.bits.", "F")),
  ldpu: Schema.optionalKey(doc(Schema.Boolean, "A local digital processing unit per tile (affine scale/offset + activation per output, as HERMES' LDPU); default true.")),
  localBuffers: Schema.optionalKey(doc(Schema.Boolean, "Local input/output buffers per tile; default true (a macro measured without them sets false).")),
  localBufferBytes: Schema.optionalKey(doc(between(1, 2 ** 30), "Local buffer size per tile; default: double-buffered input vector and fp16 outputs.", "bytes")),
  clockGating: Schema.optionalKey(doc(Schema.Boolean, "Clock-gate the periphery's row registers to the active rows; default false.")),
  driverSupplyV: Schema.optionalKey(doc(between(1e-3, 10), "Supply of the DACs / input row drivers, for their (V / 1.0 V)^2 scaling; default: the chip supply.", "V")),
  adcSupplyV: Schema.optionalKey(doc(between(1e-3, 10), "Supply of the ADCs / neurons, for their (V / 1.0 V)^2 scaling; default: the chip supply.", "V")),
});

export const AnalogSchema = Schema.Struct({
  tile: CrossbarTileSchema,
  tiles: doc(intBetween(1, 1 << 24), "Physical crossbar tiles on the chip."),
  weightBits: doc(intBetween(1, 16), "Bits of each stored weight (1 = binary, 2 = ternary, 8 = int8 sliced over cells)."),
  clockHz: clockHz("Clock of the tile periphery and the digital partial-sum accumulation."),
  accumulatorFormat: doc(DigitalFormatSchema, "Format of the digital partial-sum accumulation across tiles and slices."),
  periphery: Schema.optionalKey(PeripherySchema),
  programming: Schema.optionalKey(
    Schema.Struct({
      iterations: Schema.optionalKey(doc(intBetween(1, 10000), "Write-verify iterations per cell (default per device, src/components/programming.ts).")),
      pulseEnergyJ: Schema.optionalKey(doc(between(0, 1e-6), "Energy of one write pulse.", "J")),
      pulseNs: Schema.optionalKey(doc(between(0, 1e9), "Duration of one write pulse.", "ns")),
    }).annotate({ description: "Crossbar programming (write-verify) cost per cell, reported once per deployment." }),
  ),
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

// ---------------------------------------------------------------------------------------------------------------
// Digital units, memories, NoC, mapping

export const OperandDeliverySchema = Schema.Struct({
  registerBytes: doc(intBetween(64, 2 ** 30), "Register file that feeds one array instance (a GPU tensor core: its SM sub-partition's).", "bytes"),
  registerBanks: doc(intBetween(1, 1 << 16), "Banks of that register file (sets the energy per bit with the SRAM model)."),
  registerBitsPerMac: doc(between(0, 1 << 12), "Register-file bits read and written per MAC: the matrix instruction's A and B fragments and C/D accumulators over its MACs.", "bits"),
  sharedBytes: doc(intBetween(64, 2 ** 30), "Shared memory (operand staging buffer) per array instance.", "bytes"),
  sharedBanks: doc(intBetween(1, 1 << 16), "Banks of the shared memory."),
  sharedBitsPerMac: doc(between(0, 1 << 12), "Shared-memory bits read and written per MAC (fragment loads and tile stores, set by the GEMM's tiling).", "bits"),
}).annotate({ description: "Operand delivery to an array fed from a register file (a GPU's tensor cores): charged per MAC on top of the PE energy, the storage's area and leakage added to the array's." });

export const SystolicArraySchema = Schema.Struct({
  name: unitName,
  rows: doc(intBetween(1, 4096), "Processing-element rows."),
  cols: doc(intBetween(1, 4096), "Processing-element columns."),
  dataflow: doc(DataflowSchema, "Dataflow (SCALE-Sim): OS output-stationary, WS weight-stationary, IS input-stationary."),
  format: doc(DigitalFormatSchema, "Operand format of the MACs."),
  clockHz: clockHz("Array clock."),
  count: unitCount,
  operandDelivery: Schema.optionalKey(OperandDeliverySchema),
});

export const VectorUnitSchema = Schema.Struct({
  name: unitName,
  lanes: doc(intBetween(1, 1 << 16), "Elements processed per cycle."),
  format: doc(DigitalFormatSchema, "Operand format."),
  clockHz: clockHz("Unit clock."),
  count: unitCount,
  ops: withDefault(Schema.Array(VectorOpSchema).check(Schema.isMinLength(1)), [...SPEC_DEFAULTS.vector.ops], "Vector ops the unit runs."),
});

export const BitSerialUnitSchema = Schema.Struct({
  name: unitName,
  // >= 2: the group's adder tree needs two inputs.
  groupSize: doc(intBetween(2, 4096), "Group size sharing one exponent (Anda: 64) = adder-tree width."),
  units: doc(intBetween(1, 1 << 20), "Processing elements (APUs) per array."),
  clockHz: clockHz("Unit clock."),
  count: unitCount,
}).annotate({ description: "Anda-style bit-serial unit: one mantissa bit-plane per cycle over a group adder tree." });

export const SramSchema = Schema.Struct({
  name: doc(nonEmpty, "SRAM name, unique among the chip's SRAMs."),
  capacityBytes: doc(intBetween(64, 2 ** 40), "Capacity.", "bytes"),
  banks: doc(intBetween(1, 1 << 16), "Banks."),
  bytesPerCyclePerBank: doc(intBetween(1, 1 << 16), "Bytes delivered per cycle per bank.", "bytes"),
  clockHz: clockHz("SRAM clock."),
});

export const DramSchema = Schema.Struct({
  kind: doc(DramKindSchema, "DRAM standard (sets the per-bit access energy)."),
  capacityBytes: doc(intBetween(1 << 20, 2 ** 50), "Capacity.", "bytes"),
  bandwidthBytesPerS: doc(between(1e6, 1e14), "Peak bandwidth.", "bytes/s"),
  channels: doc(intBetween(1, 1024), "Channels."),
  energyPerBitJ: Schema.optionalKey(doc(between(1e-15, 1e-9), "Overrides the per-bit access energy of the kind.", "J")),
});

export const NocSchema = Schema.Struct({
  topology: doc(NocTopologySchema, "Network-on-chip topology."),
  linkWidthBits: doc(intBetween(1, 1 << 16), "Link width.", "bits"),
  hopLatencyCycles: doc(intBetween(0, 1 << 16), "Latency per hop.", "cycles"),
  clockHz: clockHz("NoC clock."),
});

export const ChipLinkSchema = Schema.Struct({
  energyPerBitJ: Schema.optionalKey(doc(between(1e-15, 1e-9), "Energy per bit crossing a chip boundary; default 0.5 pJ/bit, a UCIe standard-package link (src/components/chiplink.ts).", "J")),
  bandwidthBytesPerS: Schema.optionalKey(doc(between(1e6, 1e14), "Bandwidth of the link between two chips; default 32 GB/s, one UCIe x16 standard-package module at 16 GT/s.", "bytes/s")),
  latencyS: Schema.optionalKey(doc(between(0, 1e-3), "One-way latency of a transfer; default 1 ns (half of UCIe's ~2 ns round trip).", "s")),
  topology: Schema.optionalKey(
    doc(
      ChipLinkTopologySchema,
      'How chips are wired, each link with the energy, bandwidth and latency above: "shared" (default) one link that every transfer from or to the host chip 0 takes in turn; "ring" chips i and i+1 (mod N) linked, a transfer takes the shorter way round; "mesh" a link between every two chips; "switch" one link from each chip to a switch, a transfer crosses its source\'s and its destination\'s link (the switch itself is not charged). With 2 chips shared, ring and mesh are the same single link.',
    ),
  ),
});

/** Where a mixture-of-experts model's experts run (MappingPolicy.experts.placement / shared). */
export const ExpertDomainSchema = Schema.Literals(["projections", "analog", "digital"]);
export const EXPERT_DOMAINS = ExpertDomainSchema.literals;
/** Which chip each routed expert runs on (MappingPolicy.experts.chips; src/mapping/experts.ts). */
export const ExpertChipsSchema = Schema.Literals(["host", "spread", "balanced"]);
export const EXPERT_CHIPS = ExpertChipsSchema.literals;

export const ExpertPlacementSchema = Schema.Struct({
  placement: withDefault(
    ExpertDomainSchema,
    "projections",
    'Where the routed experts\' gate/up/down matrices run: "projections" follows mapping.projections; "analog" or "digital" puts every expert there, before the per-expert rules below.',
  ),
  digitalExperts: withDefault(Schema.Array(intBetween(0, 4095)), [], "Expert indices (0-based) kept digital in every layer, e.g. noise-sensitive experts."),
  mostLoadedDigital: withDefault(intBetween(0, 4096), 0, "The n most-loaded experts of each layer kept digital (load: the model's expert load, uniform unless given; ties go to the lower index)."),
  shared: withDefault(ExpertDomainSchema, "projections", "Where the shared (always-active) expert runs."),
  router: withDefault(ComputeDomainSchema, "digital", "Where the router (the [experts x hidden] gate) runs; digital by default because the top-k choice is discrete."),
  chips: Schema.optionalKey(
    doc(
      ExpertChipsSchema,
      'Expert parallelism over the chips of a multi-chip run: "host" (default) runs every expert on chip 0\'s units (analog tiles where the placement put them); "spread" gives each routed expert a home chip, expert e of E on chip floor(e x N / E), where its MLP runs on that chip\'s units and its tokens are dispatched to and combined from over the chip links; "balanced" is the same with each layer\'s experts assigned most-loaded first to the chip with the least load so far. An analog expert\'s home is the chip holding most of its tiles.',
    ),
  ),
}).check(
  Schema.makeFilter((x) => {
    const seen = new Set<number>();
    const issues: Schema.FilterIssue[] = [];
    x.digitalExperts.forEach((e, i) => {
      if (seen.has(e)) issues.push({ path: ["digitalExperts", i], issue: `duplicate expert index ${e}` });
      seen.add(e);
    });
    return issues;
  }),
);

export const MappingPolicySchema = Schema.Struct({
  projections: withDefault(
    ComputeDomainSchema,
    "digital",
    'Where the projection layers (q,k,v,o,gate,up,down) run. When left out: "analog" if the chip has an analog section, else "digital".',
  ),
  lmHead: withDefault(ComputeDomainSchema, SPEC_DEFAULTS.mapping.lmHead, "Where the output head runs (AFM keeps it digital)."),
  kvCache: withDefault(KvCacheLocationSchema, SPEC_DEFAULTS.mapping.kvCache, "Where the KV cache lives."),
  kvCacheFormat: Schema.optionalKey(doc(PrecisionFormatSchema, `Element format of the cached K and V (sets the KV bytes read and written per token and the KV capacity; PIM-LLM keeps an int8 cache). When left out: "${SPEC_DEFAULTS.mapping.kvCacheFormat}".`)),
  attentionFormat: Schema.optionalKey(doc(PrecisionFormatSchema, "Operand format of the attention MACs (QK^T and PV) on the digital units; default: the format of the array that runs them.")),
  lmHeadFormat: Schema.optionalKey(doc(PrecisionFormatSchema, "Operand format of a digital lm_head's MACs and weights; default: the format of the array that runs it (an analog lm_head takes the analog weight bits).")),
  experts: Schema.optionalKey(ExpertPlacementSchema.annotate({ description: "Mixture-of-experts placement policy (ignored for dense models); absent: experts follow mapping.projections, the router is digital." })),
});

/** Digital compute units: their names share one namespace (each names a resource and a utilisation row). */
const DIGITAL_UNIT_FIELDS = ["systolic", "vector", "bitSerial"] as const;

const uniqueNames = (groups: readonly (readonly [string, readonly { readonly name: string }[]])[]): Schema.FilterIssue[] => {
  const seen = new Map<string, string>();
  const issues: Schema.FilterIssue[] = [];
  for (const [field, units] of groups)
    units.forEach((u, i) => {
      const prev = seen.get(u.name);
      if (prev !== undefined) issues.push({ path: [field, i, "name"], issue: `duplicate unit name "${u.name}" (also ${prev})` });
      else seen.set(u.name, `${field}[${i}]`);
    });
  return issues;
};

export const ChipSpecSchema = Schema.Struct({
  // A JSON spec may name its JSON Schema (editors read it); it is not part of the decoded spec.
  name: doc(nonEmpty, "Chip name."),
  description: withDefault(Schema.String, SPEC_DEFAULTS.chip.description, "Free-form description."),
  technologyNm: doc(between(1, 1000), "Technology node of the digital logic and periphery.", "nm"),
  supplyV: doc(between(0.1, 5), "Supply voltage.", "V"),
  analog: Schema.optionalKey(AnalogSchema.annotate({ description: "The analog in-memory-compute part; absent for an all-digital chip." })),
  systolic: withDefault(Schema.Array(SystolicArraySchema), [], "Systolic arrays."),
  vector: withDefault(Schema.Array(VectorUnitSchema), [], "Vector units (softmax, norms, activations)."),
  bitSerial: withDefault(Schema.Array(BitSerialUnitSchema), [], "Anda-style bit-serial units."),
  sram: doc(Schema.Array(SramSchema), "On-chip SRAMs."),
  dram: DramSchema,
  noc: NocSchema,
  chipLink: Schema.optionalKey(ChipLinkSchema.annotate({ description: "The chip-to-chip link of multi-chip runs (chips: N | auto); absent: UCIe standard-package defaults." })),
  mapping: MappingPolicySchema.annotate({ description: "Which layers run where; every field has a default." }).pipe(
    Schema.withDecodingDefaultKey(Effect.sync(() => ({}))),
  ),
  sources: withDefault(Schema.Array(Schema.String), [], "Free-form provenance (papers, datasheets) shown in reports."),
  leakageWPerMm2: Schema.optionalKey(doc(between(0, 10), "Leakage power density of the die's logic and SRAM at the chip supply; default: Aladdin's 40 nm library scaled to the node (src/components/leakage.ts).", "W/mm^2")),
  dieAreaMm2: Schema.optionalKey(doc(between(1e-3, 1e5), "Die area, when larger than the modelled components' (a GPU's schedulers, caches, I/O): the rest of the die leaks at the same density, attributed to the modelled kinds in proportion to their area (src/components/leakage.ts); default: the modelled area.", "mm^2")),
  powerGating: Schema.optionalKey(doc(Schema.Boolean, "Power-gate idle units: a component's leakage is charged only for the share of the run its units are busy (default false: leakage over the whole run, idle time included; src/components/leakage.ts).")),
}).check(
  Schema.makeFilter((c) => {
    const issues: Schema.FilterIssue[] = [];
    if (c.mapping.projections === "analog" && c.analog === undefined)
      issues.push({ path: ["mapping", "projections"], issue: 'is "analog" but the chip has no analog section' });
    if (c.mapping.lmHead === "analog" && c.analog === undefined)
      issues.push({ path: ["mapping", "lmHead"], issue: 'is "analog" but the chip has no analog section' });
    const ex = c.mapping.experts;
    if (ex !== undefined && c.analog === undefined)
      for (const f of ["placement", "shared", "router"] as const)
        if (ex[f] === "analog") issues.push({ path: ["mapping", "experts", f], issue: 'is "analog" but the chip has no analog section' });
    if (c.systolic.length === 0 && c.bitSerial.length === 0)
      issues.push({ path: ["systolic"], issue: "the chip needs at least one systolic array or bit-serial unit for the attention matmuls" });
    if (c.vector.length === 0) issues.push({ path: ["vector"], issue: "the chip needs at least one vector unit (softmax, norms)" });
    if (c.mapping.kvCache === "sram" && c.sram.length === 0)
      issues.push({ path: ["mapping", "kvCache"], issue: 'is "sram" but the chip has no SRAM' });
    issues.push(...uniqueNames(DIGITAL_UNIT_FIELDS.map((f) => [f, c[f]] as const)), ...uniqueNames([["sram", c.sram]]));
    return issues;
  }),
);
