// `serve`: a request-level discrete-event simulation of an LLM serving a stream of requests on a chip.
//
// Events (src/engine Simulator, integer picoseconds): request arrivals and iteration ends. Whenever the chip is
// idle and work is waiting, the scheduler forms the next iteration, vLLM-style (Kwon et al., SOSP 2023, and its
// chunked-prefill scheduler, Agrawal et al., Sarathi-Serve, OSDI 2024; docs/REFERENCES.md [vllm-2023],
// [sarathi-2024]):
//   1. decode priority: every running sequence whose prompt is done generates one token (up to maxSeqs);
//      a sequence that needs a new KV block when none is free preempts the most recently admitted running
//      sequence (recompute: its blocks are freed and it re-enters the front of the queue with its prompt plus
//      the tokens generated so far; swap: its KV is written to and later read back from DRAM, costed);
//   2. the rest of the token budget (maxBatchedTokens) goes to one prefill chunk: the oldest admitted sequence
//      still in prefill, else the first waiting request if its prompt's KV blocks fit (admission control,
//      first come first served);
//   3. the iteration's time and energy come from the chip model (cost.ts), and the iteration ends after it.
// A request's first token comes at the end of the iteration that finishes its prompt (TTFT), the rest one per
// decode iteration; TPOT = (end - first token) / (output tokens - 1).
//
// KV cache capacity: the memory the mapping puts the cache in (src/mapping/kvcache.ts) on all chips used,
// minus the activation buffers (SRAM) or the digital weights held there (DRAM), in blocks of `blockTokens`.
import { quantile } from "d3";
import { Simulator } from "../engine/index.ts";
import { AimcsimError } from "../errors.ts";
import { activationBufferBytes } from "../mapping/kvcache.ts";
import { kvCacheBytes, resolveModelShape } from "../model/index.ts";
import type { TransformerShape } from "../model/shape.ts";
import type { ChipSpec } from "../spec/types.ts";
import { chipLinkCost, COMPONENT_KINDS } from "../components/index.ts";
import { moeDetails } from "../model/moe.ts";
import { IterationCostModel } from "./cost.ts";
import type { ServeRequest } from "./requests.ts";

export interface ServeOptions {
  readonly chip: ChipSpec;
  readonly model: string | TransformerShape;
  readonly requests: readonly ServeRequest[];
  /** Token budget of one iteration (decode tokens + prefill chunk); default 2048. */
  readonly maxBatchedTokens?: number;
  /** Sequences running at once; default 256. */
  readonly maxSeqs?: number;
  /** KV cache block size in tokens; default 16 (vLLM's). */
  readonly blockTokens?: number;
  readonly preemption?: "recompute" | "swap";
  /** SLOs in seconds, for goodput and attainment. */
  readonly sloTtftS?: number;
  readonly sloTpotS?: number;
  readonly chips?: number | "auto";
  /** Simulate every iteration shape exactly (no grid interpolation). */
  readonly exact?: boolean;
  /** Keep per-request spans and the per-iteration log (for traces and reports). */
  readonly record?: boolean;
  /** Windows of the utilisation and queue-length series (default 50). */
  readonly windows?: number;
}

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
}

export interface RequestOutcome {
  readonly id: number;
  readonly arrivalS: number;
  readonly firstTokenS: number;
  readonly endS: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly ttftS: number;
  readonly tpotS: number;
  readonly preemptions: number;
}

export interface IterationRecord {
  readonly startS: number;
  readonly endS: number;
  readonly decodeSeqs: number;
  readonly prefillTokens: number;
  readonly queued: number;
  /** Multi-chip runs: bytes and occupied time of each chip-to-chip link in this iteration (by link name). */
  readonly linkBytes?: Readonly<Record<string, number>>;
  readonly linkBusyS?: Readonly<Record<string, number>>;
  /** Expert parallelism: per chip, the routed token slots its experts computed in this iteration and the wall time
   *  any of its expert tasks ran. */
  readonly expertTokens?: readonly number[];
  readonly expertActiveS?: readonly number[];
}

export interface ServeLinkTraffic {
  readonly name: string;
  readonly bytes: number;
  readonly energyJ: number;
  readonly busyS: number;
  /** busyS / the time iterations ran. */
  readonly utilization: number;
}

export interface ServeExpertChip {
  readonly chip: number;
  /** Routed token slots (tokens x top-k) its experts computed: their MACs / (3 x hidden x expert width). */
  readonly routedTokens: number;
  /** Its share of all routed token slots. */
  readonly share: number;
  /** Wall time any of its expert tasks ran / the time iterations ran. */
  readonly utilization: number;
}

export interface ServeResult {
  readonly chip: string;
  readonly model: string;
  readonly requests: number;
  readonly chips: number;
  readonly durationS: number;
  readonly ttftS: Percentiles;
  readonly tpotS: Percentiles;
  readonly e2eS: Percentiles;
  readonly outputTokens: number;
  readonly throughputTokensPerS: number;
  readonly requestsPerS: number;
  /** Requests meeting both SLOs (all, when no SLO is given) per second of the run, and their share. */
  readonly goodputRequestsPerS: number;
  readonly sloAttainment: number;
  /** Dynamic + static energy over the run (idle static power between iterations included). */
  readonly energyJ: number;
  /** Static energy of the idle chip between iterations (0 when power-gated). */
  readonly idleStaticEnergyJ: number;
  readonly tokensPerJ: number;
  readonly iterations: number;
  readonly preemptions: number;
  readonly kvCapacityTokens: number;
  readonly kvMemory: "sram" | "dram";
  /** Busy share of the chip and mean queue length per window of the run. */
  readonly utilization: readonly { readonly tS: number; readonly busy: number; readonly queue: number }[];
  readonly slo: { readonly ttftS: number | null; readonly tpotS: number | null };
  /** Multi-chip: each chip-to-chip link's traffic over the run, and its busy share of the run's busy time. */
  readonly links: readonly ServeLinkTraffic[];
  /** Expert parallelism (mapping.experts.chips): each chip's share of the routed tokens and its expert utilisation. */
  readonly experts: readonly ServeExpertChip[];
  readonly assumptions: readonly string[];
  readonly outcomes?: readonly RequestOutcome[];
  readonly log?: readonly IterationRecord[];
}

const PS_PER_S = 1e12; // unit conversion
const ARRIVE = 0;
const ITERATION_END = 1;

interface Seq {
  readonly req: ServeRequest;
  /** Prompt tokens to (re)compute: the prompt, plus generated tokens after a recompute preemption. */
  target: number;
  prefilled: number;
  generated: number;
  blocks: number;
  firstTokenPs: number;
  preemptions: number;
  admitOrder: number;
  swapped: boolean;
}

const pct = (xs: number[]): Percentiles => {
  if (xs.length === 0) return { p50: 0, p90: 0, p99: 0, mean: 0 };
  const s = Float64Array.from(xs).sort();
  return { p50: quantile(s, 0.5)!, p90: quantile(s, 0.9)!, p99: quantile(s, 0.99)!, mean: s.reduce((a, b) => a + b, 0) / s.length };
};

const checkInt = (v: number, path: string, min: number): number => {
  if (!(Number.isSafeInteger(v) && v >= min)) throw new AimcsimError("UsageError", path, `must be a whole number >= ${min}, got ${v}`);
  return v;
};

/** Per chip: routed token slots from the expert MACs (each slot is 3 x hidden x expert width MACs in a gated expert
 *  MLP), their share, and the experts' active time over the busy time. */
const expertChips = (shape: TransformerShape, macs: readonly number[], activeS: readonly number[], busyS: number): ServeExpertChip[] => {
  const moe = moeDetails(shape);
  if (moe === null || macs.length === 0) return [];
  const perSlot = 3 * shape.hiddenSize * moe.expertIntermediateSize;
  const total = macs.reduce((a, b) => a + b, 0);
  return macs.map((m, chip) => ({ chip, routedTokens: m / perSlot, share: total > 0 ? m / total : 0, utilization: busyS > 0 ? (activeS[chip] ?? 0) / busyS : 0 }));
};

export function serve(opts: ServeOptions): ServeResult {
  const shape = typeof opts.model === "string" ? resolveModelShape(opts.model) : opts.model;
  const maxTokens = checkInt(opts.maxBatchedTokens ?? 2048, "maxBatchedTokens", 1);
  const maxSeqs = checkInt(opts.maxSeqs ?? 256, "maxSeqs", 1);
  const blockTokens = checkInt(opts.blockTokens ?? 16, "blockTokens", 1);
  if (opts.requests.length === 0) throw new AimcsimError("UsageError", "requests", "must hold at least one request");
  const longest = Math.max(...opts.requests.map((r) => r.promptTokens + r.outputTokens));
  const costs = new IterationCostModel(opts.chip, shape, { chips: opts.chips, maxContextTokens: longest, exact: opts.exact });
  const placement = costs.placement;

  // ---- KV capacity in blocks
  const kvMemory = placement.kvCache.memory;
  const bytesPerToken = kvCacheBytes(shape, 1, 1);
  const capacityBytes =
    kvMemory === "sram"
      ? placement.kvCache.sramCapacityBytes - activationBufferBytes(shape, maxSeqs, longest) * placement.chips
      : placement.dram.capacityBytes - placement.dram.bytes; // DRAM less the weights stored there (src/mapping/dram.ts)
  const totalBlocks = Math.floor(Math.max(0, capacityBytes) / (bytesPerToken * blockTokens));
  const blocksFor = (tokens: number): number => Math.ceil(tokens / blockTokens);
  for (const r of opts.requests)
    if (blocksFor(r.promptTokens + r.outputTokens) > totalBlocks)
      throw new AimcsimError(
        "SimError",
        `requests[${r.id}]`,
        `needs ${r.promptTokens + r.outputTokens} tokens of KV cache, the chip holds ${totalBlocks * blockTokens} (${kvMemory}, ${placement.chips} chip(s)); a request this long can never run`,
      );
  const swapBytesPerS = opts.chip.dram.bandwidthBytesPerS * placement.chips;
  // Static power of the chips used: within iterations the cost model charges it (cost.ts); between iterations
  // the idle chip leaks unless it is power-gated.
  const staticW = COMPONENT_KINDS.reduce((a, k) => a + costs.staticW[k], 0);
  const gated = costs.gated;

  // ---- state
  const sim = new Simulator();
  const seqs: Seq[] = opts.requests.map((req) => ({ req, target: req.promptTokens, prefilled: 0, generated: 0, blocks: 0, firstTokenPs: -1, preemptions: 0, admitOrder: -1, swapped: false }));
  const waiting: Seq[] = [];
  const running: Seq[] = [];
  let freeBlocks = totalBlocks;
  let admitted = 0;
  let busy = false;
  let energy = 0;
  let preemptions = 0;
  let iterations = 0;
  const outcomes: RequestOutcome[] = [];
  const log: IterationRecord[] = [];
  // current iteration
  let curDecode: Seq[] = [];
  let curPrefill: Seq | null = null;
  let curChunk = 0;
  let swapPs = 0;
  const linkBytes = new Map<string, number>();
  const linkBusy = new Map<string, number>();
  const expertMacs: number[] = [];
  const expertActive: number[] = [];
  const moeShape = moeDetails(shape);
  const expertSlotMacs = moeShape ? 3 * shape.hiddenSize * moeShape.expertIntermediateSize : 1; // gate, up, down of one expert

  for (const s of seqs) sim.scheduleAt(Math.round(s.req.arrivalS * PS_PER_S), ARRIVE, s.req.id);

  const release = (s: Seq): void => {
    freeBlocks += s.blocks;
    s.blocks = 0;
  };
  /** Preempt the most recently admitted running sequence (vLLM's victim; possibly `needing` itself). Returns it. */
  const preemptNewest = (): Seq | null => {
    let victim: Seq | null = null;
    for (const r of running) if (!victim || r.admitOrder > victim.admitOrder) victim = r;
    if (!victim) return null;
    running.splice(running.indexOf(victim), 1);
    const inBatch = curDecode.indexOf(victim);
    if (inBatch >= 0) curDecode.splice(inBatch, 1);
    preemptions++;
    victim.preemptions++;
    if (opts.preemption === "swap") {
      // its KV goes to DRAM now and comes back on resumption: two transfers at the DRAM bandwidth
      swapPs += Math.round(((2 * victim.blocks * blockTokens * bytesPerToken) / swapBytesPerS) * PS_PER_S);
      victim.swapped = true;
    } else {
      victim.target = victim.req.promptTokens + victim.generated;
      victim.prefilled = 0;
    }
    release(victim);
    waiting.unshift(victim);
    return victim;
  };

  const startIteration = (): void => {
    curDecode = [];
    curPrefill = null;
    curChunk = 0;
    swapPs = 0;
    // 1. decode priority
    for (const s of [...running]) {
      if (s.prefilled < s.target || curDecode.length >= maxSeqs || !running.includes(s)) continue;
      const need = blocksFor(s.req.promptTokens + s.generated + 1) - s.blocks;
      let preemptedSelf = false;
      while (need > freeBlocks && !preemptedSelf) preemptedSelf = preemptNewest() === s;
      if (preemptedSelf) continue;
      freeBlocks -= need;
      s.blocks += need;
      curDecode.push(s);
    }
    // 2. one prefill chunk (or one swapped-out sequence resumed) with the rest of the budget
    const budget = maxTokens - curDecode.length;
    if (budget > 0) {
      let cand: Seq | null = running.find((s) => s.prefilled < s.target) ?? null;
      if (!cand && waiting.length > 0 && running.length < maxSeqs) {
        const w = waiting[0]!;
        const need = w.swapped ? blocksFor(w.req.promptTokens + w.generated + 1) : blocksFor(w.target);
        if (need <= freeBlocks) {
          waiting.shift();
          freeBlocks -= need;
          w.blocks = need;
          w.admitOrder = admitted++;
          running.push(w);
          if (w.swapped) {
            // its KV is back from DRAM (both transfers were charged at preemption): it decodes right away
            w.swapped = false;
            curDecode.push(w);
          } else cand = w;
        }
      }
      if (cand) {
        curPrefill = cand;
        curChunk = Math.min(budget, cand.target - cand.prefilled);
      }
    }
    if (curDecode.length === 0 && curPrefill === null && swapPs === 0) return; // nothing can run: wait for an arrival
    // tokens cached before this step: the prompt and every generated token but the newest, which this step feeds
    // (as run's decode step s sees prompt + s cached tokens)
    const decodeContext = curDecode.length > 0 ? curDecode.reduce((a, s) => a + s.req.promptTokens + s.generated - 1, 0) / curDecode.length : 0;
    const c = costs.cost({
      decodeSeqs: curDecode.length,
      decodeContext: Math.round(decodeContext),
      prefillTokens: curChunk,
      prefillContext: curPrefill ? (curPrefill as Seq).prefilled : 0,
    });
    energy += c.energyJ;
    for (const [k, v] of Object.entries(c.linkBytes ?? {})) linkBytes.set(k, (linkBytes.get(k) ?? 0) + v);
    for (const [k, v] of Object.entries(c.linkBusyS ?? {})) linkBusy.set(k, (linkBusy.get(k) ?? 0) + v);
    c.expertMacs?.forEach((v, i) => (expertMacs[i] = (expertMacs[i] ?? 0) + v));
    c.expertActiveS?.forEach((v, i) => (expertActive[i] = (expertActive[i] ?? 0) + v));
    const dur = Math.max(1, Math.round(c.timeS * PS_PER_S) + swapPs);
    busy = true;
    iterations++;
    log.push({
      startS: sim.nowPs / PS_PER_S,
      endS: (sim.nowPs + dur) / PS_PER_S,
      decodeSeqs: curDecode.length,
      prefillTokens: curChunk,
      queued: waiting.length,
      // per-iteration link and expert figures, for the trace (kept only when recording)
      ...(opts.record && c.linkBytes ? { linkBytes: c.linkBytes, linkBusyS: c.linkBusyS ?? {} } : {}),
      ...(opts.record && c.expertMacs ? { expertTokens: c.expertMacs.map((m) => m / expertSlotMacs), expertActiveS: c.expertActiveS ?? [] } : {}),
    });
    sim.schedule(dur, ITERATION_END, 0);
  };

  const windows = opts.windows ?? 50;
  const queueSamples: { tPs: number; q: number }[] = [];

  const endIteration = (): void => {
    busy = false;
    const now = sim.nowPs;
    for (const s of curDecode) {
      s.generated++;
      if (s.generated >= s.req.outputTokens) finish(s, now);
    }
    if (curPrefill) {
      const s = curPrefill as Seq;
      s.prefilled += curChunk;
      if (s.prefilled >= s.target && s.firstTokenPs < 0) {
        s.firstTokenPs = now;
        s.generated = Math.max(s.generated, 1);
        if (s.generated >= s.req.outputTokens) finish(s, now);
      }
    }
  };

  const finish = (s: Seq, now: number): void => {
    running.splice(running.indexOf(s), 1);
    release(s);
    const first = s.firstTokenPs / PS_PER_S;
    const end = now / PS_PER_S;
    outcomes.push({
      id: s.req.id,
      arrivalS: s.req.arrivalS,
      firstTokenS: first,
      endS: end,
      promptTokens: s.req.promptTokens,
      outputTokens: s.req.outputTokens,
      ttftS: first - s.req.arrivalS,
      tpotS: s.req.outputTokens > 1 ? (end - first) / (s.req.outputTokens - 1) : 0,
      preemptions: s.preemptions,
    });
  };

  sim.run((kind, payload) => {
    if (kind === ARRIVE) waiting.push(seqs[payload]!);
    else endIteration();
    queueSamples.push({ tPs: sim.nowPs, q: waiting.length });
    if (!busy && (waiting.length > 0 || running.length > 0)) startIteration();
  });
  if (outcomes.length !== seqs.length)
    throw new AimcsimError("SimError", "serve", `${seqs.length - outcomes.length} request(s) never completed (scheduler stalled: KV blocks ${freeBlocks}/${totalBlocks} free)`);

  outcomes.sort((a, b) => a.id - b.id);
  const endPs = sim.nowPs;
  const durationS = endPs / PS_PER_S;
  const busyS = log.reduce((a, it) => a + (it.endS - it.startS), 0);
  const idleStaticJ = gated ? 0 : staticW * Math.max(0, durationS - busyS);
  energy += idleStaticJ;
  const outTokens = outcomes.reduce((a, o) => a + o.outputTokens, 0);
  const sloT = opts.sloTtftS ?? null;
  const sloP = opts.sloTpotS ?? null;
  const good = outcomes.filter((o) => (sloT === null || o.ttftS <= sloT) && (sloP === null || o.tpotS <= sloP)).length;

  // utilisation and queue length per window (busy from the iteration log is exact: iterations never overlap)
  const util: { tS: number; busy: number; queue: number }[] = [];
  const winPs = Math.max(1, endPs / windows);
  const busyIn = new Float64Array(windows);
  const queueIn = new Float64Array(windows);
  // busy time per window from the iteration log (iterations never overlap)
  // spread [a, b) over the windows it covers, weighted by `v` (the last window takes any rounding remainder)
  const spread = (into: Float64Array, a: number, b: number, v: number): void => {
    // walk the windows by index, so a boundary that rounds onto `a` cannot stall the loop
    for (let w = Math.min(windows - 1, Math.floor(a / winPs)); a < b; w++) {
      const e = w >= windows - 1 ? b : Math.min(b, (w + 1) * winPs);
      if (e > a) into[Math.min(w, windows - 1)]! += (e - a) * v;
      a = Math.max(a, e);
    }
  };
  for (const it of log) spread(busyIn, it.startS * PS_PER_S, it.endS * PS_PER_S, 1);
  for (let i = 0; i < queueSamples.length; i++) {
    const s = queueSamples[i]!;
    spread(queueIn, s.tPs, i + 1 < queueSamples.length ? queueSamples[i + 1]!.tPs : endPs, s.q);
  }
  for (let w = 0; w < windows; w++) util.push({ tS: ((w + 0.5) * winPs) / PS_PER_S, busy: busyIn[w]! / winPs, queue: queueIn[w]! / winPs });

  return {
    chip: opts.chip.name,
    model: shape.name,
    requests: outcomes.length,
    chips: placement.chips,
    durationS,
    ttftS: pct(outcomes.map((o) => o.ttftS)),
    tpotS: pct(outcomes.filter((o) => o.outputTokens > 1).map((o) => o.tpotS)),
    e2eS: pct(outcomes.map((o) => o.endS - o.arrivalS)),
    outputTokens: outTokens,
    throughputTokensPerS: outTokens / durationS,
    requestsPerS: outcomes.length / durationS,
    goodputRequestsPerS: good / durationS,
    sloAttainment: good / outcomes.length,
    energyJ: energy,
    idleStaticEnergyJ: idleStaticJ,
    tokensPerJ: outTokens / energy,
    iterations,
    preemptions,
    kvCapacityTokens: totalBlocks * blockTokens,
    kvMemory,
    utilization: util,
    slo: { ttftS: sloT, tpotS: sloP },
    links: [...linkBytes.keys()].sort().map((name) => ({
      name,
      bytes: linkBytes.get(name)!,
      energyJ: linkBytes.get(name)! * 8 * chipLinkCost(opts.chip.chipLink).energyPerBitJ, // 8 bits per byte (definition)
      busyS: linkBusy.get(name) ?? 0,
      utilization: busyS > 0 ? (linkBusy.get(name) ?? 0) / busyS : 0,
    })),
    experts: expertChips(shape, expertMacs, expertActive, busyS),
    assumptions: [
      `continuous batching: decode first, then one prefill chunk; at most ${maxTokens} tokens and ${maxSeqs} sequences per iteration; KV blocks of ${blockTokens} tokens; preemption by ${opts.preemption ?? "recompute"} of the most recently admitted sequence`,
      `KV cache in ${kvMemory}: ${totalBlocks * blockTokens} tokens on ${placement.chips} chip(s) (${kvMemory === "dram" ? "DRAM minus the weights stored there: digital projections and embeddings" : "SRAM minus the activation buffers"})`,
      `energy: each iteration's dynamic and static energy as \`run\` books them, plus the idle chip's static power (${staticW.toPrecision(3)} W) between iterations${gated ? ": none here, idle units are power-gated" : ""}`,
      ...costs.assumptions,
    ],
    ...(opts.record ? { outcomes, log } : {}),
  };
}

export interface SloRatePoint {
  readonly ratePerS: number;
  readonly sloAttainment: number;
  readonly ttftP99S: number;
  readonly tpotP99S: number;
}

/** The request rate at which a chip first violates the SLOs: serve the same Poisson request family (same seed and
 *  length distributions) at rates doubling from `startRatePerS`, and report the first rate whose SLO attainment
 *  falls below `attainment` (default 0.9, the usual serving target), with every point tried. */
export function sloRate(
  base: Omit<ServeOptions, "requests">,
  make: (ratePerS: number) => readonly ServeRequest[],
  opts: { readonly startRatePerS: number; readonly maxSteps?: number; readonly attainment?: number },
): { readonly firstViolationRatePerS: number | null; readonly lastMetRatePerS: number | null; readonly points: readonly SloRatePoint[] } {
  if (base.sloTtftS === undefined && base.sloTpotS === undefined) throw new AimcsimError("UsageError", "slo", "a rate sweep needs --slo-ttft and/or --slo-tpot");
  const target = opts.attainment ?? 0.9;
  const points: SloRatePoint[] = [];
  let lastMet: number | null = null;
  let rate = opts.startRatePerS;
  for (let i = 0; i < (opts.maxSteps ?? 12); i++, rate *= 2) {
    const r = serve({ ...base, requests: make(rate), record: false });
    points.push({ ratePerS: rate, sloAttainment: r.sloAttainment, ttftP99S: r.ttftS.p99, tpotP99S: r.tpotS.p99 });
    if (r.sloAttainment < target) return { firstViolationRatePerS: rate, lastMetRatePerS: lastMet, points };
    lastMet = rate;
  }
  return { firstViolationRatePerS: null, lastMetRatePerS: lastMet, points };
}
