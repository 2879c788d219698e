// `npm run bench [-- name ...]`: runs every bench/*.bench.ts (or those whose name contains one of the
// arguments). Each exports `async function bench(): Promise<Record<string, unknown>>`. Results go to
// bench/out/<name>.json and, all together with the machine description, bench/out/bench.json; a
// summary table is printed. A bench that throws is reported and the others still run; the exit
// code is 1 if any failed. Benchmarks are never part of `npm test`.

import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync, mkdirSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const outDir = join(benchDir, "out");

function writeJsonAtomic(path: string, data: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data, null, 2) + "\n");
  renameSync(tmp, path);
}

/** Scalars of a result, flattened to "a.b" keys (two levels), for the summary table. */
function flatten(x: Record<string, unknown>, prefix = "", depth = 0, out: [string, string][] = []): [string, string][] {
  for (const [k, v] of Object.entries(x)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "number") out.push([key, Number.isInteger(v) ? v.toLocaleString("en-US") : v.toPrecision(4)]);
    else if (typeof v === "string" || typeof v === "boolean") out.push([key, String(v)]);
    else if (v && typeof v === "object" && !Array.isArray(v) && depth < 2) flatten(v as Record<string, unknown>, key, depth + 1, out);
  }
  return out;
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith(".bench.ts"))
    .sort()
    .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
  mkdirSync(outDir, { recursive: true });
  const machine = {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    cpuModel: cpus()[0]?.model ?? "unknown",
    cpuCount: cpus().length,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    /** Other work on the machine skews timings: compare runs only at similar load. */
    loadAvg1m: +loadavg()[0].toFixed(2),
    date: new Date().toISOString(),
  };
  const results: Record<string, unknown> = {};
  const failures: Record<string, string> = {};
  const rows: [string, string, string][] = [];
  for (const file of files) {
    const name = basename(file, ".bench.ts");
    process.stdout.write(`bench ${name} ...\n`);
    const t0 = performance.now();
    try {
      const mod = (await import(pathToFileURL(join(benchDir, file)).href)) as { bench?: unknown };
      if (typeof mod.bench !== "function") throw new Error(`${file} does not export async function bench()`);
      const r = (await mod.bench()) as Record<string, unknown>;
      if (r === null || typeof r !== "object") throw new Error(`${file}: bench() must resolve to an object`);
      const wallS = (performance.now() - t0) / 1000;
      const record = { name, machine, wallS, ...r };
      writeJsonAtomic(join(outDir, `${name}.json`), record);
      results[name] = record;
      rows.push([name, "wallS", wallS.toFixed(2)]);
      for (const [k, v] of flatten(r)) rows.push([name, k, v]);
    } catch (e) {
      const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
      failures[name] = msg;
      rows.push([name, "FAILED", msg.split("\n")[0]]);
      process.stdout.write(`bench ${name} FAILED: ${msg}\n`);
    }
  }
  // A filtered run updates its benches in bench.json and keeps the others' last results.
  const combinedPath = join(outDir, "bench.json");
  let previous: { results?: Record<string, unknown>; failures?: Record<string, string> } = {};
  if (filters.length > 0 && existsSync(combinedPath)) {
    try {
      previous = JSON.parse(readFileSync(combinedPath, "utf8"));
    } catch {
      previous = {};
    }
  }
  const ran = new Set(files.map((f) => basename(f, ".bench.ts")));
  const keep = <T>(o: Record<string, T> | undefined): Record<string, T> =>
    Object.fromEntries(Object.entries(o ?? {}).filter(([k]) => !ran.has(k)));
  writeJsonAtomic(combinedPath, {
    machine,
    results: { ...keep(previous.results), ...results },
    failures: { ...keep(previous.failures), ...failures },
  });
  const w0 = Math.max(5, ...rows.map((r) => r[0].length));
  const w1 = Math.max(6, ...rows.map((r) => r[1].length));
  console.log(`\n${"bench".padEnd(w0)}  ${"metric".padEnd(w1)}  value`);
  console.log(`${"-".repeat(w0)}  ${"-".repeat(w1)}  -----`);
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);
  console.log(`\n${machine.cpuModel} x${machine.cpuCount}, node ${machine.node}; results in ${join("bench", "out")}/`);
  if (Object.keys(failures).length > 0) process.exitCode = 1;
}

await main();
