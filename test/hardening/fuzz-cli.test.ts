// Fuzzing `aimcsim run` arguments: presets, checkpoint folders and model presets mixed with wrong paths,
// non-files, non-spec files, zero/negative/fractional/non-numeric counts and unknown options. Every case
// exits 0 (with finite JSON), 1 (a typed error) or 2 (a usage error), never 70 (an internal error).
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";
import { nonFinitePaths } from "./arbitraries.ts";

const pick = (good: string[], bad: string[]) =>
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
const argsArb = fc.record({
  chip: pick(["hybrid-bitnet", "afm-pcm", "digital-baseline", "hermes", "neurram", "a100-like", "anda-like"], ["/nonexistent.ts", "package.json", "test/fixtures/checkpoints/gpt2/config.json", "", "hw-specs", "README.md"]),
  model: pick(["gpt2", "bitnet-gpt2-350m", "test/fixtures/checkpoints/gpt2", "test/fixtures/checkpoints/opt", "test/fixtures/checkpoints/phi3"], ["nope", "", "/tmp", "package.json"]),
  prompt: pick(["1", "4", "9"], ["0", "-3", "x", "2.5", "", "99999999999999999999"]),
  gen: pick(["1", "2", "3"], ["0", "-1", "y", ""]),
  batch: pick(["1", "2"], ["0", "1e1"]),
  chips: pick(["auto", "auto", "1", "2"], ["0", "-1", "x"]),
  chunk: fc.option(pick(["1", "3", "64"], ["0", "z"]), { nil: undefined }),
  baseline: fc.option(pick(["digital-baseline", "afm-pcm"], ["nope"]), { nil: undefined }),
  unknown: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom("--bogus", "-z", "--prompt") }),
  json: fc.boolean(),
});

const codes: Record<number, number> = {};
afterAll(() => console.log(`fuzz-cli: ${Object.values(codes).reduce((a, b) => a + b, 0)} runs, exit codes ${JSON.stringify(codes)}`));

describe("aimcsim run with fuzzed arguments", () => {
  it("exits 0, 1 or 2 with a one-line reason, never an internal error", async () => {
    await fc.assert(
      fc.asyncProperty(argsArb, async (a) => {
        const argv = ["run"];
        const add = (k: string, v: string | undefined) => void (v !== undefined && argv.push(k, v));
        add("--chip", a.chip);
        add("--model", a.model);
        add("--prompt", a.prompt);
        add("--gen", a.gen);
        add("--batch", a.batch);
        add("--chips", a.chips);
        add("--prefill-chunk", a.chunk);
        add("--baseline", a.baseline);
        if (a.unknown) argv.push(a.unknown);
        if (a.json) argv.push("--json");
        let out = "";
        let err = "";
        const code = await runCli(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
        codes[code] = (codes[code] ?? 0) + 1;
        expect([0, 1, 2], `${argv.join(" ")}\n${err}`).toContain(code);
        expect(err).not.toMatch(/internal error|at .*\.ts:\d+/);
        if (code !== 0) expect(err).toMatch(/^aimcsim run: \S/);
        if (code === 0 && a.json) expect(nonFinitePaths(JSON.parse(out))).toEqual([]);
      }),
      { numRuns: 120 },
    );
    expect(codes[0]).toBeGreaterThan(0); // some runs succeed: the generator is not all garbage
  });
});
