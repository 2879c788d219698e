// The time and energy of one serving iteration (a continuous batch), from the same op graphs, lowering and
// event engine as `run` (src/model/opgraph.ts -> src/sim/lowering.ts -> src/engine), cached per batch shape.
//
// An iteration holds `decodeSeqs` sequences that each generate one token at about `decodeContext` cached
// tokens, and at most one prefill chunk of `prefillTokens` prompt tokens after `prefillContext` cached ones.
// Its time and energy are those of the decode batch plus those of the prefill chunk, each simulated alone on
// the chip (op graph -> lowering -> engine, exactly as `run` lowers a decode step and a prompt: the prompt in
// sub-chunks of 64 tokens where projections are analog, pipelining through the weight-stationary layers).
// Adding the two is exact when the chip runs them one after the other; it gives up the overlap of a decode
// batch with a prefill chunk on different units, and a chip that streams its weights from DRAM streams them for
// each part (vLLM fuses both into one forward pass): stated in every result.
//
// Cache and interpolation (what keeps a 1,000-request trace to seconds): each part is simulated on a grid,
// 4 points per octave of context / prefill length / decode batch (exact up to 8 sequences and 64 tokens), and
// interpolated linearly between grid points (time and energy are close to affine in context and length
// between neighbouring points). `exact: true` simulates every shape as asked.
import { COMPONENT_KINDS, describeChip, staticEnergyByComponentJ, type ComponentKind } from "../components/index.ts";
import { runTaskGraph } from "../engine/index.ts";
import { kvBytesPerElement, mapModel, type Placement } from "../mapping/index.ts";
import { buildDecodeGraph, buildPrefillGraph } from "../model/index.ts";
import type { TransformerShape } from "../model/shape.ts";
import { emitOps } from "../sim/emit.ts";
import { OpLowering } from "../sim/lowering.ts";
import { NK, PHASE_DECODE, PHASE_PREFILL, TaskList } from "../sim/tasks.ts";
import type { ChipSpec } from "../spec/types.ts";

export interface IterationShape {
  readonly decodeSeqs: number;
  readonly decodeContext: number;
  readonly prefillTokens: number;
  readonly prefillContext: number;
}

export interface IterationCost {
  readonly timeS: number;
  readonly energyJ: number;
  /** Multi-chip: bytes and occupied time of each chip-to-chip link (by link name). */
  readonly linkBytes?: Readonly<Record<string, number>>;
  readonly linkBusyS?: Readonly<Record<string, number>>;
  /** Expert parallelism: per chip, the expert projections' MACs and the wall time any expert task ran there. */
  readonly expertMacs?: readonly number[];
  readonly expertActiveS?: readonly number[];
}

const PS = 1e-12; // unit conversion

/** Grid points around x: 4 per octave above `exactUpTo` (x itself below). */
export const gridAround = (x: number, exactUpTo: number): readonly [number, number, number] => {
  if (x <= exactUpTo) return [x, x, 0];
  const step = 2 ** (Math.floor(Math.log2(x)) - 2);
  const lo = Math.floor(x / step) * step;
  const hi = lo + step;
  return [lo, hi, (x - lo) / step];
};

const mix = (x: number | undefined, y: number | undefined, w: number): number => (x ?? 0) + ((y ?? 0) - (x ?? 0)) * w;
const lerpRecord = (a: Readonly<Record<string, number>> | undefined, b: Readonly<Record<string, number>> | undefined, w: number): Record<string, number> | undefined => {
  if (!a && !b) return undefined;
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])) out[k] = mix(a?.[k], b?.[k], w);
  return out;
};
const lerpArray = (a: readonly number[] | undefined, b: readonly number[] | undefined, w: number): number[] | undefined => {
  if (!a && !b) return undefined;
  return Array.from({ length: Math.max(a?.length ?? 0, b?.length ?? 0) }, (_, i) => mix(a?.[i], b?.[i], w));
};
const withDetail = (c: IterationCost, d: IterationCost, w: number, timeS: number, energyJ: number): IterationCost => {
  const linkBytes = lerpRecord(c.linkBytes, d.linkBytes, w);
  const linkBusyS = lerpRecord(c.linkBusyS, d.linkBusyS, w);
  const expertMacs = lerpArray(c.expertMacs, d.expertMacs, w);
  const expertActiveS = lerpArray(c.expertActiveS, d.expertActiveS, w);
  return { timeS, energyJ, ...(linkBytes ? { linkBytes } : {}), ...(linkBusyS ? { linkBusyS } : {}), ...(expertMacs ? { expertMacs } : {}), ...(expertActiveS ? { expertActiveS } : {}) };
};
/** a + (b - a) w, link traffic and expert work included. */
const lerp = (a: IterationCost, b: IterationCost, w: number): IterationCost =>
  w === 0 ? a : withDetail(a, b, w, a.timeS + (b.timeS - a.timeS) * w, a.energyJ + (b.energyJ - a.energyJ) * w);
/** a + b, link traffic and expert work included (time and active time add: the parts run one after the other). */
const sum = (a: IterationCost, b: IterationCost): IterationCost => {
  if (a === ZERO) return b;
  if (b === ZERO) return a;
  // a + b = 2 x lerp(a, b, 1/2) for every field
  const h = withDetail(a, b, 0.5, 0, 0);
  const twice = (r: Readonly<Record<string, number>> | undefined) => r && Object.fromEntries(Object.entries(r).map(([k, v]) => [k, 2 * v]));
  return {
    timeS: a.timeS + b.timeS,
    energyJ: a.energyJ + b.energyJ,
    ...(h.linkBytes ? { linkBytes: twice(h.linkBytes)! } : {}),
    ...(h.linkBusyS ? { linkBusyS: twice(h.linkBusyS)! } : {}),
    ...(h.expertMacs ? { expertMacs: h.expertMacs.map((v) => 2 * v) } : {}),
    ...(h.expertActiveS ? { expertActiveS: h.expertActiveS.map((v) => 2 * v) } : {}),
  };
};

const ZERO: IterationCost = { timeS: 0, energyJ: 0 };

export class IterationCostModel {
  readonly placement: Placement;
  readonly assumptions: string[] = [];
  private readonly cache = new Map<string, IterationCost>();
  private readonly prefillChunk: number;
  private readonly exact: boolean;
  /** Static power by kind on all chips used, and whether idle units are power-gated. */
  readonly staticW: Readonly<Record<ComponentKind, number>>;
  readonly gated: boolean;
  /** Distinct shapes simulated so far. */
  simulations = 0;

  constructor(
    readonly chip: ChipSpec,
    readonly shape: TransformerShape,
    opts: { readonly chips?: number | "auto"; readonly maxContextTokens: number; readonly exact?: boolean },
  ) {
    // The KV cache is paged into the DRAM the weights leave (serve.ts), so mapping checks the weights only.
    this.placement = mapModel(shape, chip, { chips: opts.chips ?? 1, batch: 1, contextTokens: opts.maxContextTokens, dramKvCheck: false });
    this.prefillChunk = this.placement.analogMatrices.length > 0 ? 64 : Number.MAX_SAFE_INTEGER;
    const desc = describeChip(chip).staticPowerByComponentW;
    this.staticW = Object.fromEntries(COMPONENT_KINDS.map((k) => [k, desc[k] * this.placement.chips])) as Record<ComponentKind, number>;
    this.gated = chip.powerGating ?? false;
    this.exact = opts.exact ?? false;
    this.assumptions.push(
      "iteration = decode batch + prefill chunk, each simulated alone and added (no overlap between the two; weights streamed from DRAM once for each part)",
      this.exact
        ? "iteration shapes simulated exactly (no interpolation)"
        : "iteration costs interpolated linearly between simulated grid points, 4 per octave of context, prefill length and decode batch (exact up to 64 tokens and 8 sequences)",
    );
    // the lowering's multi-chip lines (links, topology, expert parallelism) hold for every iteration
    if (this.placement.chips > 1)
      this.assumptions.push(...new OpLowering(chip, this.placement).assumptions.filter((x) => x.startsWith("chip-to-chip") || x.startsWith("expert parallelism")));
  }

  cost(it: IterationShape): IterationCost {
    const d = it.decodeSeqs > 0 ? this.decode(it.decodeSeqs, it.decodeContext) : ZERO;
    const p = it.prefillTokens > 0 ? this.prefill(it.prefillTokens, it.prefillContext) : ZERO;
    return sum(d, p);
  }

  private decode(seqs: number, context: number): IterationCost {
    if (this.exact) return this.cached(seqs, context, 0, 0);
    const [b0, b1, wb] = gridAround(seqs, 8);
    const [c0, c1, wc] = gridAround(Math.max(1, context), 64);
    const at = (b: number): IterationCost => lerp(this.cached(b, c0, 0, 0), wc === 0 ? ZERO : this.cached(b, c1, 0, 0), wc);
    return lerp(at(b0), wb === 0 ? ZERO : at(b1), wb);
  }

  private prefill(tokens: number, context: number): IterationCost {
    if (this.exact) return this.cached(0, 0, tokens, context);
    const [n0, n1, wn] = gridAround(tokens, 64);
    const c = gridAround(context, 64)[0];
    return lerp(this.cached(0, 0, n0, c), wn === 0 ? ZERO : this.cached(0, 0, n1, c), wn);
  }

  private cached(decodeSeqs: number, decodeContext: number, prefillTokens: number, prefillContext: number): IterationCost {
    const key = `${decodeSeqs}|${decodeContext}|${prefillTokens}|${prefillContext}`;
    let c = this.cache.get(key);
    if (!c) {
      c = this.simulate({ decodeSeqs, decodeContext, prefillTokens, prefillContext });
      this.cache.set(key, c);
    }
    return c;
  }

  private simulate(it: IterationShape): IterationCost {
    this.simulations++;
    const lowering = new OpLowering(this.chip, this.placement);
    const list = new TaskList(1024);
    if (it.decodeSeqs > 0) {
      const graph = buildDecodeGraph(this.shape, { batch: it.decodeSeqs, context: it.decodeContext, kvBytesPerElement: kvBytesPerElement(this.chip) });
      emitOps(lowering, list, graph.ops, { phase: PHASE_DECODE, step: 0, label: "decode" });
    }
    if (it.prefillTokens > 0) {
      // sub-chunks pipeline as in `run`: a chunk's cached K/V reads wait for the previous chunks' writes
      const layers = this.shape.numLayers;
      const kvWrites: number[][] = Array.from({ length: layers }, () => []);
      for (let start = 0; start < it.prefillTokens; start += this.prefillChunk) {
        const len = Math.min(this.prefillChunk, it.prefillTokens - start);
        const graph = buildPrefillGraph(this.shape, { batch: 1, promptTokens: len, context: it.prefillContext + start, kvBytesPerElement: kvBytesPerElement(this.chip) });
        // only the last sub-chunk runs the head (final norm, lm_head), as in `run`
        let end = graph.ops.length;
        if (start + len < it.prefillTokens) while (end > 1 && graph.ops[end - 1]!.layer === -1) end--;
        emitOps(lowering, list, graph.ops, { phase: PHASE_PREFILL, step: -1, label: "prefill", end, waitKvWrites: kvWrites, recordKvWrites: kvWrites });
      }
    }
    const graph = list.toGraph();
    const schedule = runTaskGraph(graph, lowering.resources);
    let energy = 0;
    for (let i = 0; i < list.count * NK; i++) energy += list.energy[i]!;
    // Static energy over the iteration, by the same rule as `run` (staticEnergyByComponentJ).
    const timeS = schedule.makespanPs * PS;
    const busy = Object.fromEntries(COMPONENT_KINDS.map((k) => [k, 0])) as Record<ComponentKind, number>;
    const capacity = { ...busy };
    for (const r of lowering.resources) capacity[r.component] += r.capacity;
    for (let t = 0; t < list.count; t++) {
      const r = list.resource[t]!;
      if (r >= 0) busy[lowering.resources[r]!.component] += list.durationPs[t]! * list.width[t]! * PS; // a gang task: width units
    }
    const statics = staticEnergyByComponentJ(this.staticW, timeS, this.gated, busy, capacity);
    for (const k of COMPONENT_KINDS) energy += statics[k];
    if (this.placement.chips === 1) return { timeS, energyJ: energy };
    const links = lowering.linkTraffic(list);
    const experts = lowering.expertWork(list, schedule.startPs, schedule.endPs);
    return {
      timeS,
      energyJ: energy,
      linkBytes: Object.fromEntries(links.map((l) => [l.name, l.bytes])),
      linkBusyS: Object.fromEntries(links.map((l) => [l.name, l.busyS])),
      ...(experts.length > 0 ? { expertMacs: experts.map((e) => e.macs), expertActiveS: experts.map((e) => e.activeS) } : {}),
    };
  }
}
