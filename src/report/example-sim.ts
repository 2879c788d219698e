// Writes reports/examples/bitnet-gpt2-350m/ from REAL simulations: the hybrid-bitnet seed chip against
// the digital baseline on BitNet GPT-2 350M, a decode-step timeline from the schedule, the Amdahl
// analysis of src/analysis over contexts 128..4096, and decode throughput/efficiency per context.
//   node bin/run-ts.mjs src/report/example-sim.ts [outDir] [--no-screenshot]
import { resolve } from "node:path";
import baselineChip from "../../hw-specs/digital-baseline.ts";
import hybridChip from "../../hw-specs/hybrid-bitnet.ts";
import { amdahl as amdahlAnalysis } from "../analysis/index.ts";
import { simulate } from "../sim/index.ts";
import { timelineChart } from "./charts/timeline.ts";
import { reportFromSimResult } from "./fromSim.ts";
import { slicesFromSimRun } from "./fromSimRun.ts";
import { amdahlChart, amdahlRowsFromAnalysis, amdahlTable, throughputCharts, type ThroughputRow } from "./inputs.ts";
import { OP_CLASS_LABELS } from "./labels.ts";
import { screenshotReport } from "./screenshot.ts";
import { writeReport } from "./write.ts";

const MODEL = "bitnet-gpt2-350m";
const PROMPT = 512;
const GEN = 16;
const args = process.argv.slice(2);
const out = resolve(args.find((a) => !a.startsWith("--")) ?? `reports/examples/${MODEL}`);

const hybridRun = simulate({ chip: hybridChip, model: MODEL, promptTokens: PROMPT, genTokens: GEN });
const baseline = simulate({ chip: baselineChip, model: MODEL, promptTokens: PROMPT, genTokens: GEN }).result;

// Context sweep: short generations at each prompt length, both chips.
const contexts = [128, 256, 512, 1024, 2048, 4096];
const amdahl = amdahlRowsFromAnalysis(amdahlAnalysis({ chip: hybridChip, baseline: baselineChip, models: [MODEL], contexts }).rows);
const tput: ThroughputRow[] = [];
for (const context of contexts) {
  const h = simulate({ chip: hybridChip, model: MODEL, promptTokens: context, genTokens: 4 }).result;
  const b = simulate({ chip: baselineChip, model: MODEL, promptTokens: context, genTokens: 4 }).result;
  tput.push({ context, design: "hybrid-bitnet", tokensPerS: h.decodeTokensPerS, tokensPerJ: 1 / h.decodeEnergyPerTokenJ });
  tput.push({ context, design: "digital-baseline", tokensPerS: b.decodeTokensPerS, tokensPerJ: 1 / b.decodeEnergyPerTokenJ });
  console.log(`context ${context}: done`);
}

const slices = slicesFromSimRun(hybridRun, { step: 0 });
const tp = throughputCharts(tput);
const doc = reportFromSimResult(hybridRun.result, {
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
        amdahlChart(amdahl.filter((r) => r.phase === "prefill"), { title: "Prefill speed-up of hybrid-bitnet over the digital baseline" }),
        amdahlChart(amdahl.filter((r) => r.phase === "decode"), { title: "Decode speed-up of hybrid-bitnet over the digital baseline" }),
      ],
      tables: [amdahlTable(amdahl)],
    },
    {
      heading: "Decode throughput and efficiency across context length",
      text: "Steady-state decode throughput (batch / TPOT) and decode tokens per joule (prefill excluded).",
      charts: [tp.tokensPerS, tp.tokensPerJ],
      tables: [],
    },
  ],
});
const written = await writeReport(out, doc);
console.log(`wrote ${written.files.length} files to ${written.dir}`);
if (!args.includes("--no-screenshot")) {
  const png = `${out}.png`;
  const check = await screenshotReport(`${out}/index.html`, png);
  console.log(`screenshot ${png}; console errors: ${check.consoleErrors.length}; external requests: ${check.externalRequests.length}`);
}
