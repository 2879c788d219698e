// Issue 13.6: inputs that used to end in exit 70 ("this is a bug in aimcsim") are typed errors naming the
// file and the rule. One test per case; each also checks the message is one line without a stack.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";

const d = mkdtempSync(join(tmpdir(), "aimcsim-internal-"));
afterAll(() => rmSync(d, { recursive: true, force: true }));
const w = (n: string, s: string) => {
  writeFileSync(join(d, n), s);
  return join(d, n);
};
function modelWith(name: string, edit: (dir: string) => void): string {
  const dir = join(d, name);
  cpSync("models/tiny-llama-wordnet", dir, { recursive: true });
  edit(dir);
  return dir;
}
function badTokenizerRegex(name: string, regex: string): string {
  return modelWith(name, (dir) => {
    const tj = JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8"));
    tj.pre_tokenizer = { type: "Split", pattern: { Regex: regex }, behavior: "Isolated", invert: false };
    writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(tj));
  });
}
const evalArgs = (m: string) => ["eval", "--model", m, "--tokens", "16", "--seeds", "1", "--chip", "hermes"];

// [case, argv (built lazily), expected exit code, message pattern]
const cases: [string, () => string[], number, RegExp][] = [
  ["`throw null` in a spec module", () => ["describe", w("a.ts", "throw null;\nexport default {};\n")], 1, /a\.ts: the spec module failed to load: threw null/],
  ["`throw undefined` in a spec module", () => ["validate", w("a2.ts", "throw undefined;\n")], 1, /a2\.ts: the spec module failed to load: threw undefined/],
  ["a throwing getter in a spec", () => ["describe", w("b.ts", "export default { get name() { throw new Error('boom'); } };\n")], 1, /b\.ts: the default export: reading this part of the spec threw \(boom\)/],
  ["a getter throwing null in a nested field", () => ["describe", w("b2.ts", "export default { analog: { get tile() { throw null; } } };\n")], 1, /b2\.ts: analog: reading this part of the spec threw \(threw null\)/],
  ["a Proxy spec whose traps throw", () => ["run", "--model", "gpt2", "--chip", w("c.ts", "export default new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('keys'); } });\n")], 1, /c\.ts: (the default export: reading this part of the spec threw \(keys\)|the spec module failed to load: trap)/], // under vitest the import itself touches the Proxy
  ["a null shard index", () => evalArgs(modelWith("mnull", (m) => writeFileSync(join(m, "model.safetensors.index.json"), "null"))), 1, /model\.safetensors\.index\.json: must be a JSON object .* got null/],
  ["a numeric shard index", () => evalArgs(modelWith("mnum", (m) => writeFileSync(join(m, "model.safetensors.index.json"), "42"))), 1, /model\.safetensors\.index\.json: must be a JSON object .* got number/],
  ["a bad tokenizer regex (group name)", () => evalArgs(badTokenizerRegex("tok1", "(?<x")), 1, /tokenizer\.json: pre_tokenizer\.pattern\.Regex: the regular expression "\(\?<x" is not valid/],
  ["a bad tokenizer regex (class)", () => evalArgs(badTokenizerRegex("tok2", "[")), 1, /tokenizer\.json: pre_tokenizer\.pattern\.Regex: the regular expression "\[" is not valid/],
  ["report on hand-edited amdahl results (a null row)", () => ["report", w("am.json", JSON.stringify({ chip: "h", baseline: "b", batch: 1, contexts: [8], models: ["m"], sweepS: [2], assumptions: [], rows: [null, { ceiling: 1 }] })), "--out", join(d, "r1")], 2, /am\.json: rows\[0\]: expected an object, got null/],
  ["report on hand-edited eval results (perplexity a number)", () => ["report", w("ev.json", JSON.stringify({ model: "m", chip: "c", tokensScored: 1, windows: 1, windowLength: 1, seeds: [1], tInfS: 0, driftCompensation: true, reference: { label: "r", perplexity: 1, top1Accuracy: 1 }, analog: { label: "a", perplexity: 5, top1Agreement: {}, klDivergence: {} }, baselines: [] })), "--out", join(d, "r2")], 2, /ev\.json: analog\.perplexity: expected an object, got number/],
  ["a store whose results file is a directory", () => {
    mkdirSync(join(d, "store", "results.jsonl"), { recursive: true });
    return ["report", join(d, "store"), "--out", join(d, "r3")];
  }, 1, /store\/results\.jsonl: is a folder; expected the results file/],
  ["a sweep store whose results file is a directory", () => ["sweep", "sweeps/smoke.ts", "--store", join(d, "store"), "--workers", "0"], 1, /store\/results\.jsonl: is a folder/],
];

describe("typed errors instead of internal errors", () => {
  for (const [name, argv, code, rule] of cases) {
    it(name, async () => {
      const err: string[] = [];
      const got = await runCli(argv(), { out: () => {}, err: (t) => void err.push(t) });
      const text = err.join("\n");
      expect(text).not.toMatch(/internal error|this is a bug/);
      expect(got, text).toBe(code);
      expect(text).toMatch(rule);
      expect(text).not.toMatch(/^\s+at /m);
    });
  }

  // A full disk, as the process sees it: a file size limit (ulimit -f) makes write() fail (EFBIG, as
  // ENOSPC would); SIGXFSZ is ignored so the write returns the error instead of killing the process.
  for (const [name, extra, limitBlocks] of [["trace", "--trace", 64], ["report", "--report", 2]] as const) {
    it(`a full disk while writing the ${name}: exit 1, one line naming the file, nothing half-written`, () => {
      const out = mkdtempSync(join(d, `full-${name}-`));
      const target = join(out, name === "trace" ? "t.json" : "r");
      const r = spawnSync("sh", ["-c", `trap '' XFSZ; ulimit -f ${limitBlocks}; exec "$0" bin/aimcsim.mjs run --chip hybrid-bitnet --model gpt2 --prompt 16 --gen 4 ${extra} "$1"`, process.execPath, target], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(out);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(readdirSync(out)).toEqual([]); // no partial trace, no temp file or folder
    });
  }
});
