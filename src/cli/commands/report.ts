// `aimcsim report <results.json | sweep store dir> --out <dir>`: an HTML report from saved results of
// `run --json`, `amdahl --json`, `eval --json`, or a sweep's store.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { AimcsimError } from "../../errors.ts";
import type { ReportDoc } from "../../report/index.ts";
import { parse } from "../args.ts";
import { defineCommand } from "../command.ts";

async function docFor(input: string): Promise<ReportDoc> {
  const { paretoFront, readResults } = await import("../../dse/index.ts");
  const { amdahlReport } = await import("../../report/amdahl-report.ts");
  const { evalTable } = await import("../../report/eval-report.ts");
  const { sweepReport } = await import("../../report/sweep-report.ts");
  const { reportFromSimResult } = await import("../../report/index.ts");
  let isDir = false;
  try {
    isDir = (await stat(input)).isDirectory();
  } catch {
    throw new AimcsimError("IoError", input, "no such file or folder");
  }
  if (isDir) {
    const { records } = readResults(join(input, "results.jsonl"));
    if (records.length === 0) throw new AimcsimError("IoError", join(input, "results.jsonl"), "no sweep results in this store");
    const ok = records.filter((r) => r.status === "ok");
    const objectives = [
      { key: "tokensPerS", goal: "max" as const },
      { key: "tokensPerJ", goal: "max" as const },
      { key: "areaMm2", goal: "min" as const },
    ];
    const front = paretoFront(ok, objectives, []);
    return sweepReport(records[0]!.sweep, records, front);
  }
  let data: any;
  try {
    data = JSON.parse(await readFile(input, "utf8"));
  } catch (e) {
    throw new AimcsimError("IoError", input, `not valid JSON: ${(e as Error).message}`);
  }
  const { checkAmdahlResult, checkEvalResult, checkSimResult } = await import("../results-shape.ts");
  if (data && typeof data.ttftS === "number") {
    checkSimResult(input, data);
    return reportFromSimResult(data);
  }
  if (data && typeof data === "object" && Array.isArray(data.rows) && data.rows.some((r: unknown) => r !== null && typeof r === "object" && "ceiling" in r)) {
    checkAmdahlResult(input, data);
    return amdahlReport(data, { chip: data.chip, baseline: data.baseline });
  }
  if (data && typeof data === "object" && data.analog && typeof data.analog === "object" && "perplexity" in data.analog) {
    checkEvalResult(input, data);
    return { title: `Accuracy: ${data.model} on ${data.chip}`, summary: evalTable([{ label: data.analog.label, r: data }]), sections: [], spec: data.chip, model: data.model, assumptions: data.notes ?? [], data };
  }
  throw new AimcsimError("UsageError", input, "not a result aimcsim knows (expected the JSON of run, amdahl or eval, or a sweep store folder)");
}

export const report = defineCommand({
  name: "report",
  args: "<results.json|store dir>",
  summary: "HTML report (charts, Markdown/LaTeX/CSV tables) from saved results",
  options: {
    out: { type: "string", arg: "dir", default: "reports/report", help: "the report folder" },
    force: { type: "boolean", help: "replace an output folder that aimcsim did not write (default: refuse)" },
  },
  async run(argv, io) {
    const p = parse(argv, this.options, "report");
    const { outputDir } = await import("../reporting.ts");
    const out = outputDir(p, "out", "reports/report")!;
    if (p.positionals.length !== 1) throw new AimcsimError("UsageError", "report", "give one results file or sweep store folder");
    const doc = await docFor(p.positionals[0]!);
    const { writeReport } = await import("../../report/index.ts");
    const w = await writeReport(out.dir, doc, out);
    io.out(`report written to ${join(w.dir, "index.html")}`);
    return 0;
  },
});
