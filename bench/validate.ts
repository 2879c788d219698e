// `npm run validate`: aimcsim against published silicon and the seed papers' claims. Prints the Markdown table
// (published, simulated, error %, recorded bound, calibration flag) and the trend table, and exits non-zero when
// any |error| exceeds its recorded bound or a claimed trend does not hold.
// Run: node bin/run-ts.mjs bench/validate.ts [--only prefix,prefix] [--no-accuracy] [--readme test/validation/README.md]
// The AFM accuracy trend (src/eval, 512 held-out tokens x 3 seeds) takes one to a few minutes; --no-accuracy skips it.
// --readme rewrites the block between the "<!-- validation:begin -->" and "<!-- validation:end -->" markers of that
// file with the tables (temp file + rename).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { formatTrendTable, formatValidationTable, runValidationReport } from "../src/validation/index.ts";

const BEGIN = "<!-- validation:begin -->";
const END = "<!-- validation:end -->";

const i = process.argv.indexOf("--only");
const only = i >= 0 && process.argv[i + 1] ? process.argv[i + 1]!.split(",") : undefined;
const t0 = performance.now();
const accuracy = !process.argv.includes("--no-accuracy") && only === undefined;
const report = await runValidationReport({ only, accuracy });
const tables = `### Published figures\n\n${formatValidationTable(report.rows)}\n\n### Seed claims (trend)\n\n${formatTrendTable(report.trends)}\n`;
console.log(tables);
const r = process.argv.indexOf("--readme");
if (r >= 0 && process.argv[r + 1]) {
  const file = process.argv[r + 1]!;
  const text = readFileSync(file, "utf8");
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) {
    console.error(`${file}: no ${BEGIN} ... ${END} block to rewrite`);
    process.exit(2);
  }
  const next = `${text.slice(0, a + BEGIN.length)}\n\n${tables}\n${text.slice(b)}`;
  writeFileSync(`${file}.tmp`, next);
  renameSync(`${file}.tmp`, file);
  console.log(`rewrote the tables in ${file}`);
}
const s = ((performance.now() - t0) / 1e3).toFixed(1); // ms -> s (formatting)
if (report.failures.length > 0) {
  console.error(`\n${report.failures.length} validation failure(s) (${s} s):`);
  for (const f of report.failures) console.error(`  - ${f}`);
  process.exitCode = 1;
} else {
  console.log(`\nall ${report.rows.length} rows within their recorded bounds, all ${report.trends.length} trends hold (${s} s)`);
}
