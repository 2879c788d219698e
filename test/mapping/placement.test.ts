import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AimcsimError } from "../../src/errors.ts";
import { assignmentFor } from "../../src/mapping/units.ts";
import { blocksOf, mapModel } from "../../src/mapping/placement.ts";
import { buildDecodeGraph } from "../../src/model/opgraph.ts";
import { presetShape } from "../../src/model/presets.ts";
import { projectionMatrices } from "../../src/model/projections.ts";
import { shapeFromConfig } from "../../src/model/config.ts";
import { arbShape } from "../model/arbitraries.ts";
import { hybridChip, tile } from "./chips.ts";
import { COMPUTE_DOMAINS } from "../../src/spec/schema.ts";

const mappingError = (f: () => unknown): AimcsimError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AimcsimError);
    expect((e as AimcsimError)._tag).toBe("MappingError");
    return e as AimcsimError;
  }
  throw new Error("expected a MappingError");
};

const arbTile = fc
  .record({ rows: fc.integer({ min: 4, max: 48 }), cols: fc.integer({ min: 4, max: 48 }), bitsPerCell: fc.integer({ min: 1, max: 2 }), differential: fc.boolean() })
  .map((r) => tile(r.rows, r.cols, r.bitsPerCell, r.differential));

describe("mapModel", () => {
  it("property: every weight of every analog projection is placed exactly once, on tiles of its own", () => {
    fc.assert(
      fc.property(arbShape, arbTile, fc.constantFrom(1, 2), fc.constantFrom(...COMPUTE_DOMAINS), (s, t, weightBits, lmHead) => {
        const chip = hybridChip({ t, weightBits, tiles: 64, mapping: { projections: "analog", lmHead, kvCache: "sram" } });
        const p = mapModel(s, chip, { chips: "auto", contextTokens: 16 });
        const expected = projectionMatrices(s).filter((m) => m.role !== "lm_head" || lmHead === "analog");
        expect(p.analogMatrices.map((m) => m.name)).toEqual(expected.map((m) => m.name));
        const cells = new Map<string, number>();
        const owner = new Map<number, string>();
        for (const b of p.blocks) {
          cells.set(b.matrix, (cells.get(b.matrix) ?? 0) + (b.rowEnd - b.rowStart) * (b.colEnd - b.colStart));
          const prev = owner.get(b.tile);
          if (prev !== undefined) throw new Error(`tile ${b.tile} shared by ${prev} and ${b.matrix}`);
          owner.set(b.tile, b.matrix);
          if (b.cellRows > t.rows || b.cellCols > t.cols) throw new Error("block exceeds tile");
          if (b.tile >= p.tilesAvailable || b.chip * p.tilesPerChip + b.tileOnChip !== b.tile) throw new Error("bad tile index");
        }
        for (const m of expected) expect(cells.get(m.name), m.name).toBe(m.inFeatures * m.outFeatures);
        expect(owner.size).toBe(p.tilesNeeded);
        expect(p.chips).toBe(Math.ceil(p.tilesNeeded / 64));
        expect(p.cellUtilization).toBeGreaterThan(0);
        expect(p.cellUtilization).toBeLessThanOrEqual(1);
      }),
      { numRuns: 80 },
    );
  });

  it("property: tilesNeeded is monotone in model size and non-increasing in tile size", () => {
    const cfg = (heads: number, headDim: number, layers: number, ffn: number, vocab: number) => ({
      model_type: "llama",
      hidden_size: heads * headDim,
      intermediate_size: ffn,
      num_hidden_layers: layers,
      num_attention_heads: heads,
      max_position_embeddings: 64,
      vocab_size: vocab,
    });
    const dims = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.constantFrom(4, 8, 16), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 4, max: 200 }), fc.integer({ min: 8, max: 300 }));
    const grow = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }));
    fc.assert(
      fc.property(dims, grow, arbTile, fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 32 }), ([h, hd, l, f, v], [dh, dl, df, dv], t, dr, dc) => {
        const chip = hybridChip({ t, tiles: 1, mapping: { projections: "analog", lmHead: "analog", kvCache: "dram" } });
        const small = mapModel(shapeFromConfig(cfg(h, hd, l, f, v), "s"), chip, { chips: "auto", contextTokens: 1 });
        const big = mapModel(shapeFromConfig(cfg(h + dh, hd, l + dl, f + df, v + dv), "b"), chip, { chips: "auto", contextTokens: 1 });
        expect(big.tilesNeeded).toBeGreaterThanOrEqual(small.tilesNeeded);
        const wider = hybridChip({ t: { ...t, rows: t.rows + dr, cols: t.cols + dc }, tiles: 1, mapping: chip.mapping });
        expect(mapModel(shapeFromConfig(cfg(h, hd, l, f, v), "s"), wider, { chips: "auto", contextTokens: 1 }).tilesNeeded).toBeLessThanOrEqual(small.tilesNeeded);
      }),
      { numRuns: 100 },
    );
  });

  it("puts 1-bit OPT-1.3B on 256x256 ternary tiles in the closed-form tile count", () => {
    // 128 ternary weights per tile row (one differential pair each). Per layer: q,k,v,o 8 x 16 tiles each,
    // fc1 8 x 64, fc2 32 x 16: 1536 tiles; 24 layers.
    const p = mapModel(presetShape("bitnet-opt-1.3b"), hybridChip({ tiles: 40_000 }), { contextTokens: 2048 });
    expect(p.tilesNeeded).toBe(24 * 1536);
    expect(p.chips).toBe(1);
    expect(p.cellUtilization).toBe(1);
    expect(p.digitalMatrices.map((m) => m.name)).toEqual(["lm_head"]);
    const q = p.analogMatrices.find((m) => m.name === "L0.q_proj")!;
    expect([q.rowSplits, q.colSplits]).toEqual([8, 16]);
    expect(blocksOf(p, "L0.fc2")).toHaveLength(512);
  });

  it("tiles fused HF tensors per logical matrix and records the tensor slice on each block", () => {
    const p = mapModel(presetShape("phi-3-mini-4k-instruct"), hybridChip({ tiles: 200_000 }), { contextTokens: 16 });
    const v = blocksOf(p, "L1.v_proj");
    expect(v.length).toBe(12 * 24); // 3072 inputs / 256 rows x 3072 outputs / 128 per tile
    for (const b of v) {
      expect(b.weight).toBe("model.layers.1.self_attn.qkv_proj");
      expect(b.weightSlice).toEqual({ outStart: 6144, outEnd: 9216, fusedOut: 9216 });
    }
    expect(blocksOf(p, "L1.gate_proj")[0]!.weightSlice).toEqual({ outStart: 0, outEnd: 8192, fusedOut: 16384 });
    expect(blocksOf(p, "L1.o_proj")[0]!.weightSlice).toBeUndefined();
  });

  it("says how many tiles it needs when the model does not fit, and spreads over chips on request", () => {
    const chip = hybridChip({ tiles: 10_000 });
    const shape = presetShape("bitnet-opt-1.3b");
    const e = mappingError(() => mapModel(shape, chip, { contextTokens: 128 }));
    expect(e.path).toBe("analog.tiles");
    expect(e.rule).toMatch(/^needs 36864 tiles, chip has 10000 \(/);
    expect(e.rule).toContain('chips: "auto"');
    const auto = mapModel(shape, chip, { chips: "auto", contextTokens: 128 });
    expect(auto.chips).toBe(4);
    expect(auto.tilesAvailable).toBe(40_000);
    expect(new Set(auto.blocks.map((b) => b.chip))).toEqual(new Set([0, 1, 2, 3]));
    expect(mappingError(() => mapModel(shape, chip, { chips: 3, contextTokens: 128 })).rule).toMatch(/needs 36864 tiles, 3 chips have 30000/);
    expect(mapModel(shape, chip, { chips: 5, contextTokens: 128 }).chips).toBe(5);
  });

  it("places the KV cache in SRAM when it fits after the buffers, else in DRAM with the reason", () => {
    const shape = presetShape("bitnet-gpt2-350m");
    const chip = hybridChip({ tiles: 10_000 });
    // gpt2-medium: 24 layers x 2 x 1024 x 2 bytes = 96 KiB per token; 8 MiB SRAM.
    const small = mapModel(shape, chip, { contextTokens: 64 });
    expect(small.kvCache.memory).toBe("sram");
    expect(small.kvCache.bytes).toBe(64 * 24 * 2 * 1024 * 2);
    expect(small.units.find((u) => u.opKind === "kv-read")!.units).toEqual(["gbuf"]);
    const big = mapModel(shape, chip, { contextTokens: 1024 });
    expect(big.kvCache.memory).toBe("dram");
    expect(big.kvCache.reason).toMatch(/does not fit in SRAM/);
    const policy = mapModel(shape, hybridChip({ tiles: 10_000, mapping: { projections: "analog", lmHead: "digital", kvCache: "dram" } }), { contextTokens: 1 });
    expect(policy.kvCache).toMatchObject({ memory: "dram", reason: expect.stringMatching(/mapping.kvCache is "dram"/) });
    const tinyDram = hybridChip({ tiles: 10_000, dram: { kind: "LPDDR4", capacityBytes: 2 ** 20, bandwidthBytesPerS: 1e9, channels: 1 } });
    expect(mappingError(() => mapModel(shape, tinyDram, { contextTokens: 1024 })).path).toBe("dram.capacityBytes");
  });

  it("assigns op kinds to units and refuses a chip without a needed unit", () => {
    const shape = presetShape("llama-3.2-1b");
    const p = mapModel(shape, hybridChip({ tiles: 100_000 }), { contextTokens: 256 });
    const g = buildDecodeGraph(shape, { batch: 1, context: 8 });
    for (const op of g.ops) expect(assignmentFor(p.units, op).units.length).toBeGreaterThan(0);
    expect(assignmentFor(p.units, g.ops.find((o) => o.name === "L0.q_proj")!).unitKind).toBe("analog");
    expect(assignmentFor(p.units, g.ops.find((o) => o.name === "lm_head")!).unitKind).toBe("systolic");
    expect(assignmentFor(p.units, g.ops.find((o) => o.kind === "softmax")!).units).toEqual(["vu0"]);

    const noSoftmax = hybridChip({ tiles: 100_000, vector: [{ name: "vu0", lanes: 8, format: "fp16", clockHz: 1e9, count: 1, ops: ["norm", "rope", "activation", "elementwise"] }] });
    const e = mappingError(() => mapModel(shape, noSoftmax, { contextTokens: 1 }));
    expect(e.path).toBe("vector");
    expect(e.rule).toMatch(/"softmax"/);

    const bitSerialOnly = hybridChip({ tiles: 100_000, systolic: [], bitSerial: [{ name: "anda", groupSize: 64, units: 256, clockHz: 285e6, count: 1 }] });
    expect(mapModel(shape, bitSerialOnly, { contextTokens: 1 }).units.find((u) => u.opKind === "attn-score")!.unitKind).toBe("bitSerial");
    expect(mappingError(() => mapModel(shape, hybridChip({ tiles: 100_000, systolic: [] }), { contextTokens: 1 })).path).toBe("systolic");
  });

  it("maps an all-digital chip without tiles and refuses analog policy without an analog part", () => {
    const shape = presetShape("gpt2");
    const digital = hybridChip({ analog: undefined, mapping: { projections: "digital", lmHead: "digital", kvCache: "sram" } });
    const p = mapModel(shape, digital, { contextTokens: 16 });
    expect(p.tilesNeeded).toBe(0);
    expect(p.blocks).toHaveLength(0);
    expect(p.digitalMatrices).toHaveLength(projectionMatrices(shape).length);
    expect(p.units.find((u) => u.opKind === "projection" && u.scope === "layers")!.unitKind).toBe("systolic");
    const bad = hybridChip({ analog: undefined });
    expect(mappingError(() => mapModel(shape, bad)).path).toBe("mapping.projections");
  });
});
