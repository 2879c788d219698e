// Argument parsing shared by the commands: node:util parseArgs with typed accessors whose errors
// name the option and the rule (UsageError), never a stack trace.
import { parseArgs } from "node:util";
import { AimcsimError } from "../errors.ts";
import { didYouMean } from "../util/suggest.ts";

/** Options as parsed: a type and an optional one-letter alias (an OptionSpec of command.ts is one). */
export type Options = Readonly<Record<string, { readonly type: "string" | "boolean"; readonly short?: string }>>;

export interface Parsed {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
}

export function parse(argv: readonly string[], options: Options, command: string): Parsed {
  const config: Record<string, { type: "string" | "boolean"; short?: string }> = { help: { type: "boolean", short: "h" } };
  for (const [k, o] of Object.entries(options)) config[k] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  try {
    const r = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
    return { positionals: r.positionals, values: r.values as Record<string, string | boolean | undefined> };
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify.*$/s, "");
    const unknown = (e as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'--?([^'=]+)/.exec(msg)?.[1] : undefined;
    const hint = unknown ? didYouMean(unknown, Object.keys(options), "--") : "";
    throw new AimcsimError("UsageError", command, `${msg}${hint} (see aimcsim ${command} --help)`);
  }
}

export function str(p: Parsed, key: string): string | undefined {
  const v = p.values[key];
  return typeof v === "string" ? v : undefined;
}

export function requireStr(p: Parsed, key: string, command: string): string {
  const v = str(p, key);
  if (v === undefined || v === "") throw new AimcsimError("UsageError", `${command} --${key}`, "is required");
  return v;
}

export function int(p: Parsed, key: string, dflt: number, command: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = str(p, key);
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new AimcsimError("UsageError", `${command} --${key}`, `expected a whole number, got "${v}"`);
  const n = Number(v);
  if (n < min || n > max) throw new AimcsimError("UsageError", `${command} --${key}`, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function num(p: Parsed, key: string, dflt: number, command: string, min = -Infinity): number {
  const v = str(p, key);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n)) throw new AimcsimError("UsageError", `${command} --${key}`, `expected a finite number, got "${v}"`);
  if (n < min) throw new AimcsimError("UsageError", `${command} --${key}`, `must be at least ${min}, got ${n}`);
  return n;
}

export function intList(p: Parsed, key: string, dflt: readonly number[], command: string): number[] {
  const v = str(p, key);
  if (v === undefined) return [...dflt];
  const parts = v.split(",").map((s) => s.trim());
  const out = parts.map((s) => {
    if (!/^\d+$/.test(s) || Number(s) <= 0) throw new AimcsimError("UsageError", `${command} --${key}`, `expected positive whole numbers separated by commas, got "${s}"`);
    return Number(s);
  });
  return out;
}

export function flag(p: Parsed, key: string): boolean {
  return p.values[key] === true;
}
