// `aimcsim amdahl --chip <hybrid> --baseline <digital> --model <m1,m2> --contexts 128,256,... [--batch B] [--json]`
import { amdahl, type AmdahlResult } from "../../analysis/index.ts";
import { MACS_ONLY, opShare, PIMLLM_FIG1B, type OpShareConvention } from "../../analysis/opshare.ts";
import { AimcsimError } from "../../errors.ts";
import { loadSpecFile } from "../../spec/index.ts";
import { flag, int, intList, num, parse, requireStr, str, type Parsed } from "../args.ts";
import { table } from "../format.ts";
import { amdahlTable, amdahlWhatIfTable } from "../../report/amdahl-report.ts";
import { tableToText } from "../../report/table.ts";
import type { Io } from "../io.ts";
import { outputDir, writeAmdahlReport } from "../reporting.ts";

export const DEFAULT_CONTEXTS = [128, 256, 512, 1024, 2048, 4096];
export const DEFAULT_AMDAHL_MODELS = ["bitnet-gpt2-350m", "bitnet-gpt2-774m", "bitnet-opt-1.3b"];

export function formatAmdahl(r: AmdahlResult): string {
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
const CONVENTIONS: Readonly<Record<string, OpShareConvention>> = { macs: MACS_ONLY, "pimllm-fig1b": PIMLLM_FIG1B };

function conventionOf(p: Parsed): OpShareConvention {
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
function opsOnly(p: Parsed, models: readonly string[], contexts: readonly number[], io: Io): number {
  const convention = conventionOf(p);
  const rows = models.flatMap((m) => contexts.map((c) => opShare(m, c, convention)));
  if (flag(p, "json")) {
    io.out(JSON.stringify({ convention, rows: rows.map(({ model, context, projectionOps, attentionOps, f }) => ({ model, context, projectionOps, attentionOps, f })) }, null, 2));
    return 0;
  }
  io.out(`aimcsim amdahl --ops-only: projection share of operations (${convention.phase}, ${convention.softmaxOpsPerScore} ops per softmax score, lm_head ${convention.lmHead ? "counted" : "left out"})`);
  io.out(table(["model", "context", "projection ops", "attention ops", "f", "ceiling 1/(1-f)"], rows.map((r) => [r.model, String(r.context), String(r.projectionOps), String(r.attentionOps), r.f.toFixed(4), (1 / (1 - r.f)).toPrecision(4)])));
  return 0;
}

export async function amdahlCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse(
    argv,
    {
      chip: { type: "string" },
      baseline: { type: "string" },
      model: { type: "string" },
      contexts: { type: "string" },
      batch: { type: "string" },
      json: { type: "boolean" },
      report: { type: "string" },
      force: { type: "boolean" },
      "ops-only": { type: "boolean" },
      convention: { type: "string" },
      phase: { type: "string" },
      "softmax-ops": { type: "string" },
      "lm-head": { type: "boolean" },
    },
    "amdahl",
  );
  const out = outputDir(p, "report");
  if (flag(p, "ops-only")) {
    const models = (str(p, "model") ?? DEFAULT_AMDAHL_MODELS.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
    return opsOnly(p, models, intList(p, "contexts", DEFAULT_CONTEXTS, "amdahl"), io);
  }
  const chip = await loadSpecFile(str(p, "chip") ?? "hybrid-bitnet");
  const baseline = await loadSpecFile(str(p, "baseline") ?? "digital-baseline");
  const models = (str(p, "model") ?? DEFAULT_AMDAHL_MODELS.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
  const contexts = intList(p, "contexts", DEFAULT_CONTEXTS, "amdahl");
  const result = amdahl({
    chip,
    baseline,
    models,
    contexts,
    batch: int(p, "batch", 1, "amdahl", 1),
    onPoint: flag(p, "json") ? undefined : (d, t) => io.err(`  simulated ${d}/${t} (model, context) points`),
  });
  if (out) {
    const index = await writeAmdahlReport(out.dir, result, chip, baseline, out);
    if (!flag(p, "json")) io.err(`report written to ${index}`);
  }
  io.out(flag(p, "json") ? JSON.stringify(result, null, 2) : formatAmdahl(result));
  return 0;
}
void requireStr;
