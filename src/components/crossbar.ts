// Crossbar array cost model and the per-MVM cost of an analog tile (DAC + array + ADC + digital
// accumulation), the function the simulator calls per projection tile operation.
//
// Array read energy per cell per phase: E = V^2 * G * t (Ohm's law: power V^2 G over the read window t),
// with G = gMin + g * (gMax - gMin), g the mean normalised conductance of the cells actually used, and the
// input activity scaling the fraction of full-scale drive (data-dependent energy: the numerics pass can
// supply both; otherwise the stated defaults apply).
//
// Conversions: by default every bit-serial input plane and every weight-slice column is converted by the ADC
// and shift-added digitally (ISAAC-style). Two spec options accumulate in the analog domain first
// (src/spec/types.ts): dac.planesPerConversion groups input planes on the column integrator (NeuRRAM's neuron)
// and tile.slicesPerConversion joins a weight's slice columns by binary-weighted charge sharing (the TSMC 7 nm
// SRAM macro's computation caps); each group is converted once. The ADC keeps adc.bits for the integrated sum
// (assumption, printed in the tile's assumption string with the resolution it gives up).

import type { CrossbarTileSpec, DeviceKind, DigitalFormat, PeripherySpec } from "../spec/types.ts";
import { AimcsimError } from "../errors.ts";
import { adcCost, type ConverterCost } from "./adc.ts";
import { dacCost, type DacCost } from "./dac.ts";
import { c2cBitEnergyJ } from "./c2c-multiply.ts";
import { adcModels, dacModels } from "./registry.ts";
import { FORMAT_BITS, addEnergyJ } from "./digital.ts";
import { sramBitcellUm2 } from "./memory.ts";
import { FJ, ISAAC_NODE_NM, NM_TO_MM, PJ, PS_PER_NS, UM2_TO_MM2, areaScale, periodPs } from "./technology.ts";
import { fmtJ } from "./format.ts";
import { requireNode } from "./checks.ts";
import type { ComponentModelInfo } from "./model.ts";
import { peripheryMvmEnergyJ, tilePeriphery, type TilePeriphery } from "./periphery.ts";
import { CONVERTER_REFERENCE_SUPPLY_V, converterSupplyScale } from "./supply.ts";

const sig3 = (x: number): string => x.toPrecision(3); // formatting: 3 significant digits

/** The chip context of a tile: its supply (converter/driver supply scaling) and periphery spec. Absent: the
 *  converters at their reference supply and no periphery (the bare tile, as unit tests of the array use). */
export interface TileChipContext {
  readonly supplyV: number;
  readonly periphery?: PeripherySpec;
}

/** Cell area in F^2 (F = technology node) by non-volatile device, 1T1R. The brief's range for PCM/RRAM
 *  1T1R is 4-25 F^2; with a MOSFET access transistor the transistor sets the footprint. Assumptions:
 *  PCM 25 F^2 (upper end: the access FET must carry the RESET current), RRAM 12 F^2 (lower programming current,
 *  mid-range), NOR Flash 10 F^2 (typical NOR cell). SRAM compute cells: see SRAM_CIM_OVER_6T. */
export const CELL_AREA_F2: Readonly<Record<Exclude<DeviceKind, "SRAM">, number>> = {
  PCM: 25, // assumption (see above)
  RRAM: 12, // assumption (see above)
  Flash: 10, // assumption (see above)
};
/** An 8T (decoupled read port) SRAM compute cell relative to the 6T bitcell. Assumption: 1.3x (two extra read
 *  transistors on a 6-transistor cell, partly sharing diffusion). */
export const SRAM_CIM_OVER_6T = 1.3;
/** Default mean normalised conductance (G - gMin)/(gMax - gMin) over the used cells. Assumption: 0.25.
 *  Gaussian weights clipped at 2.5 sigma (AFM, docs/REFERENCES.md [afm-neurips2025]) have mean |w|/max|w| ~ 0.8/2.5 = 0.32; with a
 *  differential pair only one device of the pair carries |w| (the other sits at gMin), so per device ~0.16;
 *  0.25 is a rounded middle of single-ended (0.32) and differential (0.16). */
export const DEFAULT_MEAN_CONDUCTANCE = 0.25;
/** Default input activity: the fraction of the full-scale drive energy the inputs apply (bit-serial: share of
 *  1 bits; PWM: mean |x| / x_max; current-steering: mean (x / x_max)^2). Assumption: 0.5 (random bit planes). */
export const DEFAULT_INPUT_ACTIVITY = 0.5;
/** ISAAC shift-and-add unit: 60 um^2 at 32 nm for 16 bits (ISAAC ISCA 2016 via hwcomponents-library isaac.py
 *  IsaacShiftAdd); one per ADC, scaled linearly with the accumulator width. */
export const ISAAC_SHIFT_ADD_AREA_UM2 = 60;
export const ISAAC_SHIFT_ADD_BITS = 16; // ISAAC ISCA 2016 via hwcomponents-library isaac.py
/** Microsiemens to siemens (unit conversion). */
const US_TO_S = 1e-6;

/** Area of one crossbar cell at nodeNm (mm^2). */
export function cellAreaMm2(device: DeviceKind, nodeNm: number): number {
  requireNode(nodeNm);
  if (device === "SRAM") return sramBitcellUm2(nodeNm) * SRAM_CIM_OVER_6T * UM2_TO_MM2;
  const f2 = CELL_AREA_F2[device];
  if (f2 === undefined) throw new AimcsimError("SpecError", "analog.tile.device", `unknown device kind ${String(device)}`);
  const fMm = nodeNm * NM_TO_MM;
  return f2 * fMm * fMm;
}

/** Array read energy of one cell for one phase of tWindowPs (J). */
export function cellReadEnergyJ(
  tile: CrossbarTileSpec,
  tWindowPs: number,
  meanConductance: number = DEFAULT_MEAN_CONDUCTANCE,
  inputActivity: number = DEFAULT_INPUT_ACTIVITY,
): number {
  // A charge-domain C-2C tile: the multiplier's capacitors per weight bit (c2c-multiply.ts); uniform inputs, random bits.
  if (tile.c2cUnitCapF !== undefined) return c2cBitEnergyJ(tile.c2cUnitCapF, tile.readVoltageV);
  const gS = (tile.gMinUs + meanConductance * (tile.gMaxUs - tile.gMinUs)) * US_TO_S;
  // The read current V_read G flows for the window from the rail the drivers hold the line from (readSupplyV, default
  // V_read itself): a linear driver dissipates (V_rail - V_read) I on top of the cell's V_read I (definition of P = V I).
  const railV = tile.readSupplyV ?? tile.readVoltageV;
  return railV * tile.readVoltageV * gS * (tWindowPs * PJ) * inputActivity; // ps -> s is the same 1e-12 factor as pJ -> J
}

/** Weight bits -> cell slices: differential pairs carry the sign, so they store weightBits - 1 magnitude bits;
 *  single-ended (offset) mapping stores all weightBits. */
export function weightSlices(tile: CrossbarTileSpec, weightBits: number): number {
  const magnitudeBits = tile.differential ? Math.max(1, weightBits - 1) : weightBits;
  return Math.ceil(magnitudeBits / tile.bitsPerCell);
}
/** Physical columns per logical weight column. */
export function columnsPerWeight(tile: CrossbarTileSpec, weightBits: number): number {
  return weightSlices(tile, weightBits) * (tile.differential ? 2 : 1);
}
/** Output lines of a tile: one per column, or one per differential pair (the pair's currents are subtracted
 *  in the analog domain before the ADC, as in HERMES' 4-device unit cells). colsPerAdc counts these lines. */
export function outputLines(tile: CrossbarTileSpec): number {
  return Math.floor(tile.cols / (tile.differential ? 2 : 1));
}
/** ADC instances per tile. */
export function adcsPerTile(tile: CrossbarTileSpec): number {
  return Math.ceil(outputLines(tile) / tile.adc.colsPerAdc);
}
/** Logical weight columns a tile holds at weightBits. */
export function weightColumnsPerTile(tile: CrossbarTileSpec, weightBits: number): number {
  return Math.floor(tile.cols / columnsPerWeight(tile, weightBits));
}

/** Split n consecutive planes (or slices) into groups of at most maxPerGroup: ceil(n / maxPerGroup) groups whose
 *  sizes differ by at most one, larger groups first (7 at 4 -> [4, 3]; 5 at 3 -> [3, 2]). The rule of
 *  DacSpec.planesPerConversion and CrossbarTileSpec.slicesPerConversion (src/spec/types.ts). */
export function conversionGroups(n: number, maxPerGroup: number): number[] {
  const groups = Math.ceil(n / maxPerGroup);
  const small = Math.floor(n / groups);
  const large = n - small * groups; // this many groups hold small + 1
  const out: number[] = [];
  for (let g = 0; g < groups; g++) out.push(g < large ? small + 1 : small);
  return out;
}

/** Extra integration steps of "repeated-integration" plane weighting for one group of s planes: plane k is
 *  integrated 2^k times, once with its read and 2^k - 1 more times, so 2^s - 1 - s extra steps in all (NeuRRAM
 *  neuron, Wan et al. Nature 2022; CiMLoop wan_nature_2022 helper_functions.py bits2integration_steps = 2^n - 1). */
export const repeatedIntegrationExtraSteps = (s: number): number => 2 ** s - 1 - s;

/** Everything per tile that does not depend on the operation: computed once per (tile, weightBits, node, clock). */
export interface AnalogTileModel {
  readonly tile: CrossbarTileSpec;
  readonly weightBits: number;
  readonly nodeNm: number;
  readonly clockHz: number;
  readonly accumulatorFormat: DigitalFormat;
  readonly slices: number;
  readonly colsPerWeight: number;
  readonly adcs: number;
  /** Analog read phases per input (bit-serial: one per input bit-plane; otherwise 1). */
  readonly phases: number;
  /** ADC conversion rounds per input: plane groups of DacSpec.planesPerConversion (= phases by default). */
  readonly planeGroups: number;
  /** Extra integrator steps per input for "repeated-integration" plane weighting (0 otherwise), one clock each. */
  readonly extraIntegrationCycles: number;
  /** Conversions per logical weight column and plane group: slice groups of slicesPerConversion (= slices by default). */
  readonly sliceGroups: number;
  /** Bits the ADC would need beyond adc.bits to keep one plane's and one slice's LSB over the integrated sum. */
  readonly adcRangeExtraBits: number;
  readonly pwm: boolean;
  /** The ADC converts during the read window (CCO) rather than after it (SAR, flash, ramp). */
  readonly concurrentAdc: boolean;
  /** Time-encoded ADC without an energy override: its energy follows the output code when that is known. */
  readonly adcCodeDependent: boolean;
  /** Share of the ADC energy independent of the output code (when adcCodeDependent). */
  readonly adcCodeIndependentFraction: number;
  readonly dac: DacCost;
  readonly adc: ConverterCost;
  /** Read window of one phase (ps): PWM: max(integration, pulse window); otherwise the integration time. */
  readonly windowPs: number;
  readonly integrationPs: number;
  readonly cyclePs: number;
  readonly accumulateEnergyJ: number;
  /** Periphery and overhead (src/components/periphery.ts); null for a bare tile (no chip context). */
  readonly periphery: TilePeriphery | null;
  readonly chipSupplyV: number | undefined;
  readonly chipPeriphery: PeripherySpec | undefined;
  readonly areaMm2: { readonly dacPassive: number; readonly dac: number; readonly crossbar: number; readonly adc: number; readonly accumulate: number; readonly periphery: number };
  readonly assumption: string;
}

/** Precompute a tile's converter costs, slicing and areas. The tile is a validated spec (src/spec/schema.ts holds
 *  its rules); the two checks left here read properties of the registered converter models, which a kind added
 *  at run time (src/components/registry.ts) brings without a schema rule. */
export function prepareAnalogTile(
  tile: CrossbarTileSpec,
  weightBits: number,
  nodeNm: number,
  clockHz: number,
  accumulatorFormat: DigitalFormat = "int32",
  chip?: TileChipContext,
): AnalogTileModel {
  const p = "analog.tile";
  // Converter supply scaling (src/components/supply.ts): each model states the supply its energy holds at
  // (referenceSupplyV); spec overrides and models without one are taken at the chip's supply.
  const adcModel = adcModels.get(tile.adc.kind);
  const dacModel = dacModels.get(tile.dac.kind);
  const driverV = chip?.periphery?.driverSupplyV ?? chip?.supplyV;
  const adcV = chip?.periphery?.adcSupplyV ?? chip?.supplyV;
  const dacScale = dacModel.referenceSupplyV === undefined ? 1 : converterSupplyScale(driverV, dacModel.referenceSupplyV);
  const adcScale = adcModel.referenceSupplyV === undefined ? 1 : converterSupplyScale(adcV, adcModel.referenceSupplyV);
  const dac0 = dacCost(tile.dac, nodeNm, clockHz, driverV);
  const adc0 = adcCost(tile.adc, nodeNm, clockHz);
  const dacScaled = tile.dac.energyPerConversionJ === undefined && !dac0.supplyExplicit && dacModel.referenceSupplyV !== undefined;
  const adcScaled = tile.adc.energyPerConversionJ === undefined && adcModel.referenceSupplyV !== undefined;
  const dac = dacScaled && dacScale !== 1 ? { ...dac0, energyJ: dac0.energyJ * dacScale } : dac0;
  const adc = adcScaled && adcScale !== 1 ? { ...adc0, energyJ: adc0.energyJ * adcScale } : adc0;
  const concurrentAdc = adcModel.convertsDuringRead === true;
  const adcStaticFraction = adcModel.codeIndependentEnergyFraction;
  const slices = weightSlices(tile, weightBits);
  // Analog accumulation before the ADC (src/spec/types.ts DacSpec.planesPerConversion, slicesPerConversion).
  const planesPerConversion = tile.dac.planesPerConversion ?? 1;
  const slicesPerConversion = tile.slicesPerConversion ?? 1;
  if (planesPerConversion > 1 && dacModel.bitPlanePhases !== true) {
    const serial = dacModels.kinds().filter((k) => dacModels.get(k).bitPlanePhases === true);
    throw new AimcsimError("SpecError", `${p}.dac.planesPerConversion`, `a ${tile.dac.kind} DAC applies the whole input in one phase; above 1 needs kind ${serial.map((k) => `"${k}"`).join(" or ")}`);
  }
  if ((planesPerConversion > 1 || slicesPerConversion > 1) && concurrentAdc) {
    const sampling = adcModels.kinds().filter((k) => adcModels.get(k).convertsDuringRead !== true);
    throw new AimcsimError("SpecError", `${p}.adc.kind`, `accumulating planes or slices before conversion needs an ADC that samples the held charge (${sampling.join(", ")}), not "${tile.adc.kind}"`);
  }
  const weighting = tile.dac.planeWeighting;
  // A value above the planes (slices) a weight has groups all of them: the integrator holds at most that many.
  const planeGroupSizes = conversionGroups(dac.phases, Math.min(planesPerConversion, dac.phases));
  const extraIntegrationCycles =
    planesPerConversion > 1 && weighting === "repeated-integration" ? planeGroupSizes.reduce((n, sz) => n + repeatedIntegrationExtraSteps(sz), 0) : 0;
  const slicesJoined = Math.min(slicesPerConversion, slices);
  const sliceGroupSizes = conversionGroups(slices, slicesJoined);
  const sliceGroups = sliceGroupSizes.length;
  // A group of s binary-weighted planes spans 2^s - 1 plane full scales (s - 1 bits more than one plane's MSB
  // range); c slices of b-bit cells span (2^(c b) - 1) / (2^b - 1) slice full scales, (c - 1) b bits more.
  const adcRangeExtraBits = (planeGroupSizes[0]! - 1) + (sliceGroupSizes[0]! - 1) * tile.bitsPerCell;
  const pwm = dacModel.pulseWidth === true;
  const integrationPs = tile.integrationTimeNs * PS_PER_NS;
  const windowPs = pwm ? Math.max(integrationPs, dac.latencyPs) : integrationPs;
  const adcs = adcsPerTile(tile);
  const accBits = FORMAT_BITS[accumulatorFormat];
  const areaScaleIsaac = areaScale(ISAAC_NODE_NM, nodeNm);
  const assumption =
    `analog tile ${tile.rows}x${tile.cols} ${tile.device}${tile.differential ? " differential" : ""}, ${weightBits}-bit weights over ` +
    `${slices} slice(s) of ${tile.bitsPerCell}-bit cells; per phase: ${pwm ? "" : "DAC + "}` +
    (concurrentAdc
      ? `ceil(conversions / ${adcs} ADCs) x max(read window, CCO conversion) (the CCO counts during the read, as in HERMES)`
      : `read window + ceil(conversions / ${adcs} ADCs) x ADC latency (sample after the read, no overlap: assumption)`) +
    (tile.c2cUnitCapF !== undefined
      ? `; array energy: the C-2C multiplier's capacitors per weight bit, 3 C_u V^2 (1.67/48 + 1/(4 sqrt 3)) = ${fmtJ(c2cBitEnergyJ(tile.c2cUnitCapF, tile.readVoltageV))} (C_u ${tile.c2cUnitCapF / FJ} fF, ${tile.readVoltageV} V; CiMLoop's c2c_multiplier model, uniform inputs and random weight bits: assumptions)`
      : `; array energy V^2 G t ` + `(default mean normalised conductance 0.25, input activity 0.5, assumptions)`) +
    (adcStaticFraction !== undefined
      ? `; time-encoded ADC energy ${adcStaticFraction * 100} % static + ${(1 - adcStaticFraction) * 100} % with |code| when the code is known, full scale otherwise (assumption)` // percent (formatting)
      : "") +
    (planeGroupSizes[0]! > 1
      ? `; input planes accumulated in the column integrator in groups [${planeGroupSizes.join(", ")}] (${planeGroupSizes.length} conversion(s) per input instead of ${dac.phases}), ` +
        (weighting === "repeated-integration"
          ? `weighted by repeated integration (${extraIntegrationCycles} extra integration step(s) per input, one clock cycle each: assumption)`
          : "weighted by binary charge sharing (no extra time: assumption)")
      : "") +
    (sliceGroupSizes[0]! > 1
      ? `; slice columns of a weight joined by binary-weighted charge sharing in groups [${sliceGroupSizes.join(", ")}], ${sliceGroups} conversion(s) per weight column instead of ${slices} (no extra time: assumption)`
      : "") +
    (adcRangeExtraBits > 0
      ? `; the ADC converts the integrated sum with adc.bits = ${tile.adc.bits} (assumption: its full scale is the sum's, so one plane/slice gets ${adcRangeExtraBits} bit(s) less resolution than a per-plane, per-slice conversion would); ` +
        `the integrator's per-plane sample and charge-transfer energy and the sharing capacitors' area are not modelled`
      : "") +
    `. ADC: ${adc.assumption} DAC: ${dac.assumption}` +
    (chip !== undefined
      ? ` Converter supply scaling (C V^2, reference supply ${CONVERTER_REFERENCE_SUPPLY_V} V, src/components/supply.ts): ` +
        `DAC ${dacScaled ? `x (${driverV} V / ${CONVERTER_REFERENCE_SUPPLY_V} V)^2 = x${sig3(dacScale)}` : "not scaled (spec energy or capacitive DAC at its supply)"}, ` +
        `ADC ${adcScaled ? `x (${adcV} V / ${CONVERTER_REFERENCE_SUPPLY_V} V)^2 = x${sig3(adcScale)}` : "not scaled (spec energy, or a model taken at the chip supply)"}.`
      : "");
  const cellArea = cellAreaMm2(tile.device, nodeNm);
  const cyclePs = periodPs(clockHz);
  const periphery =
    chip === undefined
      ? null
      : tilePeriphery({ tile, accumulatorFormat, weightBits, ...(chip.periphery !== undefined ? { periphery: chip.periphery } : {}) }, nodeNm, chip.supplyV, {
          cellAreaMm2: cellArea,
          adcs,
          outputs: outputLines(tile),
          inputBits: tile.dac.bits,
          mvmCycles: Math.ceil((dac.phases * (windowPs + adc.latencyPs)) / cyclePs),
        });
  return {
    tile,
    weightBits,
    nodeNm,
    clockHz,
    accumulatorFormat,
    slices,
    colsPerWeight: columnsPerWeight(tile, weightBits),
    adcs,
    phases: dac.phases,
    planeGroups: planeGroupSizes.length,
    extraIntegrationCycles,
    sliceGroups,
    adcRangeExtraBits,
    pwm,
    concurrentAdc,
    adcCodeDependent: adcStaticFraction !== undefined && tile.adc.energyPerConversionJ === undefined,
    adcCodeIndependentFraction: adcStaticFraction ?? 1,
    dac,
    adc,
    windowPs,
    integrationPs,
    cyclePs,
    accumulateEnergyJ: addEnergyJ(accumulatorFormat, nodeNm),
    periphery,
    chipSupplyV: chip?.supplyV,
    chipPeriphery: chip?.periphery,
    areaMm2: {
      periphery: periphery?.areaMm2 ?? 0,
      dac: tile.rows * dac.areaMm2,
      dacPassive: tile.rows * dac.areaMm2 * dac.passiveAreaFraction,
      crossbar: tile.rows * tile.cols * cellArea,
      adc: adcs * adc.areaMm2,
      accumulate: adcs * ISAAC_SHIFT_ADD_AREA_UM2 * (accBits / ISAAC_SHIFT_ADD_BITS) * UM2_TO_MM2 * areaScaleIsaac,
    },
    assumption: periphery === null ? assumption : `${assumption} ${periphery.assumption}`,
  };
}

export interface AnalogMvmCost {
  latencyPs: number;
  readonly energyByComponentJ: { dac: number; crossbar: number; adc: number; accumulate: number; periphery: number };
}
export interface MvmActivity {
  /** Mean normalised conductance of the used cells, 0..1. */
  readonly meanConductance?: number;
  /** Fraction of full-scale drive energy, 0..1. */
  readonly inputActivity?: number;
  /** Mean |ADC code| / full scale, 0..1 (time-encoded ADCs only; default 1, the full-scale energy). */
  readonly adcCodeFraction?: number;
}
export const newAnalogMvmCost = (): AnalogMvmCost => ({
  latencyPs: 0,
  energyByComponentJ: { dac: 0, crossbar: 0, adc: 0, accumulate: 0, periphery: 0 },
});

/** Cost of one MVM on a prepared tile: activeRows inputs x activeCols logical weight columns. Writes into `out`
 *  when given (no allocation), else returns a new record. */
export function analogMvmCostPrepared(
  m: AnalogTileModel,
  activeRows: number,
  activeCols: number,
  activity?: MvmActivity,
  out?: AnalogMvmCost,
): AnalogMvmCost {
  const tile = m.tile;
  if (!(activeRows >= 0 && activeRows <= tile.rows) || !(activeCols >= 0) || activeCols * m.colsPerWeight > tile.cols) {
    throw new AimcsimError(
      "MappingError",
      "analog.tile",
      `an MVM of ${activeRows} rows x ${activeCols} weight columns (${activeCols * m.colsPerWeight} physical columns) ` +
        `does not fit a ${tile.rows}x${tile.cols} tile`,
    );
  }
  const g = activity?.meanConductance ?? DEFAULT_MEAN_CONDUCTANCE;
  const a = activity?.inputActivity ?? DEFAULT_INPUT_ACTIVITY;
  const code = activity?.adcCodeFraction ?? 1;
  if (!(g >= 0 && g <= 1) || !(a >= 0 && a <= 1) || !(code >= 0 && code <= 1)) {
    throw new AimcsimError("SimError", "activity", `mean conductance, input activity and ADC code fraction must lie in [0, 1], got ${g}, ${a}, ${code}`);
  }
  const adcEnergyJ = m.adcCodeDependent
    ? m.adc.energyJ * (m.adcCodeIndependentFraction + (1 - m.adcCodeIndependentFraction) * code)
    : m.adc.energyJ;
  const r = out ?? newAnalogMvmCost();
  const physicalCols = activeCols * m.colsPerWeight;
  const conversions = activeCols * m.sliceGroups; // per conversion round of the input (plane group)
  const rounds = conversions === 0 ? 0 : Math.ceil(conversions / m.adcs);
  const phases = m.phases;
  const groups = m.planeGroups;
  const setupPs = m.pwm ? 0 : m.dac.latencyPs;
  // CCO: the oscillator counts while the array drives it, so each round of conversions overlaps the read
  // window. Others sample the integrated result and convert after the window.
  const phasePs = m.concurrentAdc
    ? setupPs + rounds * Math.max(m.windowPs, m.adc.latencyPs)
    : setupPs + m.windowPs + rounds * m.adc.latencyPs;
  // One conversion per plane (default, and always for a CCO): every phase is read and converted. Plane groups:
  // every plane is still read once (DAC setup + window), the integrator adds its extra weighting steps, and
  // each group is converted once after its last plane.
  const inputPs =
    groups === phases
      ? phases * phasePs
      : phases * (setupPs + m.windowPs) + m.extraIntegrationCycles * m.cyclePs + groups * rounds * m.adc.latencyPs;
  r.latencyPs = activeRows === 0 || activeCols === 0 ? 0 : inputPs + m.cyclePs; // + one cycle: final accumulate
  const e = r.energyByComponentJ;
  // A resistive ladder draws its static power while it holds a code: one MVM interval per phase (r2r-ladder.ts).
  e.dac = activeRows * phases * m.dac.energyJ + (r.latencyPs === 0 ? 0 : activeRows * m.dac.holdPowerW * r.latencyPs * 1e-12);
  e.crossbar = activeRows * physicalCols * phases * cellReadEnergyJ(tile, m.windowPs, g, a);
  e.adc = conversions * groups * adcEnergyJ;
  e.accumulate = conversions * groups * m.accumulateEnergyJ;
  e.periphery =
    m.periphery === null || r.latencyPs === 0
      ? 0
      : peripheryMvmEnergyJ(m.periphery, {
          rows: activeRows,
          tileRows: tile.rows,
          physicalCols,
          outputs: Math.ceil(physicalCols / (tile.differential ? 2 : 1)),
          phases,
          conversions: conversions * groups,
          extraIntegrationSteps: m.extraIntegrationCycles,
          cycles: r.latencyPs / m.cyclePs,
        });
  return r;
}

// Cache of prepared models per tile object (the simulator calls analogMvmCost with the same tile many times).
const cache = new WeakMap<CrossbarTileSpec, AnalogTileModel>();

/** The per-MVM cost of an analog tile: latency and energy split into DAC, crossbar, ADC and accumulation. */
export function analogMvmCost(
  tile: CrossbarTileSpec,
  weightBits: number,
  nodeNm: number,
  clockHz: number,
  activeRows: number,
  activeCols: number,
  activity?: MvmActivity,
  out?: AnalogMvmCost,
  accumulatorFormat: DigitalFormat = "int32",
  chip?: TileChipContext,
): AnalogMvmCost {
  let m = cache.get(tile);
  if (
    m === undefined ||
    m.weightBits !== weightBits ||
    m.nodeNm !== nodeNm ||
    m.clockHz !== clockHz ||
    m.accumulatorFormat !== accumulatorFormat ||
    m.chipSupplyV !== chip?.supplyV ||
    m.chipPeriphery !== chip?.periphery
  ) {
    m = prepareAnalogTile(tile, weightBits, nodeNm, clockHz, accumulatorFormat, chip);
    cache.set(tile, m);
  }
  return analogMvmCostPrepared(m, activeRows, activeCols, activity, out);
}


export const CROSSBAR_MODEL: ComponentModelInfo = {
  kind: "crossbar",
  parameters: ["tile.rows", "tile.cols", "tile.device", "tile.bitsPerCell", "tile.differential", "tile.gMaxUs", "tile.gMinUs", "tile.readVoltageV", "tile.integrationTimeNs", "tile.slicesPerConversion", "tile.dac.planesPerConversion", "tile.dac.planeWeighting", "analog.weightBits"],
  reference: "Ohm's law V^2 G t per cell; 1T1R cell areas in F^2 (assumptions), SRAM cells from bitcell sizes",
  scaling: "energy linear in cells used, phases, read window, mean conductance and input activity; area: rows*cols*cell area (F^2 at the chip node)",
  actions: ["mvm", "read-cell"],
  sources: ["aihwkit mapping, g_max 25 uS (docs/REFERENCES.md [aihwkit])", "assumptions stated in crossbar.ts"],
};
export const ACCUMULATE_MODEL: ComponentModelInfo = {
  kind: "accumulate",
  parameters: ["analog.accumulatorFormat", "tile.adc.colsPerAdc"],
  reference: "one add per conversion in the accumulator format (Horowitz ISSCC 2014); ISAAC shift-and-add 60 um^2 (16-bit, 32 nm)",
  scaling: "energy per add by format and node; area one shift-add per ADC, linear in accumulator width",
  actions: ["shift-add"],
  sources: ["Horowitz ISSCC 2014", "ISAAC ISCA 2016 via hwcomponents-library isaac.py"],
};
