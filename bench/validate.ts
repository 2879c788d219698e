// `npm run validate`: aimcsim against published silicon and the seed papers' claims. Prints the Markdown table
// (published, simulated, error %, recorded bound, calibration flag) and the trend table, and exits non-zero when
// any |error| exceeds its recorded bound or a claimed trend does not hold.
// Run: node bin/run-ts.mjs bench/validate.ts [--only prefix,prefix]
import { formatTrendTable, formatValidationTable, runValidationReport } from "../src/validation/index.ts";

const i = process.argv.indexOf("--only");
const only = i >= 0 && process.argv[i + 1] ? process.argv[i + 1]!.split(",") : undefined;
const t0 = performance.now();
const report = await runValidationReport({ only });
console.log("## Published figures\n");
console.log(formatValidationTable(report.rows));
console.log("\n## Seed claims (trend)\n");
console.log(formatTrendTable(report.trends));
const s = ((performance.now() - t0) / 1e3).toFixed(1); // ms -> s (formatting)
if (report.failures.length > 0) {
  console.error(`\n${report.failures.length} validation failure(s) (${s} s):`);
  for (const f of report.failures) console.error(`  - ${f}`);
  process.exitCode = 1;
} else {
  console.log(`\nall ${report.rows.length} rows within their recorded bounds, all ${report.trends.length} trends hold (${s} s)`);
}
