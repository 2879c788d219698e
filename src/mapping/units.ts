// Which units of the chip run which op kinds: projections on the analog tiles (or on the digital GEMM
// units when the policy says "digital"), attention GEMMs on systolic arrays (bit-serial arrays when the
// chip has no systolic array), vector ops on the vector units that list the op, memory ops on the memory
// that holds their data. A chip that lacks a unit for a needed op kind is a MappingError naming the kind.

import { AimcsimError } from "../errors.ts";
import type { Op, OpKind } from "../model/ops.ts";
import type { TransformerShape } from "../model/shape.ts";
import type { ChipSpec, VectorOp } from "../spec/types.ts";

/** The kind of unit an op runs on. */
export type UnitKind = "analog" | "systolic" | "bitSerial" | "vector" | "memory";

/** "layers": the decoder-layer projections (and OPT project_in/out); "lm_head": the output head. */
export type AssignmentScope = "all" | "layers" | "lm_head";

export interface UnitAssignment {
  readonly opKind: OpKind;
  readonly scope: AssignmentScope;
  readonly unitKind: UnitKind;
  /** Names of the units that may run it (systolic/vector/bit-serial names, "analog", SRAM names or "dram"). */
  readonly units: readonly string[];
}

const VECTOR_OP: Partial<Record<OpKind, VectorOp>> = {
  softmax: "softmax",
  norm: "norm",
  rope: "rope",
  activation: "activation",
  elementwise: "elementwise",
};

/** Op kinds a model's graphs contain (rope only for RoPE models). */
export const opKindsOf = (shape: TransformerShape): OpKind[] => {
  const kinds: OpKind[] = ["embedding", "norm", "projection", "attn-score", "softmax", "attn-value", "activation", "elementwise", "kv-write", "kv-read"];
  if (shape.positional === "rope") kinds.push("rope");
  return kinds;
};

const gemmUnits = (chip: ChipSpec, opKind: OpKind, scope: AssignmentScope, why: string): UnitAssignment => {
  if (chip.systolic.length > 0) return { opKind, scope, unitKind: "systolic", units: chip.systolic.map((s) => s.name) };
  if (chip.bitSerial.length > 0) return { opKind, scope, unitKind: "bitSerial", units: chip.bitSerial.map((s) => s.name) };
  throw new AimcsimError("MappingError", "systolic", `the chip has no systolic array or bit-serial unit to run ${why}`);
};

/** Assigns every op kind of `shape` to units of `chip`; `kvMemory` names where the KV cache lives. */
export const assignUnits = (shape: TransformerShape, chip: ChipSpec, kvMemory: readonly string[]): UnitAssignment[] => {
  const out: UnitAssignment[] = [];
  for (const kind of opKindsOf(shape)) {
    if (kind === "projection") {
      out.push(
        chip.mapping.projections === "analog"
          ? { opKind: kind, scope: "layers", unitKind: "analog", units: ["analog"] }
          : gemmUnits(chip, kind, "layers", 'the projections (mapping.projections is "digital")'),
      );
      out.push(
        chip.mapping.lmHead === "analog"
          ? { opKind: kind, scope: "lm_head", unitKind: "analog", units: ["analog"] }
          : gemmUnits(chip, kind, "lm_head", 'the lm_head (mapping.lmHead is "digital")'),
      );
    } else if (kind === "attn-score" || kind === "attn-value") {
      out.push(gemmUnits(chip, kind, "all", `the attention GEMM "${kind}"`));
    } else if (kind === "kv-read" || kind === "kv-write") {
      out.push({ opKind: kind, scope: "all", unitKind: "memory", units: kvMemory });
    } else if (kind === "embedding") {
      // The embedding table is read from DRAM (assumption: tables of 10^8 parameters do not fit on-chip SRAM).
      out.push({ opKind: kind, scope: "all", unitKind: "memory", units: ["dram"] });
    } else {
      const vop = VECTOR_OP[kind]!;
      const units = chip.vector.filter((v) => v.ops.includes(vop)).map((v) => v.name);
      if (units.length === 0) {
        const have = chip.vector.length === 0 ? "the chip has no vector unit" : `vector units: ${chip.vector.map((v) => `${v.name} [${v.ops.join(", ")}]`).join("; ")}`;
        throw new AimcsimError("MappingError", "vector", `no vector unit lists "${vop}" in its ops, needed by the ${kind} ops (${have})`);
      }
      out.push({ opKind: kind, scope: "all", unitKind: "vector", units });
    }
  }
  return out;
};

/** The assignment that serves `op` (lm_head / project_in / project_out are told apart by name). */
export const assignmentFor = (assignments: readonly UnitAssignment[], op: Pick<Op, "kind" | "name">): UnitAssignment => {
  const scope: AssignmentScope = op.kind !== "projection" ? "all" : op.name === "lm_head" ? "lm_head" : "layers";
  const a = assignments.find((x) => x.opKind === op.kind && x.scope === scope);
  if (a === undefined) throw new AimcsimError("MappingError", op.name, `no unit is assigned to op kind "${op.kind}"`);
  return a;
};
