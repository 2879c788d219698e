import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TECH_NODES_NM, areaScale, energyScale } from "../../src/components/index.ts";
import { addEnergyJ, macEnergyJ } from "../../src/components/digital.ts";
import { DIGITAL_FORMATS } from "../../src/spec/index.ts";

describe("technology scaling (Stillmaker & Baas 2017)", () => {
  it("is monotone in the node: a smaller node never costs more energy or area", () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 250, noNaN: true }), fc.double({ min: 1, max: 250, noNaN: true }), (a, b) => {
        const [small, big] = a < b ? [a, b] : [b, a];
        expect(energyScale(45, small)).toBeLessThanOrEqual(energyScale(45, big) + 1e-15);
        expect(areaScale(45, small)).toBeLessThanOrEqual(areaScale(45, big) + 1e-15);
      }),
    );
  });

  it("strictly decreases across the table's nodes and is the identity at the same node", () => {
    for (let i = 0; i + 1 < TECH_NODES_NM.length; i++) {
      expect(energyScale(45, TECH_NODES_NM[i + 1])).toBeLessThan(energyScale(45, TECH_NODES_NM[i]));
      expect(areaScale(45, TECH_NODES_NM[i + 1])).toBeLessThan(areaScale(45, TECH_NODES_NM[i]));
    }
    expect(energyScale(28, 28)).toBe(1);
    expect(areaScale(28, 28)).toBe(1);
    expect(areaScale(45, 32)).toBeCloseTo(0.46, 10);
  });

  it("composes: scaling a->b->c equals a->c", () => {
    fc.assert(
      fc.property(fc.double({ min: 5, max: 150, noNaN: true }), fc.double({ min: 5, max: 150, noNaN: true }), fc.double({ min: 5, max: 150, noNaN: true }), (a, b, c) => {
        expect(energyScale(a, b) * energyScale(b, c)).toBeCloseTo(energyScale(a, c), 9);
        expect(areaScale(a, b) * areaScale(b, c)).toBeCloseTo(areaScale(a, c), 9);
      }),
    );
  });

  it("supply scaling is (V/Vref)^2", () => {
    expect(energyScale(45, 45, 0.9, 0.45)).toBeCloseTo(0.25, 12);
  });

  it("Horowitz 45 nm numbers come back unscaled at 45 nm", () => {
    expect(addEnergyJ("int8", 45)).toBeCloseTo(0.03e-12, 20);
    expect(macEnergyJ("fp32", 45)).toBeCloseTo(4.6e-12, 20);
    for (const f of DIGITAL_FORMATS) expect(macEnergyJ(f, 7)).toBeLessThan(macEnergyJ(f, 45));
  });

  it("rejects a non-positive node", () => {
    expect(() => energyScale(45, 0)).toThrow(/technologyNm/);
  });
});
