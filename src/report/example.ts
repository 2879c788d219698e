// Writes the committed sample report, reports/examples/sample/, from the ILLUSTRATIVE inputs of
// sample.ts (not a simulation), and a screenshot of it.
//   node bin/run-ts.mjs src/report/example.ts [outDir] [--no-screenshot]
import { resolve } from "node:path";
import { illustrativeReport } from "./sample.ts";
import { screenshotReport } from "./screenshot.ts";
import { writeReport } from "./write.ts";

const args = process.argv.slice(2);
const out = resolve(args.find((a) => !a.startsWith("--")) ?? "reports/examples/sample");
const written = await writeReport(out, illustrativeReport());
console.log(`wrote ${written.files.length} files to ${written.dir}`);
if (!args.includes("--no-screenshot")) {
  const png = `${out}.png`;
  const check = await screenshotReport(`${out}/index.html`, png);
  console.log(`screenshot ${png}; console errors: ${check.consoleErrors.length}; external requests: ${check.externalRequests.length}`);
  for (const e of check.consoleErrors) console.log(`  console: ${e}`);
}
