import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DIGITAL_FORMATS, NOC_TOPOLOGIES } from "../../src/spec/index.ts";
import {
  DRAM_ENERGY_PER_BIT_J,
  averageHops,
  bitSerialCost,
  bitSerialDotEnergyJ,
  dramCost,
  macEnergyJ,
  nocCost,
  sramCost,
  systolicPeCost,
  vectorOpCost,
} from "../../src/components/index.ts";
import type { DramKind, SramSpec } from "../../src/spec/types.ts";
import { componentModels } from "../../src/components/index.ts";
import { COMPONENT_KINDS } from "../../src/sim/result.ts";

const sram = (capacityBytes: number, banks = 1): SramSpec => ({ name: "s", capacityBytes, banks, bytesPerCyclePerBank: 32, clockHz: 1e9 });

describe("SRAM", () => {
  it("reproduces Horowitz's 8 KB 64-bit read of 10 pJ at 45 nm, and grows as sqrt(bank capacity)", () => {
    expect(sramCost(sram(8192), 45).readEnergyPerBitJ * 64).toBeCloseTo(10e-12, 20);
    const a = sramCost(sram(32768), 45).readEnergyPerBitJ;
    expect((a * 64) / 10e-12).toBeCloseTo(2, 10); // Horowitz: 32 KB ~ 20 pJ
    // Banking: a 1 MB SRAM in 128 banks of 8 KB costs what one 8 KB bank costs per bit.
    expect(sramCost(sram(1 << 20, 128), 45).readEnergyPerBitJ).toBeCloseTo(sramCost(sram(8192), 45).readEnergyPerBitJ, 20);
  });
  it("energy and area grow with capacity and are positive", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1024, max: 1 << 28 }), fc.double({ min: 5, max: 90, noNaN: true }), (cap, node) => {
        const s = sramCost(sram(cap), node);
        const b = sramCost(sram(cap * 2), node);
        expect(b.readEnergyPerBitJ).toBeGreaterThan(s.readEnergyPerBitJ);
        expect(b.areaMm2).toBeGreaterThan(s.areaMm2);
        expect(s.areaMm2 > 0 && Number.isFinite(s.areaMm2)).toBe(true);
      }),
    );
  });
});

describe("DRAM", () => {
  it("has a cited energy per bit for every kind, and the spec's override wins", () => {
    for (const kind of Object.keys(DRAM_ENERGY_PER_BIT_J) as DramKind[]) {
      const d = dramCost({ kind, capacityBytes: 1e9, bandwidthBytesPerS: 1e11, channels: 1 });
      expect(d.energyPerBitJ).toBeGreaterThan(0);
      expect(d.assumption).toContain(kind);
    }
    expect(dramCost({ kind: "HBM2", capacityBytes: 1e9, bandwidthBytesPerS: 1e11, channels: 1 }).energyPerBitJ).toBeCloseTo(3.9e-12, 20);
    const o = dramCost({ kind: "LPDDR4", capacityBytes: 1e9, bandwidthBytesPerS: 1e11, channels: 1, energyPerBitJ: 1.5e-12 });
    expect(o.energyPerBitJ).toBe(1.5e-12);
    expect(o.assumption).toMatch(/from the spec/);
  });
});

describe("NoC", () => {
  it("hop counts per topology", () => {
    expect(averageHops("bus", 64)).toBe(1);
    expect(averageHops("crossbar", 64)).toBe(1);
    expect(averageHops("ring", 64)).toBe(16);
    expect(averageHops("mesh", 4)).toBeCloseTo(1, 12); // 2x2 mesh incl. self pairs: mean Manhattan 1
    expect(averageHops("tree", 4)).toBeCloseTo(10 / 3, 12); // sibling 2 hops, two cousins 4 hops
    expect(averageHops("mesh", 1)).toBe(0);
  });
  it("hops never decrease with more endpoints (except bus/crossbar, constant)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...NOC_TOPOLOGIES), fc.integer({ min: 1, max: 5000 }), (t, n) => {
        expect(averageHops(t, n + 1)).toBeGreaterThanOrEqual(averageHops(t, n) - 1e-12);
      }),
    );
  });
  it("energy per bit-hop is ISAAC's 0.081 pJ at 32 nm", () => {
    const c = nocCost({ topology: "mesh", linkWidthBits: 256, hopLatencyCycles: 2, clockHz: 1e9 }, 32);
    expect(c.energyPerBitHopJ).toBeCloseTo(20.74e-12 / 256, 20);
    expect(c.hopLatencyPs).toBeCloseTo(2000, 6);
  });
});

describe("digital units", () => {
  it("MAC energies follow the Horowitz ordering", () => {
    expect(macEnergyJ("int4", 45)).toBeLessThan(macEnergyJ("int8", 45));
    expect(macEnergyJ("int8", 45)).toBeLessThan(macEnergyJ("fp16", 45));
    expect(macEnergyJ("fp16", 45)).toBeLessThan(macEnergyJ("fp32", 45));
    expect(macEnergyJ("int16", 45)).toBeLessThan(macEnergyJ("int32", 45));
  });
  it("systolic PE, vector ops and bit-serial costs are positive and finite for any format and node", () => {
    fc.assert(
      fc.property(fc.constantFrom(...DIGITAL_FORMATS), fc.double({ min: 5, max: 130, noNaN: true }), (format, node) => {
        const pe = systolicPeCost({ name: "a", rows: 16, cols: 16, dataflow: "OS", format, clockHz: 1e9, count: 1 }, node);
        expect(pe.energyJ > macEnergyJ(format, node) && Number.isFinite(pe.energyJ)).toBe(true);
        expect(pe.areaMm2 > 0).toBe(true);
        const vu = { name: "v", lanes: 16, format, clockHz: 1e9, count: 1, ops: ["softmax"] as const };
        const sm = vectorOpCost(vu, "softmax", node).energyJ;
        expect(sm).toBeGreaterThan(vectorOpCost(vu, "elementwise", node).energyJ);
        const bs = bitSerialCost({ name: "b", groupSize: 64, units: 16, clockHz: 285e6, count: 1 }, node);
        expect(bitSerialDotEnergyJ(bs, 64, 4096, 8)).toBeGreaterThan(bitSerialDotEnergyJ(bs, 64, 4096, 4));
      }),
    );
  });
});


describe("registry", () => {
  it("has one model per ComponentKind, each declaring parameters, reference, scaling, actions and sources", () => {
    for (const k of COMPONENT_KINDS) {
      const m = componentModels[k];
      expect(m.kind).toBe(k);
      expect(m.parameters.length).toBeGreaterThan(0);
      expect(m.actions.length).toBeGreaterThan(0);
      expect(m.sources.length).toBeGreaterThan(0);
      expect(m.reference.length + m.scaling.length).toBeGreaterThan(40);
      expect(typeof m.cost).toBe("function");
    }
  });
});
