// `aimcsim run --chip <spec> --model <preset|folder> --prompt 512 --gen 128 [--batch 1] [--json] [--trace f]`
import { AimcsimError } from "../../errors.ts";
import type { SimResult } from "../../sim/index.ts";
import { flag, int, parse, requireStr, str } from "../args.ts";
import { defineCommand } from "../command.ts";
import type { Io } from "../io.ts";
import { ProgressBar, progressSink } from "../progress.ts";

export function parseChips(v: string | undefined): number | "auto" {
  if (v === undefined) return 1;
  if (v === "auto") return "auto";
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new AimcsimError("UsageError", "--chips", `expected a positive whole number or "auto", got "${v}"`);
  return Number(v);
}

/** The activity factors measured by `aimcsim eval --json` (its `stats`), for data-dependent energy. */
async function readActivity(file: string) {
  const { readFile } = await import("node:fs/promises");
  const { activityFromStats } = await import("../../sim/index.ts");
  let data: { stats?: import("../../numerics/analog/stats.ts").AnalogStats };
  try {
    data = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new AimcsimError("IoError", file, `cannot read the eval result: ${(e as Error).message}`);
  }
  if (!data || typeof data !== "object" || !data.stats || !Array.isArray(data.stats.layers))
    throw new AimcsimError("UsageError", file, "expected the JSON printed by `aimcsim eval --json` (with its `stats`)");
  return activityFromStats(data.stats);
}

export const runOptions = {
  chip: { type: "string", arg: "spec", required: true, help: "the chip: a .ts/.json spec file or a preset name" },
  model: { type: "string", arg: "preset|folder", required: true, help: "a model shape preset (e.g. bitnet-gpt2-350m, llama-3.2-1b) or a Hugging Face checkpoint folder" },
  prompt: { type: "string", arg: "N", default: "512", help: "prompt tokens (prefill)" },
  gen: { type: "string", arg: "N", default: "128", help: "generated tokens (decode)" },
  batch: { type: "string", arg: "N", default: "1", help: "sequences decoded together" },
  chips: { type: "string", arg: "N|auto", default: "1", help: "chips the model is split over; auto = the fewest whose crossbar tiles and DRAM (weights + KV cache) hold it" },
  "prefill-chunk": { type: "string", arg: "N", default: "64 with analog projections, else the whole prompt", help: "prefill in chunks of N tokens" },
  "link-topology": { type: "string", arg: "shared|ring|mesh|switch", help: "how the chips are wired (chipLink.topology; default the spec's, else shared)" },
  "expert-chips": { type: "string", arg: "host|spread|balanced", help: "mixture-of-experts models on several chips: expert parallelism (mapping.experts.chips; default the spec's, else host)" },
  "expert-load": { type: "string", arg: "uniform|zipf:S|stats.json", help: "mixture-of-experts models: each expert's share of the routed tokens (default uniform; zipf:S skewed; a router-statistics JSON {experts:[...]} or {layers:[[...]]})" },
  experts: { type: "string", arg: "where", help: "mixture-of-experts models: projections, analog or digital for every routed expert (mapping.experts.placement; the same flags on eval give this placement's accuracy)" },
  "digital-experts": { type: "string", arg: "i,j,...", help: "mixture-of-experts models: expert indices kept digital in every layer (mapping.experts.digitalExperts)" },
  "most-loaded-digital": { type: "string", arg: "N", help: "mixture-of-experts models: keep each layer's N most-loaded experts digital (load: --expert-load)" },
  router: { type: "string", arg: "where", help: "mixture-of-experts models: analog or digital router (mapping.experts.router; default digital)" },
  "shared-expert": { type: "string", arg: "where", help: "mixture-of-experts models: projections, analog or digital shared expert (mapping.experts.shared)" },
  json: { type: "boolean", help: "print the result object as JSON" },
  trace: { type: "string", arg: "file.json", help: "write a Perfetto/Chrome trace of the run" },
  report: { type: "string", arg: "dir", help: "write an HTML report to this folder" },
  baseline: { type: "string", arg: "spec", help: "also simulate this chip and compare against it in the report (with this chip's KV-cache/attention/lm_head formats unless --own-precision)" },
  "own-precision": { type: "boolean", help: "--baseline keeps its own KV-cache/attention/lm_head formats (default: it takes the chip's)" },
  activity: { type: "string", arg: "eval.json", help: "data-dependent energy from the activity measured by `eval --json`" },
  "kv-prefetch": { type: "boolean", help: "decode streams the KV cache through a double buffer, one layer ahead (default: off)" },
  "full-decode": { type: "boolean", help: "simulate every decode step (default: beyond 32 steps, one step per block of consecutive steps stands for the block; --trace always simulates every step)" },
  force: { type: "boolean", help: "replace an output folder that aimcsim did not write (default: refuse)" },
} as const;

export const run = defineCommand({
  name: "run",
  summary: "simulate prefill + decode: latency, energy, area, breakdowns, trace",
  options: runOptions,
  run: runCommand,
});

export async function runCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse(argv, runOptions, "run");
  const { outputDir, writeRunReport } = await import("../reporting.ts");
  const out = outputDir(p, "report");
  const { loadSpecFile } = await import("../../spec/index.ts");
  const { simulate, simTrace } = await import("../../sim/index.ts");
  const { formatSimResult } = await import("../format.ts");
  const { withExpertFlags } = await import("./eval.ts");
  const { withChipFlags, modelWithExpertLoad } = await import("../chip-flags.ts");
  const loaded = await withExpertFlags(await loadSpecFile(requireStr(p, "chip", "run")), {
    experts: str(p, "experts"),
    digitalExperts: str(p, "digital-experts"),
    router: str(p, "router"),
    shared: str(p, "shared-expert"),
    mostLoadedDigital: str(p, "most-loaded-digital"),
  });
  const chip = await withChipFlags(loaded, { expertChips: str(p, "expert-chips"), topology: str(p, "link-topology") }, "run");
  const model = requireStr(p, "model", "run");
  const chunk = str(p, "prefill-chunk");
  const shapeOrName = await modelWithExpertLoad(model, str(p, "expert-load"));
  const common = {
    model: shapeOrName,
    promptTokens: int(p, "prompt", 512, "run", 1),
    genTokens: int(p, "gen", 128, "run", 1),
    batch: int(p, "batch", 1, "run", 1),
    chips: parseChips(str(p, "chips")),
    kvPrefetch: flag(p, "kv-prefetch"),
    fullDecode: flag(p, "full-decode"),
  };
  const activityFile = str(p, "activity");
  const activity = activityFile ? await readActivity(activityFile) : undefined;
  const sink = progressSink(io);
  let bar: ProgressBar | undefined;
  let stage = "";
  const onProgress = (d: number, t: number, s: "build" | "simulate") => {
    if (s !== stage) {
      bar?.end();
      stage = s;
      bar = new ProgressBar(`run: ${model} on ${chip.name}, ${s === "build" ? "building the task graph, decode steps" : "simulating, tasks"}`, t, sink);
    }
    bar!.update(d, t);
  };
  const sim = simulate({
    ...common,
    chip,
    onProgress,
    ...(activity ? { activity } : {}),
    ...(chunk !== undefined ? { prefillChunk: int(p, "prefill-chunk", 64, "run", 1) } : {}),
    record: str(p, "trace") !== undefined,
  });
  bar?.end();
  const tracePath = str(p, "trace");
  if (tracePath) {
    const { buildTrace, writeTraceFile } = await import("../../trace/index.ts");
    writeTraceFile(tracePath, buildTrace(simTrace(sim)));
  }
  const baselineSpec = str(p, "baseline");
  let baseline: SimResult | undefined;
  if (baselineSpec) {
    const { chipPrecision, formatChipPrecision, withPrecisionOf } = await import("../../mapping/index.ts");
    const own = await loadSpecFile(baselineSpec);
    const base = flag(p, "own-precision") ? own : withPrecisionOf(own, sim.chip);
    if (!flag(p, "json"))
      io.err(`precision: ${sim.chip.name}: ${formatChipPrecision(chipPrecision(sim.chip))}\nprecision: ${base.name} (baseline${flag(p, "own-precision") ? ", its own" : ", the chip's"}): ${formatChipPrecision(chipPrecision(base))}`);
    baseline = simulate({ ...common, chip: base, prefillChunk: undefined }).result;
  }
  if (out) {
    const index = await writeRunReport(out.dir, sim, baseline, out);
    if (!flag(p, "json")) io.err(`report written to ${index}`);
  }
  io.out(flag(p, "json") ? JSON.stringify(sim.result, null, 2) : formatSimResult(sim.result));
  if (!flag(p, "json")) {
    // multi-chip: each link's traffic; expert parallelism: each chip's expert work
    const total = sim.result.totalS;
    if (sim.links.length > 0) io.out(["chip-to-chip links (MB, J, busy share of the run):", ...sim.links.map((l) => `  ${l.name.padEnd(20)}${(l.bytes / 1e6).toFixed(3).padStart(12)} ${l.energyJ.toPrecision(3).padStart(10)} ${((l.busyS / total) * 100).toFixed(1).padStart(6)} %`)].join("\n"));
    if (sim.experts.length > 0) {
      const macs = sim.experts.reduce((a, e) => a + e.macs, 0);
      io.out(["expert parallelism (share of the expert MACs, expert-active share of the run):", ...sim.experts.map((e) => `  chip ${String(e.chip).padEnd(6)}${((e.macs / Math.max(macs, 1)) * 100).toFixed(1).padStart(7)} % ${((e.activeS / total) * 100).toFixed(1).padStart(7)} %`)].join("\n"));
    }
  }
  if (tracePath && !flag(p, "json")) io.err(`trace written to ${tracePath} (open it in ui.perfetto.dev)`);
  return 0;
}
