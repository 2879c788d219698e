// Issue 13.4: untrusted input. Queue jobs may name only allowed evaluator modules (built-ins, files under
// the worker's folders, files by SHA-256; off only with `any`); a sharded safetensors index may not point
// outside the model folder; a zero-size tensor cannot hide an overlap; CSV cells that a spreadsheet would
// run as a formula are neutralised (numbers stay numbers); a sweep named ".." cannot write outside.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";
import { checkEvaluatorModule } from "../../src/dse/allow.ts";
import { evaluator, loadSweep, runSweep, runWorker, sweep } from "../../src/dse/index.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { loadModel } from "../../src/model/index.ts";
import { SafetensorsFile } from "../../src/model/safetensors.ts";
import { tableToCsv } from "../../src/report/table.ts";
import { syntheticSweep } from "../dse/fixtures/defs.ts";
import { skipRedis, startRedis } from "../dse/fixtures/redis-server.ts";

const root = mkdtempSync(join(tmpdir(), "aimcsim-untrusted-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const FIXTURE = new URL("../fixtures/checkpoints/gpt2/", import.meta.url).pathname;

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("evaluator module allow-list (queue workers)", () => {
  const outside = mkdtempSync(join(tmpdir(), "aimcsim-evil-"));
  afterAll(() => rmSync(outside, { recursive: true, force: true }));
  const evil = join(outside, "evil.mjs");
  writeFileSync(evil, `export const f = () => ({ x: 1 });\n`);
  const sha = createHash("sha256").update(readFileSync(evil)).digest("hex");
  const allowed = mkdtempSync(join(root, "allowed-"));
  const ref = (module: string) => ({ module, export: "f", id: "t" });

  it("refuses data: URLs and files outside the allowed folders, naming the module and the flags", () => {
    for (const m of ["data:text/javascript,export const f=()=>({})", evil, pathToFileURL(evil).href, "http://example.com/x.mjs"]) {
      let e: unknown;
      try {
        checkEvaluatorModule(ref(m), { prefixes: [allowed] });
      } catch (x) {
        e = x;
      }
      expect(isAimcsimError(e) && e._tag === "SweepError", m).toBe(true);
      expect((e as Error).message).toMatch(/--allow-modules .*--allow-sha256 .*--allow-any-module/);
    }
  });

  it("allows built-ins, files under an allowed folder, files by SHA-256, and anything only with any: true", () => {
    expect(() => checkEvaluatorModule(ref("builtin:synthetic"), { prefixes: [] })).not.toThrow();
    expect(() => checkEvaluatorModule(ref(evil), { prefixes: [outside] })).not.toThrow();
    expect(() => checkEvaluatorModule(ref(evil), { prefixes: [allowed], sha256: [sha] })).not.toThrow();
    expect(() => checkEvaluatorModule(ref(evil), { prefixes: [allowed], sha256: ["0".repeat(64)] })).toThrow(/not on its hash list/);
    expect(() => checkEvaluatorModule(ref("data:text/javascript,1"), { prefixes: [], any: true })).not.toThrow();
    expect(() => checkEvaluatorModule({ module: 5 }, { prefixes: [allowed] })).toThrow(/must name its evaluator/);
  });

  it("a link inside an allowed folder that leads outside is refused (real paths compared)", () => {
    const link = join(allowed, "link.mjs");
    symlinkSync(evil, link);
    expect(() => checkEvaluatorModule(ref(link), { prefixes: [allowed] })).toThrow(/outside the folders this worker imports from/);
  });

  it.skipIf(skipRedis)("end to end: a job naming a data: URL fails the sweep with the reason; the module never runs", async () => {
    const redis = await startRedis();
    const queueName = `allow-${process.pid}`;
    const w = await runWorker({ queue: redis.url, queueName, concurrency: 2, threads: false, onConnection: () => {} });
    try {
      const g = globalThis as { __aimcsimPwned?: number };
      const def = { ...syntheticSweep(), evaluator: evaluator("data:text/javascript,globalThis.__aimcsimPwned=1;export const f=()=>({tokensPerS:1})", "f", undefined, "evil") };
      const e = await errorOf(runSweep(def, { queue: redis.url, queueName, progress: false }));
      expect(isAimcsimError(e) && e._tag === "SweepError").toBe(true);
      expect((e as Error).message).toMatch(/evaluator module is not a file \(data: URL\)/);
      expect(g.__aimcsimPwned).toBeUndefined();
      expect(w.processed()).toBe(0);
    } finally {
      await w.close();
      await redis.stop();
    }
  }, 30_000);
});

describe("sharded safetensors index", () => {
  const copy = (name: string) => {
    const dir = join(root, name);
    cpSync(FIXTURE, dir, { recursive: true });
    return dir;
  };
  const index = (dir: string, weightMap: unknown) => writeFileSync(join(dir, "model.safetensors.index.json"), JSON.stringify({ metadata: {}, weight_map: weightMap }));

  for (const [name, shard] of [["dotdot", "../../../../../../etc/passwd"], ["absolute", "/etc/passwd"], ["dotdot-inner", "sub/../../outside.safetensors"]] as const) {
    it(`refuses a shard outside the model folder (${shard}), naming the index and the tensor`, async () => {
      const dir = copy(`shard-${name}`);
      index(dir, { "wte.weight": "model.safetensors", "wpe.weight": shard });
      const e = await errorOf(loadModel(dir));
      expect(isAimcsimError(e) && e._tag === "CheckpointError").toBe(true);
      expect((e as Error).message).toMatch(/model\.safetensors\.index\.json: weight_map\["wpe\.weight"\]: shard .* is outside the model folder/);
    });
  }

  it("refuses a shard that is a link leading outside the model folder", async () => {
    const dir = copy("shard-link");
    const target = join(root, "outside.safetensors");
    cpSync(join(FIXTURE, "model.safetensors"), target);
    symlinkSync(target, join(dir, "linked.safetensors"));
    index(dir, { "wte.weight": "linked.safetensors" });
    expect(String(await errorOf(loadModel(dir)))).toMatch(/links outside the model folder/);
  });

  for (const [label, text, rule] of [
    ["null", "null", /must be a JSON object .* got null/],
    ["a number", "42", /must be a JSON object .* got number/],
    ["an array", "[]", /must be a JSON object .* got an array/],
    ["a numeric shard", JSON.stringify({ weight_map: { "wte.weight": 7 } }), /weight_map\["wte\.weight"\]: must be a shard file name \(a string\), got 7/],
    ["a null shard", JSON.stringify({ weight_map: { "wte.weight": null } }), /got null/],
    ["an array weight_map", JSON.stringify({ weight_map: ["model.safetensors"] }), /missing weight_map/],
  ] as const) {
    it(`an index that is ${label} is a CheckpointError naming the index`, async () => {
      const dir = copy(`index-${label.replace(/\s/g, "-")}`);
      writeFileSync(join(dir, "model.safetensors.index.json"), text);
      const e = await errorOf(loadModel(dir));
      expect(isAimcsimError(e) && e._tag === "CheckpointError", String(e)).toBe(true);
      expect((e as Error).message).toContain("model.safetensors.index.json");
      expect((e as Error).message).toMatch(rule);
    });
  }
});

describe("safetensors overlap check", () => {
  /** A file with float32 tensors at the given byte offsets in a 32-byte data buffer. */
  const file = (name: string, tensors: Record<string, [number, number]>) => {
    const header = Object.fromEntries(Object.entries(tensors).map(([k, [b, e]]) => [k, { dtype: "F32", shape: [(e - b) / 4], data_offsets: [b, e] }]));
    const hb = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + hb.length + 32);
    new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
    out.set(hb, 8);
    const p = join(root, name);
    writeFileSync(p, out);
    return p;
  };

  it("a zero-size tensor inside another does not hide an overlap of two real tensors", async () => {
    const p = file("zero.safetensors", { a: [0, 16], z: [8, 8], b: [12, 28] });
    expect(String(await errorOf(SafetensorsFile.open(p)))).toMatch(/tensor b: data_offsets overlap tensor a/);
  });

  it("zero-size tensors anywhere and adjacent tensors are fine; a tensor inside a longer one is an overlap", async () => {
    const ok = await SafetensorsFile.open(file("ok.safetensors", { a: [0, 16], z: [16, 16], z2: [4, 4], b: [16, 32] }));
    await ok.close();
    expect(String(await errorOf(SafetensorsFile.open(file("nested.safetensors", { a: [0, 32], b: [4, 8], c: [8, 12] }))))).toMatch(/overlap tensor a/);
  });
});

describe("CSV formula neutralisation", () => {
  it("text cells starting with = + - @ get a leading quote; numbers (also as text) stay numbers", () => {
    const csv = tableToCsv({
      columns: [{ key: "a", label: "A" }, { key: "b", label: "B" }],
      rows: [
        { a: "=HYPERLINK(\"http://x\",\"y\")", b: -1.5 },
        { a: "+cmd|' /C calc'!A0", b: "-1.5" },
        { a: "-x", b: "@SUM(A1)" },
        { a: "1e-3", b: "+2" },
        { a: "plain", b: "\tTAB" },
      ],
    });
    const lines = csv.trim().split("\r\n");
    expect(lines).toEqual(["A,B", `"'=HYPERLINK(""http://x"",""y"")",-1.5`, "'+cmd|' /C calc'!A0,-1.5", "'-x,'@SUM(A1)", "1e-3,+2", "plain,'\tTAB"]);
  });
});

describe("sweep names", () => {
  it("sweep({ name: '..' }) and other non-segment names are refused", () => {
    for (const name of ["..", ".", "../x", "a/b", "", ".hidden", "-x"]) expect(() => sweep({ ...syntheticSweep(), name } as never), name).toThrow(/name/);
  });

  it("a sweep file whose default export is a hand-made def named '..' is refused; nothing is written outside", async () => {
    const dir = mkdtempSync(join(root, "sweepname-"));
    const f = join(dir, "evil.mjs");
    writeFileSync(f, `export default { __sweep: true, name: "..", axes: {} };\n`);
    const e = await errorOf(loadSweep(f));
    expect(isAimcsimError(e) && e._tag === "SweepError").toBe(true);
    expect((e as Error).message).toMatch(/is not a sweep name/);
    const before = readdirSync("reports", { withFileTypes: true }).map((d) => d.name).sort();
    const err: string[] = [];
    expect(await runCli(["sweep", f, "--workers", "0"], { out: () => {}, err: (t) => void err.push(t) })).toBe(1);
    expect(err.join("\n")).toMatch(/is not a sweep name/);
    expect(readdirSync("reports", { withFileTypes: true }).map((d) => d.name).sort()).toEqual(before);
    expect(existsSync(join("reports", "results.jsonl"))).toBe(false);
  });
});
