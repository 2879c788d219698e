// Op -> task lowering: for each op of the graph, the engine tasks that run it (on which resource, for how long,
// after which tasks) and the energy each hardware component spends. It only composes: unit selection is
// src/mapping (balance.ts), every time and energy comes from src/components (cited there): the crossbar bank,
// the systolic dataflows, the bit-serial and vector units, the SRAM/DRAM traffic and the NoC. The conventions
// it composes them by (each an assumption, printed in `assumptions` of every result):
//
// - Analog projections (weight-stationary): a matrix owns its tiles (one engine resource per matrix, a
//   crossbar bank); its m input vectors go through the tiles back to back, one MVM latency each (all of the
//   matrix's tiles work in parallel on the same vector), then the partial sums of its row splits are added
//   by a pipelined adder tree (ceil(log2(rowSplits)) cycles). The input vector is multicast to the tiles and
//   the partial sums are gathered over the NoC (one NoC task before the MVMs).
// - Digital GEMMs (attention, and projections on an all-digital chip): the array's dataflow
//   (docs/REFERENCES.md [scalesim]), folds split over the array's identical instances, each fold stretched when
//   the SRAM cannot deliver its operands in time (memory stall). Digital projection weights stream from DRAM into
//   a double buffer: the fetch of a weight waits for the compute two weights back.
// - Vector ops: one element per lane per cycle (src/components/digital.ts vectorOpCost), split over instances.
//   Residency: a vector op's activations (its input and its output, elements x fp16 each) are resident in the
//   first SRAM when input + output fit in its capacity; otherwise neither is (a stream larger than the buffer
//   leaves none of itself behind for the next op: the producer's output was written out to DRAM and the op's
//   own output goes there too), so the op streams its input from and its output to DRAM: one DRAM transfer of
//   input + output bytes (the DRAM transfer path: bursts, contention, DRAM energy) overlapped with the compute,
//   the op done when both are. Chips without an SRAM keep their activations uncharged (as before).
// - Parallel instances share the first SRAM: an op split over instances cannot finish before all of its SRAM
//   bytes went through the SRAM at its full bandwidth (not each part its share at the full bandwidth). An array
//   with a per-instance staging buffer (systolic[].operandDelivery: a GPU's shared memory) re-reads its fold
//   operands from that buffer, so the shared SRAM carries at least each operand once and the output once
//   (weights streamed from DRAM go through it into the staging buffers during their fetch, not again after).
// - KV cache and embeddings: transfers on the memory that holds them (DRAM or an SRAM), at its bandwidth.
// - Activations move through the first SRAM (global buffer): every op pays its SRAM reads and writes
//   (energy), and no op runs faster than that SRAM can feed it (latency lower bound).
import {
  FORMAT_BITS,
  averageHops,
  bitSerialCost,
  bitSerialDotEnergyJ,
  bitSerialGemmCycles,
  bitSerialGemmEstimatePs,
  crossbarBankCost,
  dramBurstBytes,
  dramBurstCount,
  dramCost,
  dramTransferEnergyJ,
  dramTransferPs,
  nocCost,
  nocEnergyJ,
  nocParallelLinks,
  nocRouters,
  nocTransferPs,
  prepareAnalogTile,
  sramAccessEnergyJ,
  sramCost,
  sramTransferPs,
  systolicGemmTiming,
  systolicMacCost,
  vectorOpCost,
  type BitSerialCost,
  type CrossbarBankCost,
  type DramCost,
  type MvmActivity,
  type NocCost,
  type SramCost,
  type UnitCost,
} from "../components/index.ts";
import { ANALOG_TILES_PER_ROUTER } from "../components/describe.ts";
import { chipLinkCost, ChipLinkTopology, type ChipLinkCost } from "../components/chiplink.ts";
import { AimcsimError } from "../errors.ts";
import {
  assignWork,
  assignmentFor,
  chipPrecision,
  formatChipPrecision,
  pickLeastLoaded,
  type MatrixPlacement,
  type Placement,
  type UnitAssignment,
  type UnitLoad,
} from "../mapping/index.ts";
import type { ModelOp } from "../model/opgraph.ts";
import type { BitSerialUnitSpec, ChipSpec, KvCacheLocation, SystolicArraySpec, VectorOp, VectorUnitSpec } from "../spec/types.ts";
import { WeightDoubleBuffer } from "./buffers.ts";
import { ChipResources, type ChipResource } from "./resources.ts";
import { KIND_INDEX, NK, TaskList } from "./tasks.ts";

const PS_PER_S = 1e12; // unit conversion
const BITS_PER_BYTE = 8; // unit conversion
/** Activations between ops are fp16 (as the KV cache; src/mapping ACTIVATION_BYTES_PER_ELEMENT). */
const ACT_BYTES = 2; // modelling convention: fp16 activations
/** Most engine slots one unit kind gets; more identical instances are grouped (see splitOverInstances).
 *  A simulation-cost bound, not a hardware number. */
export const MAX_SLOTS = 64;
const slotsOf = (count: number): number => Math.min(count, MAX_SLOTS);

/** Whether a vector op's activations stay in the chip's first SRAM (the residency rule in the header): its input
 *  and output bytes together fit in that SRAM's capacity. A chip without an SRAM has nowhere to spill from. */
export const vectorOpResident = (chip: Pick<ChipSpec, "sram">, inBytes: number, outBytes: number): boolean => {
  const s0 = chip.sram[0];
  return !s0 || inBytes + outBytes <= s0.capacityBytes;
};

export interface LoweringOptions {
  /** Measured analog activity (mean normalised conductance, input activity) for data-dependent energy. */
  readonly activity?: MvmActivity;
  /** Mantissa bits assumed on bit-serial units (Anda). */
  readonly bitSerialMantissaBits?: number;
  /** A multi-burst DRAM transfer as one macro task that yields the channel between bursts only when a transfer
   *  needed sooner is waiting (default true): the same schedule as one task per burst (src/engine/task-graph.ts;
   *  test/sim/macro-transfers.test.ts), at one task and a few events per transfer instead of one per burst. false
   *  emits one task per burst (traces show every burst). A simulation-cost setting, not hardware. */
  readonly macroTransfers?: boolean;
  /** Work split over identical unit instances as one gang task instead of one task per instance and a join
   *  (default: as macroTransfers): the same schedule (src/engine/task-graph.ts), energy and MACs summed. */
  readonly gangTasks?: boolean;
}

interface CrossbarBank extends CrossbarBankCost {
  readonly placement: MatrixPlacement;
  readonly resource: number;
  /** Mean NoC hops of the matrix's traffic (within its layer's tile region). */
  readonly hops: number;
  /** Multi-chip: per input vector, the transfers from the host chip (chip 0) to the other chips holding its blocks
   *  (fp16 activations of their row ranges), and of the partial sums (accumulator format, one per output column
   *  after each chip's local reduction) back; one transfer per route (chips whose routes are the same link share
   *  one). Empty on one chip. */
  readonly linkIn: readonly LinkFlow[];
  readonly linkOut: readonly LinkFlow[];
}

/** Bytes per vector over one route of the chip-to-chip links. */
interface LinkFlow {
  readonly route: readonly number[];
  readonly bytes: number;
}

/** Traffic of one chip-to-chip link over a run (SimRun.links). */
export interface LinkTraffic {
  readonly name: string;
  /** The link's ends: chips, or -1 for a switch (and the shared link's far side). */
  readonly ends: readonly [number, number];
  readonly bytes: number;
  readonly energyJ: number;
  /** Time the link was occupied (transfers x (latency + bytes / bandwidth)). */
  readonly busyS: number;
}

/** Group per-chip byte counts by route (in chip order), summing chips whose routes are the same links. */
const flowsByRoute = (topo: ChipLinkTopology, from: (c: number) => number, to: (c: number) => number, bytesByChip: ReadonlyMap<number, number>): LinkFlow[] => {
  const byKey = new Map<string, { route: number[]; bytes: number }>();
  for (const c of [...bytesByChip.keys()].sort((a, b) => a - b)) {
    const route = topo.route(from(c), to(c));
    const key = route.join(",");
    const f = byKey.get(key);
    if (f) f.bytes += bytesByChip.get(c)!;
    else byKey.set(key, { route, bytes: bytesByChip.get(c)! });
  }
  return [...byKey.values()].filter((f) => f.bytes > 0);
};

/** The units of one chip: its GEMM arrays, bit-serial and vector units, first SRAM, DRAM channel and NoC. */
interface ChipUnits {
  readonly systolic: Map<string, { spec: SystolicArraySpec; pe: UnitCost; load: UnitLoad }>;
  readonly bitSerial: Map<string, { spec: BitSerialUnitSpec; cost: BitSerialCost; load: UnitLoad }>;
  readonly vector: Map<string, { spec: VectorUnitSpec; load: UnitLoad }>;
  readonly sram: { cost: SramCost; resource: number } | null;
  readonly dramResource: number;
  readonly nocResource: number;
  readonly weightBuffer: WeightDoubleBuffer;
}

/** Expert parallelism: work per chip on the experts homed there (SimRun.experts, serve's per-chip report). */
export interface ExpertChipWork {
  readonly chip: number;
  /** MACs of the expert projections (a routed token slot is 3 x hidden x expert-width of them). */
  readonly macs: number;
  /** Summed duration of the experts' compute tasks (several units run at once, so it may exceed the wall time). */
  readonly busyS: number;
  /** Wall time during which at least one of the chip's expert tasks ran. */
  readonly activeS: number;
}

const EXPERT_OP = /^L(\d+)\.experts\.(\d+)\.(\w+)$/;

export class OpLowering {
  private readonly chipResources = new ChipResources();
  readonly resources: readonly ChipResource[] = this.chipResources.list;
  readonly assumptions: string[] = [];
  /** Each chip's units, made when an op first runs there (chip 0's when the lowering is made); expert parallelism
   *  (placement.expertChips) runs an expert's ops on its home chip's units. */
  private readonly chipUnits: ChipUnits[] = [];
  /** The units of the chip the op being lowered runs on. */
  private u: ChipUnits;
  private readonly banks = new Map<string, CrossbarBank>();
  private readonly digitalWeightBytes = new Map<string, number>();
  private readonly sramCost: SramCost | null;
  private readonly dram: DramCost;
  private readonly noc: NocCost;
  private readonly nocLinks: number;
  private readonly link: ChipLinkCost;
  /** The chip-to-chip links (chipLink.topology) and their engine resources, made when first used (the shared link
   *  when the lowering is made, as before topologies existed). */
  readonly linkTopology: ChipLinkTopology;
  private readonly linkResources = new Map<number, number>();
  private readonly kvMemory: KvCacheLocation;
  private readonly expertChips: readonly (readonly number[])[] | null;
  /** Expert parallelism: [first task, end task, chip] of every expert op lowered on a chip other than the host. */
  private readonly expertSpans: number[] = [];
  /** The dispatch of the expert whose gate was lowered last (its up reuses it): key and task. */
  private lastDispatch: { key: string; task: number } | null = null;
  private readonly mantissaBits: number;
  private readonly macroTransfers: boolean;
  private readonly gangTasks: boolean;
  /** The SRAM's delivery time for `bytes` (0 without an SRAM): the stall bound every op obeys. */
  private readonly sramPs = (bytes: number): number => (this.sramCost ? sramTransferPs(this.sramCost, bytes) : 0);

  constructor(
    readonly chip: ChipSpec,
    readonly placement: Placement,
    opts: LoweringOptions = {},
  ) {
    const node = chip.technologyNm;
    const v = chip.supplyV;
    const res = this.chipResources;
    const s0 = chip.sram[0];
    this.sramCost = s0 ? sramCost(s0, node, v) : null;
    this.dram = dramCost(chip.dram);
    this.noc = nocCost(chip.noc, node, v);
    this.u = this.unitsOf(0);
    this.expertChips = placement.expertChips ?? null;
    this.nocLinks = nocParallelLinks(chip.noc.topology, nocRouters(chip));
    this.link = chipLinkCost(chip.chipLink);
    this.linkTopology = new ChipLinkTopology(this.link.topology, placement.chips);
    if (placement.chips > 1 && this.link.topology === "shared") this.linkResources.set(0, res.add("chip-link", 1, "link"));
    this.kvMemory = placement.kvCache.memory;
    this.macroTransfers = opts.macroTransfers ?? true;
    this.gangTasks = opts.gangTasks ?? this.macroTransfers;
    this.mantissaBits = opts.bitSerialMantissaBits ?? 8; // Anda default mid-range (src/components/digital.ts ANDA_DEFAULT_MANTISSA_BITS)

    const analog = chip.analog;
    if (analog && placement.analogMatrices.length > 0) {
      const tm = prepareAnalogTile(analog.tile, analog.weightBits, node, analog.clockHz, analog.accumulatorFormat, {
        supplyV: v,
        ...(analog.periphery !== undefined ? { periphery: analog.periphery } : {}),
      });
      // Placement is contiguous in dataflow order, so a layer's traffic stays within its layer's tile
      // region: hops = mean hops of the topology over that region's routers (locality assumption).
      const layerTiles = new Map<number, number>();
      for (const m of placement.analogMatrices) layerTiles.set(m.layer, (layerTiles.get(m.layer) ?? 0) + m.tiles);
      for (const m of placement.analogMatrices) {
        const blocks = placement.blocks.slice(m.firstBlock, m.firstBlock + m.tiles);
        let linkIn: LinkFlow[] = [];
        let linkOut: LinkFlow[] = [];
        if (placement.chips > 1) {
          // the chip the matrix's input comes from and its output goes to: the host, or an expert's home chip
          const home = this.homeOf({ layer: m.layer, name: m.name });
          const accBytes = FORMAT_BITS[analog.accumulatorFormat] / BITS_PER_BYTE;
          const rows = new Map<number, Set<string>>();
          const cols = new Map<number, Set<string>>();
          const inBytes = new Map<number, number>();
          const outBytes = new Map<number, number>();
          for (const b of blocks) {
            if (b.chip === home) continue;
            const r = rows.get(b.chip) ?? new Set<string>();
            const c = cols.get(b.chip) ?? new Set<string>();
            if (r.size === 0) rows.set(b.chip, r);
            if (c.size === 0) cols.set(b.chip, c);
            if (!r.has(`${b.rowStart}:${b.rowEnd}`)) inBytes.set(b.chip, (inBytes.get(b.chip) ?? 0) + (b.rowEnd - b.rowStart) * ACT_BYTES);
            if (!c.has(`${b.colStart}:${b.colEnd}`)) outBytes.set(b.chip, (outBytes.get(b.chip) ?? 0) + (b.colEnd - b.colStart) * accBytes);
            r.add(`${b.rowStart}:${b.rowEnd}`);
            c.add(`${b.colStart}:${b.colEnd}`);
          }
          linkIn = flowsByRoute(this.linkTopology, () => home, (c) => c, inBytes);
          linkOut = flowsByRoute(this.linkTopology, (c) => c, () => home, outBytes);
        }
        this.banks.set(m.name, {
          linkIn,
          linkOut,
          ...crossbarBankCost(tm, blocks, m.rowSplits, m.outFeatures, analog.accumulatorFormat, node, v, opts.activity),
          placement: m,
          resource: res.addCrossbarBank(m.name),
          hops: averageHops(chip.noc.topology, Math.max(1, Math.ceil(layerTiles.get(m.layer)! / ANALOG_TILES_PER_ROUTER))),
        });
      }
      if (opts.activity) this.assumptions.push(`data-dependent analog energy: mean normalised conductance ${opts.activity.meanConductance ?? "default"}, input activity ${opts.activity.inputActivity ?? "default"} (measured by the numerics pass)`);
    }
    for (const d of placement.digitalMatrices) this.digitalWeightBytes.set(d.name, d.weightBytes);

    // The component models' own assumptions (tile, ADC, DAC, DRAM energy) are stated by describeChip, which
    // every result includes; these are the simulation's.
    this.assumptions.push(
      `KV cache in ${placement.kvCache.memory.toUpperCase()}: ${placement.kvCache.reason}`,
      `Precision: ${formatChipPrecision(chipPrecision(chip))}.`,
      `NoC: ${chip.noc.topology}, ${this.nocLinks} parallel ${chip.noc.linkWidthBits}-bit links (bisection bound, assumption); analog traffic stays within its layer's contiguous tile region (mean hops of that region); input vectors multicast, partial sums gathered.`,
      "Activations are fp16 through the first SRAM (global buffer); digital projection weights stream from DRAM into a double buffer.",
      "A vector op whose input + output (fp16) exceed the first SRAM's capacity streams both from/to DRAM, overlapped with its compute; parallel unit instances share the first SRAM's bandwidth (an op takes at least all its SRAM bytes at that bandwidth; arrays with a per-instance staging buffer (operandDelivery) read each operand through it once, weights streamed from DRAM during their fetch).",
      "Not modelled: DRAM background, refresh and row-buffer effects. Crossbar programming (write-verify) is reported once per deployment, not charged to inference.",
    );
    if (!this.u.sram) this.assumptions.push("The chip has no SRAM: activation traffic is not charged (no buffer to charge it to).");
    for (const n of placement.notes) this.assumptions.push(`mapping: ${n}`);
    if (placement.chips > 1)
      this.assumptions.push(
        `chip-to-chip links: ${(this.link.energyPerBitJ * 1e12).toPrecision(3)} pJ/bit, ${(this.link.bandwidthBytesPerS / 1e9).toPrecision(3)} GB/s, ${(this.link.latencyS * 1e9).toPrecision(3)} ns per transfer (${this.chip.chipLink ? "chipLink" : "UCIe standard-package defaults, docs/REFERENCES.md [ucie-2025]"}); chip 0 hosts the digital units and activations, so an analog matrix's blocks on another chip receive their fp16 input rows and return one partial sum per output column over one shared link (assumption).`,
      );
    if (this.expertChips !== null)
      this.assumptions.push(
        `expert parallelism (${chip.mapping.experts?.chips}): each routed expert runs on its home chip's units (vector, GEMM, DRAM, NoC of that chip; analog experts on their tiles); chip 0 keeps attention, the router, the shared expert and every sequence's activations, so the dispatch is a scatter of each expert's tokens' hidden vectors (fp16) from chip 0 and the combine a gather of its outputs (fp16) back, over the chip links (assumption: no data-parallel attention).`,
      );
    if (placement.chips > 1 && this.link.topology !== "shared")
      this.assumptions.push(
        `chip-to-chip topology ${this.link.topology} over ${placement.chips} chips: each link has the energy, bandwidth and latency above and carries one transfer at a time (both directions); a transfer crossing k links pays the energy on each and takes k x latency + bytes / bandwidth (cut-through)${this.link.topology === "switch" ? "; the switch's own energy and latency are not charged" : ""} (assumption).`,
      );
  }

  private chargeSram(list: TaskList, t: number, readBytes: number, writeBytes: number): void {
    if (!this.u.sram) return;
    list.addEnergy(t, "sram", sramAccessEnergyJ(this.u.sram.cost, readBytes, writeBytes));
  }

  private unitsOf(chip: number): ChipUnits {
    let u = this.chipUnits[chip];
    if (u) return u;
    const c = this.chip;
    const node = c.technologyNm;
    const v = c.supplyV;
    const res = this.chipResources;
    const at = chip === 0 ? "" : `@chip${chip}`;
    const unit = (name: string, count: number, component: ChipResource["component"]): UnitLoad => ({ name, resource: res.add(`${name}${at}`, slotsOf(count), component), count, assignedPs: 0 });
    const systolic: ChipUnits["systolic"] = new Map();
    const bitSerial: ChipUnits["bitSerial"] = new Map();
    const vector: ChipUnits["vector"] = new Map();
    for (const s of c.systolic) systolic.set(s.name, { spec: s, pe: systolicMacCost(s, node, v), load: unit(s.name, s.count, "systolic") });
    for (const b of c.bitSerial) bitSerial.set(b.name, { spec: b, cost: bitSerialCost(b, node, v), load: unit(b.name, b.count, "bitserial") });
    for (const x of c.vector) vector.set(x.name, { spec: x, load: unit(x.name, x.count, "vector") });
    const s0 = c.sram[0];
    const sram = s0 && this.sramCost ? { cost: this.sramCost, resource: res.add(`sram:${s0.name}${at}`, 1, "sram") } : null;
    const dramResource = res.add(`dram${at}`, 1, "dram");
    const nocResource = res.add(`noc${at}`, 1, "noc");
    u = { systolic, bitSerial, vector, sram, dramResource, nocResource, weightBuffer: new WeightDoubleBuffer() };
    this.chipUnits[chip] = u;
    return u;
  }

  /** The home chip of an expert op under expert parallelism (0: the host, for every other op). */
  private homeOf(op: { readonly layer: number; readonly name: string }): number {
    if (this.expertChips === null || op.layer < 0) return 0;
    const m = EXPERT_OP.exec(op.name);
    return m ? (this.expertChips[Number(m[1])]?.[Number(m[2])] ?? 0) : 0;
  }

  /** Emit the tasks of one op; returns the task whose end means the op's result is available. Under expert
   *  parallelism an expert homed on chip c != 0 runs on chip c's units; its gate and up wait for one dispatch of
   *  their tokens' hidden vectors (fp16) from chip 0 over the chip links, and its down projection's output goes
   *  back to chip 0 (the combine) before the op counts as done. */
  emit(list: TaskList, op: ModelOp, deps: readonly number[], phase: number, step: number, label: string): number {
    const home = this.homeOf(op);
    if (home === 0) return this.emitOnChip(list, op, deps, phase, step, label);
    const first = list.count;
    this.u = this.unitsOf(home);
    try {
      let d = deps;
      const role = op.kind === "projection" ? op.name.slice(op.name.lastIndexOf(".") + 1) : "";
      if (role === "gate_proj" || role === "up_proj") {
        const key = `${op.name.slice(0, op.name.lastIndexOf("."))}|${deps.join(",")}`;
        if (this.lastDispatch?.key !== key) {
          const bytes = op.m * op.k * ACT_BYTES;
          this.lastDispatch = { key, task: this.linkTransfer(list, bytes, this.linkTopology.route(0, home), deps, op, phase, step, `${label} dispatch`) };
        }
        d = [this.lastDispatch.task];
      }
      let t = this.emitOnChip(list, op, d, phase, step, label);
      if (role === "down_proj") t = this.linkTransfer(list, op.m * op.n * ACT_BYTES, this.linkTopology.route(home, 0), [t], op, phase, step, `${label} combine`);
      this.expertSpans.push(first, list.count, home);
      return t;
    } finally {
      this.u = this.chipUnits[0]!;
    }
  }

  /** Per chip (host included), the expert work of the chips that expert parallelism homes experts on: MACs, summed
   *  compute time and the wall time any of it ran (from the schedule). Empty without expert parallelism. */
  expertWork(list: TaskList, startPs: ArrayLike<number>, endPs: ArrayLike<number>): ExpertChipWork[] {
    if (this.expertChips === null) return [];
    const chips = this.placement.chips;
    const macs = new Float64Array(chips);
    const busy = new Float64Array(chips);
    const spans: [number, number][][] = Array.from({ length: chips }, () => []);
    const linkKinds = new Set(this.linkResources.values());
    const add = (c: number, t: number): void => {
      const r = list.resource[t]!;
      if (r < 0 || linkKinds.has(r)) return;
      macs[c]! += list.macs[t]!;
      busy[c]! += list.durationPs[t]!;
      spans[c]!.push([startPs[t]!, endPs[t]!]);
    };
    const onRemote = new Uint8Array(list.count);
    const sp = this.expertSpans;
    for (let i = 0; i < sp.length; i += 3) for (let t = sp[i]!; t < sp[i + 1]!; t++) {
      onRemote[t] = 1;
      add(sp[i + 2]!, t);
    }
    // experts homed on the host: their ops are named like the others
    for (let t = 0; t < list.count; t++) if (onRemote[t] === 0 && /\.experts\.\d+\./.test(list.labels[t]!)) add(0, t);
    const out: ExpertChipWork[] = [];
    for (let c = 0; c < chips; c++) {
      const iv = spans[c]!.sort((a, b) => a[0] - b[0]);
      let active = 0;
      let s = -1;
      let e = -1;
      for (const [a, b] of iv) {
        if (a > e) {
          if (e > s) active += e - s;
          s = a;
          e = b;
        } else if (b > e) e = b;
      }
      if (e > s) active += e - s;
      out.push({ chip: c, macs: macs[c]!, busyS: busy[c]! / PS_PER_S, activeS: active / PS_PER_S });
    }
    return out;
  }

  private emitOnChip(list: TaskList, op: ModelOp, deps: readonly number[], phase: number, step: number, label: string): number {
    const a = assignmentFor(this.placement.units, op);
    switch (op.kind) {
      case "projection":
        // Per-matrix placement (MoE expert policy): a matrix placed on tiles runs there, one streamed from DRAM
        // runs on the digital GEMM units (those of the attention GEMMs) whatever the scope's default.
        if (this.banks.has(op.name)) return this.analogProjection(list, op, deps, phase, step, label);
        if (a.unitKind === "analog" && this.digitalWeightBytes.has(op.name)) return this.gemm(list, op, assignmentFor(this.placement.units, { kind: "attn-score", name: op.name }), deps, phase, step, label);
        return a.unitKind === "analog" ? this.analogProjection(list, op, deps, phase, step, label) : this.gemm(list, op, a, deps, phase, step, label);
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
        return this.transfer(list, op, this.kvMemory === "sram" && this.u.sram ? "sram" : "dram", deps, phase, step, label);
      case "embedding":
        return this.transfer(list, op, "dram", deps, phase, step, label);
    }
  }

  private analogProjection(list: TaskList, op: ModelOp, deps: readonly number[], phase: number, step: number, label: string): number {
    const m = this.banks.get(op.name);
    if (!m) throw new AimcsimError("SimError", op.name, "projection is mapped to analog but has no placement");
    const p = m.placement;
    const vectors = op.m;
    // NoC: input vector multicast to the matrix's tiles, partial sums (accumulator format) gathered.
    const accBits = FORMAT_BITS[this.chip.analog!.accumulatorFormat];
    const inBits = vectors * p.inFeatures * ACT_BYTES * BITS_PER_BYTE;
    const outBits = vectors * p.outFeatures * p.rowSplits * accBits;
    const bitHops = inBits * (m.hops + p.colSplits - 1) + outBits * m.hops;
    const nocPs = nocTransferPs(this.noc, this.nocLinks, inBits + outBits, m.hops);
    const tn = list.add(this.u.nocResource, nocPs, deps, op.opClass, phase, step, `${label} noc`, "noc");
    list.addEnergy(tn, "noc", nocEnergyJ(this.noc, bitHops));
    const readBytes = vectors * p.inFeatures * ACT_BYTES;
    const writeBytes = vectors * p.outFeatures * ACT_BYTES;
    const cyclePs = PS_PER_S / this.chip.analog!.clockHz;
    const computePs = vectors * m.mvmPs + m.treeCycles * cyclePs;
    const dur = Math.max(computePs, this.sramPs(readBytes + writeBytes));
    // Chip boundary (multi-chip): the input rows to the other chips first, their partial sums back after.
    const tin = m.linkIn.length > 0 ? this.linkFlows(list, m.linkIn, vectors, [tn], op, phase, step, `${label} link in`) : tn;
    const t = list.add(m.resource, dur, [tin], op.opClass, phase, step, label, "projection");
    list.addEnergy(t, "dac", vectors * m.perVector.dac);
    list.addEnergy(t, "crossbar", vectors * m.perVector.crossbar);
    list.addEnergy(t, "adc", vectors * m.perVector.adc);
    list.addEnergy(t, "accumulate", vectors * m.perVector.accumulate);
    list.addEnergy(t, "periphery", vectors * m.perVector.periphery);
    this.chargeSram(list, t, readBytes, writeBytes);
    list.macs[t] = op.macs;
    return m.linkOut.length > 0 ? this.linkFlows(list, m.linkOut, vectors, [t], op, phase, step, `${label} link out`) : t;
  }

  /** The flows of one op (`vectors` x bytes each), side by side; returns the task whose end means all arrived. */
  private linkFlows(list: TaskList, flows: readonly LinkFlow[], vectors: number, deps: readonly number[], op: ModelOp, phase: number, step: number, label: string): number {
    if (flows.length === 1) return this.linkTransfer(list, vectors * flows[0]!.bytes, flows[0]!.route, deps, op, phase, step, label);
    const ids = flows.map((f) => this.linkTransfer(list, vectors * f.bytes, f.route, deps, op, phase, step, label));
    return list.add(-1, 0, ids, op.opClass, phase, step, `${label} join`, "join");
  }

  private linkResource(link: number): number {
    let r = this.linkResources.get(link);
    if (r === undefined) this.linkResources.set(link, (r = this.chipResources.add(this.linkTopology.linkName(link), 1, "link")));
    return r;
  }

  /** `bytes` over the links of `route` (chipLink.topology): each link occupied for latency + bytes / bandwidth and
   *  charged the energy per bit; over k > 1 links the transfer ends (k - 1) latencies after the last link is done
   *  (cut-through: the bytes stream through the path's links at once, each hop adds its latency). */
  private linkTransfer(list: TaskList, bytes: number, route: readonly number[], deps: readonly number[], op: ModelOp, phase: number, step: number, label: string): number {
    const ps = (this.link.latencyS + bytes / this.link.bandwidthBytesPerS) * PS_PER_S;
    const energy = bytes * BITS_PER_BYTE * this.link.energyPerBitJ;
    if (route.length === 1) {
      const t = list.add(this.linkResource(route[0]!), ps, deps, op.opClass, phase, step, label, "link");
      list.addEnergy(t, "link", energy);
      return t;
    }
    const ids: number[] = [];
    for (let i = 0; i < route.length; i++) {
      const t = list.add(this.linkResource(route[i]!), ps, deps, op.opClass, phase, step, `${label} [${this.linkTopology.linkName(route[i]!)}]`, "link");
      list.addEnergy(t, "link", energy);
      ids.push(t);
    }
    return list.add(-1, (route.length - 1) * this.link.latencyS * PS_PER_S, ids, op.opClass, phase, step, `${label} hops`, "join");
  }

  /** Bytes, energy and occupied time of every chip-to-chip link used in `list` (bytes from each link task's energy
   *  and the energy per bit, so scaled tasks (decode sampling) count as what they stand for). */
  linkTraffic(list: TaskList): LinkTraffic[] {
    const byResource = new Map<number, number>();
    for (const [link, r] of this.linkResources) byResource.set(r, link);
    const acc = new Map<number, { bytes: number; energyJ: number; busyS: number }>();
    const ki = KIND_INDEX.link;
    for (let t = 0; t < list.count; t++) {
      const link = byResource.get(list.resource[t]!);
      if (link === undefined) continue;
      let a = acc.get(link);
      if (!a) acc.set(link, (a = { bytes: 0, energyJ: 0, busyS: 0 }));
      const e = list.energy[t * NK + ki]!;
      a.energyJ += e;
      a.bytes += e / (BITS_PER_BYTE * this.link.energyPerBitJ);
      a.busyS += list.durationPs[t]! / PS_PER_S;
    }
    return [...acc.keys()].sort((a, b) => a - b).map((link) => ({ name: this.linkTopology.linkName(link), ends: this.linkTopology.ends(link), ...acc.get(link)! }));
  }

  private gemm(list: TaskList, op: ModelOp, a: UnitAssignment, deps: readonly number[], phase: number, step: number, label: string): number {
    const M = op.m;
    const K = op.k;
    const N = op.n;
    const B = op.batch;
    // Digital projection weights: fetched from DRAM into a double buffer.
    let fetch = -1;
    const weightBytes = op.kind === "projection" ? this.digitalWeightBytes.get(op.name) : undefined;
    if (weightBytes !== undefined) fetch = this.dramTransfer(list, weightBytes, this.u.weightBuffer.fetchDeps(), op.opClass, phase, step, `${label} weights`, "dram");
    const allDeps = fetch >= 0 ? [...deps, fetch] : deps;
    const computedMacs = M * K * N * B;
    let done: number;
    if (a.unitKind === "bitSerial") {
      const mb = this.mantissaBits;
      const u = pickLeastLoaded(a.units, this.u.bitSerial, (x) => bitSerialGemmEstimatePs(x.spec, M, K, N, B, mb));
      const dots = M * N * B;
      const cycles = bitSerialGemmCycles(u.spec, M, K, N, B, mb);
      done = this.splitOverInstances(list, u.load, cycles * u.cost.cyclePs, allDeps, op, phase, step, label, (t, share) => {
        list.addEnergy(t, "bitserial", share * dots * bitSerialDotEnergyJ(u.cost, u.spec.groupSize, K, mb));
      }, (M * K * B + K * N + M * N * B) * ACT_BYTES, dots);
    } else {
      // The op's operand format: the chip's attention / lm_head format where stated (mapping.attentionFormat,
      // lmHeadFormat), else the array's own.
      const fmt = op.kind === "projection" ? (op.name === "lm_head" ? this.chip.mapping.lmHeadFormat : undefined) : this.chip.mapping.attentionFormat;
      const specOf = (x: { spec: SystolicArraySpec }): SystolicArraySpec => (fmt === undefined || fmt === x.spec.format ? x.spec : { ...x.spec, format: fmt });
      const u = pickLeastLoaded(a.units, this.u.systolic, (x) => systolicGemmTiming(specOf(x), M, K, N, B, this.sramPs).totalPs);
      const spec = specOf(u);
      const g = systolicGemmTiming(spec, M, K, N, B, this.sramPs);
      const pe = spec === u.spec ? u.pe : this.peCost(spec);
      // SRAM operand reads (SCALE-Sim demand): every fold streams its operand tiles; outputs written once.
      const writeBytes = M * N * B * ACT_BYTES;
      // Shared-SRAM bound: every fold's operands (no per-instance buffer) or, with a per-instance staging buffer
      // (operandDelivery), each operand once (A, B in the op's format) and the output (fp16); weights streamed
      // from DRAM (fetch >= 0) pass the SRAM into the staging buffers as they arrive, under their (DRAM-bound) fetch.
      const fmtBytes = FORMAT_BITS[spec.format] / BITS_PER_BYTE;
      const bBytes = fetch >= 0 ? 0 : K * N * (op.kind === "projection" ? 1 : B);
      const sharedBytes = spec.operandDelivery ? (M * K * B + bBytes) * fmtBytes + writeBytes : g.readBytes + writeBytes;
      done = this.splitOverInstances(list, u.load, g.totalPs, allDeps, op, phase, step, label, (t, share) => {
        list.addEnergy(t, "systolic", share * computedMacs * pe.energyJ);
        this.chargeSram(list, t, share * g.readBytes, share * writeBytes);
      }, sharedBytes, g.folds);
    }
    if (fetch >= 0) this.u.weightBuffer.consumed(done);
    return done;
  }

  private readonly peByFormat = new Map<string, UnitCost>();
  /** PE cost of an array run in another operand format (attention / lm_head format), memoised per array and format. */
  private peCost(spec: SystolicArraySpec): UnitCost {
    const key = `${spec.name}\u0000${spec.format}`;
    let c = this.peByFormat.get(key);
    if (!c) this.peByFormat.set(key, (c = systolicMacCost(spec, this.chip.technologyNm, this.chip.supplyV)));
    return c;
  }

  /** Split `totalPs` of work over up to `unit.count` identical instances (tasks on the same resource);
   *  returns a zero-duration join task. `charge(t, share)` books the energy of each share. */
  private splitOverInstances(
    list: TaskList,
    unit: UnitLoad,
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
    // `sramBytes` is the whole op's traffic through the first SRAM, which all instances share: the parts run no
    // faster than the SRAM delivers all of it (each part is as long as the whole op, so the bound is on every part).
    const parts = Math.max(1, Math.min(slotsOf(unit.count), maxParts));
    assignWork(unit, totalPs);
    const partPs = Math.max(totalPs / Math.max(1, Math.min(unit.count, maxParts)), this.sramPs(sramBytes));
    if (parts === 1) {
      const t = list.add(unit.resource, partPs, deps, op.opClass, phase, step, label, op.kind);
      charge(t, 1);
      list.macs[t] = op.macs;
      return t;
    }
    if (this.gangTasks) {
      // One gang task: the parts' schedule exactly (src/engine/task-graph.ts), their energy and MACs in total.
      const t = list.addGang(unit.resource, parts, partPs, deps, op.opClass, phase, step, `${label} [${parts} parts]`, op.kind);
      charge(t, 1);
      list.macs[t] = op.macs;
      return t;
    }
    const ids: number[] = [];
    for (let i = 0; i < parts; i++) {
      const t = list.add(unit.resource, partPs, deps, op.opClass, phase, step, `${label} [${i}]`, op.kind);
      charge(t, 1 / parts);
      list.macs[t] = op.macs / parts;
      ids.push(t);
    }
    return list.add(-1, 0, ids, op.opClass, phase, step, `${label} join`, "join");
  }

  private vectorOp(list: TaskList, op: ModelOp, a: UnitAssignment, deps: readonly number[], phase: number, step: number, label: string): number {
    const vop = op.kind as VectorOp;
    const u = pickLeastLoaded(a.units, this.u.vector, (x) => (op.elements / x.spec.lanes) * (PS_PER_S / x.spec.clockHz));
    const cost = vectorOpCost(u.spec, vop, this.chip.technologyNm, this.chip.supplyV);
    const cyclesTotal = Math.ceil(op.elements / u.spec.lanes);
    const totalPs = cyclesTotal * cost.latencyPs;
    const bytes = op.elements * ACT_BYTES;
    const done = this.splitOverInstances(list, u.load, totalPs, deps, op, phase, step, label, (t, share) => {
      list.addEnergy(t, "vector", share * op.elements * cost.energyJ);
      this.chargeSram(list, t, share * bytes, share * bytes);
    }, 2 * bytes, cyclesTotal);
    if (!this.u.sram || vectorOpResident(this.chip, bytes, bytes)) return done;
    // Spilled (see the header): input and output stream from and to DRAM alongside the compute.
    const stream = this.dramTransfer(list, 2 * bytes, deps, op.opClass, phase, step, `${label} dram stream`, "dram");
    return list.add(-1, 0, [done, stream], op.opClass, phase, step, `${label} join`, "join");
  }

  private transfer(list: TaskList, op: ModelOp, where: KvCacheLocation, deps: readonly number[], phase: number, step: number, label: string): number {
    const bytes = op.bytes;
    if (where === "sram" && this.u.sram) {
      const t = list.add(this.u.sram.resource, this.sramPs(bytes), deps, op.opClass, phase, step, label, op.kind);
      const write = op.kind === "kv-write";
      this.chargeSram(list, t, write ? 0 : bytes, write ? bytes : 0);
      return t;
    }
    return this.dramTransfer(list, bytes, deps, op.opClass, phase, step, label, op.kind);
  }

  /** A DRAM transfer as bursts (src/components/memory-traffic.ts), so the controller interleaves transfers (in
   *  priority order: the op needed first wins the next burst) instead of letting a large prefetch hold the
   *  channel; returns the task whose end means the whole transfer arrived. With macroTransfers the bursts are
   *  one macro task (pieces of the rounded burst durations, the bursts' summed energy) that yields the channel
   *  at a burst boundary exactly when a separate burst would have lost it; else one task per burst and a join. */
  private dramTransfer(list: TaskList, bytes: number, deps: readonly number[], opClass: ModelOp["opClass"], phase: number, step: number, label: string, kind: string): number {
    const parts = dramBurstCount(bytes);
    if (parts > 1 && this.macroTransfers) {
      const lastBytes = dramBurstBytes(bytes, parts - 1, parts);
      const fullPs = Math.round(dramTransferPs(this.dram, dramBurstBytes(bytes, 0, parts)));
      const lastPs = Math.round(dramTransferPs(this.dram, lastBytes));
      // Every piece must last >= 1 ps (a zero-length burst takes a grant round of its own); else bursts below.
      if (fullPs >= 1 && lastPs >= 1) {
        const t = list.addMacro(this.u.dramResource, parts, fullPs, lastPs, deps, opClass, phase, step, `${label} (${parts} bursts)`, kind);
        list.addEnergy(t, "dram", (parts - 1) * dramTransferEnergyJ(this.dram, dramBurstBytes(bytes, 0, parts)) + dramTransferEnergyJ(this.dram, lastBytes));
        return t;
      }
    }
    const ids: number[] = [];
    for (let i = 0; i < parts; i++) {
      const b = dramBurstBytes(bytes, i, parts);
      const t = list.add(this.u.dramResource, dramTransferPs(this.dram, b), deps, opClass, phase, step, parts > 1 ? `${label} [${i}]` : label, kind);
      list.addEnergy(t, "dram", dramTransferEnergyJ(this.dram, b));
      ids.push(t);
    }
    return parts === 1 ? ids[0]! : list.add(-1, 0, ids, opClass, phase, step, `${label} join`, "join");
  }
}
