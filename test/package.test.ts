// The package as a user gets it: built (scripts/build.mjs, into a temp folder: the checkout's dist/ is left
// alone), packed with `npm pack` (the package.json `files`), unpacked into a temp project whose dependencies are
// the checkout's installed ones, linked by name (only the declared `dependencies`, so a runtime import of a dev
// dependency fails here), then used from plain Node ESM, from TypeScript with a strict NodeNext config, and
// through its `aimcsim` bin from folders outside any ESM package.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, realpathSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string; dependencies: Record<string, string>; bin: Record<string, string> };
const npm = (args: string[], cwd: string) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" } });

/** dist/ built after the last change to src/ or hw-specs/ (the rule bin/aimcsim.mjs applies). */
function distIsCurrent(): boolean {
  const stamp = join(repo, "dist", ".build-stamp");
  if (!existsSync(stamp)) return false;
  let newest = 0;
  for (const dir of ["src", "hw-specs"])
    for (const e of readdirSync(join(repo, dir), { recursive: true, withFileTypes: true }))
      if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  return statSync(stamp).mtimeMs >= newest;
}

describe("the npm package", () => {
  let tmp = "";
  let consumer = "";
  let packed: string[] = [];
  let bin = "";
  const node = (args: string[], cwd: string) => spawnSync(process.execPath, args, { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "aimcsim-pack-"));
    const stage = join(tmp, "stage");
    // The files npm would pack from the checkout (package.json `files`), built dist/ aside.
    const listed = (JSON.parse(npm(["pack", "--dry-run", "--json", "--ignore-scripts"], repo)) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of listed.filter((f) => !f.startsWith("dist/"))) cpSync(join(repo, f), join(stage, f), { recursive: true });
    // The checkout's build when it is current (as after `npm ci`, whose `prepare` builds it), else a fresh one.
    if (distIsCurrent()) cpSync(join(repo, "dist"), join(stage, "dist"), { recursive: true });
    else execFileSync(process.execPath, [join(repo, "scripts", "build.mjs"), "--out", join(stage, "dist")], { stdio: "pipe" });
    const out = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], stage)) as { filename: string; files: { path: string }[] }[];
    packed = out[0]!.files.map((f) => f.path);
    consumer = join(tmp, "consumer");
    const installed = join(consumer, "node_modules", "aimcsim");
    mkdirSync(installed, { recursive: true });
    execFileSync("tar", ["-xzf", join(tmp, out[0]!.filename), "-C", installed, "--strip-components=1"]);
    const repoModules = join(repo, "node_modules");
    for (const dep of [...Object.keys(pkg.dependencies), "@types/node"]) {
      mkdirSync(dirname(join(consumer, "node_modules", dep)), { recursive: true });
      symlinkSync(join(repoModules, dep), join(consumer, "node_modules", dep), "dir");
    }
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    bin = join(installed, pkg.bin.aimcsim!);
  }, 300_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("packs the built JS, .d.ts, presets, the bundled model, LICENSE; no sources, tests or build stamp", () => {
    for (const f of ["package.json", "LICENSE", "README.md", "dist/src/index.js", "dist/src/index.d.ts", "dist/src/cli/bin.js", "dist/src/cli/main.d.ts", "dist/src/dse/runners/worker-boot.mjs", "dist/hw-specs/hermes.js", "models/tiny-llama-wordnet/model.safetensors", "models/tiny-llama-wordnet/tokenizer.json", "models/tiny-llama-wordnet/heldout.txt"])
      expect(packed, f).toContain(f);
    expect(packed.filter((f) => /^(src|test|bench|bin|vendor|sweeps)\//.test(f) || f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(packed.filter((f) => f.includes("/reference/") || f.endsWith(".build-stamp"))).toEqual([]);
    expect(readFileSync(join(consumer, "node_modules", "aimcsim", "LICENSE"), "utf8")).toMatch(/^MIT License[\s\S]*aimcsim authors/);
  });

  it("imports { run, evaluate, amdahl, sweep } from plain Node ESM and simulates", () => {
    writeFileSync(
      join(consumer, "use.mjs"),
      `import { run, evaluate, amdahl, sweep, loadSpecFile, bundledModelPath } from "aimcsim";
import { realpathSync } from "node:fs";
const chip = await loadSpecFile("hybrid-bitnet");
const r = await run({ chip, model: "bitnet-gpt2-350m", promptTokens: 8, genTokens: 2 });
console.log(JSON.stringify({ fns: [run, evaluate, amdahl, sweep].map((f) => typeof f), chip: r.chip, ok: r.tokensPerS > 0, model: realpathSync(bundledModelPath()) }));`,
    );
    const r = node(["use.mjs"], consumer);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ fns: ["function", "function", "function", "function"], chip: "hybrid-bitnet", ok: true, model: join(realpathSync(consumer), "node_modules", "aimcsim", "models", "tiny-llama-wordnet") });
  });

  it("type-checks a TypeScript consumer (strict, NodeNext, no skipLibCheck) without errors", () => {
    writeFileSync(
      join(consumer, "consumer.ts"),
      `import { run, evaluate, amdahl, sweep, loadSpecFile, type ChipSpec, type SimResult, type EvalResult } from "aimcsim";
import { runCli } from "aimcsim/cli";
const chip: ChipSpec = await loadSpecFile("hybrid-bitnet");
const r: SimResult = await run({ chip, model: "bitnet-gpt2-350m", promptTokens: 8, genTokens: 2 });
const tps: number = r.tokensPerS;
const s: typeof sweep = sweep;
type E = EvalResult["analog"];
const code: number = await runCli(["--version"]);
void [tps, s, evaluate, amdahl, code];
export type { E };
// @ts-expect-error: a wrong option type must be an error (the types are real, not any)
await run({ chip, model: "gpt2", promptTokens: "8", genTokens: 2 });
`,
    );
    writeFileSync(
      join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, verbatimModuleSyntax: true, skipLibCheck: false, noEmit: true, types: ["node"] },
        files: ["consumer.ts"],
      }),
    );
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const r = node([tsc, "-p", "."], consumer);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("the bin: --version, and a .ts spec outside any ESM package (tsx's tsImport), bundled data from anywhere", () => {
    expect(node([bin, "--version"], tmp).stdout.trim()).toBe(`aimcsim ${pkg.version}`);
    const plain = join(tmp, "not-esm");
    mkdirSync(plain);
    writeFileSync(join(plain, "package.json"), JSON.stringify({ name: "not-esm", private: true })); // CommonJS scope
    const nodeModules = join(plain, "node_modules");
    mkdirSync(nodeModules);
    symlinkSync(join(consumer, "node_modules", "aimcsim"), join(nodeModules, "aimcsim"), "dir");
    writeFileSync(join(plain, "spec.ts"), `import { chip } from "aimcsim";\nvoid chip;\nexport default { name: "not-a-chip", note: 1 as number };\n`);
    writeFileSync(
      join(plain, "chip.ts"),
      `import { chip, systolicArray, vectorUnit, sram, dram, noc } from "aimcsim";
const hz: number = 1e9;
export default chip({
  name: "ts-outside-esm",
  technologyNm: 7,
  supplyV: 0.75,
  systolic: [systolicArray({ name: "sa", rows: 32, cols: 32, dataflow: "OS", format: "int8", clockHz: hz })],
  vector: [vectorUnit({ name: "vec", lanes: 32, format: "fp16", clockHz: hz })],
  sram: [sram({ name: "buf", capacityBytes: 2 ** 20, banks: 4, bytesPerCyclePerBank: 32, clockHz: hz })],
  dram: dram({ kind: "LPDDR5", capacityBytes: 2 ** 30, bandwidthBytesPerS: 51.2e9, channels: 4 }),
  noc: noc({ topology: "mesh", linkWidthBits: 128, hopLatencyCycles: 1, clockHz: hz }),
  mapping: { projections: "digital", lmHead: "digital", kvCache: "dram" },
});
`,
    );
    const v = node([bin, "validate", "chip.ts", "hermes"], plain);
    expect(v.stderr).toBe("");
    expect(v.stdout).toContain("chip.ts: ok (ts-outside-esm)");
    expect(v.stdout).toContain("hermes: ok (hermes)");
    // A spec module whose default export is not a chip: a clear SpecError, not a loader crash.
    const bad = node([bin, "validate", "spec.ts"], plain);
    expect(bad.status).toBe(1);
    expect(bad.stderr).not.toMatch(/ERR_REQUIRE|internal error|\n\s+at /);
    // The bundled model is found inside the package, not in the current folder.
    const e = node([bin, "eval", "--chip", "hermes", "--tokens", "16", "--seeds", "1", "--no-baseline", "--json"], plain);
    expect(e.stderr).not.toMatch(/error/i);
    expect(JSON.parse(e.stdout).model).toMatch(/tiny-llama-wordnet/);
  });

  it("starts fast: --help under 1 s and a command under 2 s (wall, best of 3, on a loaded 2-core CI machine)", () => {
    const best = (args: string[]) => {
      let min = Infinity;
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const r = node([bin, ...args], tmp);
        min = Math.min(min, performance.now() - t);
        expect(r.status, r.stderr).toBe(0);
      }
      return min;
    };
    const help = best(["--help"]);
    const validate = best(["validate", "hermes"]);
    console.log(`built CLI start-up: --help ${help.toFixed(0)} ms, validate hermes ${validate.toFixed(0)} ms`);
    expect(help).toBeLessThan(1000);
    expect(validate).toBeLessThan(2000);
  });
});
