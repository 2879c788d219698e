// The `aimcsim` command. Every command is a thin shell over a typed library function exported from
// src/index.ts; errors are AimcsimErrors printed as one clear message (exit 1; usage errors exit 2).
// Commands are loaded on demand (one line each below), so `aimcsim --help` and each command start fast.
import { AimcsimError, isAimcsimError } from "../errors.ts";
import { didYouMean } from "../util/suggest.ts";
import { packageVersion } from "../util/package.ts";
import { commandHelp, usageLine, type CommandSpec } from "./command.ts";
import { processIo, type Io } from "./io.ts";

type CommandLoader = () => Promise<CommandSpec>;

const commands: Record<string, CommandLoader> = {
  start: () => import("./commands/start.ts").then((m) => m.start),
  validate: () => import("./commands/spec.ts").then((m) => m.validate),
  describe: () => import("./commands/spec.ts").then((m) => m.describe),
  schema: () => import("./commands/spec.ts").then((m) => m.schema),
  run: () => import("./commands/run.ts").then((m) => m.run),
  amdahl: () => import("./commands/amdahl.ts").then((m) => m.amdahl),
  eval: () => import("./commands/eval.ts").then((m) => m.evalCmd),
  sweep: () => import("./commands/sweep.ts").then((m) => m.sweep),
  worker: () => import("./commands/sweep.ts").then((m) => m.worker),
  report: () => import("./commands/report.ts").then((m) => m.report),
  generate: () => import("./commands/generate.ts").then((m) => m.generate),
  lifetime: () => import("./commands/lifetime.ts").then((m) => m.lifetimeCmd),
  serve: () => import("./commands/serve.ts").then((m) => m.serve),
};

async function help(): Promise<string> {
  const specs = await Promise.all(Object.values(commands).map((load) => load()));
  const lines = ["aimcsim — simulator for hybrid analog/digital LLM inference chips", "", "usage: aimcsim <command> [options]", "", "commands:"];
  const rows = specs.map((c) => [usageLine(c), c.summary] as const);
  const width = Math.max(...rows.map(([u]) => u.length));
  for (const [u, s] of rows) lines.push(`  ${u.padEnd(width)}  ${s}`);
  lines.push(
    "",
    "`aimcsim <command> --help` lists a command's options and their defaults; `aimcsim --version` prints the version.",
    "A <spec> is a file (.ts or .json) or a preset name in hw-specs/ (hybrid-bitnet, digital-baseline, hermes, afm-pcm).",
  );
  return lines.join("\n");
}

export async function runCli(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(await help());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    io.out(`aimcsim ${packageVersion()}`);
    return 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    io.err(`aimcsim: unknown command "${name}"${didYouMean(name, Object.keys(commands))}\n\n${await help()}`);
    return 2;
  }
  const entry = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(commandHelp(entry));
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
