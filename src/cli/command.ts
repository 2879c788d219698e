// A CLI command: its options (with help and defaults, for `aimcsim <command> --help`) and its handler.
// A command module imports only this, args.ts and types at the top; the library parts it needs are imported
// inside `run`, so `aimcsim --help` and every command start without loading the rest of aimcsim.
import type { Io } from "./io.ts";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  /** The value's placeholder in usage and help ("N", "spec", "dir"). */
  readonly arg?: string;
  /** The default as shown in help (the handler applies it). */
  readonly default?: string;
  readonly required?: boolean;
  readonly help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface CommandSpec {
  readonly name: string;
  /** Positional arguments in the usage line, e.g. "<spec...>". */
  readonly args?: string;
  readonly summary: string;
  readonly options: OptionSpecs;
  /** Extra lines after the option list. */
  readonly notes?: readonly string[];
  readonly run: (argv: readonly string[], io: Io) => Promise<number>;
}

export const defineCommand = (c: CommandSpec): CommandSpec => c;

const optionUsage = (name: string, o: OptionSpec): string => `--${name}${o.type === "string" ? ` <${o.arg ?? "value"}>` : ""}`;

/** One usage line: `run --chip <spec> --model <preset|folder> [options]`. */
export function usageLine(c: CommandSpec): string {
  const req = Object.entries(c.options).filter(([, o]) => o.required).map(([n, o]) => optionUsage(n, o));
  const hasOptional = Object.values(c.options).some((o) => !o.required);
  return [c.name, ...(c.args ? [c.args] : []), ...req, ...(hasOptional ? ["[options]"] : [])].join(" ");
}

/** `aimcsim <command> --help`: usage, summary, every option with its default. */
export function commandHelp(c: CommandSpec): string {
  const rows = Object.entries(c.options).map(([n, o]) => {
    const left = `${o.short ? `-${o.short}, ` : ""}${optionUsage(n, o)}`;
    const right = `${o.help}${o.required ? " (required)" : ""}${o.default !== undefined ? ` (default: ${o.default})` : ""}`;
    return [left, right] as const;
  });
  rows.push(["-h, --help", "show this help"]);
  const width = Math.max(...rows.map(([l]) => l.length));
  return [
    `usage: aimcsim ${usageLine(c)}`,
    "",
    c.summary,
    "",
    "options:",
    ...rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`),
    ...(c.notes?.length ? ["", ...c.notes] : []),
  ].join("\n");
}
