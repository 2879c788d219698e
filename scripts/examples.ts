// Regenerates the committed example reports under reports/examples/ (`npm run examples`):
//   sample/            the ILLUSTRATIVE inputs of scripts/report-sample.ts (not a simulation): every chart kind
//   bitnet-gpt2-350m/  REAL simulations: hybrid-bitnet vs digital-baseline on BitNet GPT-2 350M, a decode-step
//                      timeline, the Amdahl analysis over contexts 128..4096, decode throughput per context
//   default/           what `npm start` writes (hybrid-bitnet vs digital-baseline, the Amdahl analysis of three
//                      models, accuracy on the bundled model): minutes, most of it the accuracy evaluation
//   sweep-hybrid-500/  the report of the 500-point sweep sweeps/hybrid-500.ts, simulated afresh in a temporary
//                      store (about a minute with 2 workers on an idle machine)
//   npm run examples [-- --only sample,bitnet-gpt2-350m] [--out reports/examples] [--screenshot]
// test/report/examples.test.ts checks that the committed files are current, fast: sample (no simulation) is
// regenerated in the test and compared file by file; for the three that simulate (bitnet-gpt2-350m takes
// ~10 s of CPU, default minutes, sweep-hybrid-500 500 simulations) every table file is compared with the table
// re-rendered from the committed report.json (the table code is current) and the folder's file list with the
// one report.json lists; the simulated numbers behind them are covered by test/golden.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { amdahl } from "../src/analysis/index.ts";
import type { ReportDoc } from "../src/report/doc.ts";
import {
  amdahlChart, amdahlTable, OP_CLASS_LABELS, reportFromSimResult, slicesFromSimRun, throughputCharts, timelineChart, writeReport,
  type ThroughputRow,
} from "../src/report/index.ts";
import { simulate } from "../src/sim/index.ts";
import { loadSpecFile } from "../src/spec/index.ts";
import { processIo, type Io } from "../src/cli/io.ts";
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

/** The cheap example (no simulation): regenerated in the test. */
export const EXAMPLES: Readonly<Record<string, () => ReportDoc | Promise<ReportDoc>>> = {
  sample: sampleExample,
};

/** The examples that simulate (seconds to minutes); default and sweep-hybrid-500 are written by the CLI
 *  commands themselves, so they are exactly what a user gets. */
export const SLOW_EXAMPLES: Readonly<Record<string, (dir: string) => Promise<void>>> = {
  "bitnet-gpt2-350m": async (dir) => {
    console.log(`wrote ${(await writeReport(dir, await bitnetExample(), { force: true })).files.length} files to ${dir}`);
  },
  default: async (dir) => {
    const { startCommand } = await import("../src/cli/commands/start.ts");
    await run(startCommand, ["--out", dir, "--force"]);
  },
  "sweep-hybrid-500": async (dir) => {
    // A fresh store every time: a store's point keys do not change with aimcsim's models, so reusing one would
    // report numbers from older code.
    const { sweep } = await import("../src/cli/commands/sweep.ts");
    const store = mkdtempSync(join(tmpdir(), "aimcsim-examples-sweep-"));
    try {
      await run((argv, io) => sweep.run(argv, io), ["sweeps/hybrid-500.ts", "--workers", "2", "--store", store, "--report", dir, "--force"]);
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  },
};

async function run(command: (argv: readonly string[], io: Io) => Promise<number>, argv: readonly string[]): Promise<void> {
  const rc = await command(argv, processIo);
  if (rc !== 0) throw new Error(`${argv.join(" ")}: exit code ${rc}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const outRoot = resolve(opt("out") ?? "reports/examples");
  const only = opt("only")?.split(",") ?? [...Object.keys(EXAMPLES), ...Object.keys(SLOW_EXAMPLES)];
  for (const name of only) {
    const make = EXAMPLES[name];
    const slow = SLOW_EXAMPLES[name];
    if (!make && !slow) throw new Error(`unknown example "${name}" (known: ${[...Object.keys(EXAMPLES), ...Object.keys(SLOW_EXAMPLES)].join(", ")})`);
    const dir = resolve(outRoot, name);
    if (slow) await slow(dir);
    else console.log(`wrote ${(await writeReport(dir, await make!(), { force: true })).files.length} files to ${dir}`);
    const written = { dir };
    if (args.includes("--screenshot")) {
      const { screenshotReport } = await import("./screenshot.ts");
      const check = await screenshotReport(`${written.dir}/index.html`, `${written.dir}.png`);
      console.log(`screenshot ${written.dir}.png; console errors: ${check.consoleErrors.length}; external requests: ${check.externalRequests.length}`);
    }
  }
}
