// Periphery and overhead energy (src/components/periphery.ts), converter supply scaling (supply.ts) and the
// capacitive DAC kinds (dac.ts): each mechanism checked against its closed form, in both directions.
import { describe, expect, it } from "vitest";
import { analogMvmCost, analogMvmCostPrepared, dacCost, prepareAnalogTile, weightColumnsPerTile } from "../../src/components/index.ts";
import { r2rCurrentUnits, r2rMeanCurrentUnits } from "../../src/components/dac/r2r-ladder.ts";
import { decodeChipSpec } from "../../src/spec/validate.ts";
import { c2cBitEnergyJ } from "../../src/components/c2c-multiply.ts";
import { cellReadEnergyJ } from "../../src/components/crossbar.ts";
import { describeChip } from "../../src/components/describe.ts";
import { intelC2cAt } from "../../hw-specs/intel-c2c-22nm.ts";
import { tilePeriphery, KT_300K_J } from "../../src/components/periphery.ts";
import { CONVERTER_REFERENCE_SUPPLY_V } from "../../src/components/supply.ts";
import { isAimcsimError } from "../../src/errors.ts";
import type { CrossbarTileSpec } from "../../src/spec/types.ts";
import { hermesChip as hermesSpecForDac, hermesTile } from "./chips.ts";

const geometry = (t: CrossbarTileSpec) => ({ cellAreaMm2: 1e-8, adcs: t.cols / 2, outputs: t.cols / 2, inputBits: t.dac.bits, mvmCycles: 130 });
const analog = (t: CrossbarTileSpec, periphery = {}) => ({ tile: t, accumulatorFormat: "fp16" as const, weightBits: 8, periphery });

describe("tile periphery", () => {
  it("word-line energy is C x swing x supply: linear in each, and grows with the row length", () => {
    const base = tilePeriphery(analog(hermesTile, { wordlineSwingV: 1, wordlineSupplyV: 1 }), 14, 0.8, geometry(hermesTile));
    const swing2 = tilePeriphery(analog(hermesTile, { wordlineSwingV: 2, wordlineSupplyV: 1 }), 14, 0.8, geometry(hermesTile));
    const supply2 = tilePeriphery(analog(hermesTile, { wordlineSwingV: 1, wordlineSupplyV: 2 }), 14, 0.8, geometry(hermesTile));
    expect(swing2.wordlineJ / base.wordlineJ).toBeCloseTo(2, 10);
    expect(supply2.wordlineJ / base.wordlineJ).toBeCloseTo(2, 10);
    const wide = { ...hermesTile, cols: 2 * hermesTile.cols };
    const w = tilePeriphery(analog(wide, { wordlineSwingV: 1, wordlineSupplyV: 1 }), 14, 0.8, geometry(wide));
    expect(w.wordlineJ).toBeGreaterThan(1.9 * base.wordlineJ); // the driver's own capacitance is not doubled
    expect(w.wordlineJ).toBeLessThan(2 * base.wordlineJ);
  });

  it("the sample capacitor defaults to the kT/C size, 4x per extra ADC bit, and a CCO samples nothing", () => {
    const sar = { ...hermesTile, adc: { kind: "sar" as const, bits: 8, colsPerAdc: 1 } };
    const sar9 = { ...sar, adc: { ...sar.adc, bits: 9 } };
    const p8 = tilePeriphery(analog(sar), 14, 1, geometry(sar));
    const p9 = tilePeriphery(analog(sar9), 14, 1, geometry(sar9));
    expect(p8.sampleJ).toBeCloseTo(12 * KT_300K_J * 2 ** 16, 25); // C = 12 kT 4^bits / V^2, E = C V^2 at 1 V
    expect(p9.sampleJ / p8.sampleJ).toBeCloseTo(4, 10);
    expect(tilePeriphery(analog(hermesTile), 14, 1, geometry(hermesTile)).sampleJ).toBe(0);
  });

  it("the LDPU and local buffers cost energy only when present", () => {
    const on = tilePeriphery(analog(hermesTile), 14, 0.8, geometry(hermesTile));
    const off = tilePeriphery(analog(hermesTile, { ldpu: false, localBuffers: false }), 14, 0.8, geometry(hermesTile));
    expect(on.ldpuJ).toBeGreaterThan(0);
    expect(on.inputBufferJ).toBeGreaterThan(0);
    expect(off.ldpuJ).toBe(0);
    expect(off.inputBufferJ + off.outputBufferJ).toBe(0);
    expect(off.areaMm2).toBe(0);
    expect(on.areaMm2).toBeGreaterThan(0);
  });

  it("clock gating charges the row registers of the active rows only", () => {
    const chip = { supplyV: 0.8 };
    const gated = { supplyV: 0.8, periphery: { clockGating: true } };
    const full = analogMvmCost(hermesTile, 8, 14, 1e9, 256, 128, undefined, undefined, "fp16", chip).energyByComponentJ.periphery;
    const fewUngated = analogMvmCost(hermesTile, 8, 14, 1e9, 16, 128, undefined, undefined, "fp16", chip).energyByComponentJ.periphery;
    const fewGated = analogMvmCost(hermesTile, 8, 14, 1e9, 16, 128, undefined, undefined, "fp16", gated).energyByComponentJ.periphery;
    expect(fewGated).toBeLessThan(fewUngated);
    expect(fewUngated).toBeLessThan(full);
  });

  it("a bare tile (no chip context) has no periphery; a chip's tile has some", () => {
    expect(analogMvmCost(hermesTile, 8, 14, 1e9, 256, 128).energyByComponentJ.periphery).toBe(0);
    expect(analogMvmCost(hermesTile, 8, 14, 1e9, 256, 128, undefined, undefined, "fp16", { supplyV: 0.8 }).energyByComponentJ.periphery).toBeGreaterThan(0);
  });

  it("rejects non-physical periphery fields with the field path", () => {
    for (const [field, value] of [["wordlineSwingV", 0], ["sampleCapF", -1], ["bitlineSwingV", Number.NaN]] as const) {
      try {
        tilePeriphery(analog(hermesTile, { [field]: value }), 14, 0.8, geometry(hermesTile));
        expect.unreachable(field);
      } catch (e) {
        expect(isAimcsimError(e) && e.path, field).toBe(`analog.periphery.${field}`);
      }
    }
  });
});

describe("supply scaling of converters", () => {
  const m = (supplyV: number, t: CrossbarTileSpec = hermesTile) => prepareAnalogTile(t, 8, 14, 1e9, "fp16", { supplyV });
  it("DAC and ADC energies scale as (V / 1.0 V)^2 and equal the bare tile's at the reference supply", () => {
    const bare = prepareAnalogTile(hermesTile, 8, 14, 1e9, "fp16");
    const ref = m(CONVERTER_REFERENCE_SUPPLY_V);
    expect(ref.adc.energyJ).toBeCloseTo(bare.adc.energyJ, 25);
    expect(ref.dac.energyJ).toBeCloseTo(bare.dac.energyJ, 25);
    for (const v of [0.7, 0.85, 1.1]) {
      expect(m(v).adc.energyJ / bare.adc.energyJ).toBeCloseTo(v * v, 10);
      expect(m(v).dac.energyJ / bare.dac.energyJ).toBeCloseTo(v * v, 10);
    }
  });
  it("a spec energy override is taken at the chip supply and not scaled", () => {
    const t = { ...hermesTile, adc: { ...hermesTile.adc, energyPerConversionJ: 1e-12 } };
    expect(m(0.5, t).adc.energyJ).toBe(1e-12);
  });
  it("separate driver and ADC supplies scale their own components", () => {
    const both = prepareAnalogTile(hermesTile, 8, 14, 1e9, "fp16", { supplyV: 1, periphery: { driverSupplyV: 0.5, adcSupplyV: 2 } });
    const bare = prepareAnalogTile(hermesTile, 8, 14, 1e9, "fp16");
    expect(both.dac.energyJ / bare.dac.energyJ).toBeCloseTo(0.25, 10);
    expect(both.adc.energyJ / bare.adc.energyJ).toBeCloseTo(4, 10);
  });
});

describe("capacitive DACs", () => {
  it("C-2C ladder: bits x 2 C_u x V^2 / 2, linear in bits, quadratic in V", () => {
    const e = (bits: number, v: number) => dacCost({ kind: "c2c-ladder", bits, unitCapF: 1e-15 }, 22, 1e9, v).energyJ;
    expect(e(8, 1)).toBeCloseTo(8e-15, 25);
    expect(e(4, 1) / e(8, 1)).toBeCloseTo(0.5, 10);
    expect(e(8, 0.7) / e(8, 1)).toBeCloseTo(0.49, 10);
  });
  it("binary-weighted capacitor DAC: 2^bits C_u V^2 / 6, doubling per bit", () => {
    const e = (bits: number) => dacCost({ kind: "capacitive", bits, unitCapF: 1e-15 }, 22, 1e9, 1).energyJ;
    expect(e(6)).toBeCloseTo((64 * 1e-15) / 6, 25);
    expect(e(7) / e(6)).toBeCloseTo(2, 10);
  });
  it("one phase, area grows with capacitance, supply already applied (no second scaling)", () => {
    const d = dacCost({ kind: "capacitive", bits: 8 }, 22, 1e9, 0.8);
    expect(d.phases).toBe(1);
    expect(d.supplyExplicit).toBe(true);
    expect(dacCost({ kind: "capacitive", bits: 9 }, 22, 1e9, 0.8).areaMm2).toBeGreaterThan(d.areaMm2);
    const t = { ...hermesTile, dac: { kind: "c2c-ladder" as const, bits: 8 } };
    const at = (v: number) => prepareAnalogTile(t, 8, 22, 1e9, "int16", { supplyV: v }).dac.energyJ;
    expect(at(0.5) / at(1)).toBeCloseTo(0.25, 10);
  });
});

describe("R-2R resistive-ladder DAC (issue 14: the Intel C-2C macro's input DACs)", () => {
  it("mean ladder current over uniform codes equals the brute-force mean of the nodal solution (8 bits: 1.4444 V_ref / 2R)", () => {
    for (const bits of [1, 2, 3, 5, 8, 10]) {
      let sum = 0;
      for (let code = 0; code < 2 ** bits; code++) sum += r2rCurrentUnits(bits, code);
      expect(r2rMeanCurrentUnits(bits)).toBeCloseTo(sum / 2 ** bits, 10);
    }
    // Independent hand values: 1 bit, code 1: leg and termination in series, V_0 = V_ref / 2, I = 0.5 units.
    expect(r2rCurrentUnits(1, 1)).toBeCloseTo(0.5, 12);
    expect(r2rCurrentUnits(4, 0)).toBe(0);
    expect(r2rMeanCurrentUnits(8)).toBeCloseTo(1.44444275, 7); // numpy nodal solve over the 256 codes
  });
  it("static power V_ref^2 x mean / 2R x ladders; quadratic in V_ref, inverse in R; an energy override drops it", () => {
    const d = (o: Partial<{ referenceV: number; unitResistanceOhm: number; laddersPerInput: number }>) =>
      dacCost({ kind: "r2r-ladder", bits: 8, ...o }, 22, 1e9, 1.0);
    const base = d({ referenceV: 0.5, unitResistanceOhm: 5000, laddersPerInput: 1 });
    expect(base.holdPowerW).toBeCloseTo((0.25 * 1.44444275) / 10000, 12);
    expect(d({ referenceV: 1, unitResistanceOhm: 5000, laddersPerInput: 1 }).holdPowerW / base.holdPowerW).toBeCloseTo(4, 10);
    expect(d({ referenceV: 0.5, unitResistanceOhm: 10000, laddersPerInput: 1 }).holdPowerW / base.holdPowerW).toBeCloseTo(0.5, 10);
    expect(d({ referenceV: 0.5, unitResistanceOhm: 5000, laddersPerInput: 2 }).holdPowerW / base.holdPowerW).toBeCloseTo(2, 10);
    expect(d({}).holdPowerW).toBeCloseTo((1.44444275) / 10000, 12); // defaults: V_ref = the driver supply (1 V), R 5 kOhm
    expect(base.supplyExplicit).toBe(true);
    expect(base.energyJ).toBeGreaterThan(0); // bit switches
    expect(base.energyJ).toBeLessThan(base.holdPowerW * 1e-9); // switches are small next to 1 ns of static current
    const o = dacCost({ kind: "r2r-ladder", bits: 8, energyPerConversionJ: 1e-13 }, 22, 1e9, 1.0);
    expect(o.holdPowerW).toBe(0);
    expect(o.energyJ).toBe(1e-13);
  });
  it("crossbar: DAC energy per MVM = rows x (switch energy + held power x MVM time), so a longer read costs more", () => {
    const t = { ...hermesTile, dac: { kind: "r2r-ladder" as const, bits: 8, referenceV: 0.4 } };
    const m = prepareAnalogTile(t, 8, 22, 1e9, "int16", { supplyV: 0.8 });
    const c = analogMvmCostPrepared(m, t.rows, weightColumnsPerTile(t, 8));
    expect(c.energyByComponentJ.dac).toBeCloseTo(t.rows * (m.dac.energyJ + m.dac.holdPowerW * c.latencyPs * 1e-12), 20);
    const slow = { ...t, integrationTimeNs: t.integrationTimeNs * 4 };
    const ms = prepareAnalogTile(slow, 8, 22, 1e9, "int16", { supplyV: 0.8 });
    const cs = analogMvmCostPrepared(ms, t.rows, weightColumnsPerTile(t, 8));
    expect(cs.latencyPs).toBeGreaterThan(c.latencyPs);
    expect(cs.energyByComponentJ.dac).toBeGreaterThan(c.energyByComponentJ.dac);
    expect(analogMvmCostPrepared(m, 0, 0).energyByComponentJ.dac).toBe(0);
  });
  it("the spec rejects a non-positive unit resistance and a fifth ladder, naming the field", () => {
    expect(() => decodeChipSpec({ ...hermesSpecForDac, analog: { ...hermesSpecForDac.analog!, tile: { ...hermesSpecForDac.analog!.tile, dac: { kind: "r2r-ladder", bits: 8, unitResistanceOhm: 0 } } } })).toThrow(/unitResistanceOhm/);
    expect(() => decodeChipSpec({ ...hermesSpecForDac, analog: { ...hermesSpecForDac.analog!, tile: { ...hermesSpecForDac.analog!.tile, dac: { kind: "r2r-ladder", bits: 8, laddersPerInput: 5 } } } })).toThrow(/laddersPerInput/);
  });
});

describe("charge-domain C-2C multiply (issue 14: the Intel macro's MAC)", () => {
  it("per weight bit 3 C_u V^2 (1.67/48 + 1/(4 sqrt 3)): 1.075 fF V^2 at C_u 2 fF, quadratic in V", () => {
    expect(c2cBitEnergyJ(2e-15, 1)).toBeCloseTo(6e-15 * (1.67 / 48 + 1 / (4 * Math.sqrt(3))), 25);
    expect(c2cBitEnergyJ(2e-15, 1) / 1e-15).toBeCloseTo(1.0747, 3);
    expect(c2cBitEnergyJ(2e-15, 0.7) / c2cBitEnergyJ(2e-15, 1)).toBeCloseTo(0.49, 10);
  });
  it("a C-2C tile's array energy is rows x cols x the bit energy, whatever the conductances and activity", () => {
    const t: CrossbarTileSpec = { ...hermesTile, device: "SRAM", bitsPerCell: 1, differential: false, c2cUnitCapF: 2e-15, readVoltageV: 0.8 };
    const m = prepareAnalogTile(t, 8, 22, 1e9);
    const cols = weightColumnsPerTile(t, 8);
    const a = analogMvmCostPrepared(m, t.rows, cols);
    const b = analogMvmCostPrepared(prepareAnalogTile({ ...t, gMaxUs: t.gMaxUs * 10 }, 8, 22, 1e9), t.rows, cols, { meanConductance: 0.9, inputActivity: 0.1 });
    expect(a.energyByComponentJ.crossbar).toBeCloseTo(t.rows * cols * m.colsPerWeight * c2cBitEnergyJ(2e-15, 0.8), 20);
    expect(b.energyByComponentJ.crossbar).toBe(a.energyByComponentJ.crossbar);
  });
  it("the spec refuses a C-2C multiplier on non-SRAM cells, naming the field", () => {
    expect(() => decodeChipSpec({ ...hermesSpecForDac, analog: { ...hermesSpecForDac.analog!, tile: { ...hermesSpecForDac.analog!.tile, c2cUnitCapF: 2e-15 } } })).toThrow(/c2cUnitCapF/);
  });
  it("passive DAC ladders leak nothing: the Intel preset's DAC has area but no static power", () => {
    const d = describeChip(intelC2cAt(0.7));
    expect(d.areaByComponentMm2.dac).toBeGreaterThan(0.03); // 128 ladders x 280 um^2 (CiMLoop's density)
    expect(d.staticPowerByComponentW.dac).toBe(0);
    expect(d.staticPowerByComponentW.adc).toBeGreaterThan(0);
  });
});

describe("read current drawn from the drivers' rail (tile.readSupplyV, issue 14: HERMES)", () => {
  it("one cell's read costs V_rail V_read G t: x (rail / read voltage) over the default, linear in the rail", () => {
    const base: CrossbarTileSpec = { ...hermesTile, readVoltageV: 0.2 };
    const e0 = cellReadEnergyJ(base, 128e3);
    expect(cellReadEnergyJ({ ...base, readSupplyV: 0.2 }, 128e3)).toBe(e0);
    expect(cellReadEnergyJ({ ...base, readSupplyV: 0.8 }, 128e3) / e0).toBeCloseTo(4, 12);
    expect(cellReadEnergyJ({ ...base, readSupplyV: 1.2 }, 128e3) / e0).toBeCloseTo(6, 12);
  });
  it("the spec refuses a rail below the read voltage, naming the field", () => {
    const t = hermesSpecForDac.analog!.tile;
    expect(() => decodeChipSpec({ ...hermesSpecForDac, analog: { ...hermesSpecForDac.analog!, tile: { ...t, readSupplyV: t.readVoltageV / 2 } } })).toThrow(/readSupplyV/);
  });
});
