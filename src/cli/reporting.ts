// Report writing for the CLI commands (`--report <dir>`): compose the document, write it atomically.
import { join } from "node:path";
import type { AmdahlResult } from "../analysis/index.ts";
import { amdahlReport } from "../report/amdahl-report.ts";
import { runReport } from "../report/run-report.ts";
import { writeReport } from "../report/index.ts";
import type { SimRun } from "../sim/index.ts";
import type { SimResult } from "../sim/result.ts";
import type { ChipSpec } from "../spec/types.ts";
import { checkOutputDir } from "../util/output-dir.ts";
import { flag, str, type Parsed } from "./args.ts";

/** `--force`: replace an output folder that holds no aimcsim marker (see src/util/output-dir.ts). */
export const forceOption = { force: { type: "boolean" } } as const;

/** The output folder named by `--<key>` (or `dflt`), checked before any work starts so a refused folder
 *  costs nothing; writeReport checks again right before it replaces anything. */
export function outputDir(p: Parsed, key: string, dflt?: string): { dir: string; force: boolean; flag: string } | undefined {
  const dir = str(p, key) ?? dflt;
  if (dir === undefined) return undefined;
  const force = flag(p, "force");
  checkOutputDir(dir, { force, flag: `--${key}` });
  return { dir, force, flag: `--${key}` };
}

export async function writeRunReport(dir: string, sim: SimRun, baseline?: SimResult, opts: { force?: boolean } = {}): Promise<string> {
  const w = await writeReport(dir, runReport(sim, baseline ? { baseline } : {}), { ...opts, flag: "--report" });
  return join(w.dir, "index.html");
}

export async function writeAmdahlReport(dir: string, result: AmdahlResult, chip: ChipSpec, baseline: ChipSpec, opts: { force?: boolean } = {}): Promise<string> {
  const w = await writeReport(dir, amdahlReport(result, { chip, baseline }), { ...opts, flag: "--report" });
  return join(w.dir, "index.html");
}
