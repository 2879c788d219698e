// Issue 13.5: one finite-but-huge weight (3e38) must not give NaN perplexity with exit 0. Non-finite
// activations are a ModelError naming the stage (tensor) where the overflow started.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";

const BUNDLED = "models/tiny-llama-wordnet";
const root = mkdtempSync(join(tmpdir(), "aimcsim-nonfinite-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the bundled model with `value` written at element `index` of tensor `name` (F32). */
function poisoned(label: string, name: string, index: number, value: number): string {
  const dir = join(root, label);
  cpSync(BUNDLED, dir, { recursive: true });
  const file = join(dir, "model.safetensors");
  const b = new Uint8Array(readFileSync(file));
  const dv = new DataView(b.buffer);
  const n = Number(dv.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(b.subarray(8, 8 + n))) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  const t = header[name]!;
  expect(t.dtype).toBe("F32");
  dv.setFloat32(8 + n + t.data_offsets[0] + 4 * index, value, true);
  writeFileSync(file, b);
  return dir;
}

async function evalOf(dir: string): Promise<{ code: number; err: string; out: string }> {
  const err: string[] = [];
  const out: string[] = [];
  const code = await runCli(["eval", "--model", dir, "--tokens", "64", "--seeds", "1", "--chip", "hermes", "--json"], { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, err: err.join("\n"), out: out.join("\n") };
}

describe("non-finite results are errors naming the layer", () => {
  it("3e38 in the embedding row of a token the text uses: exit 1 naming model.embed_tokens, no NaN printed", async () => {
    const r = await evalOf(poisoned("embed", "model.embed_tokens.weight", 5, 3e38));
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^aimcsim eval: model\.embed_tokens: the embedding produced a value of magnitude 3\.00e\+38 .*overflowed to NaN\/infinity.*check the weights of the embedding/);
    expect(r.err.split("\n")).toHaveLength(1);
  });

  it("3e38 in a decoder layer's projection: the error names that layer", async () => {
    const r = await evalOf(poisoned("layer1", "model.layers.1.self_attn.o_proj.weight", 0, 3e38));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/model\.layers\.1: decoder layer 1 produced /);
  });
  // A healthy model is not affected: test/eval and test/numerics run the same forward pass on it.
});
