// Issue 16.3 at test size: the path the Llama-3.2-1B bench (bench/bigmodel.bench.ts) runs, on a tiny bf16 checkpoint
// written by the same generator (scripts/make-llama-1b.ts): 16-bit weights kept as bits in the kernel banks (no
// float32 and no second copy: the bank bytes are counted), results bit-identical to the float32 load, and the
// streamed load onto PCM tiles (program, drop the source) bit-identical to programming the float32 model.
// The memory test runs first, before anything else in this file allocates kernel memory.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import hermes from "../../hw-specs/hermes.ts";
import { LLAMA_3_2_1B_CONFIG, TINY_LLAMA_CONFIG, llamaTensorPlan, makeRandomLlamaCheckpoint } from "../../scripts/make-llama-1b.ts";
import { AimcsimError } from "../../src/errors.ts";
import { widenHalf } from "../../src/formats/tensors.ts";
import { loadModel } from "../../src/model/checkpoint.ts";
import { parameterCount, presetShape } from "../../src/model/presets.ts";
import { encodeSafetensors } from "../../src/model/safetensors.ts";
import { createAnalogBackend } from "../../src/numerics/analog/backend.ts";
import { exactBackend } from "../../src/numerics/backend.ts";
import { createSession, forwardLogits } from "../../src/numerics/forward.ts";
import { bankAllocator, kernelBankBytes, loadModelForKernels, loadModelOnChip } from "../../src/numerics/load.ts";

let dir = "";
/** Models of the memory tests, kept alive so that no finalizer frees bank memory between two counts. */
const keep: unknown[] = [];
const tokens = Int32Array.from([1, 17, 200, 5, 99, 3, 255, 42]);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aimcsim-bigmodel-"));
  makeRandomLlamaCheckpoint(join(dir, "bf16"), { config: TINY_LLAMA_CONFIG, seed: 7 });
  makeRandomLlamaCheckpoint(join(dir, "f16"), { config: TINY_LLAMA_CONFIG, seed: 7, dtype: "f16" });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("bank memory (these two run first, before anything else in this file allocates)", () => {
  it("a streamed load onto PCM tiles keeps the programmed slices (int16), the bf16 embedding and the norms: no source projection", async () => {
    const first = bankAllocator.f32(1); // the first bank exists with its activation scratch
    keep.push(first);
    const before = kernelBankBytes();
    const on = await loadModelOnChip(join(dir, "bf16"), hermes, { seed: 11 });
    keep.push(on);
    const after = kernelBankBytes();
    const round = (b: number) => Math.ceil(b / 64) * 64;
    let expected = 0;
    for (const t of llamaTensorPlan(TINY_LLAMA_CONFIG)) {
      const n = t.shape.reduce((a, d) => a * d, 1);
      // every projection of the tiny model fits one 256 x 256 hermes tile with one 8-bit slice, held as int16 codes
      // with a float32 scale per output row (tileArithmetic "int16"; the float32 copy made while programming is freed),
      // and the float64 column scales
      expected += t.shape.length === 1 ? round(4 * n) : t.name.includes("embed") ? round(2 * n) : round(round(2 * n) + 4 * t.shape[0]!) + round(8 * t.shape[0]!);
    }
    expect(after.inUse - after.scratch - (before.inUse - before.scratch)).toBe(expected);
  });

  it("the banks hold exactly the checkpoint's bytes (matrices 2 B, vectors widened to 4 B); a forward pass adds only activation scratch", async () => {
    const before = kernelBankBytes();
    const m = await loadModelForKernels(join(dir, "bf16"));
    keep.push(m);
    const loaded = kernelBankBytes();
    const round = (b: number) => Math.ceil(b / 64) * 64; // the banks' allocation alignment
    let expected = 0;
    for (const t of llamaTensorPlan(TINY_LLAMA_CONFIG)) {
      const n = t.shape.reduce((a, d) => a * d, 1);
      expected += round(t.shape.length >= 2 ? 2 * n : 4 * n);
    }
    expect(loaded.inUse - before.inUse).toBe(expected);
    forwardLogits(m, exactBackend, tokens);
    const after = kernelBankBytes();
    expect(after.inUse - after.scratch).toBe(loaded.inUse - loaded.scratch); // no resident copy of any weight
    expect(after.scratch).toBeGreaterThan(0);
  });
});

describe("16-bit checkpoints kept in 16 bits in the kernel banks", () => {
  for (const kind of ["bf16", "f16"] as const) {
    it(`${kind}: weights are held as bits and the logits are bit-identical to the float32 load`, async () => {
      const ref = await loadModel(join(dir, kind));
      const m = await loadModelForKernels(join(dir, kind));
      expect(m.linears.length).toBe(ref.linears.length);
      for (let i = 0; i < m.linears.length; i++) {
        const h = m.linears[i]!.half;
        expect(h?.kind).toBe(kind);
        expect(widenHalf(h!)).toEqual(ref.linears[i]!.data);
      }
      expect(m.layout.embed.half?.kind).toBe(kind);
      expect(ref.layout.embed.half ?? null).toBeNull();
      // only the vectors are in `tensors`; the matrices live in linears/layout
      expect([...m.tensors.keys()].every((k) => k.endsWith("norm.weight"))).toBe(true);
      expect(m.tensors.size).toBe(2 * 2 + 1);
      const a = forwardLogits(ref, exactBackend, tokens);
      const b = forwardLogits(m, exactBackend, tokens);
      expect(b).toEqual(a);
      const s = createSession(m, exactBackend);
      s.prefill(tokens.subarray(0, 5));
      expect(s.step(tokens[5]!)).toEqual(a.subarray(5 * 256, 6 * 256));
    });
  }
});

describe("streamed load onto PCM tiles (hermes)", () => {
  it("programs each projection as it is read; logits bit-identical to programming the float32 model; sources released", async () => {
    const ref = await loadModel(join(dir, "bf16"));
    const analogRef = ref.linears.filter((w) => w !== ref.layout.lmHead);
    const backendRef = createAnalogBackend(analogRef, hermes.analog!, { seed: 11 });
    const a = forwardLogits(ref, backendRef, tokens);
    const on = await loadModelOnChip(join(dir, "bf16"), hermes, { seed: 11 });
    expect(on.analogLayers).toEqual(analogRef.map((w) => w.name));
    expect(on.programmedWeights).toBe(analogRef.reduce((s, w) => s + w.inFeatures * w.outFeatures, 0));
    const b = forwardLogits(on.model, on.backend, tokens);
    expect(b).toEqual(a);
    // the noise is on: the logits differ from the exact model's
    const exact = forwardLogits(ref, exactBackend, tokens);
    let diff = 0;
    for (let i = 0; i < exact.length; i++) diff = Math.max(diff, Math.abs(exact[i]! - b[i]!));
    expect(diff).toBeGreaterThan(1e-3);
    expect(on.backend.stats().layers.map((l) => l.calls)).toEqual(analogRef.map(() => 1));
    // the model keeps stand-ins for the programmed projections: reading their values is an error naming the layer
    const q = on.model.layout.layers[0]!.q!;
    expect(q.half ?? null).toBeNull();
    expect(() => q.data).toThrow(AimcsimError);
    expect(() => q.data).toThrow(/model\.layers\.0\.self_attn\.q_proj.*no longer held/);
    // the digital lm_head stays the tied bf16 embedding
    expect(on.model.layout.lmHead.half?.bits).toBe(on.model.layout.embed.half?.bits);
  });
});

describe("generator and errors", () => {
  it("the generated 1B plan has Llama-3.2-1B's parameter count", () => {
    const plan = llamaTensorPlan(LLAMA_3_2_1B_CONFIG);
    const n = plan.reduce((s, t) => s + t.shape.reduce((a, d) => a * d, 1), 0);
    expect(n).toBe(parameterCount(presetShape("llama-3.2-1b")).total);
    expect(n).toBe(1_235_814_400);
  });

  it("a non-finite bf16 weight is a CheckpointError naming the tensor", async () => {
    const bad = join(dir, "bad");
    makeRandomLlamaCheckpoint(bad, { config: TINY_LLAMA_CONFIG });
    const data = new Float32Array(64 * 64);
    data[5] = NaN;
    const m = await loadModel(join(dir, "bf16"));
    const tensors: Record<string, { shape: number[]; data: Float32Array; dtype: "BF16" }> = {};
    for (const [k, v] of m.tensors) tensors[k] = { shape: [v.length], data: v, dtype: "BF16" };
    for (const w of m.linears.slice(0, -1)) tensors[`${w.name}.weight`] = { shape: [w.outFeatures, w.inFeatures], data: w.data, dtype: "BF16" };
    tensors["model.embed_tokens.weight"] = { shape: [256, 64], data: m.layout.embed.data, dtype: "BF16" };
    tensors["model.layers.1.self_attn.q_proj.weight"] = { shape: [64, 64], data, dtype: "BF16" };
    writeFileSync(join(bad, "model.safetensors"), encodeSafetensors(tensors));
    await expect(loadModelForKernels(bad)).rejects.toThrow(/model\.layers\.1\.self_attn\.q_proj\.weight: element 5 is not finite/);
  });
});
