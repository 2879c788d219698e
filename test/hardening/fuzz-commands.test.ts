// Issue 13.7: fuzzing that reaches every command, the library entry points, and every results file kind
// `aimcsim report` reads. Every case exits 0, 1 (a typed error) or 2 (a usage error) with a one-line
// reason, never 70 ("this is a bug in aimcsim"), and never a stack trace. The results files are real
// outputs of run/amdahl/eval/sweep, then mutated; the unmutated ones must report with exit 0, so a bug in
// a report path fails here (a planted bug in `report` on amdahl results is caught: see the safety note).
import fc from "fast-check";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as lib from "../../src/index.ts";
import { runCli } from "../../src/cli/main.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { syntheticSweep } from "../dse/fixtures/defs.ts";

const root = mkdtempSync(join(tmpdir(), "aimcsim-fuzzcmd-"));
const codes: Record<string, Record<number, number>> = {};
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  console.log(`fuzz-commands: ${JSON.stringify(codes)}`);
});

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(argv, { out: (t) => void (out += t + "\n"), err: (t) => void (err += t + "\n") });
  const c = (codes[argv[0] ?? "?"] ??= {});
  c[code] = (c[code] ?? 0) + 1;
  return { code, out, err };
}

function expectClean(r: { code: number; err: string }, argv: readonly string[]): void {
  const what = `${argv.join(" ")}\n${r.err}`;
  expect([0, 1, 2], what).toContain(r.code);
  expect(r.err, what).not.toMatch(/internal error|this is a bug|^\s+at .*:\d+/m);
}

const pick = <T>(good: readonly T[], bad: readonly T[]) =>
  fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...good) }, { weight: 2, arbitrary: fc.constantFrom(...bad) });
const junk = fc.constantFrom("", "0", "-1", "x", "1e9", "NaN", "/nonexistent", "package.json", "hw-specs", "..", "\u0000", "%s%n");
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const argvOf = (cmd: string, pos: (string | undefined)[], opts: Record<string, string | boolean | undefined>) => {
  const argv = [cmd, ...pos.filter((p): p is string => p !== undefined)];
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined || v === false) continue;
    argv.push(`--${k}`);
    if (v !== true) argv.push(v);
  }
  return argv;
};

describe("every command with fuzzed arguments", () => {
  it("validate / describe / schema: spec files of random JSON, mutated presets and wrong paths", async () => {
    const specDir = mkdtempSync(join(root, "specs-"));
    const preset = JSON.parse(JSON.stringify((await import("../../hw-specs/hybrid-bitnet.ts")).default));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("validate", "describe", "schema"),
        fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((j) => JSON.stringify(j)), fc.tuple(fc.constantFrom(...Object.keys(preset)), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => JSON.stringify({ ...preset, [k]: v })), fc.constant("{not json")),
        fc.oneof(fc.constant(undefined), junk, fc.constantFrom("hybrid-bitnet", "neurram", "digital-baseline")),
        fc.boolean(),
        async (cmd, text, other, json) => {
          const f = join(specDir, `s${n++}.json`);
          writeFileSync(f, text);
          const argv = argvOf(cmd, cmd === "schema" ? [other] : [f, other], { json });
          expectClean(await cli(argv), argv);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("amdahl: models, contexts, batch, --ops-only conventions", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          model: maybe(pick(["gpt2", "opt-350m", "gpt2,opt-350m"], ["nope", "", ",", "test/fixtures/checkpoints/gpt2"])),
          contexts: pick(["8", "8,16", "32"], ["0", "-8", "x", "", "8,,16", "99999999999"]),
          batch: maybe(pick(["1", "2"], ["0", "-1", "1.5"])),
          ops: fc.boolean(),
          convention: maybe(pick(["macs", "pimllm-fig1b"], ["nope", ""])),
          phase: maybe(pick(["prefill", "decode"], ["both", ""])),
          json: fc.boolean(),
          extra: maybe(fc.constantFrom("--bogus", "-z")),
        }),
        async (a) => {
          const argv = argvOf("amdahl", [], { model: a.model, contexts: a.contexts, batch: a.batch, "ops-only": a.ops, convention: a.ops ? a.convention : undefined, phase: a.ops ? a.phase : undefined, json: a.json });
          if (a.extra) argv.push(a.extra);
          expectClean(await cli(argv), argv);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("eval: chips, models, tokens, seeds, t-inf", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          chip: maybe(pick(["hermes", "afm-pcm"], ["digital-baseline", "nope", "package.json"])),
          model: maybe(pick(["models/tiny-llama-wordnet"], ["test/fixtures/checkpoints/gpt2", "gpt2", "/nonexistent", "README.md"])),
          tokens: pick(["8", "16"], ["0", "1", "-5", "x", ""]),
          seeds: pick(["1"], ["0", "1001", "y"]),
          tinf: maybe(pick(["0", "3600", "1e6"], ["-1", "inf", "z"])),
          nocomp: fc.boolean(),
        }),
        async (a) => {
          const argv = argvOf("eval", [], { chip: a.chip, model: a.model, tokens: a.tokens, seeds: a.seeds, "t-inf": a.tinf, "no-compensation": a.nocomp, "no-baseline": true, json: true });
          expectClean(await cli(argv), argv);
        },
      ),
      { numRuns: 5 },
    );
  });

  it("sweep / worker / start: files, stores, workers and flags (no Redis needed)", async () => {
    const userDir = join(root, "user");
    mkdirSync(userDir, { recursive: true });
    writeFileSync(join(userDir, "keep.txt"), "mine");
    writeFileSync(join(root, "a-file"), "not a folder");
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            cmd: fc.constant("sweep"),
            file: pick(["sweeps/smoke.ts"], ["/nonexistent.ts", "package.json", "hw-specs/hybrid-bitnet.ts", "", "test/dse/fixtures/defs.ts"]),
            workers: maybe(pick(["0", "1"], ["-1", "x", "9999"])),
            store: maybe(fc.constantFrom(join(root, "a-file"), join(root, "store-a"), join(root, "store-b"))), // never a repository folder
            report: maybe(fc.constantFrom(userDir, ".", join(root, "rep"))),
          }),
          fc.record({ cmd: fc.constant("worker"), concurrency: maybe(fc.constantFrom("0", "-1", "x", "257")), sha: maybe(fc.constantFrom("abc", "zz".repeat(32))), extra: maybe(fc.constantFrom("--bogus", "--queue")) }),
          fc.record({ cmd: fc.constant("start"), out: maybe(fc.constantFrom(userDir, ".", "..")), extra: fc.constantFrom("--bogus", "--out") }),
        ),
        async (a) => {
          let argv: string[];
          if (a.cmd === "sweep") {
            const s = a as { file: string; workers?: string; store?: string; report?: string };
            argv = argvOf("sweep", [s.file], { workers: s.workers ?? "0", store: s.store ?? join(root, "store-default"), report: s.report, json: true });
          } else if (a.cmd === "worker") {
            const s = a as { concurrency?: string; sha?: string; extra?: string };
            // A valid worker would wait for Redis: only invalid option sets are generated here.
            argv = argvOf("worker", [], { concurrency: s.concurrency ?? "0", "allow-sha256": s.sha });
            if (s.extra) argv.push(s.extra);
          } else {
            const s = a as { out?: string; extra: string };
            argv = argvOf("start", [], { out: s.out });
            argv.push(s.extra);
          }
          const r = await cli(argv);
          expectClean(r, argv);
          if (a.cmd !== "sweep") expect(r.code, argv.join(" ")).not.toBe(0);
        },
      ),
      { numRuns: 30 },
    );
    expect(readFileSync(join(userDir, "keep.txt"), "utf8")).toBe("mine"); // no output folder replaced it
  });
});

describe("report on every results file kind, real and mutated", () => {
  const files: Record<string, string> = {};
  beforeAll(async () => {
    const run = await cli(["run", "--chip", "hybrid-bitnet", "--model", "gpt2", "--prompt", "8", "--gen", "3", "--json"]);
    const am = await cli(["amdahl", "--model", "gpt2", "--contexts", "8,16", "--json"]);
    const ev = await cli(["eval", "--tokens", "16", "--seeds", "2", "--chip", "hermes", "--json"]);
    for (const [k, r] of Object.entries({ run, amdahl: am, eval: ev })) {
      expect(r.code, `${k}: ${r.err}`).toBe(0);
      files[k] = join(root, `${k}.json`);
      writeFileSync(files[k]!, r.out);
    }
    const store = join(root, "store");
    await lib.runSweep(syntheticSweep({ failWhenAdcBits: 8 }), { workers: 0, store, progress: false });
    files.store = store;
  }, 120_000);

  it("each unmutated results file reports with exit 0 (a report bug fails here)", async () => {
    for (const [k, f] of Object.entries(files)) {
      const argv = ["report", f, "--out", join(root, `ok-${k}`)];
      const r = await cli(argv);
      expect(r.code, `${k}: ${r.err}`).toBe(0);
    }
  });

  it("an amdahl results file without `skipped` (optional: files from before it existed) reports with exit 0", async () => {
    const d = JSON.parse(readFileSync(files.amdahl!, "utf8"));
    delete d.skipped;
    const f = join(root, "amdahl-no-skipped.json");
    writeFileSync(f, JSON.stringify(d));
    const r = await cli(["report", f, "--out", join(root, "ok-amdahl-no-skipped")]);
    expect(r.code, r.err).toBe(0);
  });

  /** Every path (as keys) of a JSON value, to depth 6. */
  const pathsOf = (v: unknown, pre: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] => {
    out.push(pre);
    if (pre.length < 6 && v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) pathsOf(x, [...pre, Array.isArray(v) ? Number(k) : k], out);
    return out;
  };
  const replacements = [null, "x", "", -1, 0, 1e308, -1e308, [], {}, true, [null], { ceiling: 1 }, "DELETE"] as const;
  const mutate = (v: unknown, path: (string | number)[], r: unknown): unknown => {
    if (path.length === 0) return r === "DELETE" ? {} : r;
    const c: any = Array.isArray(v) ? [...v] : { ...(v as object) };
    const [h, ...t] = path;
    if (t.length === 0 && r === "DELETE") {
      if (Array.isArray(c)) c.splice(h as number, 1);
      else delete c[h!];
    } else c[h!] = mutate(c[h!], t, r);
    return c;
  };

  for (const kind of ["run", "amdahl", "eval"] as const) {
    it(`${kind} results with 1-3 fields changed: exit 0, 1 or 2, never an internal error`, async () => {
      const base = JSON.parse(readFileSync(files[kind]!, "utf8"));
      const paths = pathsOf(base);
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.nat(paths.length - 1), fc.constantFrom(...replacements)), { minLength: 1, maxLength: 3 }), async (muts) => {
          let v: unknown = base;
          for (const [i, r] of muts) v = mutate(v, paths[i]!, r);
          const f = join(root, `${kind}-m${n++}.json`);
          writeFileSync(f, JSON.stringify(v));
          const argv = ["report", f, "--out", join(root, `out-${kind}`)];
          expectClean(await cli(argv), argv);
        }),
        { numRuns: 60 },
      );
    });
  }

  it("sweep stores with a mutated, truncated or garbage results line: exit 0, 1 or 2", async () => {
    const lines = readFileSync(join(files.store!, "results.jsonl"), "utf8").split("\n").filter(Boolean);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(lines.length - 1), fc.oneof(fc.constantFrom(...replacements), fc.string()), fc.constantFrom("field", "truncate", "replace"), fc.nat(40), async (li, r, how, cut) => {
        const rec = JSON.parse(lines[li]!);
        const paths = pathsOf(rec);
        const line = how === "field" ? JSON.stringify(mutate(rec, paths[cut % paths.length]!, r)) : how === "truncate" ? lines[li]!.slice(0, cut) : String(r);
        const dir = join(root, `store-m${n++}`);
        mkdirSync(dir);
        writeFileSync(join(dir, "results.jsonl"), [...lines.slice(0, li), line, ...lines.slice(li + 1)].join("\n") + "\n");
        const argv = ["report", dir, "--out", join(root, "out-store")];
        expectClean(await cli(argv), argv);
      }),
      { numRuns: 40 },
    );
  });
});

describe("library entry points with fuzzed input", () => {
  it("simulate, amdahl, describeChip, decodeChipSpec, reportFiles, writeReport, loadModel, runSweep: typed errors only", async () => {
    const hybrid = JSON.parse(JSON.stringify((await import("../../hw-specs/hybrid-bitnet.ts")).default));
    const anyVal = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(undefined, NaN, Infinity, -0, 2 ** 60, () => 1, Symbol("s")));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("simulate", "amdahl", "describeChip", "decodeChipSpec", "reportFiles", "loadModel", "runSweep", "writeReport"), anyVal, anyVal, async (fn, x, y) => {
        const calls: Record<string, () => unknown> = {
          simulate: () => lib.simulate({ chip: hybrid, model: (typeof x === "string" ? x : "gpt2") as string, promptTokens: y as number, genTokens: 2 }),
          amdahl: () => lib.amdahl({ chip: hybrid, baseline: hybrid, models: [x as string], contexts: [y as number] }),
          // Functions taking a decoded ChipSpec get one (their input is typed); the decoder gets anything.
          describeChip: () => lib.describeChip(lib.decodeChipSpec(typeof x === "object" && x !== null && !Array.isArray(x) ? { ...hybrid, ...x } : hybrid, "fuzz.json")),
          decodeChipSpec: () => lib.decodeChipSpec(x, "fuzz.json"),
          reportFiles: () => lib.reportFiles(x as never),
          loadModel: () => lib.loadModel(x as string),
          runSweep: () => lib.runSweep({ ...syntheticSweep(), [typeof x === "string" && x !== "" ? "name" : "seed"]: y } as never, { workers: 0, progress: false }),
          writeReport: () => lib.writeReport(join(root, "lib-report"), x as never),
        };
        try {
          await calls[fn]!();
        } catch (e) {
          const show = (v: unknown) => {
            try {
              return typeof v === "symbol" ? v.toString() : JSON.stringify(v) ?? String(v);
            } catch {
              return typeof v;
            }
          };
          expect(isAimcsimError(e), `${fn}(${show(x)}, ${show(y)}): ${e instanceof Error ? e.stack : show(e)}`).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
