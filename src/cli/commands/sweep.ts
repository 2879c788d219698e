// `aimcsim sweep <sweep.ts> [--workers N] [--queue redis://...] [--store dir] [--report dir] [--json]`
// `aimcsim worker --queue redis://... [--concurrency N] [--allow-modules dir,...] [--allow-sha256 hash,...] [--allow-any-module]`
import { join } from "node:path";
import { AimcsimError } from "../../errors.ts";
import { flag, int, parse, str } from "../args.ts";
import { defineCommand } from "../command.ts";
import { formatNumber } from "../../util/numbers.ts";

/** How many failure reasons a sweep in which every point failed prints. */
const FIRST_REASONS = 3;

export const sweep = defineCommand({
  name: "sweep",
  args: "<sweeps/name.ts>",
  summary: "design-space sweep: grid/random/evolutionary over spec axes; resumable store; Pareto front",
  options: {
    workers: { type: "string", arg: "N", default: "one per CPU core; 0 = in this thread", help: "worker threads evaluating points" },
    queue: { type: "string", arg: "redis://host:port", help: "distribute the points over `aimcsim worker`s through Redis (BullMQ)" },
    store: { type: "string", arg: "dir", default: "reports/sweeps/<name>", help: "results store (results.jsonl); a re-run reuses the points in it" },
    report: { type: "string", arg: "dir", help: "write an HTML report to this folder" },
    force: { type: "boolean", help: "replace an output folder that aimcsim did not write (default: refuse)" },
    json: { type: "boolean", help: "print the summary and the Pareto front as JSON" },
    progress: { type: "boolean", help: "progress on stderr (default: on; a bar on a terminal, a line every 5 s otherwise)" },
    "no-progress": { type: "boolean", help: "no progress output" },
  },
  async run(argv, io) {
    const p = parse(argv, this.options, "sweep");
    const { outputDir } = await import("../reporting.ts");
    const out = outputDir(p, "report");
    if (p.positionals.length !== 1) throw new AimcsimError("UsageError", "sweep", "give exactly one sweep file (sweeps/<name>.ts)");
    const { loadSweep, runSweep } = await import("../../dse/index.ts");
    const def = await loadSweep(p.positionals[0]!);
    const store = str(p, "store") ?? join("reports", "sweeps", def.name);
    const queue = str(p, "queue");
    const workers = str(p, "workers");
    const r = await runSweep(def, {
      store,
      ...(queue ? { queue } : {}),
      ...(workers !== undefined ? { workers: int(p, "workers", 1, "sweep", 0, 256) } : {}),
      progress: !flag(p, "no-progress"),
    });
    if (out) {
      const { sweepReport } = await import("../../report/sweep-report.ts");
      const { writeReport } = await import("../../report/index.ts");
      const w = await writeReport(out.dir, sweepReport(def.name, r.records, r.front), out);
      if (!flag(p, "json")) io.err(`report written to ${join(w.dir, "index.html")}`);
    }
    if (flag(p, "json")) io.out(JSON.stringify({ name: r.name, evaluated: r.evaluated, reused: r.reused, failed: r.failed, elapsedS: r.elapsedS, front: r.front }, null, 2));
    else {
      io.out(`sweep ${r.name}: ${r.records.length} points (${r.evaluated} evaluated now, ${r.reused} from the store, ${r.failed} failed) in ${r.elapsedS.toFixed(1)} s`);
      io.out(`store: ${join(store, "results.jsonl")}; Pareto front: ${r.front.length} designs`);
      for (const f of r.front.slice(0, 20)) io.out(`  ${Object.entries(f.axes).map(([k, v]) => `${k}=${String(v)}`).join(" ")}  ${Object.entries(f.metrics).filter(([, v]) => typeof v === "number").slice(0, 5).map(([k, v]) => `${k}=${formatNumber(v as number, 4)}`).join(" ")}`);
    }
    const failed = r.records.filter((x) => x.status !== "ok");
    if (r.records.length > 0 && failed.length === r.records.length) {
      const reasons = [...new Set(failed.map((x) => x.error ?? "no reason recorded"))].slice(0, FIRST_REASONS);
      io.err(`aimcsim sweep: every one of the ${r.records.length} points failed; first reasons:\n${reasons.map((e) => `  - ${e}`).join("\n")}`);
      return 1;
    }
    return 0;
  },
});

export const worker = defineCommand({
  name: "worker",
  summary: "a distributed sweep worker (BullMQ on Redis)",
  options: {
    queue: { type: "string", arg: "redis://host:port", default: "redis://127.0.0.1:6379", help: "the Redis the sweep's points come from" },
    concurrency: { type: "string", arg: "N", default: "one per CPU core", help: "points evaluated at once (worker threads)" },
    "allow-modules": { type: "string", arg: "dir,...", default: "the current folder", help: "more folders whose evaluator modules queue jobs may name" },
    "allow-sha256": { type: "string", arg: "hash,...", help: "SHA-256 digests of evaluator module files allowed wherever they are" },
    "allow-any-module": { type: "boolean", help: "import any evaluator module a queue job names (turns the allow-list off; only on a trusted Redis)" },
  },
  async run(argv, io) {
    const p = parse(argv, this.options, "worker");
    const list = (k: string) => (str(p, k) ?? "").split(",").map((x) => x.trim()).filter(Boolean);
    const hashes = list("allow-sha256");
    for (const h of hashes) if (!/^[0-9a-f]{64}$/i.test(h)) throw new AimcsimError("UsageError", "worker --allow-sha256", `expected SHA-256 digests (64 hex digits), got "${h}"`);
    const allow = { prefixes: [process.cwd(), ...list("allow-modules")], sha256: hashes.map((h) => h.toLowerCase()), any: flag(p, "allow-any-module") };
    const queue = str(p, "queue") ?? "redis://127.0.0.1:6379";
    const concurrency = str(p, "concurrency");
    const { runWorker } = await import("../../dse/index.ts");
    const h = await runWorker({ queue, allow, ...(concurrency !== undefined ? { concurrency: int(p, "concurrency", 1, "worker", 1, 256) } : {}) });
    io.err(`aimcsim worker: processing sweep points from ${queue} (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await h.close();
    io.err(`aimcsim worker: stopped after ${h.processed()} points`);
    return 0;
  },
});
