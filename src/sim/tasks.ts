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
  /** Macro tasks (a DRAM transfer's bursts as one task, src/engine/task-graph.ts): pieces per task (1 = an
   *  ordinary task) and the duration of every piece but the last. */
  chunks: Int32Array;
  chunkPs: Float64Array;
  /** Whether any task is a macro task (toGraph then passes chunks/chunkPs to the engine). */
  hasMacro = false;
  /** Gang tasks (identical parallel parts on unit instances, src/engine/task-graph.ts): parts per task. */
  width: Int32Array;
  hasGang = false;
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
    this.chunks = new Int32Array(capacity);
    this.chunkPs = new Float64Array(capacity);
    this.width = new Int32Array(capacity);
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
    this.chunks = g(this.chunks, cap);
    this.chunkPs = g(this.chunkPs, cap);
    this.width = g(this.width, cap);
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
    this.chunks[t] = 1;
    this.chunkPs[t] = 0;
    this.width[t] = 1;
    for (const d of deps) this.deps.push(d);
    this.depStart.push(this.deps.length);
    this.labels.push(label);
    this.opKinds.push(opKind);
    return t;
  }

  /** Append a macro task: `pieces` back-to-back pieces on `resource` (capacity 1), every one but the last
   *  `chunkPs` long, the last `lastPs` (both whole picoseconds >= 1); the engine runs it as one event while
   *  nothing better waits for the resource and yields between pieces otherwise, so it schedules exactly like
   *  `pieces` separate tasks joined by a zero-duration task. Returns its index. */
  addMacro(
    resource: number,
    pieces: number,
    chunkPs: number,
    lastPs: number,
    deps: readonly number[],
    opClass: OpClass,
    phase: number,
    step: number,
    label: string,
    opKind: string,
  ): number {
    if (!(pieces >= 2 && chunkPs >= 1 && lastPs >= 1 && Number.isInteger(chunkPs) && Number.isInteger(lastPs)))
      throw new AimcsimError("SimError", label, `a macro task needs >= 2 pieces of whole picoseconds >= 1, got ${pieces} x ${chunkPs} ps + ${lastPs} ps`);
    const t = this.add(resource, (pieces - 1) * chunkPs + lastPs, deps, opClass, phase, step, label, opKind);
    this.chunks[t] = pieces;
    this.chunkPs[t] = chunkPs;
    this.hasMacro = true;
    return t;
  }

  /** Append a gang task: `parts` identical parallel tasks of `durationPs` each on `resource` (one unit each),
   *  scheduled exactly like `parts` separate tasks joined by a zero-duration task; its energy and MACs are the
   *  parts' total. Returns its index. */
  addGang(
    resource: number,
    parts: number,
    durationPs: number,
    deps: readonly number[],
    opClass: OpClass,
    phase: number,
    step: number,
    label: string,
    opKind: string,
  ): number {
    if (!(Number.isInteger(parts) && parts >= 2 && resource >= 0)) throw new AimcsimError("SimError", label, `a gang task needs >= 2 parts and a resource, got ${parts} on ${resource}`);
    const t = this.add(resource, durationPs, deps, opClass, phase, step, label, opKind);
    this.width[t] = parts;
    this.hasGang = true;
    return t;
  }

  /** Multiply the durations of every task of one op class (rounded to whole picoseconds again; a macro task's
   *  pieces each rounded, as separate tasks would be; one whose pieces round to 0 ps becomes one ordinary task
   *  of the rounded total, no longer interleaving with other transfers). */
  scaleClassDurations(opClass: OpClass, factor: number): void {
    const c = CLASS_INDEX[opClass];
    for (let t = 0; t < this.count; t++) {
      if (this.opClass[t] !== c) continue;
      const n = this.chunks[t]!;
      if (n === 1) {
        this.durationPs[t] = Math.round(this.durationPs[t]! * factor);
        continue;
      }
      const full = this.chunkPs[t]!;
      const last = this.durationPs[t]! - (n - 1) * full;
      const f2 = Math.round(full * factor);
      const l2 = Math.round(last * factor);
      this.durationPs[t] = (n - 1) * f2 + l2;
      if (f2 >= 1 && l2 >= 1) this.chunkPs[t] = f2;
      else {
        this.chunks[t] = 1;
        this.chunkPs[t] = 0;
      }
    }
  }

  /** Tasks [from, to) stand for `factor` copies run back to back (a sampled decode step standing for `factor`
   *  steps): their durations, energies and MACs are multiplied by it. */
  scaleRange(from: number, to: number, factor: number): void {
    for (let t = from; t < to; t++) {
      this.durationPs[t] = this.durationPs[t]! * factor;
      this.chunkPs[t] = this.chunkPs[t]! * factor;
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
      ...(this.hasMacro ? { chunks: this.chunks.slice(0, this.count), chunkPs: this.chunkPs.slice(0, this.count) } : {}),
      ...(this.hasGang ? { width: this.width.slice(0, this.count) } : {}),
    };
  }

  depsOf(t: number): number[] {
    return this.deps.slice(this.depStart[t], this.depStart[t + 1]);
  }
}
