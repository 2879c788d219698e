// R-2R resistive-ladder voltage DAC (the input DAC of the Intel 22 nm C-2C SRAM CIM macro, Wang et al., VLSI 2022 /
// JSSC 2023; docs/REFERENCES.md [wang-c2c-2022]), as CiMLoop models it (X2X_ladder.py DigitalAnalogConverter_R2R,
// docs/REFERENCES.md [cimloop]). Per bit a 2R leg from the bit's switch (V_ref or ground) into a ladder node, a
// series R between nodes, a 2R termination to ground at the LSB end, the output unloaded at the MSB node. Unlike a
// capacitive ladder it draws STATIC current from V_ref while it holds a code:
//   P(code) = V_ref * sum over set bits i of (V_ref - V_i(code)) / (2R),
// V_i the node voltages of the nodal equations (node 0: 4 V_0 - 2 V_1 = b_0 V_ref; middle: -2 V_{i-1} + 5 V_i
// - 2 V_{i+1} = b_i V_ref; last: -2 V_{n-2} + 3 V_{n-1} = b_{n-1} V_ref, in units of 1/(2R)). The mean over
// uniformly distributed codes follows exactly from linearity: V_i = V_ref sum_j a_ij b_j with a = the inverse
// nodal matrix, E[b_i] = 1/2, E[b_i b_j] = 1/4 (i != j), so E[P] = V_ref^2 / (2R) * sum_i (1/2 - a_ii / 2 -
// sum_{j != i} a_ij / 4). The ladder holds its code until the next input replaces it (no return to zero between
// inputs, as CiMLoop's wang_vlsi_2022 arch.yaml zero_between_values 0): crossbar.ts charges holdPowerW over one
// MVM interval per phase. The bit switches' gate charge is added per toggling bit. Energy is written in V_ref,
// so no (V / V_ref)^2 converter scaling is applied on top.
import type { DacModel } from "../model.ts";
import type { DacSpec } from "../../spec/types.ts";
import { fmtJ } from "../format.ts";
import { FJ, UM2_TO_MM2, periodPs } from "../technology.ts";
import { ACCESS_GATE_CAP_130NM_F, CAP_REFERENCE_NODE_NM } from "../gate-caps.ts";
import { DEFAULT_CAP_DAC_SUPPLY_V } from "./capacitive-common.ts";

/** Unit resistance default: 5 kOhm (CiMLoop dac_x2x_ladder.yaml unit_resistance 5e3 and wang_vlsi_2022
 *  variables_free.yaml DAC_UNIT_RESISTANCE 5000, the Intel 22 nm macro; docs/REFERENCES.md [cimloop, wang-c2c-2022]). */
export const R2R_UNIT_RESISTANCE_OHM = 5e3;
/** Ladder area: 0.7e-14 m^2 (0.007 um^2) of chip area per ohm per bit at 22 nm, x (node / 22 nm)^2 (CiMLoop
 *  X2X_ladder.py m2_chip_area_per_ohm; docs/REFERENCES.md [cimloop]). */
export const R2R_AREA_UM2_PER_OHM_22NM = 0.007;
export const R2R_AREA_REFERENCE_NODE_NM = 22; // CiMLoop X2X_ladder.py (22 nm reference; docs/REFERENCES.md [cimloop])
/** A bit's switch toggles with probability 1/2 between uniformly distributed codes (definition). */
const TOGGLE_PROBABILITY = 0.5;
/** Transistors per bit switch: an inverter pair (PMOS + NMOS) drives the 2R leg to V_ref or ground (definition
 *  of the voltage-mode switch). */
const SWITCH_GATES_PER_BIT = 2;

const meanCache = new Map<number, number>();

/** Mean over uniformly distributed codes of sum_i b_i (1 - V_i / V_ref): the ladder's mean current in units of
 *  V_ref / (2R). Exact (see the header); 8 bits -> 1.4444. */
export function r2rMeanCurrentUnits(bits: number): number {
  const hit = meanCache.get(bits);
  if (hit !== undefined) return hit;
  const n = bits;
  // Nodal matrix in units of 1/(2R) (header); a = its inverse, column j = node voltages for bit j alone at V_ref = 1.
  const m: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    m[i]![i] = 1 + (i === 0 ? 1 : 0) + (i > 0 ? 2 : 0) + (i < n - 1 ? 2 : 0); // leg 2R, termination 2R, series R both sides
    if (i > 0) m[i]![i - 1] = -2;
    if (i < n - 1) m[i]![i + 1] = -2;
  }
  const inv = invert(m);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let j = 0; j < n; j++) if (j !== i) off += inv[i]![j]!;
    sum += 0.5 - inv[i]![i]! / 2 - off / 4; // definition: E[b_i] = 1/2, E[b_i b_j] = 1/4 (header)
  }
  meanCache.set(bits, sum);
  return sum;
}

/** Current (units of V_ref / (2R)) the ladder draws holding one code (bit i of `code` drives leg i, LSB = 0). */
export function r2rCurrentUnits(bits: number, code: number): number {
  const n = bits;
  const m: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const rhs: number[] = [];
  for (let i = 0; i < n; i++) {
    m[i]![i] = 1 + (i === 0 ? 1 : 0) + (i > 0 ? 2 : 0) + (i < n - 1 ? 2 : 0);
    if (i > 0) m[i]![i - 1] = -2;
    if (i < n - 1) m[i]![i + 1] = -2;
    rhs.push((code >> i) & 1);
  }
  const inv = invert(m);
  let current = 0;
  for (let i = 0; i < n; i++) {
    if (rhs[i] === 0) continue;
    let v = 0;
    for (let j = 0; j < n; j++) v += inv[i]![j]! * rhs[j]!;
    current += 1 - v;
  }
  return current;
}

function invert(a: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const d = m[c]![c]!;
    for (let k = 0; k < 2 * n; k++) m[c]![k]! /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      if (f === 0) continue;
      for (let k = 0; k < 2 * n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row) => row.slice(n));
}

/** Ladder reference voltage: dac.referenceV, else the driver supply, else the converters' reference supply. */
const ladderV = (dac: DacSpec, supplyV: number | undefined): number => dac.referenceV ?? supplyV ?? DEFAULT_CAP_DAC_SUPPLY_V;

export const R2R_LADDER_DAC: DacModel = {
  kind: "r2r-ladder",
  reference: "R-2R ladder: static V_ref^2 x mean(I) / (2R) held over the MVM interval + bit switches; R 5 kOhm (Intel 22 nm macro via CiMLoop)",
  sources: ["docs/REFERENCES.md [wang-c2c-2022, cimloop]"],
  convert(dac, nodeNm, clockHz, supplyV) {
    const v = ladderV(dac, supplyV);
    const r = dac.unitResistanceOhm ?? R2R_UNIT_RESISTANCE_OHM;
    const ladders = dac.laddersPerInput ?? 1;
    const units = r2rMeanCurrentUnits(dac.bits);
    const holdPowerW = (ladders * v * v * units) / (2 * r);
    // Bit switches: SWITCH_GATES_PER_BIT gates of the periphery's access-gate capacitance at this node per bit.
    const gateF = ACCESS_GATE_CAP_130NM_F * (nodeNm / CAP_REFERENCE_NODE_NM) ** 2;
    const energyJ = ladders * dac.bits * TOGGLE_PROBABILITY * SWITCH_GATES_PER_BIT * gateF * v * v;
    const areaUm2 = ladders * R2R_AREA_UM2_PER_OHM_22NM * (nodeNm / R2R_AREA_REFERENCE_NODE_NM) ** 2 * dac.bits * r;
    const pUw = (holdPowerW * 1e6).toPrecision(3); // formatting
    const uStr = units.toPrecision(4); // formatting
    const gStr = (gateF / FJ).toPrecision(3); // formatting
    const aStr = areaUm2.toPrecision(3); // formatting
    return {
      energyJ,
      holdPowerW,
      latencyPs: periodPs(clockHz),
      phases: 1,
      areaMm2: areaUm2 * UM2_TO_MM2,
      supplyExplicit: true,
      passiveAreaFraction: 1, // definition: the modelled area is the resistors' (the switches' area is not modelled); resistors do not leak
      assumption:
        `R-2R ladder DAC ${dac.bits}-bit x ${ladders} ladder(s) per input: static ${pUw} uW ` +
        `(V_ref ${v} V, R ${r} Ohm, mean ladder current ${uStr} V_ref / 2R over uniform codes, exact nodal solution) ` +
        `held from one input to the next (one MVM interval per phase, no return to zero: CiMLoop's model), + bit switches ` +
        `${fmtJ(energyJ)} per conversion (${SWITCH_GATES_PER_BIT} gates of ${gStr} fF per bit, toggle 1/2); settles in 1 cycle (assumption); ` +
        `area ${aStr} um^2 (CiMLoop's 0.007 um^2 per ohm per bit at 22 nm), resistors: no leakage charged over it.`,
    };
  },
};
