// Digital arithmetic cost models: MAC and add energy per DigitalFormat and node (Horowitz ISSCC 2014 at
// 45 nm / 0.9 V, scaled with technology.ts), systolic-array PEs, vector units (softmax, norm, activation,
// rope, elementwise) and Anda-style bit-serial units.
//
// Actions: systolic "mac" (one MAC incl. operand movement), vector "<op>" (one element),
// bit-serial "bitPlaneCycle" (one mantissa bit-plane of one group) and "groupAccumulate" (FP32, per group).

import type {
  BitSerialUnitSpec,
  DigitalFormat,
  SystolicArraySpec,
  VectorOp,
  VectorUnitSpec,
} from "../spec/types.ts";
import { requireSpec as check } from "./checks.ts";
import { VECTOR_OPS } from "../spec/schema.ts";
import { PJ, UM2_TO_MM2, areaScale, energyScale, periodPs } from "./technology.ts";
import type { ComponentModelInfo } from "./model.ts";

/** Reference design of the Horowitz numbers: 45 nm, 0.9 V (M. Horowitz, "Computing's energy problem", ISSCC 2014). */
export const HOROWITZ_NODE_NM = 45;
export const HOROWITZ_VDD_V = 0.9; // Horowitz ISSCC 2014

/** Energy (pJ, 45 nm) of one add and one multiply per format. int8/int32/fp16/fp32: Horowitz ISSCC 2014
 *  (docs/REFERENCES.md [horowitz-isscc2014]). The others are assumptions derived from it, each stated on its line. */
const ADD_PJ_45: Readonly<Record<DigitalFormat, number>> = {
  int4: 0.015, // assumption: ripple add linear in width, half of Horowitz int8 0.03 pJ
  int8: 0.03, // Horowitz ISSCC 2014
  int16: 0.05, // assumption: linear between Horowitz int8 0.03 and int32 0.1 pJ
  int32: 0.1, // Horowitz ISSCC 2014
  fp8: 0.2, // assumption: half of Horowitz fp16 add 0.4 pJ (alignment + normalisation halve with the width)
  fp16: 0.4, // Horowitz ISSCC 2014
  bf16: 0.4, // assumption: as Horowitz fp16 add (same 16-bit datapath; wider exponent, shorter mantissa)
  fp32: 0.9, // Horowitz ISSCC 2014
};
const MULT_PJ_45: Readonly<Record<DigitalFormat, number>> = {
  int4: 0.05, // assumption: array multiplier quadratic in width: Horowitz int8 0.2 pJ / 4
  int8: 0.2, // Horowitz ISSCC 2014
  int16: 0.8, // assumption: quadratic: Horowitz int8 0.2 pJ * 4 (int32 3.1 pJ = 15.5x int8 confirms ~quadratic)
  int32: 3.1, // Horowitz ISSCC 2014
  fp8: 0.25, // assumption: mantissa multiplier quadratic, fp16 1.1 pJ * (4/11)^2 plus exponent add, rounded up
  fp16: 1.1, // Horowitz ISSCC 2014
  bf16: 0.6, // assumption: fp16 1.1 pJ * (8/11)^2 mantissa ratio = 0.58 pJ
  fp32: 3.7, // Horowitz ISSCC 2014
};
/** Area (um^2, 45 nm) of one adder and one multiplier. int8/int32 add, int8/int32 mult, fp16/fp32 add and mult:
 *  Horowitz ISSCC 2014 area table (8b add 36, 32b add 137, 8b mult 282, 32b mult 3495, fp16 add 1360, fp32 add
 *  4184, fp16 mult 1640, fp32 mult 7700 um^2), recalled from the talk, not re-read (docs/REFERENCES.md [horowitz-isscc2014]): verify before a
 *  preset's area is validated against them. */
const ADD_UM2_45: Readonly<Record<DigitalFormat, number>> = {
  int4: 18, // assumption: half of Horowitz int8 adder 36 um^2
  int8: 36, // Horowitz ISSCC 2014 area table
  int16: 70, // assumption: linear between Horowitz int8 36 and int32 137 um^2
  int32: 137, // Horowitz ISSCC 2014 area table
  fp8: 680, // assumption: half of Horowitz fp16 adder 1360 um^2
  fp16: 1360, // Horowitz ISSCC 2014 area table
  bf16: 1360, // assumption: as fp16 adder
  fp32: 4184, // Horowitz ISSCC 2014 area table
};
const MULT_UM2_45: Readonly<Record<DigitalFormat, number>> = {
  int4: 71, // assumption: quadratic, Horowitz int8 multiplier 282 um^2 / 4
  int8: 282, // Horowitz ISSCC 2014 area table
  int16: 1128, // assumption: quadratic, 282 um^2 * 4
  int32: 3495, // Horowitz ISSCC 2014 area table
  fp8: 400, // assumption: fp16 1640 um^2 * (4/11)^2 mantissa array + exponent logic, rounded up
  fp16: 1640, // Horowitz ISSCC 2014 area table
  bf16: 870, // assumption: fp16 1640 um^2 * (8/11)^2
  fp32: 7700, // Horowitz ISSCC 2014 area table
};

/** Width in bits of each format's operands (definition of the formats). */
export const FORMAT_BITS: Readonly<Record<DigitalFormat, number>> = {
  int4: 4, // definition
  int8: 8, // definition
  int16: 16, // definition
  int32: 32, // definition
  fp8: 8, // definition
  fp16: 16, // definition
  bf16: 16, // definition
  fp32: 32, // definition
};

/** Operand-movement overhead of a systolic PE per MAC, in units of the MAC energy. Eyeriss normalised energy:
 *  register-file access ~1x MAC, inter-PE transfer ~2x (Chen, Emer, Sze, ISCA 2016, Fig. 1). Assumption: a
 *  systolic PE's pipeline registers (one operand in, one forwarded, partial sum kept) cost ~1x MAC. */
export const SYSTOLIC_OPERAND_OVERHEAD = 1;
/** PE area overhead over multiplier + adder for pipeline registers and control. Assumption: +50 %
 *  (registers for two operands and one partial sum are comparable to half of an 8-bit MAC's area). */
export const PE_AREA_OVERHEAD = 1.5;

/** One add in `format` at nodeNm (J). Supply scaling uses Horowitz's 0.9 V as reference when supplyV is given. */
export function addEnergyJ(format: DigitalFormat, nodeNm: number, supplyV?: number): number {
  const pj = ADD_PJ_45[format];
  check(pj !== undefined, "format", `unknown digital format ${format}`);
  return pj * PJ * energyScale(HOROWITZ_NODE_NM, nodeNm, supplyV === undefined ? undefined : HOROWITZ_VDD_V, supplyV);
}
/** One multiply in `format` at nodeNm (J). */
export function multEnergyJ(format: DigitalFormat, nodeNm: number, supplyV?: number): number {
  const pj = MULT_PJ_45[format];
  check(pj !== undefined, "format", `unknown digital format ${format}`);
  return pj * PJ * energyScale(HOROWITZ_NODE_NM, nodeNm, supplyV === undefined ? undefined : HOROWITZ_VDD_V, supplyV);
}
/** One MAC (multiply + add in the same format) at nodeNm (J). */
export function macEnergyJ(format: DigitalFormat, nodeNm: number, supplyV?: number): number {
  return multEnergyJ(format, nodeNm, supplyV) + addEnergyJ(format, nodeNm, supplyV);
}
export function adderAreaMm2(format: DigitalFormat, nodeNm: number): number {
  return ADD_UM2_45[format] * UM2_TO_MM2 * areaScale(HOROWITZ_NODE_NM, nodeNm);
}
export function multiplierAreaMm2(format: DigitalFormat, nodeNm: number): number {
  return MULT_UM2_45[format] * UM2_TO_MM2 * areaScale(HOROWITZ_NODE_NM, nodeNm);
}

export interface UnitCost {
  readonly energyJ: number;
  readonly latencyPs: number;
  readonly areaMm2: number;
}

// ---------------------------------------------------------------- systolic array

/** One MAC in one PE of a systolic array, incl. operand/partial-sum register movement; latency one cycle;
 *  area of one PE. */
export function systolicPeCost(sa: SystolicArraySpec, nodeNm: number, supplyV?: number): UnitCost {
  const mac = macEnergyJ(sa.format, nodeNm, supplyV);
  return {
    energyJ: mac * (1 + SYSTOLIC_OPERAND_OVERHEAD),
    latencyPs: periodPs(sa.clockHz),
    areaMm2: (multiplierAreaMm2(sa.format, nodeNm) + adderAreaMm2(sa.format, nodeNm)) * PE_AREA_OVERHEAD,
  };
}

// ---------------------------------------------------------------- vector unit

/** Per-element cost of each vector op as (multiplies, adds) in the unit's format. Assumptions, per op:
 *  softmax: max-compare 1 add, subtract max 1 add, exp as a degree-4 polynomial after range reduction
 *  (4 mult + 4 add, Horner), running sum 1 add, normalise 1 mult (reciprocal amortised per row) = 5 mult + 7 add;
 *  norm (RMSNorm/LayerNorm): square-accumulate 1 mult + 1 add, centre 1 add, scale by rsqrt and gamma 2 mult
 *  = 3 mult + 2 add; activation (SiLU/GELU via sigmoid): exp (4 mult + 4 add) + 1 add + reciprocal-multiply
 *  1 mult = 5 mult + 5 add; rope: x*cos - y*sin per element = 2 mult + 1 add; elementwise: 1 mult. */
export const VECTOR_OP_MIX: Readonly<Record<VectorOp, { readonly mults: number; readonly adds: number }>> = {
  softmax: { mults: 5, adds: 7 }, // assumption (see above)
  norm: { mults: 3, adds: 2 }, // assumption (see above)
  activation: { mults: 5, adds: 5 }, // assumption (see above)
  rope: { mults: 2, adds: 1 }, // assumption (see above)
  elementwise: { mults: 1, adds: 0 }, // assumption (see above)
};
/** Vector-lane area overhead over one multiplier + one adder for exp/reciprocal tables, registers and control.
 *  Assumption: 2x (a lane holds a multiplier, an adder, a small LUT and a register file). */
export const VECTOR_LANE_AREA_OVERHEAD = 2;

/** One element of `op` on one lane: energy, latency (one cycle per element per lane, pipelined), lane area. */
export function vectorOpCost(vu: VectorUnitSpec, op: VectorOp, nodeNm: number, supplyV?: number): UnitCost {
  const mix = VECTOR_OP_MIX[op];
  check(mix !== undefined, `vector.${vu.name}.ops`, `unknown vector op ${op}`);
  return {
    energyJ: mix.mults * multEnergyJ(vu.format, nodeNm, supplyV) + mix.adds * addEnergyJ(vu.format, nodeNm, supplyV),
    latencyPs: periodPs(vu.clockHz),
    areaMm2: vectorLaneAreaMm2(vu, nodeNm),
  };
}
export function vectorLaneAreaMm2(vu: VectorUnitSpec, nodeNm: number): number {
  return (multiplierAreaMm2(vu.format, nodeNm) + adderAreaMm2(vu.format, nodeNm)) * VECTOR_LANE_AREA_OVERHEAD;
}

// ---------------------------------------------------------------- bit-serial (Anda) unit

/** Anda APU (HPCA 2025, docs/REFERENCES.md [anda-hpca2025]): per cycle one mantissa bit-plane of a group of groupSize activations
 *  meets groupSize INT4 weights: AND gating, a groupSize-wide adder tree, and a shift-accumulate; at the end of
 *  each group an FP32 accumulation (align by the shared exponent, add). Assumptions for the energy:
 *  adder-tree nodes average ~8-bit wide (inputs are 4-bit products, the root is 4 + log2(64) = 10 bits), so
 *  (groupSize - 1) int8 adds; the shift-accumulate is one int32 add; the group's FP32 accumulation is one fp32
 *  multiply (scale) + one fp32 add. */
export const ANDA_TREE_ADD_FORMAT: DigitalFormat = "int8"; // assumption (see above)
export const ANDA_SHIFT_ACC_FORMAT: DigitalFormat = "int32"; // assumption (see above)
/** Mantissa bits assumed for a bit-serial unit's peak throughput when the workload's are unknown. Assumption:
 *  8, the middle of Anda's searched range 4..13 (Anda HPCA 2025, docs/REFERENCES.md [anda-hpca2025]). */
export const ANDA_DEFAULT_MANTISSA_BITS = 8;
/** Area overhead of an APU over its adders for bit-plane buffers and control. Assumption: 1.5x. */
export const APU_AREA_OVERHEAD = 1.5;

export interface BitSerialCost {
  /** One bit-plane cycle of one group in one APU (J). */
  readonly bitPlaneEnergyJ: number;
  /** FP32 accumulation of one finished group (J). */
  readonly groupAccumulateEnergyJ: number;
  /** One cycle (ps). */
  readonly cyclePs: number;
  /** One APU (mm^2). */
  readonly apuAreaMm2: number;
}

export function bitSerialCost(bs: BitSerialUnitSpec, nodeNm: number, supplyV?: number): BitSerialCost {
  const treeAdds = bs.groupSize - 1;
  return {
    bitPlaneEnergyJ:
      treeAdds * addEnergyJ(ANDA_TREE_ADD_FORMAT, nodeNm, supplyV) + addEnergyJ(ANDA_SHIFT_ACC_FORMAT, nodeNm, supplyV),
    groupAccumulateEnergyJ: multEnergyJ("fp32", nodeNm, supplyV) + addEnergyJ("fp32", nodeNm, supplyV),
    cyclePs: periodPs(bs.clockHz),
    apuAreaMm2:
      (treeAdds * adderAreaMm2(ANDA_TREE_ADD_FORMAT, nodeNm) +
        adderAreaMm2(ANDA_SHIFT_ACC_FORMAT, nodeNm) +
        adderAreaMm2("fp32", nodeNm) +
        multiplierAreaMm2("fp32", nodeNm)) *
      APU_AREA_OVERHEAD,
  };
}

/** Energy of one dot product of length n on a bit-serial unit with `mantissaBits` bit-planes (J). */
export function bitSerialDotEnergyJ(cost: BitSerialCost, groupSize: number, n: number, mantissaBits: number): number {
  const groups = Math.ceil(n / groupSize);
  return groups * (mantissaBits * cost.bitPlaneEnergyJ + cost.groupAccumulateEnergyJ);
}


export const SYSTOLIC_MODEL: ComponentModelInfo = {
  kind: "systolic",
  parameters: ["systolic[].rows", "systolic[].cols", "systolic[].format", "systolic[].clockHz", "systolic[].count", "technologyNm", "supplyV"],
  reference: "Horowitz ISSCC 2014 45 nm / 0.9 V add and multiply energies and areas",
  scaling: "MAC * (1 + operand overhead), one MAC per PE per cycle; node: Stillmaker-Baas; supply: (V/0.9)^2",
  actions: ["mac"],
  sources: ["Horowitz ISSCC 2014", "Eyeriss ISCA 2016 (register overhead)"],
};
export const VECTOR_MODEL: ComponentModelInfo = {
  kind: "vector",
  parameters: ["vector[].lanes", "vector[].format", "vector[].clockHz", "vector[].count", "vector[].ops"],
  reference: "per-element multiply/add mixes (assumptions) at Horowitz energies",
  scaling: "one element per lane per cycle; node and supply as systolic",
  actions: VECTOR_OPS,
  sources: ["Horowitz ISSCC 2014", "assumptions stated in digital.ts"],
};
export const BITSERIAL_MODEL: ComponentModelInfo = {
  kind: "bitserial",
  parameters: ["bitSerial[].groupSize", "bitSerial[].units", "bitSerial[].clockHz", "bitSerial[].count"],
  reference: "Anda HPCA 2025 APU: one bit-plane per cycle, groupSize-wide adder tree, shift-accumulate, FP32 group accumulation",
  scaling: "bit-plane cycle: (groupSize-1) int8 adds + one int32 add; per group: one fp32 mult + add; node and supply as systolic",
  actions: ["bit-plane cycle", "group accumulate"],
  sources: ["Anda HPCA 2025 (docs/REFERENCES.md [anda-hpca2025])", "Horowitz ISSCC 2014"],
};
