// `aimcsim amdahl --chip <hybrid> --baseline <digital> --model <m1,m2> --contexts 128,256,... [--batch B] [--json]`
import type { AmdahlResult } from "../../analysis/index.ts";
import type { OpShareConvention } from "../../analysis/opshare.ts";
import { AimcsimError } from "../../errors.ts";
import { flag, int, intList, num, parse, str, type Parsed } from "../args.ts";
import { defineCommand } from "../command.ts";
import { table } from "../format.ts";
import type { Io } from "../io.ts";
import { ProgressBar, progressSink } from "../progress.ts";

export const DEFAULT_CONTEXTS = [128, 256, 512, 1024, 2048, 4096];
export const DEFAULT_AMDAHL_MODELS = ["bitnet-gpt2-350m", "bitnet-gpt2-774m", "bitnet-opt-1.3b"];

export async function formatAmdahl(r: AmdahlResult): Promise<string> {
  const { amdahlTable, amdahlWhatIfTable } = await import("../../report/amdahl-report.ts");
  const { tableToText } = await import("../../report/table.ts");
  const out: string[] = [`aimcsim amdahl: ${r.chip} vs ${r.baseline} (batch ${r.batch})`];
  for (const phase of ["prefill", "decode"] as const) {
    out.push("", `${phase}: f = projection share of the baseline's time (ops: of its MACs), s = measured projection speed-up`);
    out.push(tableToText(amdahlTable(r.rows, { phase })));
  }
  out.push("", "decode, what if the projections were s times faster (Amdahl's prediction from the measured f):");
  out.push(tableToText(amdahlWhatIfTable(r)));
  if (r.skipped.length > 0) out.push("", "not simulated:", ...r.skipped.map((x) => `  - ${x.model} at context ${x.context}: ${x.reason}`));
  out.push("", "assumptions:", ...r.assumptions.map((a) => `  - ${a}`));
  return out.join("\n");
}

/** Named op-counting conventions of `--ops-only` (src/analysis/opshare.ts). */
async function conventionOf(p: Parsed): Promise<OpShareConvention> {
  const { MACS_ONLY, PIMLLM_FIG1B } = await import("../../analysis/opshare.ts");
  const CONVENTIONS: Readonly<Record<string, OpShareConvention>> = { macs: MACS_ONLY, "pimllm-fig1b": PIMLLM_FIG1B };
  const name = str(p, "convention") ?? "macs";
  const base = CONVENTIONS[name];
  if (!base) throw new AimcsimError("UsageError", "amdahl --convention", `must be one of ${Object.keys(CONVENTIONS).join(", ")}, got "${name}"`);
  const phase = str(p, "phase") ?? base.phase;
  if (phase !== "prefill" && phase !== "decode") throw new AimcsimError("UsageError", "amdahl --phase", `must be prefill or decode, got "${phase}"`);
  return {
    phase,
    softmaxOpsPerScore: num(p, "softmax-ops", base.softmaxOpsPerScore, "amdahl", 0),
    lmHead: flag(p, "lm-head") || base.lmHead,
  };
}

/** `amdahl --ops-only`: f counted from the op graph, no simulation (milliseconds). */
async function opsOnly(p: Parsed, models: readonly string[], contexts: readonly number[], io: Io): Promise<number> {
  const convention = await conventionOf(p);
  const { opShare } = await import("../../analysis/opshare.ts");
  const rows = models.flatMap((m) => contexts.map((c) => opShare(m, c, convention)));
  if (flag(p, "json")) {
    io.out(JSON.stringify({ convention, rows: rows.map(({ model, context, projectionOps, attentionOps, f }) => ({ model, context, projectionOps, attentionOps, f })) }, null, 2));
    return 0;
  }
  io.out(`aimcsim amdahl --ops-only: projection share of operations (${convention.phase}, ${convention.softmaxOpsPerScore} ops per softmax score, lm_head ${convention.lmHead ? "counted" : "left out"})`);
  io.out(table(["model", "context", "projection ops", "attention ops", "f", "ceiling 1/(1-f)"], rows.map((r) => [r.model, String(r.context), String(r.projectionOps), String(r.attentionOps), r.f.toFixed(4), (1 / (1 - r.f)).toPrecision(4)])));
  return 0;
}

export const amdahl = defineCommand({
  name: "amdahl",
  summary: "Amdahl analysis: projection share f, measured speed-up s, prediction and ceiling vs context",
  options: {
    chip: { type: "string", arg: "spec", default: "hybrid-bitnet", help: "the hybrid chip" },
    baseline: { type: "string", arg: "spec", default: "digital-baseline", help: "the all-digital chip it is compared with" },
    model: { type: "string", arg: "m1,m2,...", default: DEFAULT_AMDAHL_MODELS.join(","), help: "model shape presets" },
    contexts: { type: "string", arg: "n1,n2,...", default: DEFAULT_CONTEXTS.join(","), help: "context lengths (tokens)" },
    batch: { type: "string", arg: "N", default: "1", help: "sequences decoded together" },
    json: { type: "boolean", help: "print the result as JSON" },
    report: { type: "string", arg: "dir", help: "write an HTML report to this folder" },
    force: { type: "boolean", help: "replace an output folder that aimcsim did not write (default: refuse)" },
    "own-precision": { type: "boolean", help: "keep each chip's own KV-cache/attention/lm_head formats (default: the baseline takes the chip's; both are printed)" },
    "ops-only": { type: "boolean", help: "count f from the op graph only, no simulation (milliseconds)" },
    convention: { type: "string", arg: "macs|pimllm-fig1b", default: "macs", help: "--ops-only: the op-counting convention" },
    phase: { type: "string", arg: "prefill|decode", default: "the convention's (decode)", help: "--ops-only: the phase counted" },
    "softmax-ops": { type: "string", arg: "N", default: "the convention's (macs: 0, pimllm-fig1b: 57)", help: "--ops-only: ops per softmax score" },
    "lm-head": { type: "boolean", help: "--ops-only: count the lm_head as a projection (default: the convention's, off)" },
  },
  async run(argv, io) {
    const p = parse(argv, this.options, "amdahl");
    const { outputDir, writeAmdahlReport } = await import("../reporting.ts");
    const out = outputDir(p, "report");
    const models = (str(p, "model") ?? DEFAULT_AMDAHL_MODELS.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
    const contexts = intList(p, "contexts", DEFAULT_CONTEXTS, "amdahl");
    if (flag(p, "ops-only")) return opsOnly(p, models, contexts, io);
    const batch = int(p, "batch", 1, "amdahl", 1);
    const { loadSpecFile } = await import("../../spec/index.ts");
    const { amdahl: analyse } = await import("../../analysis/index.ts");
    const chip = await loadSpecFile(str(p, "chip") ?? "hybrid-bitnet");
    const baseline = await loadSpecFile(str(p, "baseline") ?? "digital-baseline");
    const bar = new ProgressBar("amdahl: simulated (model, context) points", models.length * contexts.length, progressSink(io));
    const result = analyse({ chip, baseline, models, contexts, batch, samePrecision: !flag(p, "own-precision"), onPoint: (d, t) => bar.update(d, t) });
    bar.end();
    if (out) {
      const index = await writeAmdahlReport(out.dir, result, chip, baseline, out);
      if (!flag(p, "json")) io.err(`report written to ${index}`);
    }
    io.out(flag(p, "json") ? JSON.stringify(result, null, 2) : await formatAmdahl(result));
    return 0;
  },
});
