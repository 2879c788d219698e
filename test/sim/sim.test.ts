import { describe, expect, it } from "vitest";
import fc from "fast-check";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";
import digital from "../../hw-specs/digital-baseline.ts";
import hermes from "../../hw-specs/hermes.ts";
import { simulate, systolicGemmCycles, COMPONENT_KINDS, OP_CLASSES, type SimResult } from "../../src/sim/index.ts";
import { variant } from "../../src/spec/index.ts";
import { runTaskGraph } from "../../src/engine/index.ts";
import { OpLowering } from "../../src/sim/lowering.ts";
import { TaskList } from "../../src/sim/tasks.ts";
import { mapModel } from "../../src/mapping/index.ts";
import { resolveModelShape } from "../../src/model/index.ts";
import type { ModelOp } from "../../src/model/opgraph.ts";
import { DATAFLOWS } from "../../src/spec/schema.ts";

const sum = (r: Readonly<Record<string, number>>) => Object.values(r).reduce((a, b) => a + b, 0);

describe("systolic GEMM timing", () => {
  it("a single GEMM on the systolic unit takes the SCALE-Sim closed form for OS, WS and IS", () => {
    const shape = resolveModelShape("gpt2");
    fc.assert(
      fc.property(
        fc.constantFrom(...DATAFLOWS),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        (dataflow, R, C, M, K, N) => {
          const chip = variant(digital, (d) => {
            d.systolic = [{ name: "sa", rows: R, cols: C, dataflow, format: "int8", clockHz: 1e9, count: 1 }];
            // an SRAM fast enough that no fold stalls
            d.sram[0].bytesPerCyclePerBank = 65536;
            d.sram[0].banks = 64;
          });
          const placement = mapModel(shape, chip, { contextTokens: 8 });
          const cost = new OpLowering(chip, placement);
          const list = new TaskList();
          const op: ModelOp = { id: 0, layer: 0, kind: "attn-score", opClass: "attention", name: "g", m: M, k: K, n: N, batch: 1, macs: M * K * N, elements: 0, bytes: 0, deps: [] };
          const t = cost.emit(list, op, [], 0, -1, "g");
          const run = runTaskGraph(list.toGraph(), cost.resources);
          const closed =
            dataflow === "OS" ? Math.ceil(M / R) * Math.ceil(N / C) * (K + R + C - 2)
            : dataflow === "WS" ? Math.ceil(K / R) * Math.ceil(N / C) * (2 * R + C + M - 2)
            : Math.ceil(K / R) * Math.ceil(M / C) * (2 * R + C + N - 2);
          expect(systolicGemmCycles({ rows: R, cols: C, dataflow }, M, K, N).cycles).toBe(closed);
          expect(run.endPs[t]).toBe(closed * 1000); // 1 GHz: 1000 ps per cycle
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a decode GEMV on a large array shows its low utilisation", () => {
    // M = 1 row of activations on a 128x128 OS array: one PE row of 128 does useful work.
    const g = systolicGemmCycles({ rows: 128, cols: 128, dataflow: "OS" }, 1, 2048, 2048);
    const utilisation = (1 * 2048 * 2048) / (g.cycles * 128 * 128);
    expect(utilisation).toBeLessThan(0.01);
    const prefill = systolicGemmCycles({ rows: 128, cols: 128, dataflow: "OS" }, 512, 2048, 2048);
    expect((512 * 2048 * 2048) / (prefill.cycles * 128 * 128)).toBeGreaterThan(0.8);
  });
});

describe("simulation results", () => {
  const small = (r: SimResult) => r;
  it("energy breakdowns sum to the total and time by op class sums to latency (property over workloads)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(hybrid, digital, hermes),
        fc.constantFrom("gpt2", "bitnet-gpt2-350m", "llama-3.2-1b"),
        fc.integer({ min: 1, max: 96 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 2 }),
        (chip, model, prompt, gen, batch) => {
          const r = small(simulate({ chip, model, promptTokens: prompt, genTokens: gen, batch, chips: "auto" }).result);
          for (const p of [r.prefill, r.decode]) {
            expect(sum(p.energyByComponentJ)).toBeCloseTo(p.energyJ, 12);
            if (p.energyJ === 0) expect(sum(p.energyByOpClassJ)).toBe(0);
            else expect(sum(p.energyByOpClassJ) / p.energyJ).toBeCloseTo(1, 9);
            expect(sum(p.timeByOpClassS)).toBeCloseTo(p.latencyS, 12);
          }
          expect(r.prefill.energyJ + r.decode.energyJ).toBeCloseTo(r.energyJ, 12);
          for (const u of Object.values(r.utilization)) expect(u).toBeLessThanOrEqual(1 + 1e-9);
          expect(r.ttftS).toBeGreaterThan(0);
          expect(Number.isFinite(r.tokensPerJ)).toBe(true);
        },
      ),
      { numRuns: 12 },
    );
  });

  it("is deterministic: the same inputs give identical JSON", () => {
    const a = simulate({ chip: hybrid, model: "bitnet-gpt2-350m", promptTokens: 64, genTokens: 4 }).result;
    const b = simulate({ chip: hybrid, model: "bitnet-gpt2-350m", promptTokens: 64, genTokens: 4 }).result;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it("the hybrid preset beats the digital baseline on decode tokens/s and tokens/J for a BitNet-style model", () => {
    const h = simulate({ chip: hybrid, model: "bitnet-gpt2-350m", promptTokens: 128, genTokens: 8 }).result;
    const d = simulate({ chip: digital, model: "bitnet-gpt2-350m", promptTokens: 128, genTokens: 8 }).result;
    expect(h.decodeTokensPerS).toBeGreaterThan(d.decodeTokensPerS);
    expect(1 / h.decodeEnergyPerTokenJ).toBeGreaterThan(1 / d.decodeEnergyPerTokenJ);
  });

  it("the attention share of decode time grows with context length (L = 128 ... 4096)", () => {
    let prev = -1;
    for (const L of [128, 256, 512, 1024, 2048, 4096]) {
      const r = simulate({ chip: hybrid, model: "bitnet-gpt2-350m", promptTokens: L, genTokens: 2, prefillChunk: L }).result;
      const share = r.decode.timeByOpClassS.attention / r.decode.latencyS;
      expect(share).toBeGreaterThan(prev);
      prev = share;
    }
    expect(prev).toBeGreaterThan(0.3);
  });

  it("streaming the KV cache one layer ahead (kvPrefetch) shortens hybrid decode steps, changes no dynamic energy and saves leakage", () => {
    const chip = { ...hybrid, powerGating: false }; // leakage over the whole wall time (the preset power-gates)
    const plain = simulate({ chip, model: "bitnet-gpt2-350m", promptTokens: 256, genTokens: 4 }).result;
    const pre = simulate({ chip, model: "bitnet-gpt2-350m", promptTokens: 256, genTokens: 4, kvPrefetch: true }).result;
    expect(pre.tpotS).toBeLessThan(plain.tpotS);
    expect(pre.decode.dynamicEnergyJ).toBeCloseTo(plain.decode.dynamicEnergyJ, 12);
    // static energy is leakage power x wall time (issue 14): the shorter decode pays proportionally less
    expect(pre.decode.staticEnergyJ / plain.decode.staticEnergyJ).toBeCloseTo(pre.decode.latencyS / plain.decode.latencyS, 9);
  });

  it("says clearly when a model does not fit, and spreads it over chips on request", () => {
    expect(() => simulate({ chip: hybrid, model: "bitnet-llama-7b", promptTokens: 8, genTokens: 2 })).toThrow(/analog.tiles: needs \d+ tiles, chip has 16384/);
    const r = simulate({ chip: hybrid, model: "bitnet-llama-7b", promptTokens: 8, genTokens: 2, chips: "auto" }).result;
    expect(r.mapping.chips).toBeGreaterThan(1);
  });

  it("reports every component kind and op class", () => {
    const r = simulate({ chip: hybrid, model: "bitnet-gpt2-350m", promptTokens: 32, genTokens: 3 }).result;
    expect(Object.keys(r.decode.energyByComponentJ).sort()).toEqual([...COMPONENT_KINDS].sort());
    expect(Object.keys(r.decode.timeByOpClassS).sort()).toEqual([...OP_CLASSES].sort());
    for (const k of ["dac", "crossbar", "adc", "accumulate", "systolic", "vector", "dram", "noc"] as const) expect(r.decode.energyByComponentJ[k]).toBeGreaterThan(0);
    expect(r.assumptions.some((a) => /ADC/.test(a))).toBe(true);
  });
});
