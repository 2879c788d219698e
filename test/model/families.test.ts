// Config import of the families added by issue 16 (Qwen2/3, Mistral, Phi-4 as phi3), from the config.json files
// transformers 5.17 wrote for the fixtures in test/numerics/forward-hf-fixtures/ (their logits are checked in
// test/numerics/forward-reference.test.ts).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { shapeFromConfig, type ModelShape } from "../../src/model/config.ts";
import { isAimcsimError } from "../../src/errors.ts";

const cfg = (name: string) => JSON.parse(readFileSync(`test/numerics/forward-hf-fixtures/${name}/config.json`, "utf8")) as Record<string, unknown>;
const shape = (name: string) => shapeFromConfig(cfg(name), `${name}/config.json`) as ModelShape;

describe("config import of Qwen2/3, Mistral and Phi-4", () => {
  it("reads each family's distinguishing settings", () => {
    const q2 = shape("qwen2");
    expect([q2.family, q2.qkvBias, q2.attentionBias, q2.qkNorm, q2.tiedEmbeddings, q2.slidingWindow]).toEqual(["llama", true, false, false, true, null]);
    const q3 = shape("qwen3");
    expect([q3.qkNorm, q3.qkvBias, q3.headDim, q3.numHeads * q3.headDim === q3.hiddenSize]).toEqual([true, false, 8, false]);
    const m = shape("mistral");
    expect([m.slidingWindow, m.qkvBias, m.qkNorm, m.tiedEmbeddings]).toEqual([5, false, false, false]);
    const p4 = shape("phi4-mini");
    expect([p4.family, p4.rotaryDim, p4.tiedEmbeddings]).toEqual(["phi3", 12, true]);
  });

  it("refuses Qwen sliding-window layers (use_sliding_window) by name", () => {
    for (const name of ["qwen2", "qwen3"]) {
      try {
        shapeFromConfig({ ...cfg(name), use_sliding_window: true, sliding_window: 8 }, "c.json");
        expect.unreachable();
      } catch (e) {
        expect(isAimcsimError(e) && e.message).toMatch(/use_sliding_window/);
      }
    }
    // Mistral with sliding_window null attends to everything
    expect(shapeFromConfig({ ...cfg("mistral"), sliding_window: null }, "c.json").slidingWindow).toBeNull();
  });
});
