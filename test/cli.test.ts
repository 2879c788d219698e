import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../src/cli/main.ts";
import * as lib from "../src/index.ts";

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
};

describe("aimcsim CLI", () => {
  it("validate exits 0 on a preset and non-zero naming the path on a bad spec", async () => {
    const ok = capture();
    expect(await runCli(["validate", "hermes"], ok.io)).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), "aimcsim-"));
    const hermes = JSON.parse(lib.specToJson(await lib.loadSpecFile("hermes")));
    const cases: [string, (s: any) => void, RegExp][] = [
      ["neg-cols.json", (s) => (s.analog.tile.cols = -512), /analog\.tile\.cols: Expected a value between 1 and 65536/],
      ["adc0.json", (s) => (s.analog.tile.adc.bits = 0), /analog\.tile\.adc\.bits: Expected a value between 2 and 16/],
      ["typo.json", (s) => { s.analog.tile.adc.bitz = s.analog.tile.adc.bits; delete s.analog.tile.adc.bits; }, /analog\.tile\.adc\.bitz: unknown field "bitz" \(did you mean "bits"\?\)/],
    ];
    for (const [name, edit, message] of cases) {
      const s = structuredClone(hermes);
      edit(s);
      const f = join(dir, name);
      await writeFile(f, JSON.stringify(s));
      const c = capture();
      expect(await runCli(["validate", f], c.io)).toBe(1);
      expect(c.err.join("\n")).toMatch(message);
      expect(c.err.join("\n")).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it("describe prints per-component figures and peak TOPS/W", async () => {
    const c = capture();
    expect(await runCli(["describe", "hermes"], c.io)).toBe(0);
    const text = c.out.join("\n");
    for (const k of ["dac", "crossbar", "adc", "TOPS/W", "assumptions"]) expect(text).toContain(k);
  });

  it("schema prints a JSON Schema", async () => {
    const c = capture();
    expect(await runCli(["schema"], c.io)).toBe(0);
    expect(JSON.parse(c.out.join("")).title).toBe("aimcsim chip spec");
  });

  it("run --json prints the documented result object and writes a trace", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aimcsim-"));
    const trace = join(dir, "t.json");
    const c = capture();
    expect(await runCli(["run", "--chip", "hybrid-bitnet", "--model", "bitnet-gpt2-350m", "--prompt", "32", "--gen", "3", "--json", "--trace", trace], c.io)).toBe(0);
    const r = JSON.parse(c.out.join(""));
    for (const k of ["ttftS", "tpotS", "tokensPerS", "energyPerTokenJ", "tokensPerJ", "prefill", "decode", "utilization", "areaMm2", "assumptions"]) expect(r).toHaveProperty(k);
    const t = JSON.parse(await readFile(trace, "utf8"));
    expect(t.traceEvents.some((e: any) => e.ph === "X")).toBe(true);
    expect(t.traceEvents.some((e: any) => e.ph === "C" && /DRAM bandwidth/.test(e.name))).toBe(true);
  });

  it("bad options are usage errors (exit 2) that name the option", async () => {
    const c = capture();
    expect(await runCli(["run", "--chip", "hybrid-bitnet", "--model", "gpt2", "--prompt", "many"], c.io)).toBe(2);
    expect(c.err.join("")).toMatch(/--prompt: expected a whole number/);
    const d = capture();
    expect(await runCli(["run", "--chip", "no-such-chip", "--model", "gpt2"], d.io)).toBe(1);
    expect(d.err.join("")).toMatch(/no-such-chip: no such spec file or preset/);
    const e = capture();
    expect(await runCli(["frobnicate"], e.io)).toBe(2);
  });

  it("the package entry point exports the library functions", () => {
    for (const f of ["run", "simulate", "evaluate", "amdahl", "runSweep", "chip", "variant", "describeChip", "writeReport", "loadModel"]) expect(typeof (lib as any)[f]).toBe("function");
  });
});
