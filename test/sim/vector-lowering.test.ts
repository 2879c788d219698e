// The lowering's shared-SRAM bound (parallel instances share the first SRAM's bandwidth) and the vector-op
// residency rule (input + output beyond the first SRAM's capacity stream from/to DRAM): src/sim/lowering.ts.
import { describe, expect, it } from "vitest";
import digital from "../../hw-specs/digital-baseline.ts";
import a100 from "../../hw-specs/a100-like.ts";
import { dramCost } from "../../src/components/index.ts";
import { runTaskGraph } from "../../src/engine/index.ts";
import { mapModel } from "../../src/mapping/index.ts";
import { resolveModelShape } from "../../src/model/index.ts";
import type { ModelOp } from "../../src/model/opgraph.ts";
import { OpLowering, vectorOpResident } from "../../src/sim/lowering.ts";
import { KIND_INDEX, NK, TaskList } from "../../src/sim/tasks.ts";
import { variant } from "../../src/spec/index.ts";
import type { ChipSpec } from "../../src/spec/types.ts";

const shape = resolveModelShape("gpt2");

/** Lower one op alone on `chip`; its end time (ps) and energy by component kind over all of its tasks. */
function lowerAlone(chip: ChipSpec, op: ModelOp): { endPs: number; energy: Record<string, number>; labels: string[] } {
  const placement = mapModel(shape, chip, { contextTokens: 8 });
  const lowering = new OpLowering(chip, placement);
  const list = new TaskList();
  const t = lowering.emit(list, op, [], 0, -1, op.name);
  const run = runTaskGraph(list.toGraph(), lowering.resources);
  const energy: Record<string, number> = {};
  for (const [k, i] of Object.entries(KIND_INDEX)) {
    let e = 0;
    for (let j = 0; j < list.count; j++) e += list.energy[j * NK + i]!;
    energy[k] = e;
  }
  return { endPs: run.endPs[t]!, energy, labels: Array.from({ length: list.count }, (_, j) => list.labels[j]!) };
}

const vectorOp = (elements: number): ModelOp => ({ id: 0, layer: 0, kind: "activation", opClass: "other", name: "act", m: 1, k: 0, n: elements, batch: 1, macs: 0, elements, bytes: 0, deps: [] });
const gemmOp = (M: number, K: number, N: number): ModelOp => ({ id: 0, layer: 0, kind: "attn-score", opClass: "attention", name: "g", m: M, k: K, n: N, batch: 1, macs: M * K * N, elements: 0, bytes: 0, deps: [] });

/** digital-baseline with `count` vector instances of 64 lanes at 1 GHz and a 1-bank, 16 B/cycle, 1 GHz SRAM
 *  (16 GB/s) of `capacity` bytes. */
const chipWith = (count: number, capacity = 16 * 2 ** 20): ChipSpec =>
  variant(digital, (d) => {
    d.vector = [{ ...d.vector[0]!, count }];
    d.sram[0] = { ...d.sram[0]!, banks: 1, bytesPerCyclePerBank: 16, clockHz: 1e9, capacityBytes: capacity };
  });

describe("parallel instances share the first SRAM's bandwidth", () => {
  const elements = 64 * 4096; // 512 KiB in + 512 KiB out: fits in 16 MiB
  const sramPs = (4 * elements) / 16 * 1000; // fp16 in + out at 16 B per 1 GHz cycle
  const computePs = (elements / 64) * 1000; // one element per lane per cycle, one instance

  it("a memory-bound vector op takes all its bytes through the SRAM, however many instances share it", () => {
    const one = lowerAlone(chipWith(1), vectorOp(elements)).endPs;
    const two = lowerAlone(chipWith(2), vectorOp(elements)).endPs;
    const many = lowerAlone(chipWith(64), vectorOp(elements)).endPs;
    expect(sramPs).toBeGreaterThan(computePs); // the SRAM is the bound already with one instance
    expect(one).toBeCloseTo(sramPs, 0);
    // the old per-part bound (each of n parts its share at the SRAM's full bandwidth) halved this
    expect(two).toBeCloseTo(sramPs, 0);
    expect(many).toBeCloseTo(sramPs, 0);
  });

  it("while compute-bound, more instances still divide the time, down to the SRAM bound", () => {
    const fast = (count: number): ChipSpec => variant(chipWith(count), (d) => void (d.sram[0]!.bytesPerCyclePerBank = 1024));
    const fastSramPs = (4 * elements) / 1024 * 1000;
    expect(lowerAlone(fast(1), vectorOp(elements)).endPs).toBeCloseTo(computePs, 0);
    expect(lowerAlone(fast(2), vectorOp(elements)).endPs).toBeCloseTo(computePs / 2, 0);
    expect(lowerAlone(fast(64), vectorOp(elements)).endPs).toBeCloseTo(Math.max(computePs / 64, fastSramPs), 0);
    expect(fastSramPs).toBeGreaterThan(computePs / 64); // so the 64-instance case is SRAM-bound
  });

  it("systolic instances without a staging buffer share the SRAM for every fold's operands", () => {
    // 16 arrays of 8x8 int8 OS: 64 x 64 x 64 has 64 folds, each reading 8 x 64 + 64 x 8 = 1 KiB of operands
    const chip = (count: number): ChipSpec =>
      variant(chipWith(1), (d) => {
        d.systolic = [{ name: "sa", rows: 8, cols: 8, dataflow: "OS", format: "int8", clockHz: 1e9, count }];
        d.sram[0]!.bytesPerCyclePerBank = 64; // 64 GB/s: one fold's operands in 16 ns < its 78 cycles
      });
    const folds = 64;
    const foldPs = (64 + 8 + 8 - 2) * 1000;
    const sharedPs = ((folds * 1024 + 64 * 64 * 2) / 64) * 1000; // all folds' operands + fp16 output
    expect(lowerAlone(chip(1), gemmOp(64, 64, 64)).endPs).toBeCloseTo(folds * foldPs, 0);
    // 16 instances: the folds would take 4 x 78 cycles, but the SRAM needs 1152 cycles for all operands
    expect(sharedPs).toBeGreaterThan((folds / 16) * foldPs);
    expect(lowerAlone(chip(16), gemmOp(64, 64, 64)).endPs).toBeCloseTo(sharedPs, 0);
    // with a per-instance staging buffer (operandDelivery) only each operand once and the output pass the SRAM
    const staged = variant(chip(16), (d) => void (d.systolic[0]!.operandDelivery = { ...a100.systolic[0]!.operandDelivery! }));
    expect(lowerAlone(staged, gemmOp(64, 64, 64)).endPs).toBeCloseTo((folds / 16) * foldPs, 0);
  });
});

describe("a vector op whose input + output exceed the first SRAM streams from and to DRAM", () => {
  const elements = 64 * 1024; // 128 KiB in + 128 KiB out
  const bytes = 4 * elements;
  const dram = dramCost(digital.dram);
  const dramPs = (bytes / dram.bandwidthBytesPerS) * 1e12; // LPDDR4 at 25.6 GB/s: 10.24 us
  /** A fast SRAM (1 TB/s) so that compute (1.02 us) and SRAM (0.26 us) are both well below the DRAM time. */
  const chip = (capacity: number): ChipSpec => variant(chipWith(1, capacity), (d) => void (d.sram[0]!.bytesPerCyclePerBank = 1024));

  it("the rule: resident when input + output fit the first SRAM's capacity, at the boundary included", () => {
    expect(vectorOpResident(chip(bytes), bytes / 2, bytes / 2)).toBe(true);
    expect(vectorOpResident(chip(bytes - 64), bytes / 2, bytes / 2)).toBe(false);
    expect(vectorOpResident(variant(digital, (d) => void (d.sram = [])), bytes / 2, bytes / 2)).toBe(true);
  });

  it("fits: no DRAM traffic; the op takes its compute time", () => {
    const r = lowerAlone(chip(bytes), vectorOp(elements));
    expect(r.energy.dram).toBe(0);
    expect(r.labels.some((l) => l.includes("dram"))).toBe(false);
    expect(r.endPs).toBeCloseTo((elements / 64) * 1000, 0);
  });

  it("exceeds: input + output through the DRAM transfer path, the op DRAM-bound, DRAM energy charged", () => {
    const fits = lowerAlone(chip(bytes), vectorOp(elements));
    const spills = lowerAlone(chip(bytes - 64), vectorOp(elements));
    expect(spills.labels.some((l) => l.includes("dram stream"))).toBe(true);
    expect(dramPs).toBeGreaterThan(5 * fits.endPs);
    expect(spills.endPs).toBeCloseTo(dramPs, -1);
    // every byte of input and output once at the DRAM's per-bit energy, on top of the vector and SRAM energy
    expect(spills.energy.dram! / (bytes * 8 * dram.energyPerBitJ)).toBeCloseTo(1, 12);
    expect(spills.energy.vector).toBe(fits.energy.vector);
    expect(spills.energy.sram).toBeGreaterThan(0);
  });
});
