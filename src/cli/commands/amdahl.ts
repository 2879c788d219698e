// `aimcsim amdahl --chip <hybrid> --baseline <digital> --model <m1,m2> --contexts 128,256,... [--batch B] [--json]`
import { amdahl, type AmdahlResult } from "../../analysis/index.ts";
import { loadSpecFile } from "../../spec/index.ts";
import { flag, int, intList, parse, requireStr, str } from "../args.ts";
import { table } from "../format.ts";
import type { Io } from "../io.ts";

export const DEFAULT_CONTEXTS = [128, 256, 512, 1024, 2048, 4096];
export const DEFAULT_AMDAHL_MODELS = ["bitnet-gpt2-350m", "bitnet-gpt2-774m", "bitnet-opt-1.3b"];

export function formatAmdahl(r: AmdahlResult): string {
  const out: string[] = [`aimcsim amdahl: ${r.chip} vs ${r.baseline} (batch ${r.batch})`];
  for (const phase of ["prefill", "decode"] as const) {
    out.push("", `${phase}: time (f = projection share of baseline time, s = measured projection speed-up)`);
    out.push(
      table(
        ["model", "context", "f", "ops f", "s", "speed-up", "Amdahl", "ceiling", ...r.sweepS.map((s) => `s=${s}`), "energy gain", "E ceiling"],
        r.rows
          .filter((x) => x.phase === phase)
          .map((x) => [
            x.model,
            String(x.context),
            x.f.toFixed(3),
            x.fOps.toFixed(3),
            x.s.toPrecision(3),
            x.speedup.toPrecision(3),
            x.amdahl.toPrecision(3),
            x.ceiling.toPrecision(3),
            ...x.whatIf.map((v) => v.toPrecision(3)),
            x.energyGain.toPrecision(3),
            x.ceilingEnergy.toPrecision(3),
          ]),
      ),
    );
  }
  out.push("", "assumptions:", ...r.assumptions.map((a) => `  - ${a}`));
  return out.join("\n");
}

export async function amdahlCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse(
    argv,
    { chip: { type: "string" }, baseline: { type: "string" }, model: { type: "string" }, contexts: { type: "string" }, batch: { type: "string" }, json: { type: "boolean" }, report: { type: "string" } },
    "amdahl",
  );
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
  const reportDir = str(p, "report");
  if (reportDir) {
    const { writeAmdahlReport } = await import("../reporting.ts");
    await writeAmdahlReport(reportDir, result, chip, baseline);
    if (!flag(p, "json")) io.err(`report written to ${reportDir}/index.html`);
  }
  io.out(flag(p, "json") ? JSON.stringify(result, null, 2) : formatAmdahl(result));
  return 0;
}
void requireStr;
