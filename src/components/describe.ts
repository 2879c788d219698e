// describeChip: every component on a chip with its per-action energy and latency and its area, the area
// by ComponentKind, the chip's peak throughput and efficiency, and the assumptions behind them.
// formatDescription renders it as a plain-text table for the CLI.

import type { ChipSpec } from "../spec/types.ts";
import { COMPONENT_KINDS, type ComponentKind } from "./kinds.ts";
import { fmtJ, fmtPs } from "./adc.ts";
import { analogMvmCostPrepared, prepareAnalogTile, weightColumnsPerTile } from "./crossbar.ts";
import {
  ANDA_DEFAULT_MANTISSA_BITS,
  SYSTOLIC_OPERAND_OVERHEAD,
  bitSerialCost,
  vectorOpCost,
} from "./digital.ts";
import { operandDeliveryCost, systolicMacCost } from "./operand-delivery.ts";
import { dramCost, sramCost } from "./memory.ts";
import { averageHops, nocCost } from "./noc.ts";
import { BITS_PER_BYTE, PS_PER_S } from "./technology.ts";
import { chipLinkCost } from "./chiplink.ts";
import { dieLeakageFactor, leakageAssumption, leakageWPerMm2, staticPowerByComponentW } from "./leakage.ts";

/** The component kinds of an analog tile (its peak part's static power). */
const ANALOG_KINDS: readonly ComponentKind[] = ["dac", "crossbar", "adc", "accumulate", "periphery"];
import { textTable } from "../util/text-table.ts";

export interface DescriptionRow {
  readonly component: ComponentKind;
  /** Instance name, e.g. "analog.tile.adc", "systolic.attn", "sram.global". */
  readonly instance: string;
  /** How many instances the chip has. */
  readonly count: number;
  readonly action: string;
  /** Energy of one action on one instance (J). */
  readonly energyJ: number;
  /** Latency of one action (ps). */
  readonly latencyPs: number;
  /** Area of all `count` instances together (mm^2). */
  readonly areaMm2: number;
}

export interface PeakPart {
  readonly part: string;
  readonly macsPerS: number;
  /** 2 ops per MAC, 1e12 ops per tera. */
  readonly tops: number;
  /** Power at peak (W): the dynamic compute power (converters, arrays, periphery, PEs; not memory or NoC
   *  traffic, which depend on the workload) plus the part's static (leakage) power. */
  readonly powerW: number;
  /** Dynamic compute power at peak (W). */
  readonly dynamicPowerW: number;
  /** Leakage power of the part's silicon (W); "total" includes every on-die component's (SRAM and NoC too). */
  readonly staticPowerW: number;
  readonly topsPerW: number;
}

export interface ChipDescription {
  readonly chip: string;
  readonly technologyNm: number;
  readonly rows: readonly DescriptionRow[];
  readonly areaByComponentMm2: Readonly<Record<ComponentKind, number>>;
  /** Leakage power by component kind (W), src/components/leakage.ts; charged over a whole run by the simulator. */
  readonly staticPowerByComponentW: Readonly<Record<ComponentKind, number>>;
  readonly staticPowerW: number;
  readonly areaMm2: number;
  /** Per part (analog, each systolic array, each bit-serial array), then "digital" and "total". */
  readonly peak: readonly PeakPart[];
  readonly assumptions: readonly string[];
}

/** Analog tiles sharing one NoC router. Assumption: 16, as PIM-LLM joins 4x4 crossbar PEs per tile with an adder
 *  tree before the network (docs/REFERENCES.md [pimllm-2025], Malekar et al. arXiv 2504.01994); ISAAC shares a router among 4 tiles of
 *  96 crossbars each (ISCA 2016), so this is conservative for small crossbars. */
export const ANALOG_TILES_PER_ROUTER = 16;
const OPS_PER_MAC = 2; // definition: a MAC is a multiply and an add
const TERA = 1e12; // unit conversion

function part(name: string, macsPerS: number, dynamicPowerW: number, staticPowerW = 0): PeakPart {
  const tops = (OPS_PER_MAC * macsPerS) / TERA;
  const powerW = dynamicPowerW + staticPowerW;
  return { part: name, macsPerS, tops, powerW, dynamicPowerW, staticPowerW, topsPerW: powerW > 0 ? tops / powerW : 0 };
}

export function describeChip(spec: ChipSpec): ChipDescription {
  const node = spec.technologyNm;
  const v = spec.supplyV;
  const rows: DescriptionRow[] = [];
  const area = Object.fromEntries(COMPONENT_KINDS.map((k) => [k, 0])) as Record<ComponentKind, number>;
  const assumptions: string[] = [];
  const peak: PeakPart[] = [];
  const add = (r: DescriptionRow): void => {
    rows.push(r);
    area[r.component] += r.areaMm2;
  };

  assumptions.push(
    `technology: ${node} nm, ${v} V; energies and areas scaled from each reference design's node with Stillmaker & Baas 2017 ` +
      `(hwcomponents techscaling tables, evaluated at 0.8 V); digital units and SRAM also by (V / 0.9 V)^2 from Horowitz's supply ` +
      `(converters and routers are node-scaled only: their reference supplies are not published per component); latencies come from the spec's clocks.`,
  );

  // ------------------------------------------------------------- analog tiles
  let analogPart: PeakPart | undefined;
  let passiveDacAreaMm2 = 0;
  if (spec.analog !== undefined) {
    const a = spec.analog;
    const t = a.tile;
    const m = prepareAnalogTile(t, a.weightBits, node, a.clockHz, a.accumulatorFormat, { supplyV: v, ...(a.periphery !== undefined ? { periphery: a.periphery } : {}) });
    const weightCols = weightColumnsPerTile(t, a.weightBits);
    const mvm = analogMvmCostPrepared(m, t.rows, weightCols);
    const e = mvm.energyByComponentJ;
    const tiles = a.tiles;
    passiveDacAreaMm2 = tiles * m.areaMm2.dacPassive;
    add({ component: "dac", instance: "analog.tile.dac", count: tiles * t.rows, action: `convert (1 row, 1 of ${m.phases} phase(s)${m.dac.holdPowerW > 0 ? ", with the static power held over one full-tile MVM interval" : ""})`, energyJ: m.dac.energyJ + (m.dac.holdPowerW > 0 ? (m.dac.holdPowerW * mvm.latencyPs * 1e-12) / m.phases : 0), latencyPs: m.dac.latencyPs, areaMm2: tiles * m.areaMm2.dac });
    add({ component: "crossbar", instance: "analog.tile.array", count: tiles, action: `full-tile MVM array read (${t.rows}x${weightCols} weights)`, energyJ: e.crossbar, latencyPs: m.phases * m.windowPs, areaMm2: tiles * m.areaMm2.crossbar });
    add({ component: "adc", instance: "analog.tile.adc", count: tiles * m.adcs, action: `convert (1 of ${t.adc.colsPerAdc} column(s))`, energyJ: m.adc.energyJ, latencyPs: m.adc.latencyPs, areaMm2: tiles * m.areaMm2.adc });
    add({ component: "accumulate", instance: "analog.tile.shift-add", count: tiles * m.adcs, action: `shift-add (${a.accumulatorFormat})`, energyJ: m.accumulateEnergyJ, latencyPs: m.cyclePs, areaMm2: tiles * m.areaMm2.accumulate });
    add({ component: "periphery", instance: "analog.tile.periphery", count: tiles, action: "full-tile MVM: word/bit lines, sample/integrate, LDPU, local buffers, clock and control", energyJ: e.periphery, latencyPs: mvm.latencyPs, areaMm2: tiles * m.areaMm2.periphery });
    const mvmEnergy = e.dac + e.crossbar + e.adc + e.accumulate + e.periphery;
    const macs = t.rows * weightCols;
    const seconds = mvm.latencyPs / PS_PER_S;
    analogPart = part("analog", (tiles * macs) / seconds, (tiles * mvmEnergy) / seconds);
    peak.push(analogPart);
    assumptions.push(m.assumption);
    assumptions.push(
      `analog peak: ${tiles} tiles x ${macs} MACs per MVM in ${fmtPs(mvm.latencyPs)} (DAC + integration + ADC with ${t.adc.colsPerAdc} column(s) per ADC); ` +
        `MVM energy ${fmtJ(mvmEnergy)} (DAC ${fmtJ(e.dac)}, array ${fmtJ(e.crossbar)}, ADC ${fmtJ(e.adc)}, accumulate ${fmtJ(e.accumulate)}, periphery ${fmtJ(e.periphery)}).`,
    );
  }

  // ------------------------------------------------------------- digital
  const digitalParts: PeakPart[] = [];
  for (const sa of spec.systolic) {
    const pe = systolicMacCost(sa, node, v);
    const od = operandDeliveryCost(sa, node, v);
    const pes = sa.rows * sa.cols;
    add({ component: "systolic", instance: `systolic.${sa.name}`, count: sa.count, action: `mac per PE (${sa.format}, ${sa.rows}x${sa.cols} PEs, ${sa.dataflow})`, energyJ: pe.energyJ - od.energyPerMacJ, latencyPs: pe.latencyPs, areaMm2: sa.count * pes * pe.areaMm2 });
    if (sa.operandDelivery !== undefined) {
      const d = sa.operandDelivery;
      add({ component: "systolic", instance: `systolic.${sa.name}`, count: sa.count, action: `operand delivery per MAC (register file ${d.registerBitsPerMac} bits, shared memory ${d.sharedBitsPerMac} bits)`, energyJ: od.energyPerMacJ, latencyPs: 0, areaMm2: sa.count * od.storageAreaMm2 });
      assumptions.push(
        `systolic.${sa.name} operand delivery: register file ${d.registerBytes} B in ${d.registerBanks} bank(s) at ${fmtJ(od.registerJPerBit)}/bit x ${d.registerBitsPerMac} bits per MAC, shared memory ${d.sharedBytes} B in ${d.sharedBanks} bank(s) at ${fmtJ(od.sharedJPerBit)}/bit x ${d.sharedBitsPerMac} bits per MAC (SRAM model per bank; writes = reads), per instance.`,
      );
    }
    const rate = sa.count * pes * sa.clockHz;
    const p = part(`systolic.${sa.name}`, rate, rate * pe.energyJ);
    digitalParts.push(p);
    peak.push(p);
  }
  if (spec.systolic.length > 0) {
    assumptions.push(`systolic PE: Horowitz ISSCC 2014 MAC energy x (1 + ${SYSTOLIC_OPERAND_OVERHEAD}) for operand/partial-sum registers (Eyeriss RF ~1x MAC); one MAC per PE per cycle at peak.`);
  }
  for (const bs of spec.bitSerial) {
    const c = bitSerialCost(bs, node, v);
    add({ component: "bitserial", instance: `bitserial.${bs.name}`, count: bs.count, action: `bit-plane cycle per APU (group ${bs.groupSize})`, energyJ: c.bitPlaneEnergyJ, latencyPs: c.cyclePs, areaMm2: bs.count * bs.units * c.apuAreaMm2 });
    add({ component: "bitserial", instance: `bitserial.${bs.name}`, count: bs.count, action: "FP32 group accumulate per APU", energyJ: c.groupAccumulateEnergyJ, latencyPs: c.cyclePs, areaMm2: 0 });
    const mBits = ANDA_DEFAULT_MANTISSA_BITS;
    const rate = (bs.count * bs.units * bs.groupSize * bs.clockHz) / mBits;
    const power = bs.count * bs.units * bs.clockHz * (c.bitPlaneEnergyJ + c.groupAccumulateEnergyJ / mBits);
    const p = part(`bitserial.${bs.name}`, rate, power);
    digitalParts.push(p);
    peak.push(p);
  }
  if (spec.bitSerial.length > 0) {
    assumptions.push(`bit-serial (Anda-style) peak assumes ${ANDA_DEFAULT_MANTISSA_BITS} mantissa bit-planes per group (assumption; Anda searches 4..13).`);
  }
  for (const vu of spec.vector) {
    for (const op of vu.ops) {
      const c = vectorOpCost(vu, op, node, v);
      add({ component: "vector", instance: `vector.${vu.name}`, count: vu.count, action: `${op} per element per lane (${vu.format})`, energyJ: c.energyJ, latencyPs: c.latencyPs, areaMm2: 0 });
    }
    // Area once per unit, independent of how many ops it lists.
    const laneArea = vu.ops.length > 0 ? vectorOpCost(vu, vu.ops[0], node, v).areaMm2 : vectorOpCost(vu, "elementwise", node, v).areaMm2;
    add({ component: "vector", instance: `vector.${vu.name}`, count: vu.count, action: `area of ${vu.lanes} lanes`, energyJ: 0, latencyPs: 0, areaMm2: vu.count * vu.lanes * laneArea });
  }
  if (spec.vector.length > 0) {
    assumptions.push("vector ops as multiply/add mixes per element (softmax 5 mult + 7 add, norm 3 + 2, activation 5 + 5, rope 2 + 1, elementwise 1 mult; assumptions) at Horowitz energies.");
  }

  // ------------------------------------------------------------- memory and network
  for (const s of spec.sram) {
    const c = sramCost(s, node, v);
    add({ component: "sram", instance: `sram.${s.name}`, count: 1, action: `read per bit (${s.banks} bank(s))`, energyJ: c.readEnergyPerBitJ, latencyPs: c.latencyPs, areaMm2: c.areaMm2 });
    add({ component: "sram", instance: `sram.${s.name}`, count: 1, action: "write per bit", energyJ: c.writeEnergyPerBitJ, latencyPs: c.latencyPs, areaMm2: 0 });
  }
  if (spec.sram.length > 0) {
    assumptions.push("SRAM: Horowitz 8 KB 64-bit read 10 pJ @ 45 nm, per bit, scaled as sqrt(bank capacity) (assumption, CACTI-like); write = read (assumption); area from 6T bitcell sizes / 0.7 array efficiency.");
  }
  const d = dramCost(spec.dram);
  add({ component: "dram", instance: `dram.${spec.dram.kind}`, count: spec.dram.channels, action: "access per bit (off-chip, no die area)", energyJ: d.energyPerBitJ, latencyPs: PS_PER_S / (d.bandwidthBytesPerS * BITS_PER_BYTE), areaMm2: 0 });
  assumptions.push(d.assumption);

  const analogRouters = Math.ceil((spec.analog?.tiles ?? 0) / ANALOG_TILES_PER_ROUTER);
  const endpoints =
    Math.max(1, analogRouters +
      spec.systolic.reduce((s, x) => s + x.count, 0) +
      spec.vector.reduce((s, x) => s + x.count, 0) +
      spec.bitSerial.reduce((s, x) => s + x.count, 0) +
      spec.sram.length);
  const n = nocCost(spec.noc, node, v);
  const hops = averageHops(spec.noc.topology, endpoints);
  add({ component: "noc", instance: `noc.${spec.noc.topology}`, count: endpoints, action: `hop per bit (mean ${hops.toPrecision(3)} hops over ${endpoints} endpoints)`, energyJ: n.energyPerBitHopJ, latencyPs: n.hopLatencyPs, areaMm2: endpoints * n.routerAreaMm2 }); // 3 significant digits (formatting)
  const link = chipLinkCost(spec.chipLink);
  add({ component: "link", instance: "chip-link", count: 1, action: "bit across a chip boundary (multi-chip runs only; off-chip, no die area)", energyJ: link.energyPerBitJ, latencyPs: link.latencyS * PS_PER_S, areaMm2: 0 });
  assumptions.push(`NoC: ISAAC router 0.081 pJ/bit/hop @ 32 nm (node-scaled), one ${spec.noc.linkWidthBits}-bit router per digital unit, SRAM and group of ${ANALOG_TILES_PER_ROUTER} analog tiles (${endpoints} routers, assumption), ${spec.noc.topology} mean hops ${hops.toPrecision(3)} under uniform traffic.`); // formatting

  // ------------------------------------------------------------- totals
  // Static power: each part's own silicon (analog: the tiles' kinds; a digital unit: its rows' area), "total":
  // every on-die component, SRAM and NoC included (src/components/leakage.ts).
  // Passive DAC area (resistor / capacitor ladders) leaks nothing: only the rest of each kind's area is charged.
  const leakingArea = { ...area, dac: area.dac - passiveDacAreaMm2 };
  const staticW = staticPowerByComponentW(spec, leakingArea);
  const density = leakageWPerMm2(node, v, spec.leakageWPerMm2);
  const dieFactor = dieLeakageFactor(spec, area);
  const unitStatic = (instance: string): number => rows.filter((r) => r.instance === instance).reduce((s, r) => s + r.areaMm2, 0) * density * dieFactor;
  for (let i = 0; i < peak.length; i++) {
    const p = peak[i]!;
    const s = p.part === "analog" ? ANALOG_KINDS.reduce((a, k) => a + staticW[k], 0) : unitStatic(p.part);
    peak[i] = part(p.part, p.macsPerS, p.dynamicPowerW, s);
  }
  const digital = peak.filter((p) => p.part !== "analog");
  const analogPeak = peak.find((p) => p.part === "analog");
  const digitalRate = digital.reduce((s, p) => s + p.macsPerS, 0);
  const digitalDynamic = digital.reduce((s, p) => s + p.dynamicPowerW, 0);
  if (digitalParts.length > 0) peak.push(part("digital", digitalRate, digitalDynamic, digital.reduce((s, p) => s + p.staticPowerW, 0)));
  peak.push(part("total", digitalRate + (analogPeak?.macsPerS ?? 0), digitalDynamic + (analogPeak?.dynamicPowerW ?? 0), COMPONENT_KINDS.reduce((s, k) => s + staticW[k], 0)));
  assumptions.push("peak TOPS counts 2 ops per MAC; peak TOPS/W counts the dynamic compute power (converters, arrays, tile periphery, accumulators, PEs) plus the static power of the part's silicon (total: of the whole die), not SRAM, DRAM or NoC traffic, which depend on the workload.");

  const areaMm2 = COMPONENT_KINDS.reduce((s, k) => s + area[k], 0);
  const staticPowerW = COMPONENT_KINDS.reduce((s, k) => s + staticW[k], 0);
  assumptions.push(leakageAssumption(spec));
  return { chip: spec.name, technologyNm: node, rows, areaByComponentMm2: area, staticPowerByComponentW: staticW, staticPowerW, areaMm2, peak, assumptions };
}

// ------------------------------------------------------------- plain-text rendering

const sig = (x: number): string => (x === 0 ? "0" : x.toPrecision(3)); // 3 significant digits (formatting)

/** Columns in `left` are left-aligned text, the others right-aligned numbers (the one text-table renderer). */
const table = (header: readonly string[], body: readonly (readonly string[])[], left: readonly number[] = [0]): string => textTable(header, body, header.map((_, i) => (left.includes(i) ? "l" : "r")));

export function formatDescription(desc: ChipDescription): string {
  const out: string[] = [];
  out.push(`chip ${desc.chip} (${desc.technologyNm} nm)`);
  out.push("");
  out.push(
    table(
      ["component", "instance", "count", "action", "energy/action", "latency", "area mm^2"],
      desc.rows.map((r) => [r.component, r.instance, String(r.count), r.action, r.energyJ === 0 ? "-" : fmtJ(r.energyJ), r.latencyPs === 0 ? "-" : fmtPs(r.latencyPs), r.areaMm2 === 0 ? "-" : sig(r.areaMm2)]),
      [0, 1, 3], // formatting: text columns component, instance, action
    ),
  );
  out.push("");
  out.push(
    table(
      ["component", "area mm^2", "share"],
      [
        ...COMPONENT_KINDS.filter((k) => desc.areaByComponentMm2[k] > 0).map((k) => [k, sig(desc.areaByComponentMm2[k]), `${((100 * desc.areaByComponentMm2[k]) / desc.areaMm2).toFixed(1)} %`]), // percent (formatting)
        ["total", sig(desc.areaMm2), "100 %"],
      ],
    ),
  );
  out.push("");
  out.push(
    table(
      ["peak", "TMAC/s", "TOPS", "power W", "dynamic W", "static W", "TOPS/W"],
      desc.peak.map((p) => [p.part, sig(p.macsPerS / TERA), sig(p.tops), sig(p.powerW), sig(p.dynamicPowerW), sig(p.staticPowerW), sig(p.topsPerW)]),
    ),
  );
  out.push("");
  out.push("assumptions:");
  for (const a of desc.assumptions) out.push(`  - ${a}`);
  return out.join("\n");
}
