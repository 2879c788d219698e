// Analog tile periphery and overhead energy: what a crossbar tile spends besides its DACs, array read, ADCs and
// shift-add (src/components/crossbar.ts). Every item is a physical mechanism with a cited default, overridable
// through AnalogSpec.periphery (src/spec/types.ts PeripherySpec); all of it is reported as ComponentKind
// "periphery" (dynamic) and, for leakage, src/components/leakage.ts (static).
//
// Per MVM of a tile, with R active rows, C active physical columns, N logical output columns, P analog phases:
//  - word-line switching: every active row's word line toggles once per phase, E = C_wl * V_swing * V_supply
//    (charge C V_swing drawn from the word-line supply; CiMLoop Capacitor.raise_voltage_to), plus the driver
//    chain's internal nodes (a tapered chain of stage effort 4 adds C_wl / 3: logical effort);
//    C_wl = cols * (access-transistor gate + wire over one cell pitch) + the driver's output;
//  - bit-line switching: every active column's bit line swings by V_bl once per phase from the chip supply,
//    C_bl = rows * (access-transistor junction + wire over one cell pitch);
//  - sample-and-hold / integrator: one sample per conversion and one charge transfer per extra integration step,
//    C_s * V_fs * V_supply, C_s at least the kT/C size for the ADC's resolution (noise <= LSB^2 / 12);
//  - local digital processing unit (LDPU, HERMES has one per core): affine scale and offset and an activation
//    per output: one multiply and two adds in the accumulator format (Horowitz energies);
//  - local buffers: the input vector read from and the output vector written to a small double-buffered SRAM;
//  - clock and control: the input registers / PWM counters of the active rows are clocked every cycle of the MVM,
//    the ADC output and accumulator registers once per conversion, each with its share of the clock tree.
// Row decoders are not charged per MVM: an analog MVM drives every row at once; the decoders act when the
// crossbar is programmed (src/components/programming.ts).

import type { AnalogSpec, PeripherySpec } from "../spec/types.ts";
import { AimcsimError } from "../errors.ts";
import { FORMAT_BITS, HOROWITZ_VDD_V, addEnergyJ, adderAreaMm2, multEnergyJ, multiplierAreaMm2 } from "./digital.ts";
import { sramCost } from "./memory.ts";
import { BITS_PER_BYTE, FJ, PJ, UM2_TO_MM2, energyScale } from "./technology.ts";
import type { ComponentModelInfo } from "./model.ts";
import { adcModels, dacModels } from "./registry.ts";

import { ACCESS_GATE_CAP_130NM_F, CAP_REFERENCE_NODE_NM } from "./gate-caps.ts";
export { ACCESS_GATE_CAP_130NM_F, CAP_REFERENCE_NODE_NM };
/** Coupling capacitance per RRAM cell between word lines: 0.6 fF at 130 nm (same CiMLoop arch.yaml, "Additional
 *  0.6fF/RRAM coupling cap"); charged for RRAM only. */
export const RRAM_COUPLING_CAP_130NM_F = 0.6 * FJ; // Wan et al. 2022 via CiMLoop wan_nature_2022 arch.yaml
/** Word-line driver output capacitance: 48 fF at 130 nm (same CiMLoop arch.yaml, "48fF drivers"). */
export const WL_DRIVER_CAP_130NM_F = 48 * FJ; // Wan et al. 2022 via CiMLoop wan_nature_2022 arch.yaml
/** Interconnect capacitance: 0.2 fF per um (2e-10 F/m, NeuroSim's value as used by CiMLoop misc.py Wire;
 *  docs/REFERENCES.md [neurosim, cimloop]). */
export const WIRE_CAP_F_PER_UM = 0.2 * FJ;
/** A tapered driver chain of stage effort 4 adds C_load / (4 - 1) of internal node capacitance (Sutherland,
 *  Sproull, Harris, "Logical Effort", 1999; docs/REFERENCES.md [logical-effort]). */
export const DRIVER_CHAIN_OVERHEAD = 1 / 3;
/** Boltzmann constant times 300 K (J): kT/C noise sizing of the sample capacitor (definition of kT at 300 K;
 *  docs/REFERENCES.md [razavi-analog]). */
export const KT_300K_J = 1.380649e-23 * 300;
/** kT/C sizing: noise kT/C <= LSB^2 / 12 with LSB = V_fs / 2^bits gives C >= 12 kT 2^(2 bits) / V_fs^2
 *  (docs/REFERENCES.md [razavi-analog]); 12 is the uniform quantisation noise denominator (definition). */
export const KTC_QUANTISATION_FACTOR = 12;
/** Register energy per bit per clock: 0.009 pJ at 40 nm (Aladdin register "read", 1 GHz; hwcomponents-library
 *  aladdin.py AladdinRegister; docs/REFERENCES.md [aladdin-isca2014, hwcomponents]). */
export const REGISTER_BIT_ENERGY_40NM_J = 0.009 * PJ;
export const ALADDIN_NODE_NM = 40; // Aladdin's library node (Shao et al., ISCA 2014)
/** Clock tree energy relative to the registers it clocks. Assumption: 1 (the tree's wire and buffer
 *  capacitance about equals the clock-pin capacitance of its sinks); stated with every result. */
export const CLOCK_TREE_OVER_SINKS = 1;
/** Output word written to the local output buffer per logical output. Assumption: fp16 (16 bits), the format
 *  HERMES' LDPU and aimcsim's activations use. */
export const OUTPUT_WORD_BITS = 16;

export interface TilePeriphery {
  /** Word-line toggle + driver chain, per active row per phase (J). */
  readonly wordlineJ: number;
  /** Bit-line swing, per active physical column per phase (J). */
  readonly bitlineJ: number;
  /** Sample-and-hold, per conversion (J); 0 for a CCO, which integrates without sampling. */
  readonly sampleJ: number;
  /** Integrator charge transfer, per output line per extra integration step (J). */
  readonly integrateJ: number;
  /** LDPU (affine + activation), per logical output (J); 0 when periphery.ldpu is false. */
  readonly ldpuJ: number;
  /** Input buffer read, per active row (J). */
  readonly inputBufferJ: number;
  /** Output buffer write, per logical output (J). */
  readonly outputBufferJ: number;
  /** Clock and control of the input registers / PWM counters, per active row per clock cycle of the MVM (J). */
  readonly clockJPerRowCycle: number;
  /** ADC output + accumulator register clocking, per conversion (J). */
  readonly clockJPerConversion: number;
  readonly clockGating: boolean;
  /** LDPU + local buffers area per tile (mm^2). */
  readonly areaMm2: number;
  readonly assumption: string;
}

const pos = (v: number | undefined, path: string): void => {
  if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new AimcsimError("SpecError", `analog.periphery.${path}`, `must be a finite number > 0, got ${v}`);
};

/** The periphery model of one tile of `analog` on a chip at nodeNm and supplyV. */
export function tilePeriphery(
  analog: Pick<AnalogSpec, "tile" | "accumulatorFormat" | "weightBits"> & { readonly periphery?: PeripherySpec },
  nodeNm: number,
  supplyV: number,
  geometry: { readonly cellAreaMm2: number; readonly adcs: number; readonly outputs: number; readonly inputBits: number; readonly mvmCycles: number },
): TilePeriphery {
  const p = analog.periphery ?? {};
  pos(p.wordlineSwingV, "wordlineSwingV");
  pos(p.wordlineSupplyV, "wordlineSupplyV");
  pos(p.sampleCapF, "sampleCapF");
  pos(p.localBufferBytes, "localBufferBytes");
  if (p.bitlineSwingV !== undefined && !(Number.isFinite(p.bitlineSwingV) && p.bitlineSwingV >= 0))
    throw new AimcsimError("SpecError", "analog.periphery.bitlineSwingV", `must be a finite number >= 0, got ${p.bitlineSwingV}`);
  const t = analog.tile;
  const capScale = (nodeNm / CAP_REFERENCE_NODE_NM) ** 2;
  const pitchUm = Math.sqrt(geometry.cellAreaMm2 / UM2_TO_MM2);
  const gate = ACCESS_GATE_CAP_130NM_F * capScale;
  const coupling = t.device === "RRAM" ? RRAM_COUPLING_CAP_130NM_F * capScale : 0;
  const wire = WIRE_CAP_F_PER_UM * pitchUm;
  const cWl = t.cols * (gate + coupling + wire) + WL_DRIVER_CAP_130NM_F * capScale;
  const wlSwing = p.wordlineSwingV ?? supplyV;
  const wlSupply = p.wordlineSupplyV ?? wlSwing;
  const wordlineJ = cWl * wlSwing * wlSupply * (1 + DRIVER_CHAIN_OVERHEAD);
  const cBl = t.rows * (gate + wire); // junction capacitance taken equal to the gate's (assumption)
  const blSwing = p.bitlineSwingV ?? t.readVoltageV;
  const bitlineJ = cBl * blSwing * supplyV;
  const ktc = (KTC_QUANTISATION_FACTOR * KT_300K_J * 2 ** (2 * t.adc.bits)) / (supplyV * supplyV);
  const cS = p.sampleCapF ?? ktc;
  const chargeJ = cS * supplyV * supplyV;
  const samples = adcModels.get(t.adc.kind).convertsDuringRead !== true;
  const fmt = analog.accumulatorFormat;
  const ldpu = p.ldpu ?? true;
  const buffers = p.localBuffers ?? true;
  const ldpuJ = ldpu ? multEnergyJ(fmt, nodeNm, supplyV) + 2 * addEnergyJ(fmt, nodeNm, supplyV) : 0; // 1 mult + 2 adds (affine + activation)
  const inBytes = Math.ceil(geometry.inputBits / BITS_PER_BYTE);
  const bufBytes = p.localBufferBytes ?? 2 * (t.rows * inBytes + (geometry.outputs * OUTPUT_WORD_BITS) / BITS_PER_BYTE); // double-buffered in + out (assumption)
  const buf = sramCost({ name: "tile-buffer", capacityBytes: bufBytes, banks: 1, bytesPerCyclePerBank: 1, clockHz: 1e9 }, nodeNm, supplyV);
  const inputBufferJ = buffers ? geometry.inputBits * buf.readEnergyPerBitJ : 0;
  const outputBufferJ = buffers ? OUTPUT_WORD_BITS * buf.writeEnergyPerBitJ : 0;
  const regJ = REGISTER_BIT_ENERGY_40NM_J * energyScale(ALADDIN_NODE_NM, nodeNm, HOROWITZ_VDD_V, supplyV) * (1 + CLOCK_TREE_OVER_SINKS);
  const rowBits = dacModels.get(t.dac.kind).pulseWidth === true ? Math.max(1, geometry.inputBits - 1) : 1; // PWM: the magnitude down-counter; else the current plane or input word latch
  const clockJPerRowCycle = rowBits * regJ;
  const clockJPerConversion = (t.adc.bits + FORMAT_BITS[fmt]) * regJ;
  const clockGating = p.clockGating ?? false;
  // LDPU lanes: enough to process every output within one MVM (assumption: the LDPU keeps pace with the array).
  const lanes = ldpu ? Math.max(1, Math.ceil(geometry.outputs / Math.max(1, geometry.mvmCycles))) : 0;
  const fmtJ = (j: number): string => `${p3(j / FJ)} fJ`; // formatting
  const p3 = (x: number): string => x.toPrecision(3); // formatting: 3 significant digits
  const p2 = (x: number): string => x.toPrecision(2); // formatting: 2 significant digits
  const assumption =
    `tile periphery: word line ${fmtJ(wordlineJ)} per row per phase (C_wl ${p3(cWl / FJ)} fF: ${t.cols} x (gate ${p2(gate / FJ)} + wire ${p2(wire / FJ)}` +
    `${coupling > 0 ? ` + RRAM coupling ${p2(coupling / FJ)}` : ""}) fF + driver; NeuRRAM-reported caps scaled (node/130)^2, 0.2 fF/um wire; ${wlSwing} V swing from ${wlSupply} V, +1/3 driver chain); ` +
    `bit line ${fmtJ(bitlineJ)} per column per phase (${blSwing} V swing); ` +
    (samples ? `sample ${fmtJ(chargeJ)} per conversion (C_s ${p3(cS / FJ)} fF${p.sampleCapF === undefined ? ", kT/C for the ADC bits" : ""}); ` : "no sample-and-hold (CCO integrates the current); ") +
    (ldpu ? `LDPU ${fmtJ(ldpuJ)} per output (1 mult + 2 adds ${fmt}, Horowitz; ${lanes} lane(s), enough for one MVM's outputs: assumption); ` : "no LDPU; ") +
    (buffers ? `local buffer ${bufBytes} B (${fmtJ(inputBufferJ)} per input read, ${fmtJ(outputBufferJ)} per output write); ` : "no local buffers; ") +
    `clock and control ${fmtJ(clockJPerRowCycle)} per row per cycle (${rowBits} input register bit(s)) and ${fmtJ(clockJPerConversion)} per conversion (ADC + accumulator registers), ` +
    `Aladdin register 0.009 pJ/bit @ 40 nm scaled, x2 for the clock tree (assumption)${clockGating ? "; clock-gated to the active rows" : "; no clock gating: every row's register is clocked"}.`;
  const areaMm2 = (buffers ? buf.areaMm2 : 0) + lanes * (multiplierAreaMm2(fmt, nodeNm) + 2 * adderAreaMm2(fmt, nodeNm));
  return {
    wordlineJ,
    bitlineJ,
    sampleJ: samples ? chargeJ : 0,
    integrateJ: chargeJ,
    ldpuJ,
    inputBufferJ,
    outputBufferJ,
    clockJPerRowCycle,
    clockJPerConversion,
    clockGating,
    areaMm2,
    assumption,
  };
}

/** Periphery energy of one MVM (J): rows x phases word-line toggles, physical columns x phases bit-line swings,
 *  conversions samples, output lines x extra integration steps, outputs x LDPU + output buffer, rows x input
 *  buffer, the row registers' clock over the MVM's cycles (active rows only when clock-gated), the output
 *  registers' per conversion. */
export function peripheryMvmEnergyJ(
  p: TilePeriphery,
  a: { rows: number; tileRows: number; physicalCols: number; outputs: number; phases: number; conversions: number; extraIntegrationSteps: number; cycles: number },
): number {
  return (
    a.rows * a.phases * p.wordlineJ +
    a.physicalCols * a.phases * p.bitlineJ +
    a.conversions * (p.sampleJ + p.clockJPerConversion) +
    a.outputs * a.extraIntegrationSteps * p.integrateJ +
    a.outputs * (p.ldpuJ + p.outputBufferJ) +
    a.rows * p.inputBufferJ +
    a.cycles * p.clockJPerRowCycle * (p.clockGating ? a.rows : a.tileRows)
  );
}

export const PERIPHERY_MODEL: ComponentModelInfo = {
  kind: "periphery",
  parameters: ["analog.periphery.*", "tile.rows", "tile.cols", "tile.device", "tile.readVoltageV", "tile.adc.bits", "analog.accumulatorFormat", "supplyV", "technologyNm"],
  reference: "NeuRRAM word-line capacitances (via CiMLoop), NeuroSim wire capacitance, kT/C sample capacitor, Horowitz LDPU arithmetic, Aladdin register energy",
  scaling: "capacitances (node/130 nm)^2 (CiMLoop); C V_swing V_supply per toggle; digital by Stillmaker-Baas and (V/0.9 V)^2",
  actions: ["word-line toggle", "bit-line swing", "sample", "integrate", "ldpu", "buffer read/write", "clock cycle"],
  sources: ["docs/REFERENCES.md [cimloop, neurram-nature2022, neurosim, razavi-analog, horowitz-isscc2014, aladdin-isca2014, logical-effort]"],
};
