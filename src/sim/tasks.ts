// A growable struct-of-arrays list of simulation tasks: what the engine runs (resource, duration,
// dependencies) plus what the statistics need (energy per component kind, op class, phase, label).
// Appending a task writes into typed arrays; nothing is allocated per task beyond its label string.
import { AimcsimError } from "../errors.ts";
import type { TaskGraph } from "../engine/index.ts";
import type { OpClass } from "../model/ops.ts";
import { COMPONENT_KINDS, type ComponentKind } from "./result.ts";

export const NK = COMPONENT_KINDS.length;
export const KIND_INDEX: Readonly<Record<ComponentKind, number>> = Object.fromEntries(
  COMPONENT_KINDS.map((k, i) => [k, i]),
) as Record<ComponentKind, number>;
export const CLASS_INDEX: Readonly<Record<OpClass, number>> = { projection: 0, attention: 1, other: 2 };
export const PHASE_PREFILL = 0;
export const PHASE_DECODE = 1;

export class TaskList {
  count = 0;
  private cap: number;
  resource: Int32Array;
  durationPs: Float64Array;
  priority: Int32Array;
  opClass: Uint8Array;
  phase: Uint8Array;
  /** Decode step index (-1 for prefill). */
  step: Int32Array;
  /** energy[t * NK + kind] in joules. */
  energy: Float64Array;
  /** Multiply-accumulates the task performs. */
  macs: Float64Array;
  readonly labels: string[] = [];
  readonly opKinds: string[] = [];
  private deps: number[] = [];
  private depStart: number[] = [0];

  constructor(capacity = 1024) {
    this.cap = capacity;
    this.resource = new Int32Array(capacity);
    this.durationPs = new Float64Array(capacity);
    this.priority = new Int32Array(capacity);
    this.opClass = new Uint8Array(capacity);
    this.phase = new Uint8Array(capacity);
    this.step = new Int32Array(capacity);
    this.energy = new Float64Array(capacity * NK);
    this.macs = new Float64Array(capacity);
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.resource = g(this.resource, cap);
    this.durationPs = g(this.durationPs, cap);
    this.priority = g(this.priority, cap);
    this.opClass = g(this.opClass, cap);
    this.phase = g(this.phase, cap);
    this.step = g(this.step, cap);
    this.energy = g(this.energy, cap * NK);
    this.macs = g(this.macs, cap);
    this.cap = cap;
  }

  /** Append a task; returns its index. Durations are rounded to whole picoseconds (integer time). */
  add(
    resource: number,
    durationPs: number,
    deps: readonly number[],
    opClass: OpClass,
    phase: number,
    step: number,
    label: string,
    opKind: string,
  ): number {
    if (!(durationPs <= Number.MAX_SAFE_INTEGER))
      throw new AimcsimError(
        "SimError",
        label,
        `takes ${durationPs} ps (${(durationPs / 3.6e15).toPrecision(3)} h), beyond the engine's integer time range of 2^53 ps (~2.5 h); ` +
          "a clock, bandwidth or lane count this low is likely a unit mistake",
      );
    if (this.count === this.cap) this.grow();
    const t = this.count++;
    this.resource[t] = resource;
    this.durationPs[t] = Math.max(0, Math.round(durationPs));
    this.priority[t] = t;
    this.opClass[t] = CLASS_INDEX[opClass];
    this.phase[t] = phase;
    this.step[t] = step;
    for (const d of deps) this.deps.push(d);
    this.depStart.push(this.deps.length);
    this.labels.push(label);
    this.opKinds.push(opKind);
    return t;
  }

  /** Multiply the durations of every task of one op class (rounded to whole picoseconds again). */
  scaleClassDurations(opClass: OpClass, factor: number): void {
    const c = CLASS_INDEX[opClass];
    for (let t = 0; t < this.count; t++) if (this.opClass[t] === c) this.durationPs[t] = Math.round(this.durationPs[t]! * factor);
  }

  /** Tasks [from, to) stand for `factor` copies run back to back (a sampled decode step standing for `factor`
   *  steps): their durations, energies and MACs are multiplied by it. */
  scaleRange(from: number, to: number, factor: number): void {
    for (let t = from; t < to; t++) {
      this.durationPs[t] = this.durationPs[t]! * factor;
      this.macs[t] = this.macs[t]! * factor;
      for (let k = 0; k < NK; k++) this.energy[t * NK + k] = this.energy[t * NK + k]! * factor;
    }
  }

  addEnergy(task: number, kind: ComponentKind, joules: number): void {
    this.energy[task * NK + KIND_INDEX[kind]] += joules;
  }

  toGraph(): TaskGraph {
    return {
      count: this.count,
      resource: this.resource.slice(0, this.count),
      durationPs: this.durationPs.slice(0, this.count),
      depStart: Int32Array.from(this.depStart),
      depList: Int32Array.from(this.deps),
      priority: this.priority.slice(0, this.count),
    };
  }

  depsOf(t: number): number[] {
    return this.deps.slice(this.depStart[t], this.depStart[t + 1]);
  }
}
