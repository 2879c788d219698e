// The chip description that every stage downstream reads. These interfaces are the contract:
// src/spec/schema.ts validates unknown input (TypeScript or JSON specs) into exactly these types,
// and nothing after validation re-checks them.
//
// Units are in the field names: ...Hz, ...Ps (picoseconds), ...Ns, ...S, ...J, ...Us (microsiemens),
// ...V, ...Bytes, ...Bits, ...Mm2, ...Nm. Counts are plain integers.

export type DeviceKind = "PCM" | "RRAM" | "SRAM" | "Flash";
export type DacKind = "pwm" | "current-steering" | "bit-serial";
export type AdcKind = "sar" | "flash" | "ramp" | "cco";
export type Dataflow = "OS" | "WS" | "IS";
export type DigitalFormat =
  | "int4"
  | "int8"
  | "int16"
  | "int32"
  | "fp8"
  | "fp16"
  | "bf16"
  | "fp32";
export type DramKind = "LPDDR4" | "LPDDR5" | "DDR4" | "HBM2" | "HBM3" | "GDDR6";
export type NocTopology = "mesh" | "ring" | "bus" | "crossbar" | "tree";
export type VectorOp = "softmax" | "norm" | "activation" | "rope" | "elementwise";

/** Conductance noise model of the analog devices (docs/REFERENCES.md [aihwkit, nandakumar-icecs2019]: aihwkit PCM, generic Gaussian, RRAM). */
export interface NoiseSpec {
  /** "pcm": aihwkit PCMLikeNoiseModel (programming noise, drift, 1/f read noise);
   *  "gaussian": programming noise = relSigma * g_max, no drift;
   *  "rram": Gaussian programming noise relSigma * g_max plus read noise readRelSigma * |g|;
   *  "none": ideal devices. */
  readonly model: "pcm" | "gaussian" | "rram" | "none";
  /** Scales the PCM programming-noise polynomial (1 = aihwkit default). */
  readonly progNoiseScale: number;
  /** Scales the PCM 1/f read noise (1 = aihwkit default). */
  readonly readNoiseScale: number;
  /** Scales the PCM drift exponent (1 = aihwkit default, 0 = no drift). */
  readonly driftScale: number;
  /** Relative programming sigma (fraction of g_max) for "gaussian" and "rram". */
  readonly relSigma: number;
  /** Relative read sigma (fraction of |g|) for "rram". */
  readonly readRelSigma: number;
  /** Output-referred weight noise (aihwkit w_noise, PCM_READ preset 0.0175). */
  readonly wNoise: number;
  /** Additive output noise in units of the normalised output (aihwkit out_noise). */
  readonly outNoise: number;
  /** Seconds since programming at which inference happens (t_inf). */
  readonly tInfS: number;
  /** Global drift compensation (aihwkit GlobalDriftCompensation). */
  readonly driftCompensation: boolean;
}

export interface DacSpec {
  readonly kind: DacKind;
  /** Input resolution in bits, sign included (8 => -127..127). */
  readonly bits: number;
  /** Overrides the model's energy per conversion (J). */
  readonly energyPerConversionJ?: number;
  /** Overrides the model's conversion latency (ps). */
  readonly latencyPs?: number;
  /** Bit-serial inputs only: the most consecutive input bit-planes the column integrator accumulates, with
   *  binary weights, before ONE ADC conversion (absent or 1: convert after every plane, ISAAC-style; >= bits:
   *  one conversion per input, as NeuRRAM's one-phase mode). Rule: an integer >= 1; the bits planes form
   *  ceil(bits / min(planesPerConversion, bits)) consecutive groups whose sizes differ by at most one (e.g. 7
   *  planes at 4 -> groups of 4 and 3; 2 planes at 4 -> one group of 2), each group converted once. Values above
   *  1 need a bit-serial DAC, an ADC that samples a held charge (not "cco", which converts during the read), and
   *  planeWeighting.
   *  The ADC keeps adc.bits: its full scale is taken to be the integrated sum's, so its LSB is coarser than one
   *  plane's (see src/components/crossbar.ts). */
  readonly planesPerConversion?: number;
  /** How the integrator gives plane k of a group (k = 0 its least significant) the weight 2^k; required when
   *  planesPerConversion > 1. "charge-share": binary-weighted charge sharing, one read per plane and no extra
   *  time; "repeated-integration": each plane is read and sampled once and its charge integrated 2^k times
   *  (NeuRRAM's neuron), 2^s - 1 - s extra integration steps per group of s planes. */
  readonly planeWeighting?: PlaneWeighting;
}

/** How accumulated input bit-planes are given their binary weights in the analog integrator (DacSpec). */
export type PlaneWeighting = "charge-share" | "repeated-integration";

export interface AdcSpec {
  readonly kind: AdcKind;
  readonly bits: number;
  /** Output columns time-multiplexed onto one ADC (1 = one ADC per output). A differential pair
   *  (G+ and G- subtracted before conversion) is ONE output column. */
  readonly colsPerAdc: number;
  /** Overrides the model's energy per conversion (J). */
  readonly energyPerConversionJ?: number;
  /** Overrides the model's conversion latency (ps). */
  readonly latencyPs?: number;
  /** Walden figure of merit for the SAR model (J per conversion step); default from the Murmann survey. */
  readonly waldenFomJ?: number;
}

/** How the analog input range is set before the DAC (aihwkit noise management / AFM static ranges). */
export interface InputRangeSpec {
  readonly mode: "dynamic" | "static";
  /** For "static": the clipping bound in units of the activation; calibrated on data when absent. */
  readonly bound?: number;
}

export interface CrossbarTileSpec {
  /** Physical cell rows (inputs, word lines). */
  readonly rows: number;
  /** Physical cell columns (outputs, bit lines), differential pairs counted as 2. */
  readonly cols: number;
  readonly device: DeviceKind;
  /** Conductance levels stored per cell, in bits. */
  readonly bitsPerCell: number;
  /** Signed weights as a differential pair of cells (G+ - G-). */
  readonly differential: boolean;
  readonly gMaxUs: number;
  readonly gMinUs: number;
  readonly readVoltageV: number;
  /** Integration (read) time of one analog MVM phase. */
  readonly integrationTimeNs: number;
  readonly noise: NoiseSpec;
  readonly dac: DacSpec;
  readonly adc: AdcSpec;
  readonly inputRange: InputRangeSpec;
  /** ADC clipping bound in normalised output units (aihwkit out_bound). */
  readonly outBound: number;
  /** Adjacent slice columns of one weight whose outputs are joined in the analog domain, by binary-weighted
   *  charge sharing (slice k weighted 2^(k * bitsPerCell)), before ONE ADC conversion (absent or 1: every slice
   *  column is converted and the slices are shift-added digitally; = slices per weight: one conversion per
   *  weight, as the TSMC 7 nm SRAM macro's binary-weighted computation caps). Rule: an integer >= 1, the most
   *  slice columns joined; a weight's slices = ceil(magnitude bits / bitsPerCell) form
   *  ceil(slices / min(slicesPerConversion, slices)) groups whose sizes differ by at most one (a weight with
   *  fewer slices joins all of them); above 1 the ADC must sample a held charge (not "cco"). adc.colsPerAdc still counts physical output lines, joined ones included. The ADC
   *  keeps adc.bits (full scale = the combined sum's; see src/components/crossbar.ts). */
  readonly slicesPerConversion?: number;
}

export interface AnalogSpec {
  readonly tile: CrossbarTileSpec;
  /** Physical crossbar tiles on the chip. */
  readonly tiles: number;
  /** Bits of each stored weight (1 = binary, 2 = ternary, 8 = int8 sliced over cells). */
  readonly weightBits: number;
  /** Clock of the tile periphery and the digital partial-sum accumulation. */
  readonly clockHz: number;
  /** Format of the digital partial-sum accumulation across tiles and slices. */
  readonly accumulatorFormat: DigitalFormat;
}

export interface SystolicArraySpec {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  readonly dataflow: Dataflow;
  readonly format: DigitalFormat;
  readonly clockHz: number;
  /** Identical instances. */
  readonly count: number;
}

export interface VectorUnitSpec {
  readonly name: string;
  /** Elements processed per cycle. */
  readonly lanes: number;
  readonly format: DigitalFormat;
  readonly clockHz: number;
  readonly count: number;
  readonly ops: readonly VectorOp[];
}

/** Anda-style bit-serial units: one mantissa bit-plane per cycle over a group adder tree. */
export interface BitSerialUnitSpec {
  readonly name: string;
  /** Group size sharing one exponent (Anda: 64) = adder-tree width. */
  readonly groupSize: number;
  /** Processing elements (APUs) per array. */
  readonly units: number;
  readonly clockHz: number;
  readonly count: number;
}

export interface SramSpec {
  readonly name: string;
  readonly capacityBytes: number;
  readonly banks: number;
  /** Bytes delivered per cycle per bank. */
  readonly bytesPerCyclePerBank: number;
  readonly clockHz: number;
}

export interface DramSpec {
  readonly kind: DramKind;
  readonly capacityBytes: number;
  readonly bandwidthBytesPerS: number;
  readonly channels: number;
  /** Overrides the per-bit access energy of the kind. */
  readonly energyPerBitJ?: number;
}

export interface NocSpec {
  readonly topology: NocTopology;
  readonly linkWidthBits: number;
  readonly hopLatencyCycles: number;
  readonly clockHz: number;
}

export interface MappingPolicy {
  /** Where the projection layers (q,k,v,o,gate,up,down) run. */
  readonly projections: "analog" | "digital";
  /** Where the output head runs (AFM keeps it digital). */
  readonly lmHead: "analog" | "digital";
  readonly kvCache: "sram" | "dram";
}

export interface ChipSpec {
  readonly name: string;
  readonly description: string;
  /** Technology node of the digital logic and periphery. */
  readonly technologyNm: number;
  readonly supplyV: number;
  /** Absent for an all-digital chip. */
  readonly analog?: AnalogSpec;
  readonly systolic: readonly SystolicArraySpec[];
  readonly vector: readonly VectorUnitSpec[];
  readonly bitSerial: readonly BitSerialUnitSpec[];
  readonly sram: readonly SramSpec[];
  readonly dram: DramSpec;
  readonly noc: NocSpec;
  readonly mapping: MappingPolicy;
  /** Free-form provenance (papers, datasheets) shown in reports. */
  readonly sources: readonly string[];
}
