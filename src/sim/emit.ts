// The op -> task emission shared by `run` (src/sim/run.ts) and `serve` (src/serve/cost.ts): one op graph's ops, in
// order, become engine tasks through the lowering, each depending on the tasks of its graph dependencies plus the
// cross-graph edges a caller names (cached K/V written by earlier chunks or steps, the previous token's head, a
// K/V double buffer).
import type { ModelOp } from "../model/index.ts";
import type { KvReadBuffer } from "./buffers.ts";
import type { OpLowering } from "./lowering.ts";
import type { TaskList } from "./tasks.ts";

export interface EmitOptions {
  readonly phase: number;
  /** Decode step index of the tasks (-1 for prefill). */
  readonly step: number;
  /** Task labels are `${label} ${op.name}`. */
  readonly label: string;
  /** Emit ops [0, end) only (default: all). */
  readonly end?: number;
  /** K/V writes per layer that a layer's kv-read and attn-score wait for (read when each op is emitted, so the
   *  same array as `recordKvWrites` also orders a graph's reads after its own earlier writes). */
  readonly waitKvWrites?: readonly (readonly number[])[];
  /** Where the graph's kv-write tasks are appended, per layer. */
  readonly recordKvWrites?: number[][];
  /** The embedding op also waits for this task (the previous token's lm_head); -1 or absent: none. */
  readonly embeddingAfter?: number;
  /** Decode K/V double buffer: kv-reads take its dependencies instead of the graph's. */
  readonly kvBuffer?: KvReadBuffer | null;
}

/** Emit the ops; returns the task of each emitted op (-1 for ops not emitted). */
export function emitOps(lowering: OpLowering, list: TaskList, ops: readonly ModelOp[], o: EmitOptions): Int32Array {
  const end = o.end ?? ops.length;
  const taskOf = new Int32Array(ops.length).fill(-1);
  const wait = o.waitKvWrites;
  const record = o.recordKvWrites;
  const kvBuffer = o.kvBuffer ?? null;
  const after = o.embeddingAfter ?? -1;
  for (let i = 0; i < end; i++) {
    const op = ops[i]!;
    const deps: number[] = op.kind === "kv-read" && kvBuffer ? kvBuffer.depsOfNextRead() : op.deps.map((d) => taskOf[d]!);
    if (after >= 0 && op.kind === "embedding") deps.push(after);
    if (wait && (op.kind === "kv-read" || op.kind === "attn-score") && op.layer >= 0) for (const w of wait[op.layer]!) deps.push(w);
    const t = lowering.emit(list, op, deps, o.phase, o.step, `${o.label} ${op.name}`);
    taskOf[i] = t;
    if (record && op.kind === "kv-write") record[op.layer]!.push(t);
    if (kvBuffer && op.kind === "kv-read") kvBuffer.read(t);
    if (kvBuffer && op.kind === "attn-value") kvBuffer.consumed(t);
  }
  return taskOf;
}
