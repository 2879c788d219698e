// The `aimcsim` command. Every command is a thin shell over a typed library function exported from
// src/index.ts; errors are AimcsimErrors printed as one clear message (exit 1; usage errors exit 2).
import { AimcsimError, isAimcsimError } from "../errors.ts";
import { processIo, type Io } from "./io.ts";
import { describeCommand, schemaCommand, validateCommand } from "./commands/spec.ts";
import { runCommand } from "./commands/run.ts";
import { amdahlCommand } from "./commands/amdahl.ts";
import { evalCommand } from "./commands/eval.ts";
import { startCommand } from "./commands/start.ts";
import { sweepCommand, workerCommand } from "./commands/sweep.ts";
import { reportCommand } from "./commands/report.ts";

type Command = (argv: readonly string[], io: Io) => Promise<number>;

interface CommandEntry {
  readonly run: Command;
  readonly usage: string;
  readonly summary: string;
}

const commands: Record<string, CommandEntry> = {
  start: { run: startCommand, usage: "start [--out reports/default] [--force]", summary: "the main job on the defaults: describe, run vs baseline, Amdahl, accuracy, trace, report" },
  validate: { run: validateCommand, usage: "validate <spec...> [--json]", summary: "check chip specs; errors name the field path and the rule" },
  describe: { run: describeCommand, usage: "describe <spec> [--json]", summary: "per-component energy, latency, area; peak TOPS and TOPS/W" },
  schema: { run: schemaCommand, usage: "schema", summary: "print the JSON Schema of a chip spec (for editors)" },
  run: {
    run: runCommand,
    usage: "run --chip <spec> --model <preset|folder> [--prompt 512] [--gen 128] [--batch 1] [--chips N|auto] [--json] [--trace f.json] [--report dir [--force]] [--baseline <spec>] [--activity eval.json] [--kv-prefetch]",
    summary: "simulate prefill + decode: latency, energy, area, breakdowns, trace",
  },
  amdahl: {
    run: amdahlCommand,
    usage:
      "amdahl [--chip <hybrid>] [--baseline <digital>] [--model m1,m2] [--contexts 128,...,4096] [--batch B] [--json] [--report dir [--force]]\n" +
      "       amdahl --ops-only [--model m1,m2] [--contexts ...] [--convention macs|pimllm-fig1b] [--phase prefill|decode] [--softmax-ops N] [--lm-head] [--json]",
    summary: "Amdahl analysis: projection share f, measured speed-up s, prediction and ceiling vs context",
  },
  eval: {
    run: evalCommand,
    usage: "eval [--chip <spec>] [--model <folder>] [--tokens 2048] [--seeds 3] [--t-inf 3600] [--no-compensation] [--json] [--report dir [--force]]",
    summary: "accuracy under analog noise: perplexity, top-1 agreement, KL vs noise-free; W4A8 baseline",
  },
  sweep: {
    run: sweepCommand,
    usage: "sweep <sweeps/name.ts> [--workers N] [--queue redis://127.0.0.1:6379] [--store dir] [--report dir [--force]] [--json]",
    summary: "design-space sweep: grid/random/evolutionary over spec axes; resumable store; Pareto front",
  },
  worker: { run: workerCommand, usage: "worker --queue redis://127.0.0.1:6379 [--concurrency N]", summary: "a distributed sweep worker (BullMQ on Redis)" },
  report: { run: reportCommand, usage: "report <results.json|store dir> [--out dir] [--force]", summary: "HTML report (charts, Markdown/LaTeX/CSV tables) from saved results" },
};

function help(): string {
  const lines = ["aimcsim — simulator for hybrid analog/digital LLM inference chips", "", "usage: aimcsim <command> [options]", ""];
  const width = Math.max(...Object.values(commands).map((c) => c.usage.length));
  for (const c of Object.values(commands)) lines.push(`  ${c.usage.padEnd(width)}  ${c.summary}`);
  lines.push("", "A <spec> is a file (.ts or .json) or a preset name in hw-specs/ (hybrid-bitnet, digital-baseline, hermes, afm-pcm).");
  return lines.join("\n");
}

export async function runCli(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  const entry = commands[name];
  if (!entry) {
    io.err(`aimcsim: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(`usage: aimcsim ${entry.usage}\n${entry.summary}`);
    return 0;
  }
  try {
    return await entry.run(rest, io);
  } catch (e) {
    if (isAimcsimError(e)) {
      io.err(`aimcsim ${name}: ${e.message}`);
      return e._tag === "UsageError" ? 2 : 1;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`aimcsim ${name}: internal error: ${msg}\n(this is a bug in aimcsim; set AIMCSIM_DEBUG=1 for the stack trace)`);
    if (process.env.AIMCSIM_DEBUG) io.err(String((e as Error)?.stack ?? e));
    return 70;
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  const code = await runCli(argv);
  process.exitCode = code;
}

export { AimcsimError };
