// `aimcsim lifetime --chip SPEC --model M --horizon 1y --quality "ppl<=X" | "agreement>=Y" --policy P[,P...]
//  [--load TOKENS_PER_S] [--seeds K] [--tokens N] [--baseline SPEC] [--json] [--report DIR]`
import { join } from "node:path";
import { AimcsimError } from "../../errors.ts";
import { bundledModelPath } from "../../util/package.ts";
import { flag, int, num, parse, requireStr, str } from "../args.ts";
import { defineCommand } from "../command.ts";
import { ProgressBar, progressSink } from "../progress.ts";

export const lifetimeCmd = defineCommand({
  name: "lifetime",
  summary: "time in service: quality vs time since programming, recalibration / reprogramming policies priced in joules and downtime, vs a digital baseline",
  options: {
    chip: { type: "string", arg: "spec", default: "afm-pcm", help: "the analog chip (its noise model sets the drift)" },
    model: { type: "string", arg: "folder", default: "models/tiny-llama-wordnet (bundled)", help: "a Hugging Face checkpoint folder (scored for quality, simulated for energy per token)" },
    horizon: { type: "string", arg: "T", default: "1y", help: "time in service: a duration (s, min, h, d, w, mo = 30 d, y = 365 d)" },
    quality: { type: "string", arg: "target", required: true, help: `quality target: "ppl<=X" or "agreement>=Y" (top-1 agreement with the noise-free model)` },
    policy: { type: "string", arg: "P[,P...]", default: "none,recalibrate:1d,reprogram,both:1d", help: "none | recalibrate:T | reprogram | both:T; several, comma-separated, share one evaluation" },
    load: { type: "string", arg: "tokens/s", default: "10", help: "offered load (served up to the chip's decode throughput)" },
    seeds: { type: "string", arg: "K", default: "2", help: "Monte Carlo seeds per t_inf point" },
    tokens: { type: "string", arg: "N", default: "128", help: "held-out tokens scored per point (the evaluation is the slow part)" },
    "points-per-decade": { type: "string", arg: "n", default: "1", help: "t_inf points per decade of time, from 1 s to the horizon" },
    baseline: { type: "string", arg: "spec", default: "digital-baseline", help: "digital baseline chip (no drift); 'none' for no baseline" },
    prompt: { type: "string", arg: "N", default: "128", help: "prompt tokens of the run that prices a token" },
    gen: { type: "string", arg: "N", default: "64", help: "generated tokens of that run" },
    idle: { type: "string", arg: "chip|gated", default: "chip", help: "idle leakage: as each chip's spec says (powerGating), or every chip power-gated when idle" },
    json: { type: "boolean", help: "print the result as JSON" },
    report: { type: "string", arg: "dir", help: "write an HTML report (figure of quality vs time with the events) to this folder" },
    force: { type: "boolean", help: "replace an output folder that aimcsim did not write (default: refuse)" },
  },
  async run(argv, io) {
    const p = parse(argv, this.options, "lifetime");
    const { outputDir } = await import("../reporting.ts");
    const out = outputDir(p, "report");
    const { parseDuration, parseQualityTarget, parsePolicy, lifetime } = await import("../../lifetime/index.ts");
    const horizonS = parseDuration(str(p, "horizon") ?? "1y", "--horizon");
    const target = parseQualityTarget(requireStr(p, "quality", "lifetime"), "--quality");
    const policies = (str(p, "policy") ?? "none,recalibrate:1d,reprogram,both:1d").split(",").map((s) => parsePolicy(s, "--policy"));
    const load = num(p, "load", 10, "lifetime", 0);
    const seeds = int(p, "seeds", 2, "lifetime", 1, 1000);
    const tokens = int(p, "tokens", 128, "lifetime", 2);
    const perDecade = num(p, "points-per-decade", 1, "lifetime", 0);
    if (!(perDecade > 0 && perDecade <= 20)) throw new AimcsimError("UsageError", "--points-per-decade", "must lie in (0, 20]");
    const promptTokens = int(p, "prompt", 128, "lifetime", 1);
    const genTokens = int(p, "gen", 64, "lifetime", 2);
    const idle = str(p, "idle") ?? "chip";
    if (idle !== "chip" && idle !== "gated") throw new AimcsimError("UsageError", "--idle", `must be chip or gated, got "${idle}"`);
    const { loadSpecFile } = await import("../../spec/index.ts");
    const { loadModel } = await import("../../model/checkpoint.ts");
    const chip = await loadSpecFile(str(p, "chip") ?? "afm-pcm");
    const b = str(p, "baseline") ?? "digital-baseline";
    const baseline = b === "none" ? null : await loadSpecFile(b);
    const model = await loadModel(str(p, "model") ?? bundledModelPath());
    const bar = new ProgressBar("lifetime: quality points evaluated", 1, progressSink(io));
    const r = await lifetime({
      chip,
      model,
      horizonS,
      target,
      policies,
      loadTokensPerS: load,
      seeds,
      tokens,
      pointsPerDecade: perDecade,
      baseline,
      promptTokens,
      genTokens,
      idle,
      onProgress: (d, t) => bar.update(d, t),
    });
    bar.end();
    const { formatLifetime, lifetimeReport } = await import("../../lifetime/report.ts");
    if (out) {
      const { writeReport } = await import("../../report/index.ts");
      const w = await writeReport(out.dir, lifetimeReport(r, chip, model.shape), out);
      if (!flag(p, "json")) io.err(`report written to ${join(w.dir, "index.html")}`);
    }
    io.out(flag(p, "json") ? JSON.stringify(r, null, 2) : formatLifetime(r));
    return 0;
  },
});
