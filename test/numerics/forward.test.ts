import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/model/checkpoint.ts";
import { exactBackend, type LinearBackend } from "../../src/numerics/backend.ts";
import { createSession, forwardLogits, ropeInverseFrequencies } from "../../src/numerics/forward.ts";
import { naiveLogits, tinyBitnet, tinyGpt2, tinyLlama, tinyOpt, tinyPhi3, writeTiny, type TinySpec } from "./forward-fixtures.ts";

const TOKENS = [3, 17, 0, 36, 5, 5, 21, 9, 30, 12, 1, 7];

function maxAbsDiff(spec: TinySpec, got: Float32Array, tokens: number[]): number {
  const ref = naiveLogits(spec, tokens);
  const V = ref[0]!.length;
  let m = 0;
  for (let t = 0; t < tokens.length; t++) for (let v = 0; v < V; v++) m = Math.max(m, Math.abs(got[t * V + v]! - ref[t]![v]!));
  return m;
}

const cases: Array<[string, () => TinySpec]> = [
  ["llama (GQA, untied)", () => tinyLlama()],
  ["llama (tied, attention bias)", () => tinyLlama({ tied: true, bias: true, seed: 11 })],
  ["llama with llama3 rope scaling", () => tinyLlama({ llama3Rope: true, seed: 12 })],
  ["phi3 (fused qkv / gate_up)", () => tinyPhi3()],
  ["phi3 with a sliding window of 5", () => tinyPhi3(15, 5)],
  ["gpt2 (Conv1D, learned positions)", () => tinyGpt2()],
  ["gpt2 without the transformer. prefix", () => tinyGpt2(13, true)],
  [
    "gpt2 with scale_attn_weights false and inverse-layer scaling",
    () => {
      const s = tinyGpt2(16);
      s.config.scale_attn_weights = false;
      s.config.scale_attn_by_inverse_layer_idx = true;
      return s;
    },
  ],
  ["opt pre-LN", () => tinyOpt()],
  ["opt-350m style: post-LN, project_in/out", () => tinyOpt({ postLn: true, projDim: 16, seed: 14 })],
  ["bitnet b1.58 (ternary weights, int8 activations, sub-norms, relu2)", () => tinyBitnet()],
];

describe("forwardLogits against an independent naive float64 implementation", () => {
  for (const [label, make] of cases) {
    it(label, async () => {
      const spec = make();
      const model = await loadModel(await writeTiny(spec));
      const logits = forwardLogits(model, exactBackend, Int32Array.from(TOKENS));
      expect(logits.length).toBe(TOKENS.length * model.shape.vocabSize);
      const d = maxAbsDiff(spec, logits, TOKENS);
      expect(d).toBeLessThan(1e-4);
      // the logits are not trivially small (a test that cannot fail is a defect)
      let mx = 0;
      for (const v of logits) mx = Math.max(mx, Math.abs(v));
      expect(mx).toBeGreaterThan(0.1);
    });
  }

  it("each family's naive reference disagrees with a perturbed model (the comparison has teeth)", async () => {
    const spec = tinyLlama();
    const model = await loadModel(await writeTiny(spec));
    const w = spec.tensors.get("model.layers.1.mlp.down_proj.weight")!.data as Float32Array;
    const orig = w[5]!;
    w[5] = orig + 0.05;
    const d = maxAbsDiff(spec, forwardLogits(model, exactBackend, Int32Array.from(TOKENS)), TOKENS);
    w[5] = orig;
    expect(d).toBeGreaterThan(1e-4);
  });
});

describe("createSession (KV cache) equals the full prefill", () => {
  for (const [label, make] of cases) {
    it(label, async () => {
      const model = await loadModel(await writeTiny(make()));
      const full = forwardLogits(model, exactBackend, Int32Array.from(TOKENS));
      const s = createSession(model, exactBackend);
      const V = model.shape.vocabSize;
      for (let round = 0; round < 2; round++) {
        let m = 0;
        for (let t = 0; t < TOKENS.length; t++) {
          const row = s.step(TOKENS[t]!);
          for (let v = 0; v < V; v++) m = Math.max(m, Math.abs(row[v]! - full[t * V + v]!));
        }
        expect(m).toBeLessThan(1e-5);
        expect(s.position).toBe(TOKENS.length);
        s.reset();
        expect(s.position).toBe(0);
      }
    });
  }

  it("prefill in chunks then step equals the full prefill (phi3 and opt)", async () => {
    for (const spec of [tinyPhi3(), tinyOpt({ postLn: true, projDim: 16 })]) {
      const model = await loadModel(await writeTiny(spec));
      const V = model.shape.vocabSize;
      const full = forwardLogits(model, exactBackend, Int32Array.from(TOKENS));
      const s = createSession(model, exactBackend, { prefillChunk: 3 });
      const pre = s.prefill(Int32Array.from(TOKENS.slice(0, 7)));
      expect(s.position).toBe(7);
      let m = 0;
      for (let k = 0; k < pre.length; k++) m = Math.max(m, Math.abs(pre[k]! - full[k]!));
      for (let t = 7; t < TOKENS.length; t++) {
        const row = s.step(TOKENS[t]!);
        for (let v = 0; v < V; v++) m = Math.max(m, Math.abs(row[v]! - full[t * V + v]!));
      }
      expect(m).toBeLessThan(1e-5);
    }
  });

  it("grows its KV cache past the initial capacity", async () => {
    const model = await loadModel(await writeTiny(tinyLlama()));
    const toks = Array.from({ length: 100 }, (_, i) => (i * 7) % 37);
    const full = forwardLogits(model, exactBackend, Int32Array.from(toks));
    const s = createSession(model, exactBackend);
    let m = 0;
    const V = model.shape.vocabSize;
    for (let t = 0; t < toks.length; t++) {
      const row = s.step(toks[t]!);
      for (let v = 0; v < V; v++) m = Math.max(m, Math.abs(row[v]! - full[t * V + v]!));
    }
    expect(m).toBeLessThan(1e-5);
  });
});

describe("every projection goes through the backend", () => {
  it("a recording backend sees q,k,v,o,gate,up,down per layer and lm_head, once per step", async () => {
    const model = await loadModel(await writeTiny(tinyLlama()));
    const seen: string[] = [];
    const rec: LinearBackend = {
      label: "recording",
      linear(w, x, tokens, out) {
        seen.push(w.name);
        exactBackend.linear(w, x, tokens, out);
      },
    };
    forwardLogits(model, rec, Int32Array.from([1, 2, 3]));
    expect(new Set(seen)).toEqual(new Set(model.linears.map((l) => l.name)));
    expect(seen.length).toBe(model.linears.length);
    expect(seen.at(-1)).toBe("lm_head");
  });

  it("a backend that zeroes lm_head zeroes the logits", async () => {
    const model = await loadModel(await writeTiny(tinyGpt2()));
    const zeroHead: LinearBackend = {
      label: "zero head",
      linear(w, x, tokens, out) {
        exactBackend.linear(w, x, tokens, out);
        if (w.name === "lm_head") out.fill(0, 0, tokens * w.outFeatures);
      },
    };
    const l = forwardLogits(model, zeroHead, Int32Array.from([1, 2]));
    expect(l.every((v) => v === 0)).toBe(true);
  });
});

describe("inputs", () => {
  it("rejects token ids outside the vocabulary with a UsageError", async () => {
    const model = await loadModel(await writeTiny(tinyLlama()));
    expect(() => forwardLogits(model, exactBackend, Int32Array.from([1, 99]))).toThrow(/outside the vocabulary/);
    const s = createSession(model, exactBackend);
    s.step(3);
    expect(() => s.step(-1)).toThrow(/outside the vocabulary/);
    expect(() => s.prefill(Int32Array.from([4, 5, 37]))).toThrow(/token id 37 at position 3/);
    expect(s.position).toBe(1); // the failed calls left the cache untouched
  });
  it("rejects sequences longer than max_position_embeddings", async () => {
    const model = await loadModel(await writeTiny(tinyGpt2()));
    expect(() => forwardLogits(model, exactBackend, new Int32Array(65))).toThrow(/max_position_embeddings/);
  });
  it("empty input gives empty logits", async () => {
    const model = await loadModel(await writeTiny(tinyGpt2()));
    expect(forwardLogits(model, exactBackend, new Int32Array(0)).length).toBe(0);
  });
});

describe("llama3 rope scaling", () => {
  it("keeps high frequencies, divides low ones by factor, interpolates the band between", () => {
    const dim = 64;
    const plain = ropeInverseFrequencies(500000, dim, null);
    const s = { factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 };
    const scaled = ropeInverseFrequencies(500000, dim, s);
    let hi = 0, lo = 0, mid = 0;
    for (let i = 0; i < dim / 2; i++) {
      const wl = (2 * Math.PI) / plain[i]!;
      if (wl < 8192 / 4) {
        expect(scaled[i]).toBe(plain[i]);
        hi++;
      } else if (wl > 8192 / 1) {
        expect(scaled[i]! / plain[i]!).toBeCloseTo(1 / 8, 6);
        lo++;
      } else {
        expect(scaled[i]!).toBeLessThan(plain[i]!);
        expect(scaled[i]!).toBeGreaterThan(plain[i]! / 8);
        mid++;
      }
    }
    expect(hi).toBeGreaterThan(0);
    expect(lo).toBeGreaterThan(0);
    expect(mid).toBeGreaterThan(0);
  });
});
