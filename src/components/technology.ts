// Technology scaling shared by every component model: energy and area from a reference design's
// technology node and supply to the chip's. One place for the scaling tables.
//
// Source: A. Stillmaker, B. Baas, "Scaling equations for the accurate prediction of CMOS device
// performance from 180 nm to 7 nm", Integration, the VLSI Journal 58 (2017) 74-81, as tabulated in
// Accelergy-Project/hwcomponents, hwcomponents/scaling/techscaling.py (TECH_NODES, AREA_SCALING,
// ENERGY_SCALING). Outside 7..130 nm we extrapolate as that file does: area linearly with the node
// ratio, energy with its square root (IRDS 2016/2017 trend, per the same file).
//
// Delay is NOT scaled here: every latency in aimcsim comes from a clock or a time the spec states
// (clockHz, integrationTimeNs, ADC/DAC latency models), so there is no node-dependent delay to scale.

import { requireNode } from "./checks.ts";

/** Nodes of the Stillmaker & Baas table (nm), largest first. Stillmaker & Baas 2017 via hwcomponents techscaling.py. */
export const TECH_NODES_NM: readonly number[] = [130, 90, 65, 45, 32, 20, 16, 14, 10, 7];

/** Area of a design at each node relative to the same design at 45 nm: the 45 nm row of AREA_SCALING
 *  (Stillmaker & Baas 2017 via hwcomponents techscaling.py, row "45e-9"). */
export const AREA_REL_45NM: readonly number[] = [6.4, 2.8, 1.5, 1, 0.46, 0.21, 0.19, 0.17, 0.1, 0.059];

/** Energy factor a*V^2 + b*V + c per node (Stillmaker & Baas 2017 via hwcomponents techscaling.py ENERGY_SCALING). */
export const ENERGY_POLY: readonly (readonly [number, number, number])[] = [
  [7.171, -6.709, 2.904], // 130 nm, Stillmaker & Baas 2017
  [4.762, -4.781, 2.092], // 90 nm, Stillmaker & Baas 2017
  [3.755, -4.398, 1.975], // 65 nm, Stillmaker & Baas 2017
  [1.103, -0.362, 0.2767], // 45 nm, Stillmaker & Baas 2017
  [0.9559, -0.7823, 0.471], // 32 nm, Stillmaker & Baas 2017
  [0.373, -0.1582, 0.04104], // 20 nm, Stillmaker & Baas 2017
  [0.2958, -0.1241, 0.03024], // 16 nm, Stillmaker & Baas 2017
  [0.2363, -0.09675, 0.02239], // 14 nm, Stillmaker & Baas 2017
  [0.2068, -0.09311, 0.02375], // 10 nm, Stillmaker & Baas 2017
  [0.1776, -0.09097, 0.02447], // 7 nm, Stillmaker & Baas 2017
];

/** Supply at which the node-to-node energy factor is evaluated. hwcomponents techscaling.py default vdd (0.8 V);
 *  the table is monotone in node at this voltage (it is not for every voltage, e.g. 0.3 V), so supply changes
 *  are applied separately as (V / Vref)^2 (classic CV^2 switching energy, assumption: same capacitance). */
export const SCALING_VDD_V = 0.8;

/** The energy polynomial evaluated at SCALING_VDD_V, once. */
const ENERGY_AT_VREF: readonly number[] = ENERGY_POLY.map(
  (p) => p[0] * SCALING_VDD_V * SCALING_VDD_V + p[1] * SCALING_VDD_V + p[2],
);

/** Energy stops scaling below 1 nm (IRDS 2022, per hwcomponents techscaling.py). */
const MIN_NODE_NM = 1;

/** Piecewise-linear interpolation of a per-node table at nodeNm inside [7, 130] nm (hwcomponents convention). */
function interpolate(table: readonly number[], nodeNm: number): number {
  const n = TECH_NODES_NM.length;
  for (let i = 0; i < n - 1; i++) {
    const hi = TECH_NODES_NM[i];
    const lo = TECH_NODES_NM[i + 1];
    if (nodeNm <= hi && nodeNm >= lo) {
      const t = (hi - nodeNm) / (hi - lo);
      return table[i] * (1 - t) + table[i + 1] * t;
    }
  }
  return table[nodeNm > TECH_NODES_NM[0] ? 0 : n - 1];
}

/** The node clamped into the table's range [7, 130] nm. */
const clampToTable = (nodeNm: number): number =>
  Math.min(Math.max(nodeNm, TECH_NODES_NM[TECH_NODES_NM.length - 1]), TECH_NODES_NM[0]);

function energyFactorAt(nodeNm: number): number {
  const node = Math.max(nodeNm, MIN_NODE_NM);
  const clamped = clampToTable(node);
  // Outside the table: square root of the node ratio (hwcomponents techscaling.py tech_node_energy).
  return interpolate(ENERGY_AT_VREF, clamped) * Math.sqrt(node / clamped);
}

function areaFactorAt(nodeNm: number): number {
  const clamped = clampToTable(nodeNm);
  // Outside the table: linear in the node ratio (hwcomponents techscaling.py tech_node_area).
  return interpolate(AREA_REL_45NM, clamped) * (nodeNm / clamped);
}

/** Multiply an energy measured at fromNm (and fromV) by this to get it at toNm (and toV). */
export function energyScale(fromNm: number, toNm: number, fromV?: number, toV?: number): number {
  requireNode(fromNm);
  requireNode(toNm);
  const node = energyFactorAt(toNm) / energyFactorAt(fromNm);
  if (fromV === undefined || toV === undefined) return node;
  return node * (toV / fromV) * (toV / fromV);
}

/** Multiply an area measured at fromNm by this to get it at toNm. */
export function areaScale(fromNm: number, toNm: number): number {
  requireNode(fromNm);
  requireNode(toNm);
  return areaFactorAt(toNm) / areaFactorAt(fromNm);
}

/** Node of the ISAAC design whose converter, shift-add and router figures several models scale from
 *  (Shafiee et al., ISCA 2016: 32 nm). */
export const ISAAC_NODE_NM = 32;

/** Unit conversions (definitions, not physical constants). */
export const PJ = 1e-12;
export const FJ = 1e-15;
export const UM2_TO_MM2 = 1e-6;
export const NM_TO_MM = 1e-6;
export const PS_PER_S = 1e12;
export const PS_PER_NS = 1e3;
export const BITS_PER_BYTE = 8; // definition
/** Picoseconds of one period of a clock at clockHz (integer time is the engine's job; this stays real). */
export const periodPs = (clockHz: number): number => PS_PER_S / clockHz;
