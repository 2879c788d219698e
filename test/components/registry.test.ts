// The component registry: a model registered from outside src (here, this test) is what describe and run use
// for its kind, with no edit to src; every schema kind has a built-in model; unknown kinds are SpecErrors.
import { afterEach, describe, expect, it } from "vitest";
import { adcModels, dacModels, dataflows, describeChip, dramModels, nocTopologies, type AdcModel } from "../../src/components/index.ts";
import { ADC_KINDS, DAC_KINDS, DATAFLOWS, DRAM_KINDS, NOC_TOPOLOGIES } from "../../src/spec/index.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { simulate } from "../../src/sim/index.ts";
import type { AdcKind, ChipSpec } from "../../src/spec/types.ts";
import { hybridChip } from "./chips.ts";

/** A made-up ADC: 1 pJ per output bit, 1 ns per conversion, 100 um^2 (illustrative numbers, not a design). */
const testAdc: AdcModel = {
  kind: "test-linear",
  reference: "test fixture",
  sources: ["test/components/registry.test.ts"],
  convert: (adc) => ({ energyJ: adc.bits * 1e-12, latencyPs: 1000, areaMm2: 100e-6, assumption: `test-linear ADC ${adc.bits}-bit` }),
};

const withAdc = (chip: ChipSpec, kind: string): ChipSpec => ({
  ...chip,
  analog: { ...chip.analog!, tile: { ...chip.analog!.tile, adc: { ...chip.analog!.tile.adc, kind: kind as AdcKind } } },
});

let unregister: (() => void) | undefined;
afterEach(() => {
  unregister?.();
  unregister = undefined;
});

const specErrorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (isAimcsimError(e)) return `${e._tag} ${e.path}`;
    throw e;
  }
  return "no error";
};

describe("component registry", () => {
  it("has a built-in model for every kind the spec accepts, and nothing else", () => {
    expect([...adcModels.kinds()].sort()).toEqual([...ADC_KINDS].sort());
    expect([...dacModels.kinds()].sort()).toEqual([...DAC_KINDS].sort());
    expect([...dataflows.kinds()].sort()).toEqual([...DATAFLOWS].sort());
    expect([...dramModels.kinds()].sort()).toEqual([...DRAM_KINDS].sort());
    expect([...nocTopologies.kinds()].sort()).toEqual([...NOC_TOPOLOGIES].sort());
    for (const r of [adcModels, dacModels, dataflows, dramModels, nocTopologies]) for (const k of r.kinds()) expect(r.get(k).kind).toBe(k);
  });

  it("an ADC model registered from a test is used by describe and run; unregistered, its kind is a SpecError again", () => {
    const chip = withAdc(hybridChip, "test-linear");
    expect(specErrorOf(() => describeChip(chip))).toBe("SpecError adc.kind");

    unregister = adcModels.register(testAdc);
    const d = describeChip(chip);
    const adcRow = d.rows.find((r) => r.component === "adc")!;
    expect(adcRow.energyJ).toBe(hybridChip.analog!.tile.adc.bits * 1e-12);
    expect(adcRow.latencyPs).toBe(1000);
    expect(d.assumptions.some((a) => a.includes(`test-linear ADC ${hybridChip.analog!.tile.adc.bits}-bit`))).toBe(true);

    // The run books ADC energy from the registered model: scaling its energy scales the run's ADC energy.
    const run = (c: ChipSpec) => simulate({ chip: c, model: "gpt2", promptTokens: 4, genTokens: 2, chips: "auto" }).result;
    const base = run(chip);
    expect(base.decode.energyByComponentJ.adc).toBeGreaterThan(0);
    expect(base.assumptions.some((a) => a.includes("test-linear ADC"))).toBe(true);
    unregister();
    unregister = adcModels.register({ ...testAdc, convert: (adc, n, c) => ({ ...testAdc.convert(adc, n, c), energyJ: 3 * adc.bits * 1e-12 }) });
    // dynamic share: the ADC's leakage (area-based, src/components/leakage.ts) does not scale with its energy
    expect(run(chip).decode.dynamicEnergyByComponentJ.adc / base.decode.dynamicEnergyByComponentJ.adc).toBeCloseTo(3, 9);
    unregister();
    unregister = undefined;
    expect(specErrorOf(() => describeChip(chip))).toBe("SpecError adc.kind");
  });

  it("refuses a second model for a kind that already has one", () => {
    expect(specErrorOf(() => adcModels.register({ ...testAdc, kind: "sar" }))).toBe("SpecError adc.kind");
  });
});
