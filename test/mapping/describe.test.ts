import { describe, expect, it } from "vitest";
import { describePlacement } from "../../src/mapping/describe.ts";
import { mapModel } from "../../src/mapping/placement.ts";
import { presetShape } from "../../src/model/presets.ts";
import { hybridChip } from "./chips.ts";

describe("describePlacement", () => {
  it("states tiles, chips, encoding, split geometry, KV cache and units", () => {
    const p = mapModel(presetShape("bitnet-opt-1.3b"), hybridChip({ tiles: 10_000 }), { chips: "auto", contextTokens: 2048 });
    const text = describePlacement(p).join("\n");
    expect(text).toContain("36,864 of 40,000 tiles on 4 chip(s)");
    expect(text).toContain("1 slice(s), 2 cell(s) per weight (differential-pair)");
    expect(text).toContain("q_proj, k_proj, v_proj, o_proj 2048x2048: 8 row x 16 col splits = 128 tiles (x96)");
    expect(text).toMatch(/KV cache: DRAM, does not fit in SRAM/);
    expect(text).toContain("softmax -> vector: vu0");
  });

  it("counts a ternary model's digital head in 16-bit and its layer weights packed 4 per byte", () => {
    const shape = presetShape("bitnet-opt-1.3b");
    const digital = hybridChip({ analog: undefined, mapping: { projections: "digital", lmHead: "digital", kvCache: "dram" } });
    const p = mapModel(shape, digital, { contextTokens: 1 });
    expect(p.digitalMatrices.find((m) => m.name === "lm_head")!.weightBytes).toBe(50272 * 2048 * 2);
    expect(p.digitalMatrices.find((m) => m.name === "L0.fc1")!.weightBytes).toBe((2048 * 8192) / 4);
    expect(describePlacement(p).join("\n")).toContain("analog: nothing mapped");
  });
});
