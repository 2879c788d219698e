// Size of a run before it is built: how many engine tasks the prefill chunks and decode steps will emit,
// and the memory they will take, checked against a budget derived from the V8 heap limit. A run beyond the
// budget is refused with a UsageError naming the knob that makes it large (--gen, --prompt, --batch,
// --prefill-chunk), instead of building tasks for minutes and ending in a V8 heap crash (issue 13.2: a
// Llama-3.1-70B-shaped config on the digital baseline streams 140 GB of weights per decode step from DRAM
// in 256 KiB bursts, about half a million tasks per generated token).
//
// Counting: the op graphs of the first and last prefill chunk and of the first and last decode step are
// emitted through a separate lowering into a counting list that stores nothing (so counting costs no
// memory); a chunk's or step's task count grows at most linearly with its context (KV reads), so the
// phase total is the count of its ends averaged, times the number of chunks or steps.
import { getHeapStatistics } from "node:v8";
import { AimcsimError } from "../errors.ts";
import type { Placement } from "../mapping/index.ts";
import { buildDecodeGraph, buildPrefillGraph, type ModelOp } from "../model/index.ts";
import type { TransformerShape } from "../model/shape.ts";
import type { ChipSpec } from "../spec/types.ts";
import type { MvmActivity } from "../components/index.ts";
import { OpLowering } from "./lowering.ts";
import type { TaskList } from "./tasks.ts";

/**
 * V8 heap per engine task over a whole run (task list, dependency lists, labels, the engine's schedule and
 * the reduction). Measured by running `aimcsim run --chip digital-baseline --chips auto --json` under
 * NODE_OPTIONS=--max-old-space-size=<MiB> (before this check existed): llama-7b --gen 40 (2.56 M tasks)
 * aborts with a heap crash at 500 MiB and completes at 650 MiB (<= 254 B/task); gpt2 (486,716 tasks)
 * completes at 200 MiB (<= 411 B/task including the fixed cost of loading aimcsim). Rounded up from the
 * per-task figure; the task lists' typed arrays live outside the V8 heap (resident memory is ~560 B/task:
 * llama-7b --gen 128, 8.2 M tasks, 4.6 GB peak RSS) and are not counted against the heap limit.
 */
export const BYTES_PER_TASK = 320;
/** With `record` (a trace), the queue-depth logs and the trace events: gpt2 as above with --trace completes
 *  under --max-old-space-size=300 (<= 617 B/task), so twice BYTES_PER_TASK. */
export const RECORD_FACTOR = 2;
/** Share of the V8 heap limit a run may plan to use; the rest is left to the model, mapping and the caller. */
export const HEAP_SHARE = 0.75;

export interface RunSize {
  readonly prefillTasks: number;
  readonly decodeTasks: number;
  readonly tasks: number;
  readonly bytes: number;
  readonly budgetBytes: number;
  /** Tasks of the first and last decode step (0 when there is no decode step). */
  readonly decodeStepTasks: readonly [number, number];
}

export interface RunSizeInput {
  readonly chip: ChipSpec;
  readonly shape: TransformerShape;
  readonly placement: Placement;
  readonly activity?: MvmActivity;
  readonly promptTokens: number;
  readonly genTokens: number;
  readonly batch: number;
  readonly prefillChunk: number;
  readonly record?: boolean;
  /** DRAM transfers as macro tasks (default: unless record; see LoweringOptions.macroTransfers). */
  readonly macroTransfers?: boolean;
  /** Overrides the budget (bytes); default HEAP_SHARE of v8's heap_size_limit. */
  readonly budgetBytes?: number;
}

/** A TaskList stand-in that counts tasks and stores nothing (typed-array writes past the end are no-ops). */
class CountingList {
  count = 0;
  readonly macs = new Float64Array(0);
  readonly energy = new Float64Array(0);
  readonly durationPs = new Float64Array(0);
  add(): number {
    return this.count++;
  }
  addMacro(): number {
    return this.count++;
  }
  addGang(): number {
    return this.count++;
  }
  addEnergy(): void {}
}

function countGraph(cost: OpLowering, ops: readonly ModelOp[], stopAt: number): number {
  const list = new CountingList();
  const asList = list as unknown as TaskList;
  for (let i = 0; i < ops.length && list.count <= stopAt; i++) cost.emit(asList, ops[i]!, [], 0, 0, "");
  return list.count;
}

export function defaultBudgetBytes(): number {
  return Math.floor(getHeapStatistics().heap_size_limit * HEAP_SHARE);
}

/** Estimate a run's task count and memory (no check). Counting a chunk or step stops once it alone exceeds
 *  the budget, so the figures are then lower bounds (still beyond the budget). */
export function estimateRunSize(i: RunSizeInput): RunSize {
  const budgetBytes = i.budgetBytes ?? defaultBudgetBytes();
  const perTask = BYTES_PER_TASK * (i.record ? RECORD_FACTOR : 1);
  const maxTasks = Math.floor(budgetBytes / perTask);
  const cost = new OpLowering(i.chip, i.placement, { ...(i.activity ? { activity: i.activity } : {}), macroTransfers: i.macroTransfers ?? !i.record });
  const chunks = Math.ceil(i.promptTokens / i.prefillChunk);
  const chunkOps = (c: number) => {
    const start = c * i.prefillChunk;
    return buildPrefillGraph(i.shape, { batch: i.batch, promptTokens: Math.min(i.prefillChunk, i.promptTokens - start), context: start }).ops as readonly ModelOp[];
  };
  // Counting stops only past the whole budget (one chunk or step alone too large), so what fits is exact.
  const stopP = maxTasks + 1;
  const p0 = countGraph(cost, chunkOps(0), stopP);
  const p1 = chunks > 1 ? countGraph(cost, chunkOps(chunks - 1), stopP) : p0;
  const prefillTasks = chunks === 1 ? p0 : Math.ceil(((p0 + p1) / 2) * chunks);
  const steps = i.genTokens - 1;
  let d0 = 0;
  let d1 = 0;
  if (steps > 0) {
    const stopD = maxTasks + 1;
    d0 = countGraph(cost, buildDecodeGraph(i.shape, { batch: i.batch, context: i.promptTokens }).ops as readonly ModelOp[], stopD);
    d1 = steps > 1 ? countGraph(cost, buildDecodeGraph(i.shape, { batch: i.batch, context: i.promptTokens + steps - 1 }).ops as readonly ModelOp[], stopD) : d0;
  }
  const decodeTasks = Math.ceil(((d0 + d1) / 2) * steps);
  const tasks = prefillTasks + decodeTasks;
  return { prefillTasks, decodeTasks, tasks, bytes: tasks * perTask, budgetBytes, decodeStepTasks: [d0, d1] };
}

const gb = (b: number) => `${(b / 2 ** 30).toFixed(b < 2 ** 30 ? 2 : 1)} GiB`;

/**
 * Refuse a run whose estimated memory exceeds the budget, before any task is built: a UsageError whose path
 * names the knob (genTokens / promptTokens) and whose rule gives the estimate, the budget and what fits.
 */
export function checkRunSize(i: RunSizeInput): RunSize {
  const s = estimateRunSize(i);
  if (s.bytes <= s.budgetBytes) return s;
  const perTask = s.bytes / Math.max(1, s.tasks);
  const maxTasks = s.budgetBytes / perTask;
  const head = `the run would build about ${s.tasks.toLocaleString("en-US")} simulation tasks (~${gb(s.bytes)}: prefill ${s.prefillTasks.toLocaleString("en-US")}, decode ${s.decodeTasks.toLocaleString("en-US")}), beyond the memory budget of ${gb(s.budgetBytes)} (${Math.round(HEAP_SHARE * 100)} % of the V8 heap limit)`;
  const heap = "or raise the heap limit (NODE_OPTIONS=--max-old-space-size=<MiB>)";
  const stepTasks = (s.decodeStepTasks[0] + s.decodeStepTasks[1]) / 2;
  if (s.decodeTasks >= s.prefillTasks && stepTasks > 0) {
    const fitGen = Math.floor((maxTasks - s.prefillTasks) / stepTasks) + 1;
    const knob = fitGen >= 2 ? `lower --gen to at most ${fitGen}` : "lower --gen, --prompt or --batch";
    throw new AimcsimError(
      "UsageError",
      "genTokens (--gen)",
      `${head}; each generated token costs ~${Math.round(stepTasks).toLocaleString("en-US")} tasks on this chip (weights or KV cache streamed from DRAM in bursts): ${knob}, ${heap}`,
    );
  }
  const knob = i.prefillChunk < i.promptTokens ? "lower --prompt or raise --prefill-chunk" : "lower --prompt or --batch";
  throw new AimcsimError("UsageError", "promptTokens (--prompt)", `${head}; ${knob}, ${heap}`);
}
