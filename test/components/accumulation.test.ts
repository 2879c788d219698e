// Analog accumulation before the ADC: input bit-planes (DacSpec.planesPerConversion, planeWeighting) and weight
// slices (CrossbarTileSpec.slicesPerConversion) integrated or charge-shared, then converted once per group.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  analogMvmCostPrepared,
  cellReadEnergyJ,
  conversionGroups,
  prepareAnalogTile,
  repeatedIntegrationExtraSteps,
  type AnalogMvmCost,
  type AnalogTileModel,
  type MvmActivity,
} from "../../src/components/crossbar.ts";
import { TIME_ENCODED_STATIC_FRACTION } from "../../src/components/adc.ts";
import { weightColumnsPerTile, weightSlices } from "../../src/components/index.ts";
import { isAimcsimError } from "../../src/errors.ts";
import type { AdcKind, CrossbarTileSpec } from "../../src/spec/types.ts";
import { hermesTile } from "./chips.ts";
import { neurramAt, neurramPlanesPerConversion } from "../../hw-specs/neurram.ts";
import sinangil from "../../hw-specs/sinangil-7nm-sram.ts";
import { ADC_KINDS, DAC_KINDS, DEVICE_KINDS, PLANE_WEIGHTINGS } from "../../src/spec/schema.ts";

/** The per-MVM cost exactly as src/components/crossbar.ts computed it before planesPerConversion and
 *  slicesPerConversion existed (one conversion per plane and per slice column): the defaults must reproduce it. */
function legacyCost(m: AnalogTileModel, activeRows: number, activeCols: number, activity?: MvmActivity): AnalogMvmCost {
  const g = activity?.meanConductance ?? 0.25;
  const a = activity?.inputActivity ?? 0.5;
  const code = activity?.adcCodeFraction ?? 1;
  const adcEnergyJ = m.adcCodeDependent ? m.adc.energyJ * (TIME_ENCODED_STATIC_FRACTION + (1 - TIME_ENCODED_STATIC_FRACTION) * code) : m.adc.energyJ;
  const physicalCols = activeCols * m.colsPerWeight;
  const conversions = activeCols * m.slices;
  const rounds = conversions === 0 ? 0 : Math.ceil(conversions / m.adcs);
  const setupPs = m.pwm ? 0 : m.dac.latencyPs;
  const phasePs = m.concurrentAdc ? setupPs + rounds * Math.max(m.windowPs, m.adc.latencyPs) : setupPs + m.windowPs + rounds * m.adc.latencyPs;
  const latencyPs = activeRows === 0 || activeCols === 0 ? 0 : m.phases * phasePs + m.cyclePs;
  return {
    latencyPs,
    energyByComponentJ: {
      // + the static power a resistive ladder (r2r-ladder, issue 14) draws while it holds a code, over the MVM
      dac: activeRows * m.phases * m.dac.energyJ + (latencyPs === 0 ? 0 : activeRows * m.dac.holdPowerW * latencyPs * 1e-12),
      crossbar: activeRows * physicalCols * m.phases * cellReadEnergyJ(m.tile, m.windowPs, g, a),
      adc: conversions * m.phases * adcEnergyJ,
      accumulate: conversions * m.phases * m.accumulateEnergyJ,
      periphery: 0, // a bare tile (no chip context) has no periphery model
    },
  };
}

const tileArb = fc
  .record({
    rows: fc.constantFrom(32, 64, 256, 512),
    cols: fc.constantFrom(64, 128, 256, 1024),
    device: fc.constantFrom(...DEVICE_KINDS),
    bitsPerCell: fc.integer({ min: 1, max: 4 }),
    differential: fc.boolean(),
    integrationTimeNs: fc.double({ min: 1, max: 500, noNaN: true }),
    dacKind: fc.constantFrom(...DAC_KINDS),
    dacBits: fc.integer({ min: 1, max: 10 }),
    adcKind: fc.constantFrom(...ADC_KINDS),
    adcBits: fc.integer({ min: 1, max: 10 }),
    colsPerAdc: fc.constantFrom(1, 2, 4, 8),
  })
  .map(
    (r): CrossbarTileSpec => ({
      ...hermesTile,
      rows: r.rows,
      cols: r.cols,
      device: r.device,
      bitsPerCell: r.device === "SRAM" ? 1 : r.bitsPerCell,
      differential: r.differential,
      integrationTimeNs: r.integrationTimeNs,
      dac: { kind: r.dacKind, bits: r.dacBits },
      adc: { kind: r.adcKind, bits: r.adcBits, colsPerAdc: r.colsPerAdc },
    }),
  );
const weightBitsArb = fc.integer({ min: 1, max: 8 });
const clockArb = fc.constantFrom(3.33e6, 1e8, 1e9, 3.3e9);

/** A full-tile MVM on a prepared tile. */
const fullMvm = (t: CrossbarTileSpec, wb: number, clockHz: number): AnalogMvmCost => {
  const m = prepareAnalogTile(t, wb, 14, clockHz);
  return analogMvmCostPrepared(m, t.rows, weightColumnsPerTile(t, wb));
};
/** A bit-serial tile with a sampling ADC (the only kind that may accumulate planes). */
const bitSerialTile = (t: CrossbarTileSpec, bits: number, adcKind: AdcKind): CrossbarTileSpec => ({
  ...t,
  dac: { kind: "bit-serial", bits },
  adc: { ...t.adc, kind: adcKind === "cco" ? "sar" : adcKind },
});

describe("conversion groups (the grouping rule of planesPerConversion and slicesPerConversion)", () => {
  it("splits n into ceil(n / max) consecutive groups whose sizes differ by at most one, larger first", () => {
    expect(conversionGroups(7, 4)).toEqual([4, 3]);
    expect(conversionGroups(5, 3)).toEqual([3, 2]);
    expect(conversionGroups(7, 1)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(conversionGroups(4, 4)).toEqual([4]);
    expect(conversionGroups(2, 4)).toEqual([2]); // at most 4: fewer planes form one group
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 16 }), (n, max) => {
        const g = conversionGroups(n, max);
        expect(g.length).toBe(Math.ceil(n / max));
        expect(g.reduce((s, x) => s + x, 0)).toBe(n);
        expect(Math.max(...g)).toBeLessThanOrEqual(max);
        expect(Math.max(...g) - Math.min(...g)).toBeLessThanOrEqual(1);
        for (let i = 1; i < g.length; i++) expect(g[i]!).toBeLessThanOrEqual(g[i - 1]!);
      }),
    );
  });

  it("repeated integration weights plane k by 2^k: 2^s - 1 integration steps for s planes, s of them with the reads", () => {
    expect([1, 2, 3, 4].map(repeatedIntegrationExtraSteps)).toEqual([0, 1, 4, 11]);
  });
});

describe("defaults reproduce the per-plane, per-slice cost model exactly", () => {
  it("absent, or 1, planesPerConversion and slicesPerConversion give bit-identical costs to the old model", () => {
    fc.assert(
      fc.property(tileArb, weightBitsArb, clockArb, fc.boolean(), (t, wb, clockHz, explicitOnes) => {
        const cols = weightColumnsPerTile(t, wb);
        fc.pre(cols >= 1);
        const tile: CrossbarTileSpec = explicitOnes ? { ...t, slicesPerConversion: 1, dac: { ...t.dac, planesPerConversion: 1 } } : t;
        const m = prepareAnalogTile(tile, wb, 14, clockHz);
        expect(m.planeGroups).toBe(m.phases);
        expect(m.sliceGroups).toBe(m.slices);
        expect(m.extraIntegrationCycles).toBe(0);
        for (const [rows, c] of [[tile.rows, cols], [1, 1], [Math.ceil(tile.rows / 3), Math.ceil(cols / 2)], [0, cols]] as const) {
          expect(analogMvmCostPrepared(m, rows, c)).toEqual(legacyCost(m, rows, c));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("accumulating input bit-planes before conversion", () => {
  it("more planes per conversion never increases ADC or accumulate energy, and leaves DAC and array energy alone", () => {
    fc.assert(
      fc.property(tileArb, weightBitsArb, clockArb, fc.integer({ min: 2, max: 10 }), fc.constantFrom(...PLANE_WEIGHTINGS), (t0, wb, clockHz, bits, w) => {
        fc.pre(weightColumnsPerTile(t0, wb) >= 1);
        const t = bitSerialTile(t0, bits, t0.adc.kind);
        let prev = fullMvm(t, wb, clockHz);
        for (let p = 2; p <= bits; p++) {
          const c = fullMvm({ ...t, dac: { ...t.dac, planesPerConversion: p, planeWeighting: w } }, wb, clockHz);
          expect(c.energyByComponentJ.adc).toBeLessThanOrEqual(prev.energyByComponentJ.adc * (1 + 1e-12));
          expect(c.energyByComponentJ.accumulate).toBeLessThanOrEqual(prev.energyByComponentJ.accumulate * (1 + 1e-12));
          expect(c.energyByComponentJ.dac).toBe(prev.energyByComponentJ.dac);
          expect(c.energyByComponentJ.crossbar).toBe(prev.energyByComponentJ.crossbar);
          prev = c;
        }
      }),
      { numRuns: 150 },
    );
  });

  it("with charge-share weighting, more planes per conversion never increases the MVM latency", () => {
    fc.assert(
      fc.property(tileArb, weightBitsArb, clockArb, fc.integer({ min: 2, max: 10 }), (t0, wb, clockHz, bits) => {
        fc.pre(weightColumnsPerTile(t0, wb) >= 1);
        const t = bitSerialTile(t0, bits, t0.adc.kind);
        let prev = fullMvm(t, wb, clockHz).latencyPs;
        for (let p = 2; p <= bits; p++) {
          const lat = fullMvm({ ...t, dac: { ...t.dac, planesPerConversion: p, planeWeighting: "charge-share" } }, wb, clockHz).latencyPs;
          expect(lat).toBeLessThanOrEqual(prev * (1 + 1e-12));
          prev = lat;
        }
      }),
      { numRuns: 150 },
    );
  });

  it("repeated integration costs exactly its extra integration steps, one clock cycle each, over charge sharing", () => {
    fc.assert(
      fc.property(tileArb, weightBitsArb, clockArb, fc.integer({ min: 2, max: 10 }), fc.integer({ min: 2, max: 10 }), (t0, wb, clockHz, bits, p0) => {
        fc.pre(weightColumnsPerTile(t0, wb) >= 1);
        const p = Math.min(p0, bits);
        const t = bitSerialTile(t0, bits, t0.adc.kind);
        const share = fullMvm({ ...t, dac: { ...t.dac, planesPerConversion: p, planeWeighting: "charge-share" } }, wb, clockHz);
        const rep = fullMvm({ ...t, dac: { ...t.dac, planesPerConversion: p, planeWeighting: "repeated-integration" } }, wb, clockHz);
        const steps = conversionGroups(bits, p).reduce((s, g) => s + repeatedIntegrationExtraSteps(g), 0);
        expect(rep.latencyPs - share.latencyPs).toBeCloseTo(steps * (1e12 / clockHz), 3);
        expect(rep.energyByComponentJ).toEqual(share.energyByComponentJ);
      }),
      { numRuns: 100 },
    );
  });

  it("converts once per plane group: ADC energy = weight columns x slices x ceil(bits / planes) conversions", () => {
    const t: CrossbarTileSpec = { ...hermesTile, cols: 256, bitsPerCell: 1, differential: false, dac: { kind: "bit-serial", bits: 7 }, adc: { kind: "sar", bits: 8, colsPerAdc: 8 } };
    const one = prepareAnalogTile(t, 4, 14, 1e9);
    const grouped = prepareAnalogTile({ ...t, dac: { ...t.dac, planesPerConversion: 4, planeWeighting: "charge-share" } }, 4, 14, 1e9);
    const cols = weightColumnsPerTile(t, 4); // 64 weights of 4 one-bit slices
    const a = analogMvmCostPrepared(one, t.rows, cols);
    const b = analogMvmCostPrepared(grouped, t.rows, cols);
    expect(a.energyByComponentJ.adc).toBeCloseTo(cols * 4 * 7 * one.adc.energyJ, 20);
    expect(b.energyByComponentJ.adc).toBeCloseTo(cols * 4 * 2 * one.adc.energyJ, 20);
    // 256 conversions per group on 32 ADCs = 8 rounds; 7 rounds of conversions per input become 2.
    const adcPs = one.adc.latencyPs;
    expect(a.latencyPs - b.latencyPs).toBeCloseTo((7 - 2) * 8 * adcPs, 3);
    expect(grouped.adcRangeExtraBits).toBe(3);
  });
});

describe("combining weight slices in the analog domain before conversion", () => {
  it("more slices per conversion never increases ADC or accumulate energy or latency, and leaves DAC and array energy alone", () => {
    fc.assert(
      fc.property(tileArb, fc.integer({ min: 2, max: 8 }), clockArb, (t0, wb, clockHz) => {
        const t: CrossbarTileSpec = { ...t0, adc: { ...t0.adc, kind: t0.adc.kind === "cco" ? "flash" : t0.adc.kind } };
        fc.pre(weightColumnsPerTile(t, wb) >= 1);
        const slices = weightSlices(t, wb);
        let prev = fullMvm(t, wb, clockHz);
        for (let s = 2; s <= slices; s++) {
          const c = fullMvm({ ...t, slicesPerConversion: s }, wb, clockHz);
          expect(c.energyByComponentJ.adc).toBeLessThanOrEqual(prev.energyByComponentJ.adc * (1 + 1e-12));
          expect(c.energyByComponentJ.accumulate).toBeLessThanOrEqual(prev.energyByComponentJ.accumulate * (1 + 1e-12));
          expect(c.latencyPs).toBeLessThanOrEqual(prev.latencyPs * (1 + 1e-12));
          // A resistive-ladder DAC's held static power follows the (shorter) MVM time; every other kind is unchanged.
          if (t.dac.kind === "r2r-ladder") expect(c.energyByComponentJ.dac).toBeLessThanOrEqual(prev.energyByComponentJ.dac * (1 + 1e-12));
          else expect(c.energyByComponentJ.dac).toBe(prev.energyByComponentJ.dac);
          expect(c.energyByComponentJ.crossbar).toBe(prev.energyByComponentJ.crossbar);
          prev = c;
        }
      }),
      { numRuns: 150 },
    );
  });

  it("one conversion per weight when all its slices are joined (the TSMC 7 nm macro: 16 instead of 64)", () => {
    const a = sinangil.analog!;
    const m = prepareAnalogTile(a.tile, a.weightBits, sinangil.technologyNm, a.clockHz, a.accumulatorFormat);
    expect(m.slices).toBe(4);
    expect(m.sliceGroups).toBe(1);
    const c = analogMvmCostPrepared(m, a.tile.rows, weightColumnsPerTile(a.tile, a.weightBits));
    expect(c.energyByComponentJ.adc).toBeCloseTo(16 * m.adc.energyJ, 20);
    expect(m.adcRangeExtraBits).toBe(3);
    expect(m.assumption).toMatch(/slice columns of a weight joined by binary-weighted charge sharing in groups \[4\]/);
  });
});

// The spec's rules on these fields (integers >= 1, a weighting above 1 plane, planes only on a bit-serial DAC,
// no accumulation into a CCO) live in the schema and are tested in test/spec/accumulation.test.ts; the tile model
// keeps only the two rules that read registered converter properties (a kind added at run time has no schema rule).
describe("accumulation onto converters that cannot hold it is a SpecError naming the field", () => {
  const bitSerial: CrossbarTileSpec = { ...hermesTile, dac: { kind: "bit-serial", bits: 4 }, adc: { kind: "sar", bits: 8, colsPerAdc: 1 } };
  const path = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (isAimcsimError(e)) return `${e._tag} ${e.path}`;
      throw e;
    }
    throw new Error("expected a SpecError");
  };
  it("rejects PWM planes and CCO accumulation", () => {
    expect(path(() => prepareAnalogTile({ ...hermesTile, dac: { kind: "pwm", bits: 8, planesPerConversion: 2, planeWeighting: "charge-share" } }, 8, 14, 1e9))).toBe("SpecError analog.tile.dac.planesPerConversion");
    expect(path(() => prepareAnalogTile({ ...bitSerial, adc: { kind: "cco", bits: 8, colsPerAdc: 1 }, dac: { ...bitSerial.dac, planesPerConversion: 2, planeWeighting: "charge-share" } }, 8, 14, 1e9))).toBe("SpecError analog.tile.adc.kind");
  });
});

describe("a value above what the DAC or the weight has groups all of it (the integrator holds at most that many)", () => {
  it("planesPerConversion above bits and slicesPerConversion above the slices cost the same as exactly bits and slices", () => {
    fc.assert(
      fc.property(tileArb, weightBitsArb, clockArb, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 6 }), (t0, wb, clockHz, bits, over) => {
        fc.pre(weightColumnsPerTile(t0, wb) >= 1);
        const t = { ...bitSerialTile(t0, bits, t0.adc.kind), dac: { kind: "bit-serial" as const, bits, planeWeighting: "repeated-integration" as const } };
        const slices = weightSlices(t, wb);
        const exact = fullMvm({ ...t, slicesPerConversion: slices, dac: { ...t.dac, planesPerConversion: bits } }, wb, clockHz);
        const above = fullMvm({ ...t, slicesPerConversion: slices + over, dac: { ...t.dac, planesPerConversion: bits + over } }, wb, clockHz);
        expect(above).toEqual(exact);
      }),
      { numRuns: 100 },
    );
    // hermesTile: 8-bit differential weights on 4-bit cells = 2 slices; 3 joins both.
    expect(prepareAnalogTile({ ...hermesTile, adc: { kind: "sar", bits: 8, colsPerAdc: 1 }, slicesPerConversion: 3 }, 8, 14, 1e9).sliceGroups).toBe(1);
  });
});

describe("NeuRRAM two-phase mode (hw-specs/neurram.ts)", () => {
  /** CiMLoop wan_nature_2022 helper_functions.py bits2phase_2phase with MAX_INPUT_BITS_BEFORE_TWO_PHASE = 3. */
  const cimloopPhases = (n: number): number[] => (n <= 3 ? [n] : [Math.ceil(n / 2), Math.floor(n / 2)]);
  it("groups the magnitude planes into the chip's phases for every measured input precision", () => {
    for (let inputBits = 1; inputBits <= 8; inputBits++) {
      const n = Math.max(1, inputBits - 1);
      expect(conversionGroups(n, neurramPlanesPerConversion(n)), `in ${inputBits}`).toEqual(cimloopPhases(n));
      const t = neurramAt(inputBits, 8).analog!.tile;
      expect(t.dac.planesPerConversion).toBe(neurramPlanesPerConversion(n));
      expect(t.dac.planeWeighting).toBe("repeated-integration");
    }
  });
});
