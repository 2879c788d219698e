// writeReport: the report folder appears complete or not at all. Everything is built in a temp folder
// next to the target and renamed into place; a previous report at the same path is swapped out and
// removed only after the new one is in place, and only when it is an earlier aimcsim output (marker file),
// empty, or the caller forces it (see src/util/output-dir.ts).
import { chmod, mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { AimcsimError } from "../errors.ts";
import { writeFileAtomicSync } from "../util/atomic-write.ts";
import { checkOutputDir, OUTPUT_MARKER, OUTPUT_MARKER_TEXT } from "../util/output-dir.ts";
import type { ReportDoc } from "./doc.ts";
import { slug } from "./format.ts";
import { chartOf, renderHtml, svgTitle } from "./html.ts";
import { checkTable, tableToCsv, tableToLatex, tableToMarkdown, type Table } from "./table.ts";

export interface WrittenReport {
  readonly dir: string;
  /** Paths relative to dir, sorted. */
  readonly files: readonly string[];
}

/** Unique file stems in order of appearance ("energy", "energy-2", ...). */
function uniqueNamer(): (stem: string) => string {
  const used = new Map<string, number>();
  return (stem) => {
    const n = (used.get(stem) ?? 0) + 1;
    used.set(stem, n);
    return n === 1 ? stem : `${stem}-${n}`;
  };
}

/** The files of a report as (relative path, content) pairs, in a fixed order. Pure. */
export function reportFiles(doc: ReportDoc): { readonly path: string; readonly content: string }[] {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new AimcsimError("UsageError", "report", "must be a report document (an object with title, summary, sections, assumptions)");
  if (typeof doc.title !== "string" || doc.title === "") throw new AimcsimError("UsageError", "report.title", "must be a non-empty string");
  if (!Array.isArray(doc.sections as unknown)) throw new AimcsimError("UsageError", "report.sections", "must be an array");
  if (!Array.isArray(doc.assumptions as unknown)) throw new AimcsimError("UsageError", "report.assumptions", "must be an array of strings");
  checkTable(doc.summary, "report.summary");
  const files: { path: string; content: string }[] = [];
  const tableName = uniqueNamer();
  const chartName = uniqueNamer();
  const addTable = (t: Table, fallback: string) => {
    const stem = tableName(slug(t.name ?? t.caption ?? fallback, fallback));
    files.push({ path: `tables/${stem}.md`, content: tableToMarkdown(t) });
    files.push({ path: `tables/${stem}.tex`, content: tableToLatex(t, { label: `tab:${stem}` }) });
    files.push({ path: `tables/${stem}.csv`, content: tableToCsv(t) });
    return stem;
  };
  addTable({ name: "summary", ...doc.summary }, "summary");
  const sectionsJson = doc.sections.map((sec, si) => {
    if (!Array.isArray(sec.charts as unknown)) throw new AimcsimError("UsageError", `report.sections[${si}].charts`, "must be an array");
    if (!Array.isArray(sec.tables as unknown)) throw new AimcsimError("UsageError", `report.sections[${si}].tables`, "must be an array");
    const charts = sec.charts.map((c0, ci) => {
      const c = chartOf(c0);
      if (typeof c.svg !== "string" || !/^\s*(<\?xml[^>]*\?>\s*)?<svg[\s>]/.test(c.svg)) {
        throw new AimcsimError("UsageError", `report.sections[${si}].charts[${ci}]`, "must be an SVG string starting with <svg");
      }
      const stem = chartName(slug(c.name ?? svgTitle(c.svg), `chart-${si + 1}-${ci + 1}`));
      files.push({ path: `charts/${stem}.svg`, content: c.svg.endsWith("\n") ? c.svg : c.svg + "\n" });
      return { file: `charts/${stem}.svg`, ...(c.caption ? { caption: c.caption } : {}) };
    });
    const tables = sec.tables.map((t, ti) => {
      checkTable(t, `report.sections[${si}].tables[${ti}]`);
      const stem = addTable(t, `table-${si + 1}-${ti + 1}`);
      return { files: [`tables/${stem}.md`, `tables/${stem}.tex`, `tables/${stem}.csv`], table: t };
    });
    return { heading: sec.heading, ...(sec.text ? { text: sec.text } : {}), charts, tables };
  });
  const json = {
    title: doc.title,
    ...(doc.subtitle ? { subtitle: doc.subtitle } : {}),
    summary: doc.summary,
    sections: sectionsJson,
    assumptions: doc.assumptions,
    model: doc.model ?? null,
    spec: doc.spec ?? null,
    data: doc.data ?? null,
  };
  files.push({ path: "report.json", content: JSON.stringify(json, null, 2) + "\n" });
  files.push({ path: "index.html", content: renderHtml(doc) });
  return files;
}

export interface WriteReportOptions {
  /** Replace an existing non-empty folder that holds no aimcsim marker (the user asked for it: --force). */
  readonly force?: boolean;
  /** The option named in errors ("--report", "--out"). */
  readonly flag?: string;
}

/**
 * Write the report folder atomically (build in a sibling temp folder, then rename into place). An existing
 * folder is replaced only when checkOutputDir allows it (absent, empty, an earlier aimcsim output, or
 * force); the folder gets the aimcsim marker and mode 0755 (readable by others, like any output).
 */
export async function writeReport(dir: string, doc: ReportDoc, opts: WriteReportOptions = {}): Promise<WrittenReport> {
  const target = resolve(dir);
  const files = reportFiles(doc); // validation errors surface before anything touches the disk
  checkOutputDir(target, opts);
  const parent = dirname(target);
  const base = basename(target);
  let tmp: string | undefined;
  try {
    await mkdir(parent, { recursive: true });
    tmp = await mkdtemp(join(parent, `.${base}.tmp-`));
    await chmod(tmp, 0o755);
    await mkdir(join(tmp, "tables"));
    await mkdir(join(tmp, "charts"));
    for (const f of files) writeFileAtomicSync(join(tmp, f.path), f.content);
    writeFileAtomicSync(join(tmp, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
    const existing = checkOutputDir(target, opts); // again, right before the swap
    if (existing === "aimcsim" || existing === "empty" || existing === "forced") {
      const old = `${tmp}.old`;
      await rename(target, old);
      try {
        await rename(tmp, target);
      } catch (e) {
        await rename(old, target).catch(() => undefined); // put the previous report back
        throw e;
      }
      tmp = undefined;
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, target);
      tmp = undefined;
    }
  } catch (e) {
    const building = tmp;
    if (tmp) await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    // Errors about the temp folder being built are reported against the report folder the user named.
    if (e instanceof AimcsimError && !(building && e.path.startsWith(building))) throw e;
    const why = e instanceof AimcsimError ? `${e.path.slice((building ?? "").length + 1)}: ${e.rule}` : (e as Error).message;
    throw new AimcsimError("IoError", target, `could not write the report (${why}); nothing was written`, { cause: e });
  }
  return { dir: target, files: files.map((f) => f.path).sort() };
}
