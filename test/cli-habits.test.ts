// What users of a command-line tool expect: --version, per-command help listing every option with its default,
// "did you mean" for misspelled commands, options, presets and models, progress with a sane ETA, and a
// non-zero exit when a sweep produced nothing.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.ts";
import { ProgressBar } from "../src/cli/progress.ts";
import { formatDuration } from "../src/dse/progress.ts";

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out: () => out.join("\n"), err: () => err.join("\n") };
};
const cli = async (argv: string[]) => {
  const c = capture();
  const code = await runCli(argv, c.io);
  return { code, out: c.out(), err: c.err() };
};

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("CLI habits", () => {
  it("--version prints the package version", async () => {
    const pkg = JSON.parse(await readFile("package.json", "utf8"));
    for (const flag of ["--version", "-v"]) expect(await cli([flag])).toEqual({ code: 0, out: `aimcsim ${pkg.version}`, err: "" });
  });

  it("every command's --help lists each option it accepts, with the defaults", async () => {
    const top = await cli(["--help"]);
    expect(top.code).toBe(0);
    const names = [...top.out.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(["start", "validate", "describe", "schema", "run", "amdahl", "eval", "sweep", "worker", "report"]));
    for (const name of names) {
      const h = await cli([name, "--help"]);
      expect(h.code, name).toBe(0);
      expect(h.out, name).toMatch(new RegExp(`^usage: aimcsim ${name}\\b`));
      const documented = [...h.out.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!);
      expect(documented.length, name).toBeGreaterThan(0);
    }
    const run = (await cli(["run", "--help"])).out;
    for (const [opt, dflt] of [["--prompt <N>", "512"], ["--gen <N>", "128"], ["--batch <N>", "1"], ["--chips <N|auto>", "1"]])
      expect(run).toMatch(new RegExp(`${opt.replace(/[|<>]/g, "\\$&")}\\s+.*\\(default: ${dflt}\\)`));
    expect(run).toMatch(/--chip <spec>\s+.*\(required\)/);
    const ev = (await cli(["eval", "--help"])).out;
    expect(ev).toMatch(/--tokens <N>\s+.*\(default: 2048\)/);
    expect(ev).toMatch(/--seeds <K>\s+.*\(default: 3\)/);
    expect(ev).toMatch(/--chip <spec>\s+.*\(default: afm-pcm\)/);
    expect((await cli(["amdahl", "--help"])).out).toMatch(/--contexts <n1,n2,...>\s+.*\(default: 128,256,512,1024,2048,4096\)/);
  });

  it("did you mean: commands, options, preset chips, models", async () => {
    const c = await cli(["evl"]);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/unknown command "evl" \(did you mean "eval"\?\)/);
    const o = await cli(["run", "--chip", "hermes", "--model", "gpt2", "--promt", "8"]);
    expect(o.code).toBe(2);
    expect(o.err).toMatch(/Unknown option '--promt' \(did you mean "--prompt"\?\)/);
    const p = await cli(["describe", "hermse"]);
    expect(p.code).toBe(1);
    expect(p.err).toMatch(/hermse: no such spec file or preset \(did you mean "hermes"\?\)/);
    const m = await cli(["run", "--chip", "hybrid-bitnet", "--model", "bitnet-gpt2-305m", "--prompt", "4", "--gen", "1"]);
    expect(m.code).toBe(1);
    expect(m.err).toMatch(/did you mean "bitnet-gpt2-350m"\?/);
    // Far from everything: no guess.
    expect((await cli(["describe", "zzzzzzzzzz"])).err).not.toMatch(/did you mean/);
  });

  it("durations never print 60 seconds or 60 minutes", () => {
    expect(formatDuration(119.5)).toBe("2m00s");
    expect(formatDuration(119.01)).toBe("2m00s");
    expect(formatDuration(59.2)).toBe("1m00s");
    expect(formatDuration(65)).toBe("1m05s");
    expect(formatDuration(3599.5)).toBe("1h00m");
    expect(formatDuration(7199)).toBe("1h59m");
    expect(formatDuration(7300)).toBe("2h01m");
    expect(formatDuration(42)).toBe("42s");
    for (let s = 0; s < 10_000; s += 0.37) expect(formatDuration(s)).not.toMatch(/(^|[^\d])60[sm]/);
  });

  it("progress: a bar with ETA on a terminal, a periodic plain line otherwise", () => {
    let now = 0;
    const clock = () => now;
    const written: string[] = [];
    const tty = new ProgressBar("eval", 40, { tty: true, write: (t) => void written.push(t) }, { everyMs: 0, clock });
    now = 30_000; // 30 s of set-up before the first report: not counted in the rate
    tty.update(10);
    expect(written.at(-1)).toBe("\r\x1b[2Keval [#####---------------] 10/40 (25%), 30s elapsed, ETA --");
    now = 32_000; // 10 more in 2 s: 5/s, 20 left
    tty.update(20);
    expect(written.at(-1)).toBe("\r\x1b[2Keval [##########----------] 20/40 (50%), 32s elapsed, ETA 4s");
    tty.end();
    expect(written.at(-1)).toBe("\r\x1b[2K");
    const lines: string[] = [];
    now = 0;
    const plain = new ProgressBar("eval", 400, { tty: false, write: (t) => void lines.push(t) }, { everyMs: 0, clock });
    for (const [t, d] of [[1_000, 1], [2_000, 2], [121_000, 121], [122_000, 400]] as const) {
      now = t;
      plain.update(d);
    }
    expect(lines).toEqual(["eval 1/400 (0%), 1s elapsed, ETA --\n", "eval 2/400 (0%), 2s elapsed, ETA 6m38s\n", "eval 121/400 (30%), 2m01s elapsed, ETA 4m39s\n", "eval 400/400 (100%), 2m02s elapsed, ETA 0s\n"]);
    // Throttled: not every update draws.
    const few: string[] = [];
    const slow = new ProgressBar("x", 1000, { tty: false, write: (t) => void few.push(t) }, { everyMs: 60_000 });
    for (let i = 1; i <= 1000; i++) slow.update(i);
    expect(few).toEqual([]);
  });

  it("a sweep in which every point fails exits 1 with the first reasons; one that partly fails exits 0", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aimcsim-sweepfail-"));
    dirs.push(dir);
    const src = (bits: string, fail: number) => `import hybrid from "${resolve("hw-specs/hybrid-bitnet.ts")}";
import { axis, grid, sweep, syntheticEvaluator } from "${resolve("src/dse/index.ts")}";
export default sweep({
  name: "all-fail-${fail}",
  base: hybrid,
  axes: { adcBits: axis([${bits}], (d, v) => { d.analog!.tile.adc.bits = v; }) },
  model: "bitnet-gpt2-350m",
  workload: { promptTokens: 16, genTokens: 2, batch: 1 },
  objectives: [{ key: "tokensPerS", goal: "max" }],
  strategy: grid(),
  evaluator: syntheticEvaluator({ failWhenAdcBits: ${fail} }),
});
`;
    await writeFile(join(dir, "all.ts"), src("6", 6));
    await writeFile(join(dir, "some.ts"), src("6, 8", 6));
    const all = await cli(["sweep", join(dir, "all.ts"), "--workers", "0", "--store", join(dir, "s1"), "--no-progress"]);
    expect(all.code).toBe(1);
    expect(all.err).toMatch(/every one of the 1 points failed; first reasons:\n {2}- .*synthetic failure injected for 6-bit ADCs/);
    const some = await cli(["sweep", join(dir, "some.ts"), "--workers", "0", "--store", join(dir, "s2"), "--no-progress"]);
    expect(some.code, some.err).toBe(0);
    expect(some.out).toMatch(/2 points .*1 failed/);
    expect(await readdir(join(dir, "s2"))).toContain("results.jsonl");
  });
});

describe("CLI start-up stays lazy", () => {
  it("main.ts and the command modules import no library module at load time (only inside the handlers)", async () => {
    // Allowed at the top of a command module: the CLI's own light helpers, errors, util, node built-ins, types.
    const light = /^(node:|\.\.\/(args|command|format|io|progress)\.ts$|\.\/(args|command|io|progress)\.ts$|\.\.\/\.\.\/(errors|util\/[a-z-]+)\.ts$|\.\.\/(errors|util\/[a-z-]+)\.ts$|\.\/commands\/)/;
    const files = ["src/cli/main.ts", ...(await readdir("src/cli/commands")).map((f) => `src/cli/commands/${f}`)];
    for (const f of files) {
      const text = await readFile(f, "utf8");
      for (const m of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gm)) expect(m[1], `${f} imports ${m[1]} eagerly`).toMatch(light);
    }
    // format.ts (imported eagerly) stays light too: only types and constants from the result module.
    expect(await readFile("src/sim/result.ts", "utf8")).not.toMatch(/^import\s+(?!type\b)/m);
  });
});
