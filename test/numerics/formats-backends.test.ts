import { describe, expect, it } from "vitest";
import { exactBackend, type LinearWeight } from "../../src/numerics/backend.ts";
import { andaBackend, classifyProjection, fakeQuantBackend, fp16Backend } from "../../src/numerics/digital-backends.ts";
import { quantiseAnda, quantiseIntSymmetric, roundToFp16 } from "../../src/formats/numbers.ts";
import { forwardLogits } from "../../src/numerics/forward.ts";
import { loadModel } from "../../src/model/checkpoint.ts";
import { Rng } from "../../src/util/rng.ts";
import { tinyLlama, writeTiny } from "./forward-fixtures.ts";

function randomLinear(name: string, outF: number, inF: number, seed: number): LinearWeight {
  const r = new Rng(seed);
  const data = new Float32Array(outF * inF).map(() => r.nextGaussian());
  const bias = new Float32Array(outF).map(() => 0.1 * r.nextGaussian());
  return { name, outFeatures: outF, inFeatures: inF, data, bias };
}
function randomX(n: number, seed: number): Float32Array {
  const r = new Rng(seed);
  return new Float32Array(n).map(() => r.nextGaussian());
}

describe("fakeQuantBackend (W4A8)", () => {
  const w = randomLinear("model.layers.0.mlp.up_proj", 24, 64, 1);
  const T = 5;
  const x = randomX(T * 64, 2);
  const be = fakeQuantBackend({ weightBits: 4, activationBits: 8, weightGranularity: "per-channel", activationGranularity: "per-token" });

  it("equals exact matmul of independently quantised weights and activations", () => {
    const out = new Float32Array(T * 24);
    be.linear(w, x, T, out);
    const wq = { ...w, data: quantiseIntSymmetric(w.data, 4, "per-channel", 64, new Float32Array(w.data.length)) };
    const xq = quantiseIntSymmetric(x, 8, "per-token", 64, new Float32Array(x.length));
    const ref = new Float32Array(T * 24);
    exactBackend.linear(wq, xq, T, ref);
    expect(Array.from(out)).toEqual(Array.from(ref));
    // and it is not the exact result
    const exact = new Float32Array(T * 24);
    exactBackend.linear(w, x, T, exact);
    let d = 0;
    for (let i = 0; i < exact.length; i++) d = Math.max(d, Math.abs(exact[i]! - out[i]!));
    expect(d).toBeGreaterThan(1e-3);
    expect(be.label).toContain("W4A8");
  });
  it("does not modify the caller's activations and leaves lm_head full precision by default", () => {
    const xc = Float32Array.from(x);
    be.linear(w, xc, T, new Float32Array(T * 24));
    expect(xc).toEqual(x);
    const head = randomLinear("lm_head", 10, 64, 3);
    const a = new Float32Array(T * 10), b = new Float32Array(T * 10);
    be.linear(head, x, T, a);
    exactBackend.linear(head, x, T, b);
    expect(a).toEqual(b);
  });
});

describe("fp16Backend", () => {
  it("outputs are FP16 values close to the exact result", () => {
    const w = randomLinear("q", 16, 32, 4);
    const x = randomX(3 * 32, 5);
    const out = new Float32Array(48), ex = new Float32Array(48);
    fp16Backend().linear(w, x, 3, out);
    exactBackend.linear(w, x, 3, ex);
    expect(Array.from(roundToFp16(Float32Array.from(out)))).toEqual(Array.from(out));
    for (let i = 0; i < 48; i++) expect(Math.abs(out[i]! - ex[i]!)).toBeLessThan(0.02 * (1 + Math.abs(ex[i]!)));
  });
});

describe("andaBackend", () => {
  it("classifies HF projection names into qkv / o / up / down", () => {
    const cases: Array<[string, string | null]> = [
      ["model.layers.3.self_attn.q_proj", "qkv"],
      ["model.layers.3.self_attn.qkv_proj", "qkv"],
      ["transformer.h.0.attn.c_attn", "qkv"],
      ["model.layers.3.self_attn.o_proj", "o"],
      ["model.decoder.layers.1.self_attn.out_proj", "o"],
      ["transformer.h.0.attn.c_proj", "o"],
      ["model.layers.0.mlp.gate_proj", "up"],
      ["model.layers.0.mlp.gate_up_proj", "up"],
      ["model.decoder.layers.1.fc1", "up"],
      ["transformer.h.0.mlp.c_fc", "up"],
      ["model.layers.0.mlp.down_proj", "down"],
      ["model.decoder.layers.1.fc2", "down"],
      ["transformer.h.0.mlp.c_proj", "down"],
      ["lm_head", null],
    ];
    for (const [n, t] of cases) expect([n, classifyProjection(n)]).toEqual([n, t]);
  });
  it("feeds each tensor type's activations in Anda format with that type's mantissa length", () => {
    const M = { qkv: 3, o: 5, up: 7, down: 9 } as const;
    const be = andaBackend(M);
    const x = randomX(2 * 128, 6);
    for (const [name, m] of [["model.layers.0.self_attn.k_proj", 3], ["model.layers.0.self_attn.o_proj", 5], ["model.layers.0.mlp.up_proj", 7], ["model.layers.0.mlp.down_proj", 9]] as const) {
      const w = randomLinear(name, 8, 128, 7);
      const out = new Float32Array(16), ref = new Float32Array(16);
      be.linear(w, x, 2, out);
      exactBackend.linear(w, quantiseAnda(x, m, 128, {}, new Float32Array(x.length)), 2, ref);
      expect(Array.from(out)).toEqual(Array.from(ref));
    }
    expect(() => andaBackend({ qkv: 0, o: 4, up: 4, down: 4 })).toThrow(/anda.mantissaBits.qkv/);
  });
});

describe("backends inside the forward pass", () => {
  it("W4A8 and low-M Anda perturb the logits; FP16 stays close; more Anda bits get closer", async () => {
    const model = await loadModel(await writeTiny(tinyLlama()));
    const toks = Int32Array.from([1, 5, 9, 2, 33, 7]);
    const ref = forwardLogits(model, exactBackend, toks);
    const dist = (l: Float32Array) => {
      let d = 0;
      for (let i = 0; i < l.length; i++) d = Math.max(d, Math.abs(l[i]! - ref[i]!));
      return d;
    };
    const w4a8 = dist(forwardLogits(model, fakeQuantBackend({ weightBits: 4, activationBits: 8, weightGranularity: "per-channel", activationGranularity: "per-token" }), toks));
    const fp16 = dist(forwardLogits(model, fp16Backend(), toks));
    const anda3 = dist(forwardLogits(model, andaBackend({ qkv: 3, o: 3, up: 3, down: 3 }), toks));
    const anda10 = dist(forwardLogits(model, andaBackend({ qkv: 10, o: 10, up: 10, down: 10 }), toks));
    expect(w4a8).toBeGreaterThan(0.01);
    expect(fp16).toBeLessThan(0.02);
    expect(anda3).toBeGreaterThan(anda10);
  });
});
