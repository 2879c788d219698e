// `npm start` = `aimcsim start`: the main job on the built-in default. Describe the default hybrid chip,
// simulate the default model on it and on the digital baseline, run the Amdahl analysis over context
// lengths, evaluate accuracy under analog noise on the bundled trained model, write a trace and one HTML
// report, and print where they are.
import { join } from "node:path";
import type { ReportDoc } from "../../report/index.ts";
import { parse } from "../args.ts";
import { defineCommand } from "../command.ts";
import type { Io } from "../io.ts";
import { ProgressBar, progressSink } from "../progress.ts";

export const DEFAULTS = {
  chip: "hybrid-bitnet",
  baseline: "digital-baseline",
  model: "bitnet-gpt2-350m",
  promptTokens: 512,
  genTokens: 128,
  amdahlModels: ["bitnet-gpt2-350m", "bitnet-gpt2-774m", "bitnet-opt-1.3b"],
  contexts: [128, 256, 512, 1024, 2048, 4096],
  // The bundled model (3.5 M weights) fits one HERMES-like chip (52 of its 64 cores): PCM noise, dynamic ranges.
  evalChip: "hermes",
} as const;

export const start = defineCommand({
  name: "start",
  summary: "the main job on the defaults: describe, run vs baseline, Amdahl, accuracy, trace, report",
  options: {
    out: { type: "string", arg: "dir", default: "reports/default", help: "where the HTML report is written (the trace goes to traces/default.json)" },
    force: { type: "boolean", help: "replace an output folder that aimcsim did not write (default: refuse)" },
  },
  run: startCommand,
});

export async function startCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse(argv, start.options, "start");
  const { outputDir } = await import("../reporting.ts");
  const out = outputDir(p, "out", "reports/default")!;
  const { amdahl } = await import("../../analysis/index.ts");
  const { describeChip, formatDescription } = await import("../../components/index.ts");
  const { amdahlReport } = await import("../../report/amdahl-report.ts");
  const { runReport } = await import("../../report/run-report.ts");
  const { writeReport } = await import("../../report/index.ts");
  const { simulate, simTrace } = await import("../../sim/index.ts");
  const { loadSpecFile } = await import("../../spec/index.ts");
  const { buildTrace, writeTraceFile } = await import("../../trace/index.ts");
  const { formatSimResult } = await import("../format.ts");
  const { formatAmdahl } = await import("./amdahl.ts");
  const { evalSection } = await import("./eval.ts");
  const chip = await loadSpecFile(DEFAULTS.chip);
  const baselineChip = await loadSpecFile(DEFAULTS.baseline);

  io.out(formatDescription(describeChip(chip)));
  io.out("");
  const workload = { model: DEFAULTS.model, promptTokens: DEFAULTS.promptTokens, genTokens: DEFAULTS.genTokens };
  const sim = simulate({ ...workload, chip, record: true });
  const base = simulate({ ...workload, chip: baselineChip }).result;
  io.out(formatSimResult(sim.result));
  const tracePath = join("traces", "default.json");
  writeTraceFile(tracePath, buildTrace(simTrace(sim)));
  io.out("");
  io.out(
    `vs ${base.chip}: decode ${(sim.result.decodeTokensPerS / base.decodeTokensPerS).toFixed(2)}x tokens/s, ` +
      `${(base.decodeEnergyPerTokenJ / sim.result.decodeEnergyPerTokenJ).toFixed(2)}x tokens/J; TTFT ${(base.ttftS / sim.result.ttftS).toFixed(2)}x`,
  );

  io.err("Amdahl analysis over context lengths ...");
  const bar = new ProgressBar("amdahl: simulated (model, context) points", DEFAULTS.amdahlModels.length * DEFAULTS.contexts.length, progressSink(io));
  const am = amdahl({ chip, baseline: baselineChip, models: [...DEFAULTS.amdahlModels], contexts: [...DEFAULTS.contexts], onPoint: (d, t) => bar.update(d, t) });
  bar.end();
  io.out("");
  io.out(await formatAmdahl(am));

  io.err("Accuracy under analog noise on the bundled model ...");
  const evalPart = await evalSection(DEFAULTS.evalChip, io);

  const runDoc = runReport(sim, { baseline: base });
  const amDoc = amdahlReport(am, { chip, baseline: baselineChip });
  const doc: ReportDoc = {
    ...runDoc,
    title: `aimcsim: ${sim.result.model} on ${sim.result.chip}`,
    subtitle: `prompt ${workload.promptTokens}, generate ${workload.genTokens}; baseline ${base.chip}; Amdahl analysis; accuracy on the bundled model (${DEFAULTS.evalChip})`,
    sections: [...runDoc.sections, ...amDoc.sections, ...(evalPart ? evalPart.sections : [])],
    assumptions: [...runDoc.assumptions, ...amDoc.assumptions, ...(evalPart ? evalPart.assumptions : [])],
    data: { run: sim.result, baseline: base, amdahl: am, ...(evalPart ? { eval: evalPart.data } : {}) },
  };
  const written = await writeReport(out.dir, doc, out);
  io.out("");
  io.out(`trace:  ${tracePath} (open in ui.perfetto.dev)`);
  io.out(`report: ${join(written.dir, "index.html")}`);
  return 0;
}
