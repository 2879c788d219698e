// Operand delivery to an array fed from a register file (a GPU's tensor cores): each matrix instruction reads its
// A and B fragments and its C accumulators from the register file and writes D back, and the fragments were
// loaded from shared memory, which the GEMM's tiles were stored to. A systolic array fed from its own edge
// registers (a TPU-style array) pays none of this: its operand registers are in the PE energy
// (SYSTOLIC_OPERAND_OVERHEAD) and its SRAM reads are charged by the simulator; `operandDelivery` is absent there.
//
// Model: per MAC, registerBitsPerMac x e_bit(register bank) + sharedBitsPerMac x e_bit(shared bank), e_bit the
// SRAM model's read energy per bit of one bank (Horowitz's 8 KB 64-bit read, sqrt(bank capacity), node and
// supply scaled; writes = reads; src/components/memory.ts, docs/REFERENCES.md [horowitz-isscc2014, cacti]); the
// storage's area is the SRAM model's (6T bitcells / array efficiency), so its leakage is charged with the array's.
// The bits per MAC are the spec's: for a GPU they follow from the matrix instruction's shape (PTX mma) and the
// GEMM library's tiles (hw-specs/a100-like.ts states them).
import type { SystolicArraySpec } from "../spec/types.ts";
import { systolicPeCost, type UnitCost } from "./digital.ts";
import { sramCost } from "./memory.ts";

export interface OperandDeliveryCost {
  /** Register file + shared memory energy per MAC (J); 0 without `operandDelivery`. */
  readonly energyPerMacJ: number;
  readonly registerJPerBit: number;
  readonly sharedJPerBit: number;
  /** Area of one instance's register file and shared memory (mm^2). */
  readonly storageAreaMm2: number;
}

const NONE: OperandDeliveryCost = { energyPerMacJ: 0, registerJPerBit: 0, sharedJPerBit: 0, storageAreaMm2: 0 };

export function operandDeliveryCost(sa: SystolicArraySpec, nodeNm: number, supplyV?: number): OperandDeliveryCost {
  const d = sa.operandDelivery;
  if (d === undefined) return NONE;
  // bytesPerCyclePerBank only sets a bandwidth, which this cost does not use (definition: one byte).
  const rf = sramCost({ name: `${sa.name}.registers`, capacityBytes: d.registerBytes, banks: d.registerBanks, bytesPerCyclePerBank: 1, clockHz: sa.clockHz }, nodeNm, supplyV);
  const sh = sramCost({ name: `${sa.name}.shared`, capacityBytes: d.sharedBytes, banks: d.sharedBanks, bytesPerCyclePerBank: 1, clockHz: sa.clockHz }, nodeNm, supplyV);
  return {
    energyPerMacJ: d.registerBitsPerMac * rf.readEnergyPerBitJ + d.sharedBitsPerMac * sh.readEnergyPerBitJ,
    registerJPerBit: rf.readEnergyPerBitJ,
    sharedJPerBit: sh.readEnergyPerBitJ,
    storageAreaMm2: rf.areaMm2 + sh.areaMm2,
  };
}

/** One MAC of a systolic array as the simulator and describe charge it: the PE (systolicPeCost) plus its operand
 *  delivery; latency and PE area as systolicPeCost. */
export function systolicMacCost(sa: SystolicArraySpec, nodeNm: number, supplyV?: number): UnitCost {
  const pe = systolicPeCost(sa, nodeNm, supplyV);
  const d = operandDeliveryCost(sa, nodeNm, supplyV);
  return d.energyPerMacJ === 0 ? pe : { ...pe, energyJ: pe.energyJ + d.energyPerMacJ };
}
