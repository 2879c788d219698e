// `aimcsim sweep <sweep.ts> [--workers N] [--queue redis://...] [--store dir] [--report dir] [--json]`
// `aimcsim worker --queue redis://... [--concurrency N]`
import { join } from "node:path";
import { AimcsimError } from "../../errors.ts";
import { loadSweep, runSweep, runWorker } from "../../dse/index.ts";
import { sweepReport } from "../../report/sweep-report.ts";
import { writeReport } from "../../report/index.ts";
import { flag, int, parse, str } from "../args.ts";
import type { Io } from "../io.ts";
import { outputDir } from "../reporting.ts";

export async function sweepCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse(
    argv,
    { workers: { type: "string" }, queue: { type: "string" }, store: { type: "string" }, report: { type: "string" }, json: { type: "boolean" }, progress: { type: "boolean" }, force: { type: "boolean" } },
    "sweep",
  );
  const out = outputDir(p, "report");
  if (p.positionals.length !== 1) throw new AimcsimError("UsageError", "sweep", "give exactly one sweep file (sweeps/<name>.ts)");
  const def = await loadSweep(p.positionals[0]!);
  const store = str(p, "store") ?? join("reports", "sweeps", def.name);
  const queue = str(p, "queue");
  const workers = str(p, "workers");
  const r = await runSweep(def, {
    store,
    ...(queue ? { queue } : {}),
    ...(workers !== undefined ? { workers: int(p, "workers", 1, "sweep", 0, 256) } : {}),
    progress: flag(p, "progress") || process.stderr.isTTY === true,
  });
  if (out) {
    const w = await writeReport(out.dir, sweepReport(def.name, r.records, r.front), out);
    if (!flag(p, "json")) io.err(`report written to ${join(w.dir, "index.html")}`);
  }
  if (flag(p, "json")) io.out(JSON.stringify({ name: r.name, evaluated: r.evaluated, reused: r.reused, failed: r.failed, elapsedS: r.elapsedS, front: r.front }, null, 2));
  else {
    io.out(`sweep ${r.name}: ${r.records.length} points (${r.evaluated} evaluated now, ${r.reused} from the store, ${r.failed} failed) in ${r.elapsedS.toFixed(1)} s`);
    io.out(`store: ${join(store, "results.jsonl")}; Pareto front: ${r.front.length} designs`);
    for (const f of r.front.slice(0, 20)) io.out(`  ${Object.entries(f.axes).map(([k, v]) => `${k}=${String(v)}`).join(" ")}  ${Object.entries(f.metrics).filter(([, v]) => typeof v === "number").slice(0, 5).map(([k, v]) => `${k}=${(v as number).toPrecision(4)}`).join(" ")}`);
  }
  return 0;
}

export async function workerCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse(argv, { queue: { type: "string" }, concurrency: { type: "string" } }, "worker");
  const queue = str(p, "queue") ?? "redis://127.0.0.1:6379";
  const concurrency = str(p, "concurrency");
  const h = await runWorker({ queue, ...(concurrency !== undefined ? { concurrency: int(p, "concurrency", 1, "worker", 1, 256) } : {}) });
  io.err(`aimcsim worker: processing sweep points from ${queue} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await h.close();
  io.err(`aimcsim worker: stopped after ${h.processed()} points`);
  return 0;
}
