// The design space of a sweep: axis-index vectors ("genomes") <-> axis values <-> chip variants.
// A variant is built from the base with immer's produce and validated with decodeChipSpec; an invalid
// variant becomes a failed point carrying the validator's message (the sweep goes on).
import { produce } from "immer";
import { AimcsimError } from "../errors.ts";
import type { ChipSpec } from "../spec/types.ts";
import { aimcsimVersion, canonicalJson, pointKey } from "./canonical.ts";
import type { AxisValue, PointInput, SpecValidator, SweepDef } from "./types.ts";

export interface Space {
  readonly names: readonly string[];
  /** Number of values per axis, in `names` order. */
  readonly sizes: readonly number[];
  /** Product of sizes (may exceed 2^53 only for absurd sweeps; then grid() refuses). */
  readonly size: number;
}

export function spaceOf(def: SweepDef): Space {
  const names = Object.keys(def.axes);
  const sizes = names.map((n) => def.axes[n].values.length);
  return { names, sizes, size: sizes.reduce((a, b) => a * b, 1) };
}

/** The i-th genome of the grid (mixed radix, last axis fastest). */
export function genomeAt(space: Space, index: number): number[] {
  const g = new Array<number>(space.sizes.length);
  let r = index;
  for (let a = space.sizes.length - 1; a >= 0; a--) {
    g[a] = r % space.sizes[a];
    r = Math.floor(r / space.sizes[a]);
  }
  return g;
}

export function genomeIndex(space: Space, genome: readonly number[]): number {
  let i = 0;
  for (let a = 0; a < space.sizes.length; a++) i = i * space.sizes[a] + genome[a];
  return i;
}

export function axisValues(def: SweepDef, space: Space, genome: readonly number[]): Record<string, AxisValue> {
  const out: Record<string, AxisValue> = {};
  space.names.forEach((n, a) => {
    out[n] = def.axes[n].values[genome[a]];
  });
  return out;
}

export function genomeOfAssignment(def: SweepDef, space: Space, assignment: Readonly<Record<string, AxisValue>>): number[] {
  return space.names.map((n) => {
    if (!(n in assignment)) throw new AimcsimError("SweepError", `assignment.${n}`, "every axis needs a value");
    const i = def.axes[n].values.findIndex((v) => v === assignment[n]);
    if (i < 0) throw new AimcsimError("SweepError", `assignment.${n}`, `${JSON.stringify(assignment[n])} is not one of the axis values`);
    return i;
  });
}

export type Materialized =
  | { readonly ok: true; readonly axes: Record<string, AxisValue>; readonly input: PointInput }
  | { readonly ok: false; readonly axes: Record<string, AxisValue>; readonly key: string; readonly spec: unknown; readonly error: string };

/** The evaluator's part of a point key: its id, plus the options that change results. */
export function evaluatorKey(def: SweepDef): string {
  const k = def.evaluator.keyOptions;
  return k === undefined || (typeof k === "object" && k !== null && Object.values(k).every((v) => v === undefined))
    ? def.evaluator.id
    : `${def.evaluator.id} ${canonicalJson(k)}`;
}

let defaultValidator: SpecValidator | undefined;

/** decodeChipSpec from src/spec, loaded on first use. */
export async function loadDefaultValidator(): Promise<SpecValidator> {
  if (!defaultValidator) {
    const mod = (await import("../spec/index.ts")) as { decodeChipSpec: SpecValidator };
    defaultValidator = mod.decodeChipSpec;
  }
  return defaultValidator;
}

export function modelName(model: SweepDef["model"]): string {
  return typeof model === "string" ? model : model.name;
}

/** Builds, validates and keys the variant of one genome. */
export function materialize(def: SweepDef, space: Space, genome: readonly number[], validate: SpecValidator): Materialized {
  const axes = axisValues(def, space, genome);
  const version = aimcsimVersion();
  const paramNames = space.names.filter((n) => !def.axes[n].apply);
  const params = paramNames.length > 0 ? Object.fromEntries(paramNames.map((n) => [n, axes[n]])) : undefined;
  const keyOf = (spec: unknown) =>
    pointKey({ spec, model: def.model, workload: def.workload, seed: def.seed, version, evaluator: evaluatorKey(def), ...(params ? { params } : {}) });
  let variant: unknown;
  try {
    variant = produce(def.base, (draft) => {
      for (const n of space.names) def.axes[n].apply?.(draft, axes[n] as never);
    });
  } catch (e) {
    // An axis edit that throws (e.g. d.analog! on an all-digital base) is the sweep's error, not a point's.
    throw new AimcsimError("SweepError", `axes`, `applying ${JSON.stringify(axes)} to the base spec threw: ${(e as Error).message}`, { cause: e });
  }
  let spec: ChipSpec;
  try {
    spec = validate(variant, `${def.name} ${JSON.stringify(axes)}`);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, axes, key: keyOf(variant), spec: variant, error: msg };
  }
  return { ok: true, axes, input: { key: keyOf(spec), spec, model: def.model, workload: def.workload, seed: def.seed, ...(params ? { params } : {}) } };
}
