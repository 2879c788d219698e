// The committed example reports (reports/examples/) are what `npm run examples` (scripts/examples.ts) writes
// with the current code. The one without simulation (sample) is regenerated here and compared file by file;
// the ones that simulate (bitnet-gpt2-350m ~10 s of CPU, default minutes of accuracy evaluation,
// sweep-hybrid-500 500 simulations) are checked for what can be checked in milliseconds: every table file
// equals its table re-rendered from the committed report.json, and the folder holds exactly the files the
// report lists. Regenerate with `npm run examples`.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES, SLOW_EXAMPLES } from "../../scripts/examples.ts";
import { reportFiles } from "../../src/report/index.ts";
import { tableToCsv, tableToLatex, tableToMarkdown, type Table } from "../../src/report/table.ts";
import { OUTPUT_MARKER } from "../../src/util/output-dir.ts";

const ROOT = join(import.meta.dirname, "..", "..", "reports", "examples");
const HINT = "stale example report: run `npm run examples` and commit reports/examples/";

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.filter((f) => f !== OUTPUT_MARKER).sort();
}

describe("committed example reports are current", () => {
  for (const [name, make] of Object.entries(EXAMPLES)) {
    it(`${name}: regenerated, every file identical`, async () => {
      const dir = join(ROOT, name);
      expect(existsSync(dir), `${dir} missing; ${HINT}`).toBe(true);
      const files = reportFiles(await make());
      expect(filesUnder(dir), HINT).toEqual(files.map((f) => f.path).sort());
      for (const f of files) expect(readFileSync(join(dir, f.path), "utf8"), `${name}/${f.path}: ${HINT}`).toBe(f.content);
    }, 120_000);
  }
  for (const name of Object.keys(SLOW_EXAMPLES)) {
    it(`${name}: tables re-render identically from its report.json, and no file is missing or extra`, () => {
      const dir = join(ROOT, name);
      expect(existsSync(dir), `${dir} missing; ${HINT}`).toBe(true);
      const json = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as {
        summary: Table;
        sections: { charts: { file: string }[]; tables: { files: string[]; table: Table }[] }[];
      };
      const tables: { stem: string; table: Table }[] = [{ stem: "tables/summary", table: { name: "summary", ...json.summary } }];
      for (const s of json.sections) for (const t of s.tables) tables.push({ stem: t.files[0]!.replace(/\.md$/, ""), table: t.table });
      for (const { stem, table } of tables) {
        const label = stem.replace(/^tables\//, "tab:");
        expect(readFileSync(join(dir, `${stem}.md`), "utf8"), `${name}/${stem}.md: ${HINT}`).toBe(tableToMarkdown(table));
        expect(readFileSync(join(dir, `${stem}.tex`), "utf8"), `${name}/${stem}.tex: ${HINT}`).toBe(tableToLatex(table, { label }));
        expect(readFileSync(join(dir, `${stem}.csv`), "utf8"), `${name}/${stem}.csv: ${HINT}`).toBe(tableToCsv(table));
      }
      const listed = [
        ...tables.flatMap((t) => [`${t.stem}.md`, `${t.stem}.tex`, `${t.stem}.csv`]),
        ...json.sections.flatMap((s) => s.charts.map((c) => c.file)),
        "report.json",
        "index.html",
      ].sort();
      expect(filesUnder(dir), HINT).toEqual(listed);
    });
  }
});
