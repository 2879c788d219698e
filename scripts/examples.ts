// Regenerates the committed example reports under reports/examples/ (`npm run examples`):
//   sample/            the ILLUSTRATIVE inputs of scripts/report-sample.ts (not a simulation): every chart kind
//   bitnet-gpt2-350m/  REAL simulations: hybrid-bitnet vs digital-baseline on BitNet GPT-2 350M, a decode-step
//                      timeline, the Amdahl analysis over contexts 128..4096, decode throughput per context
//   node bin/run-ts.mjs scripts/examples.ts [--only sample,bitnet-gpt2-350m] [--out reports/examples] [--screenshot]
// test/report/examples.test.ts checks that the committed files are what this script writes.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { amdahl } from "../src/analysis/index.ts";
import type { ReportDoc } from "../src/report/doc.ts";
import {
  amdahlChart, amdahlTable, OP_CLASS_LABELS, reportFromSimResult, slicesFromSimRun, throughputCharts, timelineChart, writeReport,
  type ThroughputRow,
} from "../src/report/index.ts";
import { simulate } from "../src/sim/index.ts";
import { loadSpecFile } from "../src/spec/index.ts";
import { illustrativeReport } from "./report-sample.ts";

/** The sample report: hand-written numbers, no simulation (cheap). */
export const sampleExample = (): ReportDoc => illustrativeReport();

/** hybrid-bitnet vs digital-baseline on BitNet GPT-2 350M from real simulations (a few seconds). */
export async function bitnetExample(): Promise<ReportDoc> {
  const MODEL = "bitnet-gpt2-350m";
  const hybridChip = await loadSpecFile("hybrid-bitnet");
  const baselineChip = await loadSpecFile("digital-baseline");
  const hybridRun = simulate({ chip: hybridChip, model: MODEL, promptTokens: 512, genTokens: 16 });
  const baseline = simulate({ chip: baselineChip, model: MODEL, promptTokens: 512, genTokens: 16 }).result;
  const contexts = [128, 256, 512, 1024, 2048, 4096];
  const rows = amdahl({ chip: hybridChip, baseline: baselineChip, models: [MODEL], contexts }).rows;
  const tput: ThroughputRow[] = [];
  for (const context of contexts) {
    const h = simulate({ chip: hybridChip, model: MODEL, promptTokens: context, genTokens: 4 }).result;
    const b = simulate({ chip: baselineChip, model: MODEL, promptTokens: context, genTokens: 4 }).result;
    tput.push({ context, design: "hybrid-bitnet", tokensPerS: h.decodeTokensPerS, tokensPerJ: 1 / h.decodeEnergyPerTokenJ });
    tput.push({ context, design: "digital-baseline", tokensPerS: b.decodeTokensPerS, tokensPerJ: 1 / b.decodeEnergyPerTokenJ });
  }
  const slices = slicesFromSimRun(hybridRun, { step: 0 });
  const tp = throughputCharts(tput);
  return reportFromSimResult(hybridRun.result, {
    title: `${MODEL} on hybrid-bitnet vs digital-baseline`,
    spec: { hybrid: hybridChip, baseline: baselineChip },
    model: MODEL,
    baseline,
    label: "hybrid",
    baselineLabel: "baseline",
    extraSections: [
      {
        heading: "First decode step on the hybrid chip",
        text: "Slices of the first decode step after prefill, per unit (all crossbar banks on one track; overlapping tasks of a multi-unit resource in sub-lanes).",
        charts: [timelineChart({ title: "Hybrid chip: first decode step", slices, categoryLabels: OP_CLASS_LABELS })],
        tables: [],
      },
      {
        heading: "Amdahl analysis across context length",
        text:
          "Rows from src/analysis (amdahl): f is the digital baseline's projection share of the phase time, " +
          "s the projection speed-up of the hybrid chip (baseline projection time / hybrid projection time); Amdahl predicts S = 1/((1 − f) + f/s), bounded by 1/(1 − f).",
        charts: [
          amdahlChart(rows.filter((r) => r.phase === "prefill"), { title: "Prefill speed-up of hybrid-bitnet over the digital baseline" }),
          amdahlChart(rows.filter((r) => r.phase === "decode"), { title: "Decode speed-up of hybrid-bitnet over the digital baseline" }),
        ],
        tables: [amdahlTable(rows)],
      },
      {
        heading: "Decode throughput and efficiency across context length",
        text: "Steady-state decode throughput (batch / TPOT) and decode tokens per joule (prefill excluded).",
        charts: [tp.tokensPerS, tp.tokensPerJ],
        tables: [],
      },
    ],
  });
}

export const EXAMPLES: Readonly<Record<string, () => ReportDoc | Promise<ReportDoc>>> = {
  sample: sampleExample,
  "bitnet-gpt2-350m": bitnetExample,
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const outRoot = resolve(opt("out") ?? "reports/examples");
  const only = opt("only")?.split(",") ?? Object.keys(EXAMPLES);
  for (const name of only) {
    const make = EXAMPLES[name];
    if (!make) throw new Error(`unknown example "${name}" (known: ${Object.keys(EXAMPLES).join(", ")})`);
    const written = await writeReport(resolve(outRoot, name), await make());
    console.log(`wrote ${written.files.length} files to ${written.dir}`);
    if (args.includes("--screenshot")) {
      const { screenshotReport } = await import("./screenshot.ts");
      const check = await screenshotReport(`${written.dir}/index.html`, `${written.dir}.png`);
      console.log(`screenshot ${written.dir}.png; console errors: ${check.consoleErrors.length}; external requests: ${check.externalRequests.length}`);
    }
  }
}
