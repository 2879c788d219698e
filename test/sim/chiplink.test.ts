import { describe, expect, it } from "vitest";
import { simulate } from "../../src/sim/index.ts";
import type { ChipSpec } from "../../src/spec/types.ts";
import { checkChipSpec } from "../../src/spec/validate.ts";
import { UCIE_STD_BANDWIDTH_BYTES_PER_S, UCIE_STD_ENERGY_PER_BIT_J } from "../../src/components/chiplink.ts";
import { hybridChip, tile } from "../mapping/chips.ts";

// gpt2 (124M) on 128x128 tiles: the chip size sets how many chips the placement spans.
const run = (tiles: number, chipLink?: ChipSpec["chipLink"]) =>
  simulate({ chip: { ...hybridChip({ tiles, t: tile(128, 128) }), ...(chipLink ? { chipLink } : {}) }, model: "gpt2", promptTokens: 8, genTokens: 2, chips: "auto", record: true });
const linkJ = (r: ReturnType<typeof run>["result"]) => r.prefill.energyByComponentJ.link + r.decode.energyByComponentJ.link;

describe("chip-to-chip links (issue 18.5)", () => {
  it("one chip pays nothing; link energy grows with the number of chips", () => {
    const one = run(1 << 16).result;
    expect(one.mapping.chips).toBe(1);
    expect(linkJ(one)).toBe(0);
    let prev = 0;
    let prevChips = 1;
    for (const tiles of [8192, 4096, 2048, 1024]) {
      const r = run(tiles).result;
      expect(r.mapping.chips).toBeGreaterThan(prevChips);
      expect(linkJ(r)).toBeGreaterThan(prev);
      prev = linkJ(r);
      prevChips = r.mapping.chips;
    }
  });

  it("energy is linear in pJ/bit; a slower link lengthens the run; link tasks appear in the timeline", () => {
    const base = run(2048).result;
    const twice = run(2048, { energyPerBitJ: 2 * UCIE_STD_ENERGY_PER_BIT_J }).result;
    expect(linkJ(twice) / linkJ(base)).toBeCloseTo(2, 10);
    const slow = run(2048, { bandwidthBytesPerS: UCIE_STD_BANDWIDTH_BYTES_PER_S / 100 }).result;
    expect(slow.totalS).toBeGreaterThan(base.totalS);
    expect(linkJ(slow)).toBeCloseTo(linkJ(base), 15);
    const sim = run(2048);
    expect(sim.resources.some((r) => r.component === "link")).toBe(true);
    expect(base.assumptions.some((a) => a.includes("chip-to-chip links: 0.500 pJ/bit"))).toBe(true);
  });

  it("the spec validates the link fields", () => {
    const bad = checkChipSpec({ ...hybridChip(), chipLink: { energyPerBitJ: -1 } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(JSON.stringify(bad.issues)).toMatch(/chipLink/);
    expect(checkChipSpec({ ...hybridChip(), chipLink: { bandwidthBytesPerS: 64e9 } }).ok).toBe(true);
  });
});
