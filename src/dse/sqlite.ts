// Export of a store to a SQLite file (sql.js, SQLite compiled to wasm): one table `points` with one
// column per axis and per metric, plus `on_front` (1 for the Pareto front when objectives are given).
// Written to a temp file and renamed, so a reader never sees half a database.
import { writeFileAtomicSync } from "../util/atomic-write.ts";
import { createRequire } from "node:module";
import { AimcsimError } from "../errors.ts";
import { paretoFront } from "./pareto.ts";
import type { Store } from "./store.ts";
import type { Constraint, Objective, PointRecord } from "./types.ts";

const FIXED = ["key", "sweep", "status", "error", "model", "prompt_tokens", "gen_tokens", "batch", "seed", "version", "evaluator", "on_front"] as const;

export interface ExportOptions {
  readonly objectives?: readonly Objective[];
  readonly constraints?: readonly Constraint[];
  readonly table?: string;
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Writes the records (of a store, or given directly) to `path` as SQLite; returns the column names. */
export async function exportSqlite(store: Store | readonly PointRecord[], path: string, opts: ExportOptions = {}): Promise<string[]> {
  const records = Array.isArray(store) ? (store as readonly PointRecord[]) : (store as Store).records();
  const table = opts.table ?? "points";
  const axisCols: string[] = [];
  const metricCols: string[] = [];
  const seen = new Set<string>(FIXED);
  for (const r of records) {
    for (const k of Object.keys(r.axes)) if (!seen.has(k)) (seen.add(k), axisCols.push(k));
  }
  // A metric named like an axis or a fixed column gets a "metric_" prefix.
  const metricName = new Map<string, string>();
  for (const r of records) {
    for (const k of Object.keys(r.metrics)) {
      if (metricName.has(k)) continue;
      const name = seen.has(k) ? `metric_${k}` : k;
      metricName.set(k, name);
      seen.add(name);
      metricCols.push(k);
    }
  }
  const front = new Set(opts.objectives ? paretoFront(records, opts.objectives, opts.constraints ?? []).map((r) => r.key) : []);
  const require = createRequire(import.meta.url);
  const initSqlJs = require("sql.js") as typeof import("sql.js").default;
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  try {
    const typeOf = (k: string) => {
      const v = records.find((r) => r.axes[k] !== undefined)?.axes[k];
      return typeof v === "string" ? "TEXT" : typeof v === "boolean" ? "INTEGER" : "REAL";
    };
    const cols = [
      "key TEXT PRIMARY KEY", "sweep TEXT", "status TEXT", "error TEXT", "model TEXT", "prompt_tokens INTEGER", "gen_tokens INTEGER",
      "batch INTEGER", "seed INTEGER", "version TEXT", "evaluator TEXT", "on_front INTEGER",
      ...axisCols.map((k) => `${quoteIdent(k)} ${typeOf(k)}`),
      ...metricCols.map((k) => `${quoteIdent(metricName.get(k)!)} REAL`),
    ];
    db.run(`CREATE TABLE ${quoteIdent(table)} (${cols.join(", ")})`);
    const names = [...FIXED, ...axisCols, ...metricCols.map((k) => metricName.get(k)!)];
    const stmt = db.prepare(`INSERT INTO ${quoteIdent(table)} (${names.map(quoteIdent).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`);
    db.run("BEGIN");
    for (const r of records) {
      const axisVals = axisCols.map((k) => {
        const v = r.axes[k];
        return v === undefined ? null : typeof v === "boolean" ? (v ? 1 : 0) : v;
      });
      const metricVals = metricCols.map((k) => (Number.isFinite(r.metrics[k]) ? r.metrics[k] : null));
      stmt.run([
        r.key, r.sweep, r.status, r.error ?? null, r.model, r.workload.promptTokens, r.workload.genTokens, r.workload.batch,
        r.seed, r.version, r.evaluator, front.has(r.key) ? 1 : 0, ...axisVals, ...metricVals,
      ]);
    }
    db.run("COMMIT");
    stmt.free();
    const bytes = db.export();
    writeFileAtomicSync(path, bytes, "the SQLite export");
    return names;
  } finally {
    db.close();
  }
}
