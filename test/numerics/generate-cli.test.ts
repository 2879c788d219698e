import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync, copyFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.ts";
import { loadModel } from "../../src/model/checkpoint.ts";
import { exactBackend } from "../../src/numerics/backend.ts";
import { forwardLogits } from "../../src/numerics/forward.ts";

const MODEL = "models/tiny-llama-wordnet";

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
};

describe("aimcsim generate", () => {
  it("greedy ids equal argmax of full (no KV cache) recomputation, and --logits prints the last position's", async () => {
    const c = capture();
    expect(await runCli(["generate", "--model", MODEL, "--input-ids", "1,17,250", "--max-new", "6", "--json", "--logits", "--threads", "1"], c.io)).toBe(0);
    const r = JSON.parse(c.out.join("")) as { promptIds: number[]; generatedIds: number[]; logits: number[]; stoppedBy: string };
    expect(r.promptIds).toEqual([1, 17, 250]);
    const model = await loadModel(MODEL);
    const V = model.shape.vocabSize;
    const seq = [...r.promptIds];
    let last: Float32Array = new Float32Array(0);
    for (let k = 0; k < r.generatedIds.length; k++) {
      const l = forwardLogits(model, exactBackend, Int32Array.from(seq));
      last = l.subarray((seq.length - 1) * V, seq.length * V);
      let best = 0;
      for (let j = 1; j < V; j++) if (last[j] > last[best]) best = j;
      expect(r.generatedIds[k]).toBe(best);
      seq.push(best);
    }
    expect(r.generatedIds.length === 6 || r.stoppedBy === "eos").toBe(true);
    expect(r.logits.length).toBe(V);
    let d = 0;
    for (let j = 0; j < V; j++) d = Math.max(d, Math.abs(r.logits[j] - last[j]));
    expect(d).toBeLessThan(1e-4);
  });

  it("--prompt tokenises with the folder's tokenizer; --chip runs under seeded noise (same seed, same ids)", async () => {
    const run = async (...extra: string[]) => {
      const c = capture();
      expect(await runCli(["generate", "--model", MODEL, "--prompt", "a small dog", "--max-new", "4", "--json", "--logits", ...extra], c.io)).toBe(0);
      return JSON.parse(c.out.join("")) as { promptIds: number[]; generatedIds: number[]; logits: number[]; backend: string; text: string };
    };
    const exact = await run();
    const model = await loadModel(MODEL);
    expect(exact.promptIds).toEqual(Array.from(model.tokenizer!.encode("a small dog", { addSpecialTokens: true })));
    expect(typeof exact.text).toBe("string");
    const a = await run("--chip", "afm-pcm", "--seed", "3");
    const b = await run("--chip", "afm-pcm", "--seed", "3");
    expect(a.backend).toMatch(/analog/);
    expect(b.generatedIds).toEqual(a.generatedIds);
    expect(b.logits).toEqual(a.logits);
    expect(a.logits).not.toEqual(exact.logits);
  });

  it("refuses bad input with messages naming what is wrong", async () => {
    const both = capture();
    expect(await runCli(["generate", "--model", MODEL, "--prompt", "x", "--input-ids", "1", "--max-new", "1"], both.io)).toBe(2);
    expect(both.err.join("")).toMatch(/exactly one of --prompt/);
    const bad = capture();
    expect(await runCli(["generate", "--model", MODEL, "--input-ids", "1,99999999", "--max-new", "1"], bad.io)).toBe(2);
    expect(bad.err.join("")).toMatch(/--input-ids.*99999999/);
    const dir = mkdtempSync(join(tmpdir(), "aimcsim-gen-"));
    try {
      copyFileSync(join(MODEL, "config.json"), join(dir, "config.json"));
      copyFileSync(join(MODEL, "model.safetensors"), join(dir, "model.safetensors"));
      const noTok = capture();
      expect(await runCli(["generate", "--model", dir, "--prompt", "x", "--max-new", "1"], noTok.io)).toBe(2);
      expect(noTok.err.join("")).toMatch(/tokenizer\.json.*missing/);
      const ev = capture();
      expect(await runCli(["eval", "--model", MODEL, "--text", join(dir, "nope.txt"), "--tokens", "16", "--seeds", "1"], ev.io)).toBe(2);
      expect(ev.err.join("")).toMatch(/nope\.txt.*ENOENT/);
      writeFileSync(join(dir, "bad.txt"), Buffer.from([0xff, 0xfe, 0x41]));
      const ev2 = capture();
      expect(await runCli(["eval", "--model", MODEL, "--text", join(dir, "bad.txt"), "--tokens", "16", "--seeds", "1"], ev2.io)).toBe(2);
      expect(ev2.err.join("")).toMatch(/UTF-8/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("eval --text scores the given file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aimcsim-evtext-"));
    try {
      writeFileSync(join(dir, "t.txt"), "a dog is a domestic animal\nthe cat sat on the mat\n".repeat(4));
      const c = capture();
      expect(await runCli(["eval", "--model", MODEL, "--text", join(dir, "t.txt"), "--tokens", "40", "--seeds", "1", "--no-baseline", "--json"], c.io)).toBe(0);
      const r = JSON.parse(c.out.join("")) as { tokensScored: number; reference: { perplexity: number } };
      expect(r.tokensScored).toBeGreaterThan(10);
      expect(r.tokensScored).toBeLessThan(40);
      expect(r.reference.perplexity).toBeGreaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
