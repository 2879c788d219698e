// The DRAM rule (src/mapping/dram.ts): weights stored in DRAM + a DRAM KV cache <= dram.capacityBytes x chips, and
// chips "auto" as the fewest chips that satisfy it and the tile rule.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import digitalBaseline from "../../hw-specs/digital-baseline.ts";
import { runCli } from "../../src/cli/main.ts";
import { AimcsimError } from "../../src/errors.ts";
import { chipsForDram, describePlacement, dramWeights, mapModel, modelChips } from "../../src/mapping/index.ts";
import { presetShape } from "../../src/model/presets.ts";
import { kvCacheBytes } from "../../src/model/opgraph.ts";
import { arbShape } from "../model/arbitraries.ts";
import { hybridChip, tile } from "./chips.ts";

const GIB = 2 ** 30;

const errorOf = (f: () => unknown): AimcsimError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AimcsimError);
    return e as AimcsimError;
  }
  throw new Error("expected an AimcsimError");
};

describe("DRAM capacity rule", () => {
  // Llama-3-70B in bf16 (HF config: hidden 8192, 80 layers, 8 KV heads, intermediate 28672, vocab 128256, untied).
  const llama70 = presetShape("llama-3-70b");
  const perLayer = 2 * 8192 * 8192 + 2 * 8192 * 1024 + 3 * 8192 * 28672;
  const projectionBytes = (80 * perLayer + 8192 * 128256) * 2; // + lm_head; 2 bytes per bf16 weight
  const embeddingBytes = 128256 * 8192 * 2;
  const kv2560 = 80 * 2 * 8 * 128 * 2 * 2560; // layers x (K, V) x kv heads x head dim x fp16 x tokens

  it("refuses Llama-3-70B on one digital-baseline chip (8 GiB LPDDR), naming dram.capacityBytes, the sizes and the fix", () => {
    const e = errorOf(() => mapModel(llama70, digitalBaseline, { chips: 1, contextTokens: 2560 }));
    expect(e._tag).toBe("MappingError");
    expect(e.path).toBe("dram.capacityBytes");
    const need = Math.ceil((projectionBytes + embeddingBytes + kv2560) / (8 * GIB));
    expect(need).toBe(17);
    expect(e.rule).toContain(`weights stored in DRAM (${((projectionBytes + embeddingBytes) / GIB).toFixed(2)} GiB`);
    expect(e.rule).toContain(`digital projections ${(projectionBytes / GIB).toFixed(2)} GiB, embeddings ${(embeddingBytes / GIB).toFixed(2)} GiB`);
    expect(e.rule).toContain("KV cache in DRAM (800.00 MiB for 1 x 2560 tokens in fp16)");
    expect(e.rule).toContain("8.00 GiB = dram.capacityBytes 8.00 GiB x 1");
    expect(e.rule).toContain(`pass chips: ${need} or "auto"`);
    expect(e.rule).toContain("--chips auto");
    // one chip short of the need is still refused; the need itself fits
    expect(errorOf(() => mapModel(llama70, digitalBaseline, { chips: need - 1, contextTokens: 2560 })).path).toBe("dram.capacityBytes");
    const p = mapModel(llama70, digitalBaseline, { chips: "auto", contextTokens: 2560 });
    expect(p.chips).toBe(need);
    expect(p.dram).toMatchObject({ projectionBytes, embeddingBytes, kvCacheBytes: kv2560, chips: need, capacityBytes: need * 8 * GIB });
    expect(p.notes.join("\n")).toMatch(/sharded over the 17 chips' DRAM .*per-chip parallel streaming is not modelled/);
    expect(describePlacement(p).join("\n")).toContain(
      `DRAM: ${((projectionBytes + embeddingBytes + kv2560) / 2 ** 20).toFixed(1)} MiB of ${((need * 8 * GIB) / 2 ** 20).toFixed(1)} MiB on 17 chip(s): weights ${((projectionBytes + embeddingBytes) / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(modelChips(llama70, digitalBaseline)).toBe(Math.ceil((projectionBytes + embeddingBytes) / (8 * GIB)));
  });

  it("the CLI run refuses it too, with the same field and fix (exit 1, one line)", async () => {
    const err: string[] = [];
    const code = await runCli(["run", "--chip", "digital-baseline", "--model", "llama-3-70b", "--prompt", "16", "--gen", "2"], { out: () => {}, err: (t) => void err.push(t) });
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err.join("\n")).toMatch(/dram\.capacityBytes: the weights stored in DRAM \(131\.\d\d GiB.*pass chips: 17 or "auto" \(CLI --chips 17 \| --chips auto/);
  });

  it("counts what the simulation reads from DRAM: a tied head stored in the embedding's bytes once, in another format twice; learned positions", () => {
    const gpt2 = presetShape("gpt2"); // fp32 checkpoint, tied head, learned positions
    const digital = hybridChip({ analog: undefined, mapping: { projections: "digital", lmHead: "digital", kvCache: "dram" } });
    const p = mapModel(gpt2, digital, { contextTokens: 16 });
    const proj = p.digitalMatrices.reduce((a, m) => a + m.weightBytes, 0);
    const positions = 1024 * 768 * 4;
    expect(p.dram.projectionBytes).toBe(proj);
    expect(p.dram.embeddingBytes).toBe(positions); // the token table is the head's tensor
    expect(p.dram.kvCacheBytes).toBe(kvCacheBytes(gpt2, 1, 16));
    const int8Head = mapModel(gpt2, { ...digital, mapping: { ...digital.mapping, lmHeadFormat: "int8" } }, { contextTokens: 16 });
    expect(int8Head.dram.embeddingBytes).toBe(50257 * 768 * 4 + positions);
    expect(int8Head.dram.projectionBytes).toBe(proj - 50257 * 768 * 4 + 50257 * 768);
    // analog projections and head are not in DRAM: only the embedding tables are
    const analog = mapModel(gpt2, hybridChip({ tiles: 100_000, mapping: { projections: "analog", lmHead: "analog", kvCache: "dram" } }), { contextTokens: 16 });
    expect(analog.dram.projectionBytes).toBe(0);
    expect(analog.dram.embeddingBytes).toBe(50257 * 768 * 4 + positions);
    expect(dramWeights(gpt2, []).bytes).toBe(50257 * 768 * 4 + positions);
  });

  it("property: chips auto is the fewest chips that fit (tiles, weights in DRAM, KV cache in SRAM or DRAM), and every count from it up fits", () => {
    const seen = { byDram: 0, byKv: 0, kvInSram: 0 };
    fc.assert(
      fc.property(
        arbShape,
        fc.record({
          analog: fc.boolean(),
          tiles: fc.integer({ min: 1, max: 64 }),
          dram: fc.integer({ min: 256, max: 64 * 1024 }),
          sram: fc.integer({ min: 0, max: 16 * 1024 }),
          kvCache: fc.constantFrom("sram" as const, "dram" as const),
          batch: fc.integer({ min: 1, max: 3 }),
          context: fc.integer({ min: 0, max: 128 }),
        }),
        (shape, r) => {
          const chip = hybridChip({
            tiles: r.tiles,
            t: tile(16, 16),
            ...(r.analog ? {} : { analog: undefined }),
            sram: r.sram > 0 ? [{ name: "gbuf", capacityBytes: r.sram, banks: 1, bytesPerCyclePerBank: 16, clockHz: 1e9 }] : [],
            dram: { kind: "LPDDR5", capacityBytes: r.dram, bandwidthBytesPerS: 1e9, channels: 1 },
            mapping: { projections: r.analog ? "analog" : "digital", lmHead: "digital", kvCache: r.kvCache },
          });
          const opts = { batch: r.batch, contextTokens: r.context };
          const p = mapModel(shape, chip, { ...opts, chips: "auto" });
          expect(p.dram.totalBytes).toBeLessThanOrEqual(r.dram * p.chips);
          expect(p.tilesNeeded).toBeLessThanOrEqual(p.tilesAvailable);
          expect(p.chips).toBeGreaterThanOrEqual(chipsForDram(p.dram.bytes, chip));
          expect(p.chipsNeeded).toBe(p.chips);
          const tileChips = p.tilesPerChip > 0 ? Math.max(1, Math.ceil(p.tilesNeeded / p.tilesPerChip)) : 1;
          if (p.chips > tileChips) seen.byDram++;
          if (p.chips > Math.max(tileChips, chipsForDram(p.dram.bytes, chip))) seen.byKv++;
          if (p.chips > 1 && p.kvCache.memory === "sram") seen.kvInSram++;
          if (p.chips > 1) {
            const e = errorOf(() => mapModel(shape, chip, { ...opts, chips: p.chips - 1 }));
            expect(["dram.capacityBytes", "analog.tiles"]).toContain(e.path);
          }
          for (const extra of [0, 1, 7]) expect(() => mapModel(shape, chip, { ...opts, chips: p.chips + extra })).not.toThrow();
        },
      ),
      { numRuns: 200 },
    );
    // the DRAM rule, the KV cache and an SRAM-held cache each decided the count in some runs
    expect(seen.byDram).toBeGreaterThan(20);
    expect(seen.byKv).toBeGreaterThan(5);
    expect(seen.kvInSram).toBeGreaterThan(2);
  });

  it("a chip count given by the user that is too small for the weights or for the KV cache is refused with the sizes", () => {
    const shape = presetShape("gpt2");
    const digital = hybridChip({ analog: undefined, mapping: { projections: "digital", lmHead: "digital", kvCache: "dram" } });
    const weights = mapModel(shape, digital, { contextTokens: 0 }).dram.bytes;
    const small = { ...digital, dram: { ...digital.dram, capacityBytes: weights } };
    expect(mapModel(shape, small, { contextTokens: 0 }).chips).toBe(1); // exactly full
    const e = errorOf(() => mapModel(shape, small, { contextTokens: 1 }));
    expect(e.path).toBe("dram.capacityBytes");
    expect(e.rule).toMatch(/plus the KV cache in DRAM .* for 1 x 1 tokens in fp16\) need .*pass chips: 2 or "auto"/);
    expect(e.rule).toContain("or size the KV cache for fewer tokens");
    expect(mapModel(shape, small, { contextTokens: 1, chips: "auto" }).chips).toBe(2);
    // serve's mapping checks the weights only (it pages the KV cache into what is left)
    expect(mapModel(shape, small, { contextTokens: 1, dramKvCheck: false }).dram.kvCacheBytes).toBe(0);
  });
});
