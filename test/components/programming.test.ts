// Crossbar programming cost (src/components/programming.ts): per-device write-verify energy and time, reported
// once per deployment by the simulator and not charged to inference.
import { describe, expect, it } from "vitest";
import { DEVICE_PROGRAMMING, programmingCost } from "../../src/components/programming.ts";
import { simulate } from "../../src/sim/index.ts";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";
import { hybridChip } from "./chips.ts";

describe("crossbar programming", () => {
  const analog = hybridChip.analog!;
  it("RRAM's SET pulse is V^2 / R x t from the cited cell (1.75 V, 250 kOhm, 8.52 us = 104 pJ)", () => {
    expect(DEVICE_PROGRAMMING.RRAM.pulseEnergyJ).toBeCloseTo((1.75 ** 2 / 25e4) * 8.52e-6, 18);
  });
  it("energy is cells x iterations x (pulse + verify); time rows x iterations x (pulse + verify time), tiles in parallel", () => {
    const a = { ...analog, tile: { ...analog.tile, device: "RRAM" as const }, programming: { iterations: 5, pulseEnergyJ: 1e-12, pulseNs: 100 } };
    const one = programmingCost(a, 1, 0, 1e9);
    const two = programmingCost(a, 2, 0, 1e9);
    expect(two.energyJ).toBeCloseTo(2 * one.energyJ, 20);
    expect(two.timeS).toBe(one.timeS);
    const ten = programmingCost({ ...a, programming: { ...a.programming, iterations: 10 } }, 1, 0, 1e9);
    expect(ten.energyJ / one.energyJ).toBeCloseTo(2, 10);
    expect(one.timeS).toBeCloseTo(a.tile.rows * 5 * (100 + a.tile.integrationTimeNs) * 1e-9, 15);
    expect(one.energyPerCellJ).toBeGreaterThan(5e-12); // pulses plus the verify reads
    expect(programmingCost(a, 0, 0, 1e9).energyJ).toBe(0);
  });
  it("SRAM cells are written once, at the SRAM write energy", () => {
    const s = { ...analog, tile: { ...analog.tile, device: "SRAM" as const, bitsPerCell: 1 } };
    const c = programmingCost(s, 3, 2e-15, 1e9);
    expect(c.energyJ).toBeCloseTo(3 * s.tile.rows * s.tile.cols * 2e-15, 25);
  });
  it("a run reports it once per deployment and keeps it out of the inference energy", () => {
    const r = simulate({ chip: hybrid, model: "bitnet-gpt2-350m", promptTokens: 8, genTokens: 2 }).result;
    expect(r.programming).not.toBeNull();
    expect(r.programming!.cells).toBe(r.mapping.tilesNeeded * hybrid.analog!.tile.rows * hybrid.analog!.tile.cols);
    expect(r.programming!.energyJ).toBeGreaterThan(0);
    expect(r.energyJ).toBeCloseTo(r.prefill.energyJ + r.decode.energyJ, 15);
    expect(r.assumptions.some((x) => x.startsWith("programming (once per deployment"))).toBe(true);
  });
});
