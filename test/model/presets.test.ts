import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AimcsimError } from "../../src/errors.ts";
import { loadShapeFromFolder } from "../../src/model/config.ts";
import { parameterCount, presetNames, presetShape, resolveModelShape } from "../../src/model/presets.ts";
import { projectionMatrices } from "../../src/model/projections.ts";
import { arbShape } from "./arbitraries.ts";

// Parameter totals of the HF checkpoints as transformers counts them (model.num_parameters(), a tied head
// counted once): GPT-2 124M / 355M / 774M / 1.5B, Llama-3.2-1B 1.24B, Phi-3-mini 3.8B, OPT 1.3B / 2.7B / 6.7B,
// LLaMA-7B 6.7B, Meta-Llama-3-70B 70.6B, to the unit.
const PUBLISHED_TOTALS: Record<string, number> = {
  gpt2: 124_439_808,
  "gpt2-medium": 354_823_168,
  "gpt2-large": 774_030_080,
  "gpt2-xl": 1_557_611_200,
  "llama-3.2-1b": 1_235_814_400,
  "phi-3-mini-4k-instruct": 3_821_079_552,
  "opt-350m": 331_196_416,
  "opt-1.3b": 1_315_758_080,
  "opt-2.7b": 2_651_596_800,
  "opt-6.7b": 6_658_473_984,
  "llama-7b": 6_738_415_616,
  "llama-3-70b": 70_553_706_496,
};

describe("presets", () => {
  it("match the published parameter counts", () => {
    for (const [name, total] of Object.entries(PUBLISHED_TOTALS)) {
      expect(parameterCount(presetShape(name)).total, name).toBe(total);
    }
  });

  it("BitNet b1.58 2B4T is a ternary GQA model of about 2.4 B parameters", () => {
    const s = presetShape("bitnet-b1.58-2B-4T");
    expect(s).toMatchObject({ family: "bitnet", weightFormat: "ternary", numHeads: 20, numKvHeads: 5, headDim: 128, activation: "relu2", tiedEmbeddings: true });
    const p = parameterCount(s);
    expect(p.total).toBeGreaterThan(2.4e9);
    expect(p.total).toBeLessThan(2.42e9);
  });

  it("the PIM-LLM 1-bit variants keep the base shape and set ternary weights", () => {
    const pairs: [string, string][] = [
      ["bitnet-gpt2-350m", "gpt2-medium"],
      ["bitnet-gpt2-774m", "gpt2-large"],
      ["bitnet-gpt2-1.5b", "gpt2-xl"],
      ["bitnet-opt-1.3b", "opt-1.3b"],
      ["bitnet-opt-2.7b", "opt-2.7b"],
      ["bitnet-opt-6.7b", "opt-6.7b"],
      ["bitnet-llama-7b", "llama-7b"],
    ];
    for (const [oneBit, base] of pairs) {
      const a = presetShape(oneBit);
      const b = presetShape(base);
      expect(a.weightFormat).toBe("ternary");
      expect({ ...a, name: "", weightFormat: "", source: "" }).toEqual({ ...b, name: "", weightFormat: "", source: "" });
    }
  });

  it("resolves names case-insensitively, folders by config.json, and lists presets for unknown names", () => {
    expect(resolveModelShape("LLaMA-3.2-1B").name).toBe("llama-3.2-1b");
    const dir = mkdtempSync(join(tmpdir(), "aimcsim-preset-"));
    writeFileSync(join(dir, "config.json"), JSON.stringify({ model_type: "gpt2", n_embd: 64, n_head: 4, n_layer: 2, n_positions: 32, vocab_size: 100 }));
    expect(resolveModelShape(dir).hiddenSize).toBe(64);
    try {
      resolveModelShape("gpt-5");
      throw new Error("expected an error");
    } catch (e) {
      expect(e).toBeInstanceOf(AimcsimError);
      expect((e as AimcsimError).rule).toContain("bitnet-opt-6.7b");
      expect((e as AimcsimError).rule).toContain("gpt-5");
    }
    expect(presetNames()).toContain("phi-3-mini-4k-instruct");
  });

  // Checkpoints written by transformers' save_pretrained (models/scripts/make_fixtures.py, train_tiny.py).
  const CHECKPOINTS = [
    "models/tiny-llama-wordnet",
    "test/fixtures/checkpoints/gpt2",
    "test/fixtures/checkpoints/opt",
    "test/fixtures/checkpoints/phi3",
    "test/fixtures/checkpoints/llama-rope-scaled",
  ];
  it.each(CHECKPOINTS)("agrees with the real checkpoint %s: tensor names, shapes and element count", (rel) => {
    const dir = join(import.meta.dirname, "../..", rel);
    const bytes = readFileSync(join(dir, "model.safetensors"));
    const headerLen = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString("utf8")) as Record<string, { shape?: number[] }>;
    const numel = Object.entries(header)
      .filter(([k]) => k !== "__metadata__")
      .reduce((a, [, v]) => a + v.shape!.reduce((x, y) => x * y, 1), 0);
    const shape = loadShapeFromFolder(dir);
    expect(parameterCount(shape).total).toBe(numel);
    for (const m of projectionMatrices(shape)) {
      const t = header[`${m.weight}.weight`];
      expect(t, m.weight).toBeDefined();
      const out = m.slice ? m.slice.fusedOut : m.outFeatures;
      // nn.Linear stores [out, in], GPT-2 Conv1D [in, out]; a tied head is the [vocab, hidden] embedding.
      expect(t!.shape, m.weight).toEqual(m.storage === "conv1d" ? [m.inFeatures, out] : [out, m.inFeatures]);
      if (m.bias) expect(header[`${m.weight}.bias`]?.shape, `${m.weight}.bias`).toEqual([out]);
    }
  });

  it("reads transformers v5 rope_parameters (llama3 scaling and theta)", () => {
    const s = loadShapeFromFolder(join(import.meta.dirname, "../../test/fixtures/checkpoints/llama-rope-scaled"));
    expect(s.ropeTheta).toBe(500000);
    expect(s.ropeScaling).toEqual({ type: "llama3", factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 64 });
  });

  it("property: the breakdown adds up and projections equal the sum of the projection matrices", () => {
    fc.assert(
      fc.property(arbShape, (s) => {
        const p = parameterCount(s);
        expect(p.embedding + p.positions + p.projections + p.head + p.biases + p.norms).toBe(p.total);
        expect(p.attentionProjections + p.mlpProjections).toBeLessThanOrEqual(p.projections);
        const sum = projectionMatrices(s).reduce((a, m) => a + (m.role === "lm_head" ? 0 : m.inFeatures * m.outFeatures), 0);
        expect(p.projections).toBe(sum);
        expect(p.head).toBe(s.tiedEmbeddings ? 0 : s.vocabSize * (s.family === "opt" && s.wordEmbedProjDim > 0 ? s.wordEmbedProjDim : s.hiddenSize));
      }),
      { numRuns: 200 },
    );
  });
});
