// Operand delivery to register-file-fed arrays (GPU tensor cores) and the leakage of a stated die area: the two
// mechanisms the A100 / H100 presets use for board-level TOPS/W (issue 14).
import { describe, expect, it } from "vitest";
import { describeChip, operandDeliveryCost, sramCost, systolicMacCost, systolicPeCost } from "../../src/components/index.ts";
import { dieLeakageFactor, leakageWPerMm2 } from "../../src/components/leakage.ts";
import { variant } from "../../src/spec/index.ts";
import type { SystolicArraySpec } from "../../src/spec/types.ts";
import { AimcsimError } from "../../src/errors.ts";
import type { ChipSpec } from "../../src/spec/types.ts";
import { digitalChip as digitalWithUndefinedAnalog } from "./chips.ts";
import { a100Int8 } from "../../src/validation/presets.ts";

// The test chip states `analog: undefined`, which the spec decoder (variant) rejects: drop the key.
const { analog: _analog, ...digitalRest } = digitalWithUndefinedAnalog;
const digitalChip = digitalRest as ChipSpec;
const delivery = { registerBytes: 65536, registerBanks: 2, registerBitsPerMac: 3.75, sharedBytes: 49152, sharedBanks: 8, sharedBitsPerMac: 0.34375 };
const sa: SystolicArraySpec = { name: "tc", rows: 16, cols: 32, dataflow: "OS", format: "int8", clockHz: 1.41e9, count: 432, operandDelivery: delivery };
const bitJ = (bytes: number, banks: number): number => sramCost({ name: "x", capacityBytes: bytes, banks, bytesPerCyclePerBank: 1, clockHz: 1e9 }, 7, 0.8).readEnergyPerBitJ;

describe("operand delivery", () => {
  it("is bits per MAC x the SRAM model's energy per bit of one bank, on top of the PE", () => {
    const d = operandDeliveryCost(sa, 7, 0.8);
    expect(d.registerJPerBit).toBeCloseTo(bitJ(65536, 2), 20);
    expect(d.sharedJPerBit).toBeCloseTo(bitJ(49152, 8), 20);
    expect(d.energyPerMacJ).toBeCloseTo(3.75 * bitJ(65536, 2) + 0.34375 * bitJ(49152, 8), 20);
    expect(systolicMacCost(sa, 7, 0.8).energyJ).toBeCloseTo(systolicPeCost(sa, 7, 0.8).energyJ + d.energyPerMacJ, 20);
    // A smaller bank (more banks) costs less per bit; twice the bits cost twice.
    expect(operandDeliveryCost({ ...sa, operandDelivery: { ...delivery, registerBanks: 8 } }, 7, 0.8).registerJPerBit).toBeLessThan(d.registerJPerBit);
    const twice = operandDeliveryCost({ ...sa, operandDelivery: { ...delivery, registerBitsPerMac: 7.5, sharedBitsPerMac: 0.6875 } }, 7, 0.8);
    expect(twice.energyPerMacJ).toBeCloseTo(2 * d.energyPerMacJ, 20);
    expect(d.storageAreaMm2).toBeGreaterThan(0);
  });

  it("costs nothing on an array without it (a TPU-style array: edge registers are in the PE energy)", () => {
    const { operandDelivery: _, ...plain } = sa;
    expect(operandDeliveryCost(plain, 7, 0.8).energyPerMacJ).toBe(0);
    expect(systolicMacCost(plain, 7, 0.8)).toEqual(systolicPeCost(plain, 7, 0.8));
  });

  it("is in the A100 preset's peak power: PE + delivery per MAC x MAC rate, and a describe row", () => {
    const d = describeChip(a100Int8);
    const t = a100Int8.systolic[0]!;
    const rate = t.count * t.rows * t.cols * t.clockHz;
    const part = d.peak.find((p) => p.part === "systolic.tensor-cores")!;
    expect(part.dynamicPowerW).toBeCloseTo(rate * systolicMacCost(t, 7, 0.8).energyJ, 6);
    expect(d.rows.some((r) => r.action.startsWith("operand delivery per MAC"))).toBe(true);
  });

  it("rejects a malformed block, naming the field", () => {
    expect(variant(digitalChip, (c) => { c.systolic[0]!.operandDelivery = delivery; }).systolic[0]!.operandDelivery).toEqual(delivery);
    let err: unknown;
    try {
      variant(digitalChip, (c) => {
        c.systolic[0]!.operandDelivery = { ...delivery, registerBanks: 0 };
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AimcsimError);
    expect(String((err as Error).message)).toMatch(/operandDelivery.*registerBanks|registerBanks/);
    expect(String((err as Error).message)).not.toMatch(/analog/);
  });
});

describe("die area leakage", () => {
  it("charges the whole stated die at the node's density (no non-volatile cells on a GPU)", () => {
    const d = describeChip(a100Int8);
    expect(d.staticPowerW).toBeCloseTo(826 * leakageWPerMm2(7, 0.8), 9);
    expect(d.areaMm2).toBeLessThan(826); // the modelled area stays what it is
  });

  it("leaves the leakage alone without dieAreaMm2, or when the stated die is not larger than the modelled area", () => {
    const base = describeChip(digitalChip);
    expect(dieLeakageFactor(digitalChip, base.areaByComponentMm2)).toBe(1);
    const small = variant(digitalChip, (c) => {
      c.dieAreaMm2 = base.areaMm2 / 2;
    });
    expect(describeChip(small).staticPowerW).toBeCloseTo(base.staticPowerW, 12);
    const big = variant(digitalChip, (c) => {
      c.dieAreaMm2 = base.areaMm2 * 3;
    });
    expect(describeChip(big).staticPowerW).toBeCloseTo(3 * base.staticPowerW, 9);
  });
});
