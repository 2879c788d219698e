// Static (leakage) power: charged over the whole run, idle time included, separately from dynamic energy;
// power gating charges each kind only while busy (src/components/leakage.ts, src/sim/run.ts).
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/sim/index.ts";
import { describeChip } from "../../src/components/index.ts";
import { leakageWPerMm2, staticPowerByComponentW } from "../../src/components/leakage.ts";
import { COMPONENT_KINDS } from "../../src/sim/result.ts";
import { hybridChip } from "../components/chips.ts";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";

describe("static power", () => {
  const run = (powerGating: boolean) =>
    simulate({ chip: { ...hybrid, powerGating }, model: "bitnet-gpt2-350m", promptTokens: 32, genTokens: 3 }).result;

  it("without gating, each phase's static energy is the die's leakage power times the phase's wall time", () => {
    const r = run(false);
    expect(r.staticPowerW).toBeGreaterThan(0);
    for (const p of [r.prefill, r.decode]) {
      expect(p.staticEnergyJ).toBeCloseTo(r.staticPowerW * p.latencyS, 12);
      expect(p.energyJ).toBeCloseTo(p.dynamicEnergyJ + p.staticEnergyJ, 15);
      for (const k of COMPONENT_KINDS) expect(p.energyByComponentJ[k]).toBeCloseTo(p.dynamicEnergyByComponentJ[k] + p.staticEnergyByComponentJ[k], 15);
    }
  });

  it("power gating keeps the dynamic energy and charges less, but some, leakage", () => {
    const on = run(true);
    const off = run(false);
    expect(on.powerGating).toBe(true);
    expect(on.decode.dynamicEnergyJ).toBeCloseTo(off.decode.dynamicEnergyJ, 15);
    expect(on.decode.staticEnergyJ).toBeLessThan(off.decode.staticEnergyJ);
    expect(on.decode.staticEnergyJ).toBeGreaterThan(0);
  });

  it("non-volatile crossbar cells leak nothing, SRAM compute cells do; leakage is linear in the supply", () => {
    const area = Object.fromEntries(COMPONENT_KINDS.map((k) => [k, 1])) as Record<(typeof COMPONENT_KINDS)[number], number>;
    const pcm = staticPowerByComponentW(hybridChip, area);
    expect(pcm.crossbar).toBe(0);
    expect(pcm.dram).toBe(0);
    expect(pcm.adc).toBeCloseTo(leakageWPerMm2(hybridChip.technologyNm, hybridChip.supplyV), 15);
    const sram = staticPowerByComponentW({ ...hybridChip, analog: { ...hybridChip.analog!, tile: { ...hybridChip.analog!.tile, device: "SRAM", bitsPerCell: 1 } } }, area);
    expect(sram.crossbar).toBeGreaterThan(0);
    expect(leakageWPerMm2(14, 1.2) / leakageWPerMm2(14, 0.6)).toBeCloseTo(2, 12);
    expect(leakageWPerMm2(40, 0.9)).toBeCloseTo(82.7e-6 / 7194.5e-6, 12); // Aladdin's 40 nm figure at its node and supply
    expect(leakageWPerMm2(7, 0.9)).toBeGreaterThan(leakageWPerMm2(130, 0.9)); // denser, leakier per mm^2 at small nodes
    expect(staticPowerByComponentW({ ...hybridChip, leakageWPerMm2: 1e-3 }, area).adc).toBe(1e-3); // a spec figure wins
  });

  it("describeChip's total peak power includes the whole die's leakage", () => {
    const d = describeChip(hybridChip);
    const total = d.peak.find((p) => p.part === "total")!;
    expect(total.staticPowerW).toBeCloseTo(d.staticPowerW, 15);
    expect(total.topsPerW).toBeLessThan(total.tops / total.dynamicPowerW);
  });
});
