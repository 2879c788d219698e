// From ops to engine tasks: for each op of the graph, which unit runs it, for how long, and what energy
// each hardware component spends. The per-action numbers come from src/components (cited there); this
// file only composes them, following the conventions below (each one an assumption, printed in
// `assumptions` of every result):
//
// - Analog projections (weight-stationary): a matrix owns its tiles (one engine resource per matrix,
//   "xbar:<name>"); its m input vectors go through the tiles back to back, one MVM latency each (all of the
//   matrix's tiles work in parallel on the same vector), then the partial sums of its row splits are added
//   by a pipelined adder tree (ceil(log2(rowSplits)) cycles). The input vector is multicast to the tiles and
//   the partial sums are gathered over the NoC (one NoC task before the MVMs).
// - Digital GEMMs (attention, and projections on an all-digital chip): SCALE-Sim closed forms per dataflow
//   (docs/REFERENCES.md [scalesim]), folds split over the array's identical instances, each fold stretched when the SRAM
//   cannot deliver its operands in time (memory stall). Digital projection weights stream from DRAM into a
//   double buffer: the fetch of a weight waits for the compute two weights back.
// - Vector ops: one element per lane per cycle (src/components/digital.ts vectorOpCost), split over instances.
// - KV cache and embeddings: transfers on the memory that holds them (DRAM or an SRAM), at its bandwidth.
// - Activations move through the first SRAM (global buffer): every op pays its SRAM reads and writes
//   (energy), and no op runs faster than that SRAM can feed it (latency lower bound).
import {
  analogMvmCostPrepared,
  averageHops,
  bitSerialCost,
  bitSerialDotEnergyJ,
  dramCost,
  FORMAT_BITS,
  addEnergyJ,
  newAnalogMvmCost,
  nocCost,
  prepareAnalogTile,
  sramCost,
  systolicGemmTiming,
  systolicPeCost,
  vectorOpCost,
  type AnalogTileModel,
  type BitSerialCost,
  type DramCost,
  type MvmActivity,
  type NocCost,
  type SramCost,
  type UnitCost,
} from "../components/index.ts";
import { ANALOG_TILES_PER_ROUTER } from "../components/describe.ts";
import { AimcsimError } from "../errors.ts";
import { assignmentFor, type MatrixPlacement, type Placement, type UnitAssignment } from "../mapping/index.ts";
import type { ModelOp } from "../model/opgraph.ts";
import type { BitSerialUnitSpec, ChipSpec, SramSpec, SystolicArraySpec, VectorOp, VectorUnitSpec } from "../spec/types.ts";
import { ChipResources, type ChipResource } from "./resources.ts";
import { TaskList } from "./tasks.ts";

const PS_PER_S = 1e12; // unit conversion
const BITS_PER_BYTE = 8; // unit conversion
/** Activations between ops are fp16 (as the KV cache; src/mapping ACTIVATION_BYTES_PER_ELEMENT). */
const ACT_BYTES = 2; // modelling convention: fp16 activations
/** Largest DRAM transfer scheduled as one unit; larger ones are split so others can interleave.
 *  Assumption: 256 KiB, a granularity at which a memory controller's request queue interleaves streams
 *  without a measurable row-buffer penalty in this model (which has no row-buffer model). */
const DRAM_BURST_BYTES = 256 * 1024;
/** Most engine slots one unit kind gets; more identical instances are grouped (see splitOverInstances).
 *  A simulation-cost bound, not a hardware number. */
const MAX_SLOTS = 64;
const slotsOf = (count: number): number => Math.min(count, MAX_SLOTS);

interface Engine {
  readonly name: string;
  readonly resource: number;
  readonly count: number;
  /** Work already assigned (ps), for greedy balancing between units able to run an op. */
  assignedPs: number;
}

export interface CostOptions {
  /** Measured analog activity (mean normalised conductance, input activity) for data-dependent energy. */
  readonly activity?: MvmActivity;
  /** Mantissa bits assumed on bit-serial units (Anda). */
  readonly bitSerialMantissaBits?: number;
}

interface AnalogMatrixCost {
  readonly placement: MatrixPlacement;
  readonly resource: number;
  /** Latency of one MVM on the matrix's tiles (all in parallel). */
  readonly mvmPs: number;
  readonly perVector: { dac: number; crossbar: number; adc: number; accumulate: number };
  readonly treeCycles: number;
  /** Mean NoC hops of the matrix's traffic (within its layer's tile region). */
  readonly hops: number;
}

export class ChipCostModel {
  private readonly chipResources = new ChipResources();
  readonly resources: readonly ChipResource[] = this.chipResources.list;
  readonly assumptions: string[] = [];
  private readonly systolic = new Map<string, { spec: SystolicArraySpec; pe: UnitCost; engine: Engine }>();
  private readonly bitSerial = new Map<string, { spec: BitSerialUnitSpec; cost: BitSerialCost; engine: Engine }>();
  private readonly vector = new Map<string, { spec: VectorUnitSpec; engine: Engine }>();
  private readonly analogByName = new Map<string, AnalogMatrixCost>();
  private readonly digitalWeightBytes = new Map<string, number>();
  private readonly tile: AnalogTileModel | null;
  private readonly sram: { spec: SramSpec; cost: SramCost; resource: number } | null;
  private readonly dram: DramCost;
  private readonly dramResource: number;
  private readonly noc: NocCost;
  private readonly nocResource: number;
  private readonly nocParallelLinks: number;
  private readonly kvMemory: "sram" | "dram";
  private readonly mantissaBits: number;
  /** Recent digital-projection compute tasks (for the weight double buffer). */
  private readonly weightBufferTasks: number[] = [];

  constructor(
    readonly chip: ChipSpec,
    readonly placement: Placement,
    opts: CostOptions = {},
  ) {
    const node = chip.technologyNm;
    const v = chip.supplyV;
    const res = this.chipResources;
    for (const s of chip.systolic)
      this.systolic.set(s.name, { spec: s, pe: systolicPeCost(s, node, v), engine: { name: s.name, resource: res.add(s.name, slotsOf(s.count), "systolic"), count: s.count, assignedPs: 0 } });
    for (const b of chip.bitSerial)
      this.bitSerial.set(b.name, { spec: b, cost: bitSerialCost(b, node, v), engine: { name: b.name, resource: res.add(b.name, slotsOf(b.count), "bitserial"), count: b.count, assignedPs: 0 } });
    for (const u of chip.vector)
      this.vector.set(u.name, { spec: u, engine: { name: u.name, resource: res.add(u.name, slotsOf(u.count), "vector"), count: u.count, assignedPs: 0 } });
    const s0 = chip.sram[0];
    this.sram = s0 ? { spec: s0, cost: sramCost(s0, node, v), resource: res.add(`sram:${s0.name}`, 1, "sram") } : null;
    this.dram = dramCost(chip.dram);
    this.dramResource = res.add("dram", 1, "dram");
    this.noc = nocCost(chip.noc, node, v);
    this.nocResource = res.add("noc", 1, "noc");
    // Routers as src/components/describe.ts counts them (one per digital unit, SRAM and group of tiles).
    const routers = Math.max(
      2,
      Math.ceil((chip.analog?.tiles ?? 0) / ANALOG_TILES_PER_ROUTER) + chip.systolic.length + chip.vector.length + chip.bitSerial.length + chip.sram.length,
    );
    // Parallel transfers the fabric sustains: a mesh's bisection has ~sqrt(N) links (assumption: the
    // bisection bounds throughput); a ring two; a bus and a tree's root one; a crossbar N.
    const n = routers;
    this.nocParallelLinks =
      chip.noc.topology === "mesh" ? Math.max(1, Math.floor(Math.sqrt(n))) : chip.noc.topology === "ring" ? 2 : chip.noc.topology === "crossbar" ? n : 1;
    this.kvMemory = placement.kvCache.memory;
    this.mantissaBits = opts.bitSerialMantissaBits ?? 8; // Anda default mid-range (src/components/digital.ts ANDA_DEFAULT_MANTISSA_BITS)

    const analog = chip.analog;
    if (analog && placement.analogMatrices.length > 0) {
      const tm = prepareAnalogTile(analog.tile, analog.weightBits, node, analog.clockHz, analog.accumulatorFormat);
      this.tile = tm;
      const scratch = newAnalogMvmCost();
      // Placement is contiguous in dataflow order, so a layer's traffic stays within its layer's tile
      // region: hops = mean hops of the topology over that region's routers (locality assumption).
      const layerTiles = new Map<number, number>();
      for (const m of placement.analogMatrices) layerTiles.set(m.layer, (layerTiles.get(m.layer) ?? 0) + m.tiles);
      for (const m of placement.analogMatrices) {
        const per = { dac: 0, crossbar: 0, adc: 0, accumulate: 0 };
        let mvmPs = 0;
        for (let b = m.firstBlock; b < m.firstBlock + m.tiles; b++) {
          const blk = placement.blocks[b]!;
          analogMvmCostPrepared(tm, blk.rowEnd - blk.rowStart, blk.colEnd - blk.colStart, opts.activity, scratch);
          per.dac += scratch.energyByComponentJ.dac;
          per.crossbar += scratch.energyByComponentJ.crossbar;
          per.adc += scratch.energyByComponentJ.adc;
          per.accumulate += scratch.energyByComponentJ.accumulate;
          if (scratch.latencyPs > mvmPs) mvmPs = scratch.latencyPs;
        }
        // Cross-tile partial sums: (rowSplits - 1) adds per output feature per vector.
        per.accumulate += (m.rowSplits - 1) * m.outFeatures * addEnergyJ(analog.accumulatorFormat, node, v);
        this.analogByName.set(m.name, {
          placement: m,
          resource: res.addCrossbarBank(m.name),
          mvmPs,
          perVector: per,
          treeCycles: Math.ceil(Math.log2(Math.max(1, m.rowSplits))),
          hops: averageHops(chip.noc.topology, Math.max(1, Math.ceil(layerTiles.get(m.layer)! / ANALOG_TILES_PER_ROUTER))),
        });
      }
      if (opts.activity) this.assumptions.push(`data-dependent analog energy: mean normalised conductance ${opts.activity.meanConductance ?? "default"}, input activity ${opts.activity.inputActivity ?? "default"} (measured by the numerics pass)`);
    } else this.tile = null;
    for (const d of placement.digitalMatrices) this.digitalWeightBytes.set(d.name, d.weightBytes);

    // The component models' own assumptions (tile, ADC, DAC, DRAM energy) are stated by describeChip, which
    // every result includes; these are the simulation's.
    this.assumptions.push(
      `KV cache in ${placement.kvCache.memory.toUpperCase()}: ${placement.kvCache.reason}`,
      `NoC: ${chip.noc.topology}, ${this.nocParallelLinks} parallel ${chip.noc.linkWidthBits}-bit links (bisection bound, assumption); analog traffic stays within its layer's contiguous tile region (mean hops of that region); input vectors multicast, partial sums gathered.`,
      "Activations are fp16 through the first SRAM (global buffer); digital projection weights stream from DRAM into a double buffer.",
      "Not modelled: leakage/static power, crossbar programming (weights are written once, before inference), DRAM refresh and row-buffer effects.",
    );
    if (!this.sram) this.assumptions.push("The chip has no SRAM: activation traffic is not charged (no buffer to charge it to).");
    for (const n of placement.notes) this.assumptions.push(`mapping: ${n}`);
  }

  resourceNamed(name: string): number {
    return this.chipResources.named(name);
  }

  private sramTimePs(bytes: number): number {
    return this.sram ? (bytes / this.sram.cost.bandwidthBytesPerS) * PS_PER_S : 0;
  }

  private chargeSram(list: TaskList, t: number, readBytes: number, writeBytes: number): void {
    if (!this.sram) return;
    list.addEnergy(t, "sram", (readBytes * this.sram.cost.readEnergyPerBitJ + writeBytes * this.sram.cost.writeEnergyPerBitJ) * BITS_PER_BYTE);
  }

  private pick<T extends { engine: Engine }>(units: readonly string[], table: ReadonlyMap<string, T>, estimate: (u: T) => number): T {
    let best: T | undefined;
    let bestScore = Infinity;
    for (const name of units) {
      const u = table.get(name);
      if (!u) continue;
      const score = u.engine.assignedPs + estimate(u) / u.engine.count;
      if (score < bestScore) {
        bestScore = score;
        best = u;
      }
    }
    if (!best) throw new AimcsimError("MappingError", units.join(","), "no unit of this kind on the chip");
    return best;
  }

  /** Emit the tasks of one op; returns the task whose end means the op's result is available. */
  emit(list: TaskList, op: ModelOp, deps: readonly number[], phase: number, step: number, label: string): number {
    const a = assignmentFor(this.placement.units, op);
    switch (op.kind) {
      case "projection":
        return a.engine === "analog" ? this.analogProjection(list, op, deps, phase, step, label) : this.gemm(list, op, a, deps, phase, step, label);
      case "attn-score":
      case "attn-value":
        return this.gemm(list, op, a, deps, phase, step, label);
      case "softmax":
      case "norm":
      case "rope":
      case "activation":
      case "elementwise":
        return this.vectorOp(list, op, a, deps, phase, step, label);
      case "kv-read":
      case "kv-write":
        return this.transfer(list, op, this.kvMemory === "sram" && this.sram ? "sram" : "dram", deps, phase, step, label);
      case "embedding":
        return this.transfer(list, op, "dram", deps, phase, step, label);
    }
  }

  private analogProjection(list: TaskList, op: ModelOp, deps: readonly number[], phase: number, step: number, label: string): number {
    const m = this.analogByName.get(op.name);
    if (!m) throw new AimcsimError("SimError", op.name, "projection is mapped to analog but has no placement");
    const p = m.placement;
    const vectors = op.m;
    // NoC: input vector multicast to the matrix's tiles, partial sums (accumulator format) gathered.
    const accBits = FORMAT_BITS[this.chip.analog!.accumulatorFormat];
    const inBits = vectors * p.inFeatures * ACT_BYTES * BITS_PER_BYTE;
    const outBits = vectors * p.outFeatures * p.rowSplits * accBits;
    const bitHops = inBits * (m.hops + p.colSplits - 1) + outBits * m.hops;
    const nocPs = ((inBits + outBits) / (this.noc.linkBandwidthBitsPerS * this.nocParallelLinks)) * PS_PER_S + m.hops * this.noc.hopLatencyPs;
    const tn = list.add(this.nocResource, nocPs, deps, op.opClass, phase, step, `${label} noc`, "noc");
    list.addEnergy(tn, "noc", bitHops * this.noc.energyPerBitHopJ);
    const readBytes = vectors * p.inFeatures * ACT_BYTES;
    const writeBytes = vectors * p.outFeatures * ACT_BYTES;
    const cyclePs = PS_PER_S / this.chip.analog!.clockHz;
    const computePs = vectors * m.mvmPs + m.treeCycles * cyclePs;
    const dur = Math.max(computePs, this.sramTimePs(readBytes + writeBytes));
    const t = list.add(m.resource, dur, [tn], op.opClass, phase, step, label, "projection");
    list.addEnergy(t, "dac", vectors * m.perVector.dac);
    list.addEnergy(t, "crossbar", vectors * m.perVector.crossbar);
    list.addEnergy(t, "adc", vectors * m.perVector.adc);
    list.addEnergy(t, "accumulate", vectors * m.perVector.accumulate);
    this.chargeSram(list, t, readBytes, writeBytes);
    list.macs[t] = op.macs;
    return t;
  }

  private gemm(list: TaskList, op: ModelOp, a: UnitAssignment, deps: readonly number[], phase: number, step: number, label: string): number {
    const M = op.m;
    const K = op.k;
    const N = op.n;
    const B = op.batch;
    // Digital projection weights: fetched from DRAM into a double buffer.
    let fetch = -1;
    const weightBytes = op.kind === "projection" ? this.digitalWeightBytes.get(op.name) : undefined;
    if (weightBytes !== undefined) {
      const buf = this.weightBufferTasks;
      const fetchDeps = buf.length >= 2 ? [buf[buf.length - 2]!] : [];
      fetch = this.dramTransfer(list, weightBytes, fetchDeps, op.opClass, phase, step, `${label} weights`, "dram");
    }
    const allDeps = fetch >= 0 ? [...deps, fetch] : deps;
    const computedMacs = M * K * N * B;
    let done: number;
    if (a.engine === "bitSerial") {
      const u = this.pick(a.units, this.bitSerial, (x) => this.bitSerialPs(x.spec, M, K, N, B));
      const dots = M * N * B;
      const cycles = Math.ceil((dots * Math.ceil(K / u.spec.groupSize) * this.mantissaBits) / u.spec.units);
      done = this.splitOverInstances(list, u.engine, cycles * u.cost.cyclePs, allDeps, op, phase, step, label, (t, share) => {
        list.addEnergy(t, "bitserial", share * dots * bitSerialDotEnergyJ(u.cost, u.spec.groupSize, K, this.mantissaBits));
      }, (M * K * B + K * N + M * N * B) * ACT_BYTES, dots);
    } else {
      const u = this.pick(a.units, this.systolic, (x) => this.systolicPs(x.spec, M, K, N, B));
      const g = systolicGemmTiming(u.spec, M, K, N, B, this.sramPs);
      const totalPs = g.totalPs;
      // SRAM operand reads (SCALE-Sim demand): every fold streams its operand tiles; outputs written once.
      const readBytes = g.readBytes;
      const writeBytes = M * N * B * ACT_BYTES;
      done = this.splitOverInstances(list, u.engine, totalPs, allDeps, op, phase, step, label, (t, share) => {
        list.addEnergy(t, "systolic", share * computedMacs * u.pe.energyJ);
        this.chargeSram(list, t, share * readBytes, share * writeBytes);
      }, 0, g.folds);
    }
    if (fetch >= 0) this.weightBufferTasks.push(done);
    return done;
  }

  private systolicPs(sa: SystolicArraySpec, M: number, K: number, N: number, B: number): number {
    return systolicGemmTiming(sa, M, K, N, B, this.sramPs).totalPs;
  }

  private readonly sramPs = (bytes: number): number => this.sramTimePs(bytes);

  private bitSerialPs(bs: BitSerialUnitSpec, M: number, K: number, N: number, B: number): number {
    return ((M * N * B * Math.ceil(K / bs.groupSize) * this.mantissaBits) / bs.units) * (PS_PER_S / bs.clockHz);
  }

  /** Split `totalPs` of work over up to `engine.count` identical instances (tasks on the same resource);
   *  returns a zero-duration join task. `charge(t, share)` books the energy of each share. */
  private splitOverInstances(
    list: TaskList,
    engine: Engine,
    totalPs: number,
    deps: readonly number[],
    op: ModelOp,
    phase: number,
    step: number,
    label: string,
    charge: (task: number, share: number) => void,
    sramBytes: number,
    maxParts: number,
  ): number {
    // Up to `count` instances work on independent pieces (folds, element blocks). Beyond MAX_SLOTS identical
    // instances are grouped into MAX_SLOTS engine slots, so the task count stays bounded; the op still takes
    // totalPs / min(count, pieces), the time `count` instances need.
    const parts = Math.max(1, Math.min(slotsOf(engine.count), maxParts));
    engine.assignedPs += totalPs / engine.count;
    const partPs = Math.max(totalPs / Math.max(1, Math.min(engine.count, maxParts)), this.sramTimePs(sramBytes / parts));
    if (parts === 1) {
      const t = list.add(engine.resource, partPs, deps, op.opClass, phase, step, label, op.kind);
      charge(t, 1);
      list.macs[t] = op.macs;
      return t;
    }
    const ids: number[] = [];
    for (let i = 0; i < parts; i++) {
      const t = list.add(engine.resource, partPs, deps, op.opClass, phase, step, `${label} [${i}]`, op.kind);
      charge(t, 1 / parts);
      list.macs[t] = op.macs / parts;
      ids.push(t);
    }
    return list.add(-1, 0, ids, op.opClass, phase, step, `${label} join`, "join");
  }

  private vectorOp(list: TaskList, op: ModelOp, a: UnitAssignment, deps: readonly number[], phase: number, step: number, label: string): number {
    const vop = op.kind as VectorOp;
    const u = this.pick(a.units, this.vector, (x) => (op.elements / x.spec.lanes) * (PS_PER_S / x.spec.clockHz));
    const cost = vectorOpCost(u.spec, vop, this.chip.technologyNm, this.chip.supplyV);
    const cyclesTotal = Math.ceil(op.elements / u.spec.lanes);
    const totalPs = cyclesTotal * cost.latencyPs;
    const bytes = op.elements * ACT_BYTES;
    return this.splitOverInstances(list, u.engine, totalPs, deps, op, phase, step, label, (t, share) => {
      list.addEnergy(t, "vector", share * op.elements * cost.energyJ);
      this.chargeSram(list, t, share * bytes, share * bytes);
    }, 2 * bytes, cyclesTotal);
  }

  private transfer(list: TaskList, op: ModelOp, where: "sram" | "dram", deps: readonly number[], phase: number, step: number, label: string): number {
    const bytes = op.bytes;
    if (where === "sram" && this.sram) {
      const t = list.add(this.sram.resource, this.sramTimePs(bytes), deps, op.opClass, phase, step, label, op.kind);
      const write = op.kind === "kv-write";
      this.chargeSram(list, t, write ? 0 : bytes, write ? bytes : 0);
      return t;
    }
    return this.dramTransfer(list, bytes, deps, op.opClass, phase, step, label, op.kind);
  }

  /** A DRAM transfer as bursts of at most DRAM_BURST_BYTES, each a task of its own, so the controller
   *  interleaves transfers (in priority order: the op needed first wins the next burst) instead of letting a
   *  large prefetch hold the channel; returns the task whose end means the whole transfer arrived. */
  private dramTransfer(list: TaskList, bytes: number, deps: readonly number[], opClass: ModelOp["opClass"], phase: number, step: number, label: string, kind: string): number {
    const parts = Math.max(1, Math.ceil(bytes / DRAM_BURST_BYTES));
    const ids: number[] = [];
    for (let i = 0; i < parts; i++) {
      const b = i < parts - 1 ? DRAM_BURST_BYTES : bytes - DRAM_BURST_BYTES * (parts - 1);
      const t = list.add(this.dramResource, (b / this.dram.bandwidthBytesPerS) * PS_PER_S, deps, opClass, phase, step, parts > 1 ? `${label} [${i}]` : label, kind);
      list.addEnergy(t, "dram", b * BITS_PER_BYTE * this.dram.energyPerBitJ);
      ids.push(t);
    }
    return parts === 1 ? ids[0]! : list.add(-1, 0, ids, opClass, phase, step, `${label} join`, "join");
  }
}
