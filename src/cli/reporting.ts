// Report writing for the CLI commands (`--report <dir>`): compose the document, write it atomically.
import { join } from "node:path";
import type { AmdahlResult } from "../analysis/index.ts";
import { amdahlReport, runReport } from "../report/compose.ts";
import { writeReport } from "../report/index.ts";
import type { SimRun } from "../sim/index.ts";
import type { SimResult } from "../sim/result.ts";
import type { ChipSpec } from "../spec/types.ts";

export async function writeRunReport(dir: string, sim: SimRun, baseline?: SimResult): Promise<string> {
  const w = await writeReport(dir, runReport(sim, baseline ? { baseline } : {}));
  return join(w.dir, "index.html");
}

export async function writeAmdahlReport(dir: string, result: AmdahlResult, chip: ChipSpec, baseline: ChipSpec): Promise<string> {
  const w = await writeReport(dir, amdahlReport(result, { chip, baseline }));
  return join(w.dir, "index.html");
}
