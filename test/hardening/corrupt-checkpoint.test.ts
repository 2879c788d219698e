// Corrupt checkpoints: each one built in a temp folder from the GPT-2 fixture, each must fail with an
// AimcsimError naming the file (and the tensor where one is at fault), never a bare exception or a
// silently wrong model. Then: CLI outputs are never left half-written when a run fails.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import afm from "../../hw-specs/afm-pcm.ts";
import { runCli } from "../../src/cli/main.ts";
import { isAimcsimError, type AimcsimError } from "../../src/errors.ts";
import { evaluate } from "../../src/eval/index.ts";
import { loadModel } from "../../src/model/index.ts";

const FIXTURE = new URL("../fixtures/checkpoints/gpt2/", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "aimcsim-corrupt-"));
let cases = 0;
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  console.log(`corrupt-checkpoint: ${cases} corrupt checkpoints, each a typed error naming the file`);
});

/** A fresh copy of the fixture folder. */
function copyFixture(name: string): string {
  const dir = join(root, name);
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

interface Parsed {
  header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  data: Uint8Array;
}
function parse(bytes: Uint8Array): Parsed {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.subarray(8 + n) };
}
function build(p: Parsed): Uint8Array {
  const hb = new TextEncoder().encode(JSON.stringify(p.header));
  const out = new Uint8Array(8 + hb.length + p.data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  out.set(p.data, 8 + hb.length);
  return out;
}
const weightsOf = (dir: string) => join(dir, "model.safetensors");
const readWeights = (dir: string) => new Uint8Array(readFileSync(weightsOf(dir)));
/** Rewrite the header of dir/model.safetensors. */
function editHeader(dir: string, edit: (h: Parsed["header"]) => void): void {
  const p = parse(readWeights(dir));
  edit(p.header);
  writeFileSync(weightsOf(dir), build(p));
}

async function expectLoadError(dir: string, file: string, parts: readonly (string | RegExp)[], tags: readonly string[] = ["CheckpointError"]): Promise<AimcsimError> {
  cases++;
  let err: unknown;
  try {
    await loadModel(dir);
  } catch (e) {
    err = e;
  }
  expect(err, "loadModel must fail").toBeDefined();
  if (!isAimcsimError(err)) throw new Error(`untyped error: ${String(err)}`);
  expect(tags).toContain(err._tag);
  expect(err.message).toContain(basename(file));
  expect(err.path.includes(basename(file)) || err.path === dir).toBe(true);
  for (const p of parts) expect(err.message).toMatch(p);
  return err;
}

describe("corrupt safetensors", () => {
  it("the intact fixture loads (so every failure below is the corruption's)", async () => {
    const m = await loadModel(copyFixture("intact"));
    expect(m.shape.numLayers).toBe(2);
  });

  it("a file truncated in its data", async () => {
    const dir = copyFixture("truncated");
    const b = readWeights(dir);
    writeFileSync(weightsOf(dir), b.subarray(0, Math.floor(b.length / 2)));
    await expectLoadError(dir, weightsOf(dir), [/truncated/]);
  });

  it("a file shorter than the 8-byte length field", async () => {
    const dir = copyFixture("tiny");
    writeFileSync(weightsOf(dir), new Uint8Array([1, 2, 3]));
    await expectLoadError(dir, weightsOf(dir), [/8-byte/]);
  });

  it("a header length beyond the end of the file", async () => {
    const dir = copyFixture("header-len");
    const b = readWeights(dir);
    new DataView(b.buffer).setBigUint64(0, BigInt(b.length) * 4n, true);
    writeFileSync(weightsOf(dir), b);
    await expectLoadError(dir, weightsOf(dir), [/header length/, /past the end/]);
  });

  it("a header that is not JSON", async () => {
    const dir = copyFixture("header-garbage");
    const b = readWeights(dir);
    b.fill(0xff, 8, 40);
    writeFileSync(weightsOf(dir), b);
    await expectLoadError(dir, weightsOf(dir), [/header/]);
  });

  it("offsets that run past the data buffer name the tensor", async () => {
    const dir = copyFixture("offsets-past-end");
    editHeader(dir, (h) => {
      const t = h["h.1.mlp.c_proj.bias"] ?? h["transformer.h.1.mlp.c_proj.bias"]!;
      t.data_offsets = [t.data_offsets[0], t.data_offsets[0] + 10_000_000];
    });
    await expectLoadError(dir, weightsOf(dir), [/c_proj\.bias/, /past the end/]);
  });

  it("offsets whose span disagrees with shape x dtype (a lying dtype) name the tensor", async () => {
    const dir = copyFixture("lying-dtype");
    let name = "";
    editHeader(dir, (h) => {
      name = Object.keys(h).find((k) => k.endsWith("ln_f.weight"))!;
      h[name]!.dtype = "F16";
    });
    await expectLoadError(dir, weightsOf(dir), [name, /needs/]);
  });

  it("an unknown dtype names the tensor", async () => {
    const dir = copyFixture("unknown-dtype");
    let name = "";
    editHeader(dir, (h) => {
      name = Object.keys(h).find((k) => k.endsWith("wpe.weight"))!;
      h[name]!.dtype = "F7";
    });
    await expectLoadError(dir, weightsOf(dir), [name, /unknown dtype/]);
  });

  it("overlapping offsets name both tensors", async () => {
    const dir = copyFixture("overlap");
    let a = "";
    let b = "";
    editHeader(dir, (h) => {
      a = Object.keys(h).find((k) => k.endsWith("h.0.ln_1.weight"))!;
      b = Object.keys(h).find((k) => k.endsWith("h.0.ln_1.bias"))!;
      h[b]!.data_offsets = [...h[a]!.data_offsets];
    });
    const e = await expectLoadError(dir, weightsOf(dir), [/overlap/]);
    expect(e.message).toMatch(new RegExp(`${a.replace(/\./g, "\\.")}|${b.replace(/\./g, "\\.")}`));
  });

  it("a NaN weight names the tensor and the element", async () => {
    const dir = copyFixture("nan");
    const p = parse(readWeights(dir));
    const name = Object.keys(p.header).find((k) => k.endsWith("h.1.attn.c_attn.weight"))!;
    const [begin] = p.header[name]!.data_offsets;
    new DataView(p.data.buffer, p.data.byteOffset).setFloat32(begin + 4 * 7, Number.NaN, true);
    writeFileSync(weightsOf(dir), build(p));
    await expectLoadError(dir, weightsOf(dir), [name, /element 7/, /finite/]);
  });

  it("a tensor missing from the file names the tensor", async () => {
    const dir = copyFixture("missing-tensor");
    let name = "";
    editHeader(dir, (h) => {
      name = Object.keys(h).find((k) => k.endsWith("h.1.ln_2.bias"))!;
      delete h[name];
    });
    await expectLoadError(dir, weightsOf(dir), [name, /missing/]);
  });
});

describe("corrupt config, tokenizer and index", () => {
  const configOf = (dir: string) => join(dir, "config.json");
  const editConfig = (dir: string, edit: (c: Record<string, unknown>) => void) => {
    const c = JSON.parse(readFileSync(configOf(dir), "utf8"));
    edit(c);
    writeFileSync(configOf(dir), JSON.stringify(c));
  };

  it("shapes that disagree with config.json name the tensor and both shapes", async () => {
    const dir = copyFixture("shape-vs-config");
    editConfig(dir, (c) => {
      c.n_inner = 96;
    });
    const e = await expectLoadError(dir, weightsOf(dir), [/mlp\.c_fc\.weight/, /disagrees with config\.json/, /96/]);
    expect(e.message).toMatch(/128/);
  });

  it("absurd sizes in config.json (n_layer 1e9 used to hang the simulation) name the field", async () => {
    for (const [field, v] of [["n_layer", 1e9], ["n_embd", 2 ** 31], ["vocab_size", 1e15], ["n_head", -4], ["n_layer", 2.5], ["n_embd", "64"]] as const) {
      const dir = copyFixture(`config-${field}-${String(v)}`);
      editConfig(dir, (c) => {
        c[field] = v;
      });
      const e = await expectLoadError(dir, configOf(dir), [field], ["ModelError"]);
      expect(e.path).toBe(`${configOf(dir)}#${field}`);
    }
  });

  it("invalid JSON in config.json", async () => {
    const dir = copyFixture("config-json");
    writeFileSync(configOf(dir), '{"model_type": "gpt2", "n_layer": 2,');
    await expectLoadError(dir, configOf(dir), [/JSON/]);
  });

  it("an unknown architecture", async () => {
    const dir = copyFixture("unknown-arch");
    editConfig(dir, (c) => {
      c.model_type = "mamba";
      c.architectures = ["MambaForCausalLM"];
    });
    await expectLoadError(dir, configOf(dir), [/mamba|Mamba/], ["ModelError", "CheckpointError"]);
  });

  it("a config.json that is not an object", async () => {
    const dir = copyFixture("config-array");
    writeFileSync(configOf(dir), "[1, 2, 3]");
    await expectLoadError(dir, configOf(dir), [/JSON object|object/]);
  });

  it("a sharded index pointing at a missing shard names the shard", async () => {
    const dir = copyFixture("missing-shard");
    const p = parse(readWeights(dir));
    const names = Object.keys(p.header);
    const shard1 = "model-00001-of-00002.safetensors";
    const shard2 = "model-00002-of-00002.safetensors";
    rmSync(weightsOf(dir));
    writeFileSync(join(dir, shard1), build(p));
    const weightMap = Object.fromEntries(names.map((n, i) => [n, i % 2 === 0 ? shard1 : shard2]));
    writeFileSync(join(dir, "model.safetensors.index.json"), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    await expectLoadError(dir, join(dir, shard2), [/cannot open|absent/]);
  });

  it("a sharded index that is not JSON", async () => {
    const dir = copyFixture("index-json");
    writeFileSync(join(dir, "model.safetensors.index.json"), "{ weight_map: ");
    await expectLoadError(dir, join(dir, "model.safetensors.index.json"), [/JSON/]);
  });

  it("no weights at all names the folder", async () => {
    const dir = copyFixture("no-weights");
    rmSync(weightsOf(dir));
    cases++;
    const e = await loadModel(dir).then(
      () => null,
      (x: unknown) => x,
    );
    expect(isAimcsimError(e)).toBe(true);
    expect((e as AimcsimError).message).toContain(dir);
  });

  it("a tokenizer.json that is not JSON", async () => {
    const dir = copyFixture("tokenizer-json");
    writeFileSync(join(dir, "tokenizer.json"), '{"model": {"type": "BPE", "vocab": {');
    await expectLoadError(dir, join(dir, "tokenizer.json"), [/JSON/]);
  });

  it("a tokenizer.json of an unsupported kind or shape", async () => {
    const dir = copyFixture("tokenizer-kind");
    writeFileSync(join(dir, "tokenizer.json"), JSON.stringify({ model: { type: "Unigram", vocab: [["a", 0]] } }));
    await expectLoadError(dir, join(dir, "tokenizer.json"), [/Unigram|BPE|model/]);
    const dir2 = copyFixture("tokenizer-shape");
    writeFileSync(join(dir2, "tokenizer.json"), JSON.stringify({ model: { type: "BPE", vocab: 7, merges: "x" } }));
    await expectLoadError(dir2, join(dir2, "tokenizer.json"), [/model\.vocab/]);
  });

  it("tokenizer.json merges and ids that used to escape as TypeErrors or pass silently", async () => {
    const cases: [unknown, RegExp][] = [
      [{ vocab: { a: 0 }, merges: "x" }, /model\.merges: must be an array/],
      [{ vocab: { a: 0 }, merges: [5] }, /model\.merges\[0\]: must be "a b"/],
      [{ vocab: { a: "zero" }, merges: [] }, /model\.vocab\["a"\]: id must be a non-negative integer/],
      [{ vocab: { a: 0, b: 1 }, merges: [["a", "zz"]] }, /model\.merges\[0\]: token "zz" is not in the vocabulary/],
    ];
    for (const [i, [model, rule]] of cases.entries()) {
      const dir = copyFixture(`tokenizer-merges-${i}`);
      writeFileSync(join(dir, "tokenizer.json"), JSON.stringify({ model: { type: "BPE", ...(model as object) } }));
      await expectLoadError(dir, join(dir, "tokenizer.json"), [rule]);
    }
  });

  it("a missing tokenizer.json still loads; eval says it needs a tokenizer", async () => {
    const dir = copyFixture("no-tokenizer");
    expect(existsSync(join(dir, "tokenizer.json"))).toBe(false);
    const model = await loadModel(dir);
    expect(model.tokenizer).toBeNull();
    cases++;
    const e = await evaluate({ model, chip: afm, tokens: 16, seeds: 1 }).then(
      () => null,
      (x: unknown) => x,
    );
    expect(isAimcsimError(e)).toBe(true);
    expect((e as AimcsimError).message).toMatch(/tokenizer\.json/);
    expect((e as AimcsimError).path).toBe(dir);
  });
});

describe("nothing half-written", () => {
  const silent = { out: () => undefined, err: () => undefined };
  const run = (argv: string[]) => runCli(argv, silent);
  const leftovers = (dir: string) => readdirSync(dir).filter((f) => /tmp/.test(f));
  const small = ["--chip", "hybrid-bitnet", "--prompt", "4", "--gen", "2"];

  it("a run that fails (unknown model) writes neither the trace nor the report", async () => {
    const dir = mkdtempSync(join(root, "cli-"));
    const code = await run(["run", ...small, "--model", "no-such-model", "--trace", join(dir, "t.json"), "--report", join(dir, "r")]);
    expect(code).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a trace whose rename fails (target is a folder) leaves no temp file", async () => {
    const dir = mkdtempSync(join(root, "cli-"));
    mkdirSync(join(dir, "t.json"));
    const code = await run(["run", ...small, "--model", "gpt2", "--trace", join(dir, "t.json")]);
    expect(code).toBe(1);
    expect(leftovers(dir)).toEqual([]);
    expect(readdirSync(join(dir, "t.json"))).toEqual([]);
  });

  it("a report that cannot be put in place (target is a file) is refused before anything is written, and the file is kept", async () => {
    const dir = mkdtempSync(join(root, "cli-"));
    writeFileSync(join(dir, "r"), "keep");
    const code = await run(["run", ...small, "--model", "gpt2", "--trace", join(dir, "t.json"), "--report", join(dir, "r")]);
    expect(code).toBe(1);
    expect(readFileSync(join(dir, "r"), "utf8")).toBe("keep");
    expect(leftovers(dir)).toEqual([]);
    // the output folder is checked before the run (issue 13.1), so the trace is not written either
    expect(readdirSync(dir)).toEqual(["r"]);
  });
});
