// One simulation run: map the model onto the chip, turn the op graphs of prefill and of every decode step
// into engine tasks, run them on the discrete-event engine, and reduce the schedule to a SimResult.
//
// Time line: prefill of the prompt (chunked into `prefillChunk` tokens when projections are analog, so the
// weight-stationary layers pipeline: chunk c of layer l overlaps chunk c-1 of layer l+1), whose lm_head
// gives the first generated token (TTFT = end of prefill). Then genTokens - 1 decode steps; step s attends
// to promptTokens + s cached tokens and starts when the previous token is sampled (its lm_head ended).
// TPOT = (end - TTFT) / (genTokens - 1).
import { programmingCost } from "../components/programming.ts";
import { sramCost } from "../components/index.ts";
import { describeChip, staticEnergyByComponentJ } from "../components/index.ts";
import { criticalPathPs, runTaskGraph, type TaskGraphRun } from "../engine/index.ts";
import { AimcsimError } from "../errors.ts";
import { kvBytesPerElement, mapModel, type Placement } from "../mapping/index.ts";
import { buildDecodeGraph, buildPrefillGraph, resolveModelShape } from "../model/index.ts";
import type { OpClass } from "../model/ops.ts";
import type { TransformerShape } from "../model/shape.ts";
import type { ChipSpec } from "../spec/types.ts";
import type { MvmActivity } from "../components/index.ts";
import { OpLowering, type ExpertChipWork, type LinkTraffic } from "./lowering.ts";
import { emitOps } from "./emit.ts";
import { KvReadBuffer } from "./buffers.ts";
import { checkInvariants } from "./invariants.ts";
import { checkRunSize } from "./budget.ts";
import type { ChipResource } from "./resources.ts";
import { COMPONENT_KINDS, OP_CLASSES, type ComponentKind, type PhaseResult, type SimResult } from "./result.ts";
import { NK, PHASE_DECODE, PHASE_PREFILL, TaskList } from "./tasks.ts";

export interface RunOptions {
  readonly chip: ChipSpec;
  /** A preset name ("llama-3.2-1b"), a checkpoint folder, or a shape. */
  readonly model: string | TransformerShape;
  readonly promptTokens: number;
  readonly genTokens: number;
  readonly batch?: number;
  /** 1 (default: error when the model does not fit), a chip count, or "auto". */
  readonly chips?: number | "auto";
  /** Prefill chunk (tokens). Default: 64 when projections are analog (layer pipelining), else the whole prompt. */
  readonly prefillChunk?: number;
  /** Measured analog activity for data-dependent energy (from `evaluate`). */
  readonly activity?: MvmActivity;
  /** Keep the queue-depth logs for a trace. */
  readonly record?: boolean;
  /** Decode streams the KV cache through a double buffer, one layer ahead of the attention (default: off,
   *  a layer's cached K/V is read when the layer starts, so attention and projections do not overlap and
   *  Amdahl's serial view of the run holds). */
  readonly kvPrefetch?: boolean;
  /** Multiplies the duration of every projection task (weight GEMMs/GEMVs on crossbars or digital units, their
   *  weight streaming and NoC hops): 1 (default) is the chip as specified; 0 makes projections free, which is
   *  how `amdahl` measures the overlap-aware projection share f = 1 - T(projections free) / T. Dynamic energy
   *  is not scaled (static energy follows the run's length). */
  readonly projectionTimeScale?: number;
  /** Simulate every decode step (default: only when there are at most DECODE_SAMPLES steps or `record` is set;
   *  longer generations simulate DECODE_SAMPLES steps, each at the middle context of a block of consecutive
   *  steps and standing for the whole block: its task durations, energies and MACs times the block's length).
   *  Traces need every task: `record` forces it. */
  readonly fullDecode?: boolean;
  /** Multi-burst DRAM transfers as one macro task each and work split over unit instances as one gang task each
   *  (default: yes, unless `record` or projectionTimeScale 0; the schedule equals one task per burst and per
   *  instance, see LoweringOptions.macroTransfers and gangTasks). */
  readonly macroTransfers?: boolean;
  /** Progress for progress bars: while the task graph is built, after every decode step ("build": steps done,
   *  steps); then in the event loop, every 65536 tasks ("simulate": tasks finished, tasks in the run). */
  readonly onProgress?: (done: number, total: number, stage: "build" | "simulate") => void;
}

/** The full run: the result plus the schedule, for traces and reports. */
export interface SimRun {
  readonly result: SimResult;
  readonly tasks: TaskList;
  readonly schedule: TaskGraphRun;
  readonly resources: readonly ChipResource[];
  readonly placement: Placement;
  readonly shape: TransformerShape;
  readonly chip: ChipSpec;
  /** Traffic of each chip-to-chip link used (empty on one chip). */
  readonly links: readonly LinkTraffic[];
  /** Expert parallelism (mapping.experts.chips): the expert work of each chip; empty otherwise. */
  readonly experts: readonly ExpertChipWork[];
}

const S_PER_PS = 1e-12; // unit conversion

/** Longest sequence (prompt + generated tokens) a run accepts: beyond this the event count makes a run
 *  impractical, and no transformer preset has a context anywhere near it. */
export const MAX_SEQUENCE_TOKENS = 1 << 20;

/** Decode steps simulated when a run generates more (issue 17 item 6): the steps are split into this many blocks of
 *  consecutive steps; one step per block (the middle context) is simulated with its durations, energies and MACs
 *  scaled by the block length. A decode step's cost is affine in its context up to the attention GEMM's fold
 *  quantisation, so the sum over a block is its middle step times its length (test/sim/decode-sampling.test.ts
 *  checks the result against the full simulation within 0.1 %). A simulation-cost setting, not hardware. */
export const DECODE_SAMPLES = 32;

const checkWorkload = (field: string, v: number, min: number, max = MAX_SEQUENCE_TOKENS): void => {
  if (!Number.isSafeInteger(v) || v < min) throw new AimcsimError("UsageError", field, `must be a whole number >= ${min}, got ${typeof v === "number" ? v : typeof v}`);
  if (v > max) throw new AimcsimError("UsageError", field, `must be at most ${max}, got ${v}`);
};

export function simulate(opts: RunOptions): SimRun {
  const chip = opts.chip;
  const shape = typeof opts.model === "string" ? resolveModelShape(opts.model) : opts.model;
  const batch = opts.batch ?? 1;
  checkWorkload("promptTokens", opts.promptTokens, 1);
  checkWorkload("genTokens", opts.genTokens, 1);
  checkWorkload("batch", batch, 1, 4096);
  if (opts.promptTokens + opts.genTokens > MAX_SEQUENCE_TOKENS)
    throw new AimcsimError("UsageError", "promptTokens + genTokens", `must be at most ${MAX_SEQUENCE_TOKENS} tokens, got ${opts.promptTokens + opts.genTokens}`);
  const placement = mapModel(shape, chip, { chips: opts.chips ?? 1, batch, contextTokens: opts.promptTokens + opts.genTokens });
  const macroTransfers = opts.macroTransfers ?? (opts.record !== true && opts.projectionTimeScale !== 0);
  const lowering = new OpLowering(chip, placement, { activity: opts.activity, macroTransfers });
  const list = new TaskList(4096);
  const analogProjections = placement.analogMatrices.length > 0;
  const chunk = opts.prefillChunk ?? (analogProjections ? 64 : opts.promptTokens);
  checkWorkload("prefillChunk", chunk, 1);
  const steps = opts.genTokens - 1;
  const fullDecode = opts.fullDecode === true || opts.record === true || steps <= DECODE_SAMPLES;
  const blocks = fullDecode ? steps : DECODE_SAMPLES;
  checkRunSize({ chip, shape, placement, activity: opts.activity, promptTokens: opts.promptTokens, genTokens: blocks + 1, batch, prefillChunk: chunk, record: opts.record ?? false, macroTransfers });

  // ---- prefill, in chunks
  const layers = shape.numLayers;
  const kvBytes = kvBytesPerElement(chip);

  const kvWrites: number[][] = Array.from({ length: layers }, () => []);
  let lastHead = -1;
  const chunks = Math.ceil(opts.promptTokens / chunk);
  for (let c = 0; c < chunks; c++) {
    const start = c * chunk;
    const len = Math.min(chunk, opts.promptTokens - start);
    const graph = buildPrefillGraph(shape, { batch, promptTokens: len, context: start, kvBytesPerElement: kvBytes });
    const last = c === chunks - 1;
    let lastLayerOp = graph.ops.length - 1;
    if (!last) while (lastLayerOp > 0 && graph.ops[lastLayerOp]!.layer === -1) lastLayerOp--;
    // Prefill chunks keep the graph's dependency (a chunk's cached K/V is read when its layer starts), so
    // chunks pipeline across layers; the decode steps below stream K/V through a double buffer instead.
    const taskOf = emitOps(lowering, list, graph.ops, { phase: PHASE_PREFILL, step: -1, label: `prefill[${c}]`, end: lastLayerOp + 1, waitKvWrites: kvWrites, recordKvWrites: kvWrites });
    if (last) lastHead = taskOf[lastLayerOp]!;
  }
  const prefillTaskCount = list.count;

  // ---- decode steps (every one, or one per block of consecutive steps standing for the block; see DECODE_SAMPLES)
  const kvBuffer = opts.kvPrefetch ? new KvReadBuffer() : null;
  let prevWrites = kvWrites;
  for (let b = 0; b < blocks; b++) {
    const lo = fullDecode ? b : Math.floor((b * steps) / blocks);
    const width = fullDecode ? 1 : Math.floor(((b + 1) * steps) / blocks) - lo;
    // The block's middle context; an even block has two, taken alternately so the half-token offsets cancel.
    const s = lo + (b % 2 === 0 ? Math.floor((width - 1) / 2) : Math.ceil((width - 1) / 2));
    const firstTask = list.count;
    const graph = buildDecodeGraph(shape, { batch, context: opts.promptTokens + s, kvBytesPerElement: kvBytes });
    const writes: number[][] = Array.from({ length: layers }, () => []);
    const taskOf = emitOps(lowering, list, graph.ops, { phase: PHASE_DECODE, step: s, label: `decode[${s}]`, waitKvWrites: prevWrites, recordKvWrites: writes, embeddingAfter: lastHead, kvBuffer });
    if (width !== 1) list.scaleRange(firstTask, list.count, width);
    lastHead = taskOf[graph.ops.length - 1]!;
    prevWrites = writes;
    opts.onProgress?.(b + 1, blocks, "build");
  }

  const scale = opts.projectionTimeScale ?? 1;
  if (!(scale >= 0 && Number.isFinite(scale))) throw new AimcsimError("UsageError", "projectionTimeScale", `must be a finite number >= 0, got ${scale}`);
  if (scale !== 1) list.scaleClassDurations("projection", scale);
  const graph = list.toGraph();
  const schedule = runTaskGraph(graph, lowering.resources, { record: opts.record ?? false, onProgress: opts.onProgress && ((d, t) => opts.onProgress!(d, t, "simulate")) });
  const result = reduce(opts, chip, shape, batch, placement, lowering, list, schedule, prefillTaskCount, fullDecode ? null : blocks);
  checkInvariants(result, schedule, criticalPathPs(graph), lowering.resources);
  return { result, tasks: list, schedule, resources: lowering.resources, placement, shape, chip, links: lowering.linkTraffic(list), experts: lowering.expertWork(list, schedule.startPs, schedule.endPs) };
}

/** Simulate and return the result (the library's `run`). */
export async function run(opts: RunOptions): Promise<SimResult> {
  return simulate(opts).result;
}

function emptyRecord<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** Partition [from, to) among op classes: each instant is shared equally by the classes of the tasks
 *  running then; instants with nothing running count as "other" (waiting on nothing measurable). */
function timeByClass(list: TaskList, schedule: TaskGraphRun, phase: number, fromPs: number, toPs: number): Record<OpClass, number> {
  const ev: number[] = [];
  const span = (t: number, start: number, end: number): void => {
    const s = Math.max(fromPs, start);
    const e = Math.min(toPs, end);
    if (e > s) ev.push(s, list.opClass[t]!, 1, e, list.opClass[t]!, -1);
  };
  // A macro task that yielded the DRAM runs in pieces (schedule.pieces); its start..end spans the gaps.
  const p = schedule.pieces;
  const inPieces = p && p.task.length > 0 ? new Uint8Array(list.count) : null;
  if (p && inPieces) for (let k = 0; k < p.task.length; k++) if (list.phase[p.task[k]!] === phase) (inPieces[p.task[k]!] = 1), span(p.task[k]!, p.startPs[k]!, p.endPs[k]!);
  for (let t = 0; t < list.count; t++) {
    if (list.phase[t] !== phase || list.durationPs[t] === 0 || inPieces?.[t]) continue;
    span(t, schedule.startPs[t]!, schedule.endPs[t]!);
  }
  const n = ev.length / 3;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ev[a * 3]! - ev[b * 3]! || ev[a * 3 + 2]! - ev[b * 3 + 2]!);
  const active = [0, 0, 0];
  const out = [0, 0, 0];
  let prev = fromPs;
  for (const i of order) {
    const time = ev[i * 3]!;
    if (time > prev) {
      const dt = time - prev;
      const k = (active[0]! > 0 ? 1 : 0) + (active[1]! > 0 ? 1 : 0) + (active[2]! > 0 ? 1 : 0);
      if (k === 0) out[2]! += dt;
      else for (let c = 0; c < 3; c++) if (active[c]! > 0) out[c]! += dt / k;
      prev = time;
    }
    active[ev[i * 3 + 1]!]! += ev[i * 3 + 2]!;
  }
  if (toPs > prev) out[2]! += toPs - prev;
  return { projection: out[0]! * S_PER_PS, attention: out[1]! * S_PER_PS, other: out[2]! * S_PER_PS };
}

function phaseResult(
  list: TaskList,
  schedule: TaskGraphRun,
  phase: number,
  fromPs: number,
  toPs: number,
  resourceKind: readonly ComponentKind[],
  resourceCapacity: readonly number[],
  staticW: Readonly<Record<ComponentKind, number>>,
  powerGating: boolean,
): PhaseResult {
  const byComp = emptyRecord(COMPONENT_KINDS);
  const byClass = emptyRecord(OP_CLASSES);
  const busy = emptyRecord(COMPONENT_KINDS);
  const macs = emptyRecord(OP_CLASSES);
  for (let t = 0; t < list.count; t++) {
    if (list.phase[t] !== phase) continue;
    const cls = OP_CLASSES[list.opClass[t]!]!;
    let e = 0;
    for (let k = 0; k < NK; k++) {
      const v = list.energy[t * NK + k]!;
      byComp[COMPONENT_KINDS[k]!] += v;
      e += v;
    }
    byClass[cls] += e;
    macs[cls] += list.macs[t]!;
    const r = list.resource[t]!;
    if (r >= 0) busy[resourceKind[r]!] += list.durationPs[t]! * list.width[t]! * S_PER_PS; // a gang task holds width units
  }
  // Static energy: leakage over the phase's wall time, by the rule of staticEnergyByComponentJ (power gating follows
  // each kind's busy share).
  const latencyS = (toPs - fromPs) * S_PER_PS;
  const capacity = emptyRecord(COMPONENT_KINDS);
  resourceKind.forEach((k, i) => (capacity[k] += resourceCapacity[i]!));
  const dynamic = emptyRecord(COMPONENT_KINDS);
  const statics = staticEnergyByComponentJ(staticW, latencyS, powerGating, busy, capacity);
  const total = emptyRecord(COMPONENT_KINDS);
  for (const k of COMPONENT_KINDS) {
    dynamic[k] = byComp[k];
    total[k] = dynamic[k] + statics[k];
  }
  const dynamicEnergyJ = COMPONENT_KINDS.reduce((a, k) => a + dynamic[k], 0);
  const staticEnergyJ = COMPONENT_KINDS.reduce((a, k) => a + statics[k], 0);
  const timeByOpClassS = timeByClass(list, schedule, phase, fromPs, toPs);
  // Static energy is attributed to the op classes by the wall time each holds (timeByOpClassS partitions latency).
  if (latencyS > 0) for (const c of OP_CLASSES) byClass[c] += (staticEnergyJ * timeByOpClassS[c]) / latencyS;
  else byClass.other += staticEnergyJ;
  return {
    latencyS,
    energyJ: dynamicEnergyJ + staticEnergyJ,
    energyByComponentJ: total,
    dynamicEnergyByComponentJ: dynamic,
    staticEnergyByComponentJ: statics,
    dynamicEnergyJ,
    staticEnergyJ,
    energyByOpClassJ: byClass,
    timeByOpClassS,
    busyByComponentS: busy,
    macsByOpClass: macs,
  };
}

function reduce(
  opts: RunOptions,
  chip: ChipSpec,
  shape: TransformerShape,
  batch: number,
  placement: Placement,
  lowering: OpLowering,
  list: TaskList,
  schedule: TaskGraphRun,
  prefillTasks: number,
  decodeSamples: number | null,
): SimResult {
  let ttftPs = 0;
  for (let t = 0; t < prefillTasks; t++) ttftPs = Math.max(ttftPs, schedule.endPs[t]!);
  const endPs = schedule.makespanPs;
  const resourceKind = lowering.resources.map((r) => r.component);
  const resourceCapacity = lowering.resources.map((r) => r.capacity);
  const desc = describeChip(chip);
  const staticW = emptyRecord(COMPONENT_KINDS);
  for (const k of COMPONENT_KINDS) staticW[k] = desc.staticPowerByComponentW[k] * placement.chips;
  const powerGating = chip.powerGating ?? false;
  const a = chip.analog;
  const prog =
    a !== undefined && placement.tilesNeeded > 0
      ? programmingCost(
          a,
          placement.tilesNeeded,
          sramCost({ name: "tile", capacityBytes: Math.max(1, (a.tile.rows * a.tile.cols) / 8), banks: 1, bytesPerCyclePerBank: 1, clockHz: a.clockHz }, chip.technologyNm, chip.supplyV).writeEnergyPerBitJ, // 8 bits per byte (definition)
          a.clockHz,
        )
      : null;
  const prefill = phaseResult(list, schedule, PHASE_PREFILL, 0, ttftPs, resourceKind, resourceCapacity, staticW, powerGating);
  const decode = phaseResult(list, schedule, PHASE_DECODE, ttftPs, endPs, resourceKind, resourceCapacity, staticW, powerGating);
  const totalS = endPs * S_PER_PS;
  const generated = batch * opts.genTokens;
  const energyJ = prefill.energyJ + decode.energyJ;
  const steps = opts.genTokens - 1;
  const tpotS = steps > 0 ? decode.latencyS / steps : 0;
  const utilization: Record<string, number> = {};
  lowering.resources.forEach((r, i) => {
    utilization[r.name] = schedule.utilization[i]!;
  });
  const areaByComponentMm2 = emptyRecord(COMPONENT_KINDS);
  for (const k of COMPONENT_KINDS) areaByComponentMm2[k] = (desc.areaByComponentMm2[k] ?? 0) * placement.chips;
  const assumptions = [
    ...desc.assumptions,
    ...(prog !== null ? [prog.assumption] : []),
    ...lowering.assumptions,
    `TTFT = end of prefill (its lm_head gives the first token); TPOT = mean of the ${steps} decode steps after it.`,
  ];
  if (decodeSamples !== null)
    assumptions.push(`decode sampled: ${decodeSamples} of the ${steps} steps simulated, each at the middle context of its block of consecutive steps and standing for the block (durations, energies, MACs times its length; fullDecode simulates every step)`);
  if (opts.promptTokens + opts.genTokens > shape.maxPositions)
    assumptions.push(`context ${opts.promptTokens + opts.genTokens} exceeds ${shape.name}'s ${shape.maxPositions} trained positions: a shape-only simulation`);
  return {
    chip: chip.name,
    model: shape.name,
    workload: { promptTokens: opts.promptTokens, genTokens: opts.genTokens, batch },
    ttftS: ttftPs * S_PER_PS,
    tpotS,
    totalS,
    tokensPerS: generated / totalS,
    decodeTokensPerS: steps > 0 ? batch / tpotS : 0,
    energyJ,
    staticPowerW: COMPONENT_KINDS.reduce((s, k) => s + staticW[k], 0),
    programming: prog === null ? null : { cells: prog.cells, energyJ: prog.energyJ, timeS: prog.timeS, energyPerCellJ: prog.energyPerCellJ },
    powerGating,
    energyPerTokenJ: energyJ / generated,
    decodeEnergyPerTokenJ: steps > 0 ? decode.energyJ / (batch * steps) : 0,
    tokensPerJ: generated / energyJ,
    prefill,
    decode,
    utilization,
    areaMm2: desc.areaMm2 * placement.chips,
    areaByComponentMm2,
    mapping: {
      tilesNeeded: placement.tilesNeeded,
      tilesAvailable: placement.tilesAvailable,
      chips: placement.chips,
      kvCache: placement.kvCache.memory,
    },
    assumptions,
    events: schedule.events,
  };
}
