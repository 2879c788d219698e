import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { adcCost, dacCost } from "../../src/components/index.ts";
import { ADC_KINDS, DAC_KINDS } from "../../src/spec/index.ts";
import { SAR_WALDEN_FOM_J } from "../../src/components/adc.ts";
import type { AdcSpec, DacSpec } from "../../src/spec/types.ts";

const node = fc.double({ min: 3, max: 180, noNaN: true });
const clock = fc.double({ min: 1e7, max: 1e10, noNaN: true });
const adcKind = fc.constantFrom(...ADC_KINDS);
const dacKind = fc.constantFrom(...DAC_KINDS);

describe("ADC models", () => {
  it("energy strictly grows with bits for every kind", () => {
    fc.assert(
      fc.property(adcKind, fc.integer({ min: 1, max: 15 }), node, clock, (kind, bits, n, c) => {
        const lo = adcCost({ kind, bits, colsPerAdc: 1 }, n, c);
        const hi = adcCost({ kind, bits: bits + 1, colsPerAdc: 1 }, n, c);
        expect(hi.energyJ).toBeGreaterThan(lo.energyJ);
        expect(hi.latencyPs).toBeGreaterThanOrEqual(lo.latencyPs);
      }),
    );
  });

  it("energy, latency and area are positive and finite for random valid parameters", () => {
    fc.assert(
      fc.property(adcKind, fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 64 }), node, clock, (kind, bits, cpa, n, c) => {
        const r = adcCost({ kind, bits, colsPerAdc: cpa }, n, c);
        for (const x of [r.energyJ, r.latencyPs, r.areaMm2]) {
          expect(Number.isFinite(x)).toBe(true);
          expect(x).toBeGreaterThan(0);
        }
        expect(r.assumption.length).toBeGreaterThan(20);
      }),
    );
  });

  it("explicit overrides win and are printed", () => {
    fc.assert(
      fc.property(adcKind, fc.integer({ min: 1, max: 12 }), fc.double({ min: 1e-15, max: 1e-9, noNaN: true }), fc.integer({ min: 1, max: 1e6 }), (kind, bits, e, l) => {
        const spec: AdcSpec = { kind, bits, colsPerAdc: 1, energyPerConversionJ: e, latencyPs: l };
        const r = adcCost(spec, 14, 1e9);
        expect(r.energyJ).toBe(e);
        expect(r.latencyPs).toBe(l);
        expect(r.assumption).toContain("OVERRIDDEN");
      }),
    );
  });

  it("the SAR model is FOM * 2^ENOB with ENOB = bits - 1 and (bits + 1) cycles; waldenFomJ overrides the survey FOM", () => {
    const r = adcCost({ kind: "sar", bits: 8, colsPerAdc: 1 }, 22, 1e9);
    expect(r.energyJ).toBeCloseTo(20.6e-15 * 128, 20);
    expect(r.latencyPs).toBeCloseTo(9000, 6);
    expect(r.assumption).toMatch(/Murmann/);
    const custom = adcCost({ kind: "sar", bits: 8, colsPerAdc: 1, waldenFomJ: 2 * SAR_WALDEN_FOM_J }, 22, 1e9);
    expect(custom.energyJ / r.energyJ).toBeCloseTo(2, 12);
  });

  it("flash is 2^bits - 1 comparators in one cycle; CCO takes 2^bits LSBs of 300 ps", () => {
    const f4 = adcCost({ kind: "flash", bits: 4, colsPerAdc: 1 }, 22, 2e9);
    expect(f4.energyJ).toBeCloseTo(15 * 40e-15, 20);
    expect(f4.latencyPs).toBeCloseTo(500, 6);
    const cco = adcCost({ kind: "cco", bits: 8, colsPerAdc: 1 }, 14, 1e9);
    expect(cco.latencyPs).toBe(256 * 300);
    expect(cco.assumption).toMatch(/HERMES/);
  });
});

describe("DAC models", () => {
  it("positive, finite, and phases/latency per kind", () => {
    fc.assert(
      fc.property(dacKind, fc.integer({ min: 1, max: 12 }), node, clock, (kind, bits, n, c) => {
        const r = dacCost({ kind, bits }, n, c);
        for (const x of [r.energyJ, r.latencyPs, r.areaMm2]) {
          expect(Number.isFinite(x) && x > 0).toBe(true);
        }
        const cycle = 1e12 / c;
        if (kind === "bit-serial") {
          expect(r.phases).toBe(bits);
          expect(r.latencyPs).toBeCloseTo(cycle, 6);
        } else if (kind === "pwm") {
          expect(r.phases).toBe(1);
          expect(r.latencyPs / cycle).toBeCloseTo(2 ** Math.max(1, bits - 1), 6);
        } else {
          expect(r.phases).toBe(1);
        }
      }),
    );
  });

  it("PWM and current-steering energy grow with bits", () => {
    for (const kind of ["pwm", "current-steering"] as const) {
      for (let b = 2; b < 12; b++) {
        expect(dacCost({ kind, bits: b + 1 }, 14, 1e9).energyJ).toBeGreaterThan(dacCost({ kind, bits: b }, 14, 1e9).energyJ);
      }
    }
  });

  it("overrides win", () => {
    const spec: DacSpec = { kind: "pwm", bits: 8, energyPerConversionJ: 1e-13, latencyPs: 5000 };
    const r = dacCost(spec, 14, 1e9);
    expect(r.energyJ).toBe(1e-13);
    expect(r.latencyPs).toBe(5000);
    expect(r.assumption).toContain("OVERRIDDEN");
  });
});
