// Issue 17 item 2: the KV-cache, attention and lm_head formats of a chip, and a comparison's shared precision.
import { describe, expect, it } from "vitest";
import digitalBaseline from "../../hw-specs/digital-baseline.ts";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";
import { chipPrecision, placeKvCache, withPrecisionOf } from "../../src/mapping/index.ts";
import { buildDecodeGraph, resolveModelShape } from "../../src/model/index.ts";
import { simulate } from "../../src/sim/index.ts";
import { decodeChipSpec, SpecValidationError } from "../../src/spec/index.ts";
import type { ChipSpec } from "../../src/spec/types.ts";

const withMapping = (c: ChipSpec, m: Partial<ChipSpec["mapping"]>): ChipSpec => decodeChipSpec({ ...c, mapping: { ...c.mapping, ...m } }, c.name);
const shape = resolveModelShape("gpt2");
const kvBytes = (g: ReturnType<typeof buildDecodeGraph>, kind: string) => g.ops.filter((o) => o.kind === kind).reduce((a, o) => a + o.bytes, 0);

describe("KV-cache format", () => {
  it("sets the bytes the op graph reads and writes per cached element", () => {
    const fp16 = buildDecodeGraph(shape, { batch: 1, context: 100 });
    const int8 = buildDecodeGraph(shape, { batch: 1, context: 100, kvBytesPerElement: 1 });
    const row = 2 * shape.numKvHeads * shape.headDim * shape.numLayers;
    expect(kvBytes(fp16, "kv-read")).toBe(100 * row * 2);
    expect(kvBytes(int8, "kv-read")).toBe(100 * row);
    expect(kvBytes(int8, "kv-write")).toBe(row);
    expect(() => buildDecodeGraph(shape, { batch: 1, context: 1, kvBytesPerElement: 0 })).toThrow(/kvBytesPerElement/);
  });

  it("sets the KV capacity: the cache's bytes halve in int8, fp16 is the default", () => {
    const opts = { batch: 1, contextTokens: 1024, chips: 1 };
    const d = placeKvCache(shape, digitalBaseline, opts);
    const e = placeKvCache(shape, withMapping(digitalBaseline, { kvCacheFormat: "fp16" }), opts);
    const i = placeKvCache(shape, withMapping(digitalBaseline, { kvCacheFormat: "int8" }), opts);
    expect(e.bytes).toBe(d.bytes);
    expect(i.bytes * 2).toBe(d.bytes);
    expect(i.reason).toMatch(/in int8/);
  });

  it("moves the decode KV traffic in a run: int8 reads half the bytes, so decode is faster on a DRAM-bound step", () => {
    const run = (c: ChipSpec) => simulate({ chip: c, model: "gpt2", promptTokens: 512, genTokens: 3, chips: "auto" }).result;
    const a = run(digitalBaseline);
    const b = run(withMapping(digitalBaseline, { kvCacheFormat: "int8" }));
    expect(b.decode.energyByComponentJ.dram).toBeLessThan(a.decode.energyByComponentJ.dram);
    expect(b.tpotS).toBeLessThanOrEqual(a.tpotS);
    expect(b.assumptions.join("\n")).toMatch(/Precision: KV cache int8 \(1 B per element\)/);
    expect(a.assumptions.join("\n")).toMatch(/Precision: KV cache fp16 \(2 B per element\)/);
  });

  it("rejects a format outside int8/fp8/fp16/bf16 naming the field", () => {
    expect(() => decodeChipSpec({ ...digitalBaseline, mapping: { ...digitalBaseline.mapping, kvCacheFormat: "int4" } }, "x")).toThrow(SpecValidationError);
    expect(() => decodeChipSpec({ ...digitalBaseline, mapping: { ...digitalBaseline.mapping, kvCacheFormat: "int4" } }, "x")).toThrow(/kvCacheFormat/);
  });
});

describe("attention and lm_head formats", () => {
  const run = (c: ChipSpec) => simulate({ chip: c, model: "gpt2", promptTokens: 128, genTokens: 2 }).result;
  it("the attention MACs take the stated format's energy; stating the array's own format changes nothing", () => {
    const a = run(digitalBaseline);
    const same = run(withMapping(digitalBaseline, { attentionFormat: "int8" }));
    const fp16 = run(withMapping(digitalBaseline, { attentionFormat: "fp16" }));
    expect(same.energyJ).toBe(a.energyJ);
    expect(fp16.decode.energyByOpClassJ.attention).toBeGreaterThan(a.decode.energyByOpClassJ.attention);
    // the projections run on the same int8 arrays either way (dynamic energy; static follows wall time)
    expect(fp16.decode.macsByOpClass.projection).toBe(a.decode.macsByOpClass.projection);
  });

  it("a digital lm_head in a stated format moves its weight stream (int8: half the bytes of fp16)", () => {
    const a = run(withMapping(digitalBaseline, { lmHeadFormat: "fp16" }));
    const b = run(withMapping(digitalBaseline, { lmHeadFormat: "int8" }));
    expect(b.decode.energyByComponentJ.dram).toBeLessThan(a.decode.energyByComponentJ.dram);
    expect(chipPrecision(withMapping(digitalBaseline, { lmHeadFormat: "int8" })).lmHead).toBe("digital, int8");
    expect(chipPrecision(hybrid).lmHead).toMatch(/^analog, /);
  });
});

describe("a comparison's shared precision", () => {
  it("the baseline takes the chip's KV and attention formats and a stated lm_head format; its own otherwise", () => {
    const chip = withMapping(hybrid, { kvCacheFormat: "int8", attentionFormat: "fp8" });
    const b = withPrecisionOf(digitalBaseline, chip);
    expect(b.mapping.kvCacheFormat).toBe("int8");
    expect(b.mapping.attentionFormat).toBe("fp8");
    expect(b.mapping.lmHeadFormat).toBeUndefined(); // the hybrid's lm_head is analog: nothing to copy
    expect(b.mapping.projections).toBe("digital");
    const c = withPrecisionOf(digitalBaseline, withMapping(digitalBaseline, { lmHeadFormat: "bf16" }));
    expect(c.mapping.lmHeadFormat).toBe("bf16");
    expect(c.mapping.attentionFormat).toBe("int8"); // the reference's array format
    expect(withPrecisionOf(digitalBaseline, digitalBaseline).mapping.kvCacheFormat).toBe("fp16");
  });
});
