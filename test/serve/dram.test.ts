// serve's KV capacity is the DRAM the mapping's DRAM rule leaves (src/mapping/dram.ts): dram.capacityBytes x chips
// less the weights stored in DRAM (digital projections and embedding tables), in whole blocks.
import { describe, expect, it } from "vitest";
import digital from "../../hw-specs/digital-baseline.ts";
import { mapModel } from "../../src/mapping/index.ts";
import { kvCacheBytes, presetShape } from "../../src/model/index.ts";
import { serve } from "../../src/serve/index.ts";
import { variant } from "../../src/spec/index.ts";

describe("serve: KV capacity from the DRAM rule", () => {
  it("pages the KV cache into DRAM less every weight stored there (embeddings included), on the chips auto sizes", () => {
    const shape = presetShape("gpt2");
    const chip = variant(digital, (d) => { d.dram.capacityBytes = 540 * 2 ** 20; });
    const reqs = [{ id: 0, arrivalS: 0, promptTokens: 32, outputTokens: 4 }];
    const s = serve({ chip, model: "gpt2", requests: reqs });
    const p = mapModel(shape, chip, { contextTokens: 36 });
    expect(p.dram.embeddingBytes).toBe(1024 * 768 * 4); // gpt2's learned positions (the token table is the tied head)
    const blockBytes = kvCacheBytes(shape, 1, 1) * 16;
    expect(s.kvCapacityTokens).toBe(Math.floor((540 * 2 ** 20 - p.dram.bytes) / blockBytes) * 16);
    // weights beyond one chip's DRAM: chips auto takes two, and the KV room is what the two leave
    const tight = variant(digital, (d) => { d.dram.capacityBytes = 300 * 2 ** 20; });
    const t = serve({ chip: tight, model: "gpt2", requests: reqs, chips: "auto" });
    expect(t.chips).toBe(2);
    expect(t.kvCapacityTokens).toBe(Math.floor((2 * 300 * 2 ** 20 - p.dram.bytes) / blockBytes) * 16);
    // a fixed chip count too small for the weights is the mapping's DRAM error
    expect(() => serve({ chip: tight, model: "gpt2", requests: reqs, chips: 1 })).toThrow(/^dram\.capacityBytes: the weights stored in DRAM .* pass chips: 2 or "auto"/);
  });
});
