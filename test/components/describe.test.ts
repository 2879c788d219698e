import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { describeChip, formatDescription } from "../../src/components/index.ts";
import { COMPONENT_KINDS } from "../../src/sim/result.ts";
import type { ChipSpec } from "../../src/spec/types.ts";
import { digitalChip, hybridChip } from "./chips.ts";
import { ADC_KINDS, DAC_KINDS } from "../../src/spec/schema.ts";

const byPart = (d: ReturnType<typeof describeChip>, name: string) => d.peak.find((p) => p.part === name);

describe("describeChip", () => {
  it("lists every component on the hybrid chip and sums area by kind", () => {
    const d = describeChip(hybridChip);
    const kinds = new Set(d.rows.map((r) => r.component));
    for (const k of COMPONENT_KINDS) expect(kinds.has(k)).toBe(true);
    const sum = COMPONENT_KINDS.reduce((s, k) => s + d.areaByComponentMm2[k], 0);
    expect(d.areaMm2).toBeCloseTo(sum, 12);
    expect(d.areaByComponentMm2.dram).toBe(0);
    expect(d.assumptions.some((a) => /ADC/.test(a) && /HERMES/.test(a))).toBe(true);
    expect(d.assumptions.some((a) => /LPDDR4/.test(a))).toBe(true);
  });

  it("analog peak = tiles x rows x weight columns per MVM latency (DAC + integration + ADC)", () => {
    const d = describeChip(hybridChip);
    const a = byPart(d, "analog")!;
    // 64 tiles x 256 rows x 128 weight columns (8-bit weights, 4-bit cells, differential: 4 columns each),
    // MVM = max(128 ns PWM window, 256 x 300 ps CCO conversion running during it) + 1 ns accumulate = 129 ns.
    expect(a.macsPerS / ((64 * 256 * 128) / 129e-9)).toBeCloseTo(1, 9);
    const s = byPart(d, "systolic.attn")!;
    expect(s.macsPerS).toBeCloseTo(2 * 32 * 32 * 1e9, 0);
  });

  it("an all-digital chip has no analog rows or part", () => {
    const d = describeChip(digitalChip);
    expect(d.rows.some((r) => r.component === "adc" || r.component === "crossbar")).toBe(false);
    expect(byPart(d, "analog")).toBeUndefined();
    expect(byPart(d, "total")!.tops).toBeCloseTo(byPart(d, "digital")!.tops, 12);
  });

  it("TOPS/W = TOPS / peak power, for every part, and the total is the sum of analog and digital", () => {
    const chipArb = fc
      .record({
        tiles: fc.integer({ min: 1, max: 256 }),
        rows: fc.constantFrom(64, 128, 256, 512),
        cols: fc.constantFrom(128, 256, 512, 1024),
        weightBits: fc.integer({ min: 1, max: 8 }),
        bitsPerCell: fc.integer({ min: 1, max: 4 }),
        adcKind: fc.constantFrom(...ADC_KINDS),
        adcBits: fc.integer({ min: 3, max: 10 }),
        colsPerAdc: fc.constantFrom(1, 4, 8),
        dacKind: fc.constantFrom(...DAC_KINDS),
        node: fc.constantFrom(7, 14, 22, 28, 45, 65),
        saRows: fc.integer({ min: 4, max: 128 }),
      })
      .map(
        (r): ChipSpec => ({
          ...hybridChip,
          technologyNm: r.node,
          analog: {
            ...hybridChip.analog!,
            tiles: r.tiles,
            weightBits: r.weightBits,
            tile: {
              ...hybridChip.analog!.tile,
              rows: r.rows,
              cols: r.cols,
              bitsPerCell: r.bitsPerCell,
              dac: { kind: r.dacKind, bits: 8 },
              adc: { kind: r.adcKind, bits: r.adcBits, colsPerAdc: r.colsPerAdc },
            },
          },
          systolic: [{ ...hybridChip.systolic[0], rows: r.saRows, cols: r.saRows }],
        }),
      );
    fc.assert(
      fc.property(chipArb, (chip) => {
        const d = describeChip(chip);
        for (const p of d.peak) {
          expect(Number.isFinite(p.tops) && p.tops > 0).toBe(true);
          expect(p.topsPerW).toBeCloseTo(p.tops / p.powerW, 9);
          expect(p.tops).toBeCloseTo((2 * p.macsPerS) / 1e12, 9);
        }
        const total = byPart(d, "total")!;
        const parts = d.peak.filter((p) => p.part === "analog" || p.part === "digital");
        expect(total.macsPerS).toBeCloseTo(parts.reduce((s, p) => s + p.macsPerS, 0), -3);
        expect(total.dynamicPowerW).toBeCloseTo(parts.reduce((s, p) => s + p.dynamicPowerW, 0), 12);
        // static: the total counts the whole die (SRAM and NoC too), so at least the parts' own leakage
        expect(total.staticPowerW).toBeCloseTo(d.staticPowerW, 12);
        expect(total.staticPowerW).toBeGreaterThanOrEqual(parts.reduce((s, p) => s + p.staticPowerW, 0) * (1 - 1e-12));
        expect(total.powerW).toBeCloseTo(total.dynamicPowerW + total.staticPowerW, 12);
        expect(d.areaMm2 > 0 && Number.isFinite(d.areaMm2)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("formatDescription prints the table, the peak and every assumption", () => {
    const d = describeChip(hybridChip);
    const text = formatDescription(d);
    expect(text).toMatch(/analog\.tile\.adc/);
    expect(text).toMatch(/TOPS\/W/);
    for (const a of d.assumptions) expect(text).toContain(a);
  });
});
