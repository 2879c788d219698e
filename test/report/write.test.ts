import { afterAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeReport, reportFiles, stackedBarChart, type ReportDoc } from "../../src/report/index.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { OUTPUT_MARKER } from "../../src/util/output-dir.ts";
import { checkWellFormed, parseCsv } from "./helpers.ts";

const root = await mkdtemp(join(tmpdir(), "aimcsim-report-"));
afterAll(() => rm(root, { recursive: true, force: true }));

const chart = stackedBarChart({ title: "Energy & time", bars: [{ label: "a", values: { x: 1 } }], stackKeys: ["x"], yLabel: "E", yUnit: "J" });
const doc: ReportDoc = {
  title: "Report <1> & co",
  subtitle: "sub",
  summary: { columns: [{ key: "m", label: "Metric" }, { key: "v", label: "Value", unitKey: "u" }, { key: "u", label: "Unit", csvOnly: true }], rows: [{ m: "TTFT", v: 0.0012, u: "s" }] },
  sections: [
    { heading: "Energy", text: "First paragraph.\n\nSecond <b>not bold</b>.", charts: [chart, { name: "again", svg: chart, caption: "cap" }], tables: [{ caption: "T_1 & 50%", columns: [{ key: "a", label: "A" }], rows: [{ a: "x" }] }] },
  ],
  spec: { name: "chip</pre><script>alert(1)</script>" },
  model: "m",
  assumptions: ["ADC: SAR 8 bit, 2.7 pJ/conversion (Murmann survey median)"],
};

describe("writeReport", () => {
  it("writes index.html, charts, tables in three formats and report.json", async () => {
    const dir = join(root, "r1");
    const w = await writeReport(dir, doc);
    expect(w.files).toEqual([
      "charts/again.svg", "charts/energy-time.svg", "index.html", "report.json",
      "tables/summary.csv", "tables/summary.md", "tables/summary.tex",
      "tables/t-1-50.csv", "tables/t-1-50.md", "tables/t-1-50.tex",
    ]);
    const html = await readFile(join(dir, "index.html"), "utf8");
    expect(html).toContain("<title>Report &lt;1&gt; &amp; co</title>");
    expect(html).not.toMatch(/<script/i); // spec text is escaped, no scripts anywhere
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // no external requests
    expect(html).toContain("ADC: SAR 8 bit");
    expect(html).toContain("<details><summary>Chip specification</summary>");
    expect(html).toContain("1.20 ms");
    expect((html.match(/<svg /g) ?? []).length).toBe(2);
    checkWellFormed((await readFile(join(dir, "charts/again.svg"), "utf8")).trim());
    const json = JSON.parse(await readFile(join(dir, "report.json"), "utf8"));
    expect(json.sections[0].charts[0].file).toBe("charts/energy-time.svg");
    expect(json.spec.name).toContain("chip");
    expect(parseCsv(await readFile(join(dir, "tables/summary.csv"), "utf8"))).toEqual([["Metric", "Value", "Unit"], ["TTFT", "0.0012", "s"]]);
    expect(await readFile(join(dir, "tables/t-1-50.tex"), "utf8")).toContain("\\caption{T\\_1 \\& 50\\%}");
  });

  it("replaces an earlier report (marker file) completely and leaves no temp folders", async () => {
    const dir = join(root, "r2");
    await writeReport(dir, doc);
    await writeFile(join(dir, "charts", "stale.svg"), "<svg/>");
    await writeReport(dir, doc);
    expect(await readdir(join(dir, "charts"))).not.toContain("stale.svg");
    expect((await readdir(root)).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });

  it("refuses to replace a non-empty folder aimcsim did not write (IoError naming it); --force replaces it", async () => {
    const dir = join(root, "thesis");
    await mkdir(join(dir, "sub"), { recursive: true });
    await writeFile(join(dir, "thesis.tex"), "\\documentclass{article}");
    await writeFile(join(dir, "sub", "data.csv"), "a,b\n1,2\n");
    const err = await writeReport(dir, doc).then(() => undefined, (e: unknown) => e);
    expect(isAimcsimError(err) && err._tag === "IoError").toBe(true);
    expect((err as Error).message).toContain(dir);
    expect((err as Error).message).toMatch(/aimcsim did not write.*--force/);
    expect(await readFile(join(dir, "thesis.tex"), "utf8")).toBe("\\documentclass{article}");
    expect(await readFile(join(dir, "sub", "data.csv"), "utf8")).toBe("a,b\n1,2\n");
    expect((await readdir(root)).filter((n) => n.includes(".tmp-"))).toEqual([]);
    await writeReport(dir, doc, { force: true });
    expect(await readdir(dir)).not.toContain("thesis.tex");
    expect(await readdir(dir)).toContain("index.html");
  });

  it("writes into an empty folder, marks it, and makes it readable by others (0755, not 0700)", async () => {
    const dir = join(root, "empty");
    await mkdir(dir);
    await writeReport(dir, doc);
    expect((await readdir(dir)).sort()).toContain(OUTPUT_MARKER);
    expect((await stat(dir)).mode & 0o777).toBe(0o755);
    expect((await stat(join(dir, "index.html"))).mode & 0o044).toBe(0o044);
  });

  it("never replaces the current folder or a folder above it, even with force", async () => {
    const cwd = process.cwd();
    const here = join(root, "cwd");
    await mkdir(join(here, "inner"), { recursive: true });
    await writeFile(join(here, "keep.txt"), "x");
    process.chdir(join(here, "inner"));
    try {
      for (const target of [".", "..", join(here, "inner"), here]) {
        const err = await writeReport(target, doc, { force: true }).then(() => undefined, (e: unknown) => e);
        expect(isAimcsimError(err) && err._tag === "IoError" && /current folder/.test(err.rule)).toBe(true);
      }
    } finally {
      process.chdir(cwd);
    }
    expect(await readFile(join(here, "keep.txt"), "utf8")).toBe("x");
    expect(await readdir(join(here, "inner"))).toEqual([]);
  });

  it("refuses a symbolic link as the report folder and leaves its target alone", async () => {
    const real = join(root, "real");
    await writeReport(real, doc);
    const link = join(root, "link");
    await symlink(real, link);
    await expect(writeReport(link, doc)).rejects.toThrow(/symbolic link/);
    expect(await readdir(real)).toContain("index.html");
  });

  it("is byte-identical for the same input", async () => {
    const a = reportFiles(doc);
    const b = reportFiles(doc);
    expect(a).toEqual(b);
  });

  it("rejects a bad document before touching the disk", async () => {
    const dir = join(root, "r3");
    const bad = { ...doc, sections: [{ heading: "x", charts: ["<div>not svg</div>"], tables: [] }] };
    await expect(writeReport(dir, bad)).rejects.toThrow(/report\.sections\[0\]\.charts\[0\]/);
    expect(await readdir(root)).not.toContain("r3");
    expect((await readdir(root)).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });

  it("refuses to replace a file with a report folder (IoError) and cleans up", async () => {
    const file = join(root, "afile");
    await writeFile(file, "keep me");
    try {
      await writeReport(file, doc);
      expect.unreachable();
    } catch (e) {
      expect(isAimcsimError(e) && e._tag === "IoError").toBe(true);
    }
    expect(await readFile(file, "utf8")).toBe("keep me");
    expect((await readdir(root)).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });
});
