// `aimcsim run --chip <spec> --model <preset|folder> --prompt 512 --gen 128 [--batch 1] [--json] [--trace f]`
import { AimcsimError } from "../../errors.ts";
import { readFile } from "node:fs/promises";
import type { AnalogStats } from "../../numerics/analog/stats.ts";
import { activityFromStats, simulate, simTrace, type SimResult } from "../../sim/index.ts";
import { loadSpecFile } from "../../spec/index.ts";
import { buildTrace, writeTraceFile } from "../../trace/index.ts";
import { flag, int, parse, requireStr, str } from "../args.ts";
import { formatSimResult } from "../format.ts";
import type { Io } from "../io.ts";
import { outputDir, writeRunReport } from "../reporting.ts";

export const runOptions = {
  chip: { type: "string" },
  model: { type: "string" },
  prompt: { type: "string" },
  gen: { type: "string" },
  batch: { type: "string" },
  chips: { type: "string" },
  "prefill-chunk": { type: "string" },
  json: { type: "boolean" },
  trace: { type: "string" },
  report: { type: "string" },
  baseline: { type: "string" },
  activity: { type: "string" },
  "kv-prefetch": { type: "boolean" },
  force: { type: "boolean" },
} as const;

export function parseChips(v: string | undefined): number | "auto" {
  if (v === undefined) return 1;
  if (v === "auto") return "auto";
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new AimcsimError("UsageError", "--chips", `expected a positive whole number or "auto", got "${v}"`);
  return Number(v);
}

/** The activity factors measured by `aimcsim eval --json` (its `stats`), for data-dependent energy. */
async function readActivity(file: string) {
  let data: { stats?: AnalogStats };
  try {
    data = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new AimcsimError("IoError", file, `cannot read the eval result: ${(e as Error).message}`);
  }
  if (!data || typeof data !== "object" || !data.stats || !Array.isArray(data.stats.layers))
    throw new AimcsimError("UsageError", file, "expected the JSON printed by `aimcsim eval --json` (with its `stats`)");
  return activityFromStats(data.stats);
}

export async function runCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse(argv, runOptions, "run");
  const out = outputDir(p, "report");
  const chip = await loadSpecFile(requireStr(p, "chip", "run"));
  const model = requireStr(p, "model", "run");
  const chunk = str(p, "prefill-chunk");
  const common = {
    model,
    promptTokens: int(p, "prompt", 512, "run", 1),
    genTokens: int(p, "gen", 128, "run", 1),
    batch: int(p, "batch", 1, "run", 1),
    chips: parseChips(str(p, "chips")),
    kvPrefetch: flag(p, "kv-prefetch"),
  };
  const activityFile = str(p, "activity");
  const activity = activityFile ? await readActivity(activityFile) : undefined;
  const sim = simulate({
    ...common,
    chip,
    ...(activity ? { activity } : {}),
    ...(chunk !== undefined ? { prefillChunk: int(p, "prefill-chunk", 64, "run", 1) } : {}),
    record: str(p, "trace") !== undefined,
  });
  const tracePath = str(p, "trace");
  if (tracePath) writeTraceFile(tracePath, buildTrace(simTrace(sim)));
  const baselineSpec = str(p, "baseline");
  let baseline: SimResult | undefined;
  if (baselineSpec) {
    baseline = simulate({ ...common, chip: await loadSpecFile(baselineSpec), prefillChunk: undefined }).result;
  }
  if (out) {
    const index = await writeRunReport(out.dir, sim, baseline, out);
    if (!flag(p, "json")) io.err(`report written to ${index}`);
  }
  io.out(flag(p, "json") ? JSON.stringify(sim.result, null, 2) : formatSimResult(sim.result));
  if (tracePath && !flag(p, "json")) io.err(`trace written to ${tracePath} (open it in ui.perfetto.dev)`);
  return 0;
}
