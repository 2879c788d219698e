// One table type, three renderings: Markdown (README, issues), LaTeX booktabs (papers) and CSV
// (RFC 4180, raw numbers in base units for re-plotting). Numbers are formatted per column with one
// common SI prefix, so a column reads "TTFT (ms)" over "1.23", "45.6".
import { AimcsimError } from "../errors.ts";
import { textTable } from "../util/text-table.ts";
import {
  commonPrefix, csvField, escapeLatex, escapeMarkdownCell, formatFixedSig, formatNumber, formatQuantity, prefixStyle,
} from "./format.ts";

export type Cell = string | number | boolean | null | undefined;

export interface Column {
  readonly key: string;
  readonly label: string;
  /** Base unit of the numbers in this column ("s", "J", "%", "mm²"). */
  readonly unit?: string;
  /** Take the unit per row from this key instead (mixed-unit columns such as a summary's "value");
   *  each cell then gets its own SI prefix. */
  readonly unitKey?: string;
  readonly align?: "left" | "right" | "center";
  /** Significant digits for numbers (default 3). */
  readonly digits?: number;
  /** Columns sharing a group name (and unit) share one SI prefix, so a row compares at a glance. */
  readonly prefixGroup?: string;
  /** More values the column's SI prefix is chosen over (the same column of a paired table, e.g. the
   *  baseline's), so a table pair reads in one unit. */
  readonly scaleWith?: readonly number[];
  /** Only in the CSV rendering (e.g. the raw unit column next to a unitKey column). */
  readonly csvOnly?: boolean;
}

export interface Table {
  /** File-name stem when written (tables/<name>.md); derived from the caption when absent. */
  readonly name?: string;
  readonly caption?: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Readonly<Record<string, Cell>>[];
  /** Footnote under the table (Markdown and LaTeX). */
  readonly note?: string;
}

const MISSING = "—";

/** Validate a table's shape (unique column keys, cells of a supported type). Throws UsageError. */
export function checkTable(t: Table, path = "table"): void {
  if (!Array.isArray(t.columns) || t.columns.length === 0) throw new AimcsimError("UsageError", `${path}.columns`, "must be a non-empty array");
  const keys = new Set<string>();
  t.columns.forEach((c, i) => {
    if (typeof c.key !== "string" || c.key === "") throw new AimcsimError("UsageError", `${path}.columns[${i}].key`, "must be a non-empty string");
    if (keys.has(c.key)) throw new AimcsimError("UsageError", `${path}.columns[${i}].key`, `duplicate column key "${c.key}"`);
    keys.add(c.key);
  });
  if (!Array.isArray(t.rows)) throw new AimcsimError("UsageError", `${path}.rows`, "must be an array");
  t.rows.forEach((r, i) => {
    for (const c of t.columns) {
      const v = r[c.key];
      if (v !== null && v !== undefined && !["string", "number", "boolean"].includes(typeof v)) {
        throw new AimcsimError("UsageError", `${path}.rows[${i}].${c.key}`, `cell must be a string, number, boolean or null (got ${typeof v})`);
      }
    }
  });
}

interface Formatted {
  readonly header: readonly string[];
  readonly cells: readonly (readonly string[])[];
  readonly columns: readonly Column[];
}

/** Header labels with units and cell strings, shared by Markdown and LaTeX. */
export function formatTable(t: Table): Formatted {
  checkTable(t);
  const columns = t.columns.filter((c) => !c.csvOnly);
  const header: string[] = [];
  const perCol: ((v: Cell, row: Readonly<Record<string, Cell>>) => string)[] = [];
  // Per-row units (unitKey): the row's value columns share one SI prefix, chosen per row; a visible unit
  // column shows that prefixed unit, so each column holds one kind of thing (numbers, or units).
  const rowPrefix = (row: Readonly<Record<string, Cell>>, unitKey: string): { factor: number; unitLabel: string; counts: boolean } => {
    const unit = String(row[unitKey] ?? "");
    const nums = columns.filter((d) => d.unitKey === unitKey).map((d) => row[d.key]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    if (nums.every((v) => Number.isInteger(v))) return { factor: 1, unitLabel: unit, counts: true };
    return { ...commonPrefix(nums, unit), counts: false };
  };
  const unitShown = new Set(columns.map((c) => c.key));
  for (const c of columns) {
    const digits = c.digits ?? 3;
    if (c.unitKey) {
      const key = c.unitKey;
      header.push(c.label);
      perCol.push((v, row) => {
        if (typeof v !== "number") return cellText(v);
        if (!Number.isFinite(v)) return formatNumber(v);
        const p = rowPrefix(row, key);
        if (p.counts) return formatNumber(v); // a count prints in full ("18,432")
        if (unitShown.has(key)) return formatFixedSig(v * p.factor, digits);
        const unit = String(row[key] ?? "");
        return formatQuantity(v, unit, digits);
      });
      continue;
    }
    if (columns.some((d) => d.unitKey === c.key)) {
      const key = c.key;
      header.push(c.label);
      perCol.push((_v, row) => rowPrefix(row, key).unitLabel || "");
      continue;
    }
    const groupCols = c.prefixGroup ? columns.filter((d) => d.prefixGroup === c.prefixGroup && d.unit === c.unit) : [c];
    const nums = [...t.rows.flatMap((r) => groupCols.map((d) => r[d.key])), ...(c.scaleWith ?? [])].filter((v): v is number => typeof v === "number");
    // Counts (every number of the column an integer: contexts, tokens, MACs) print in full, unprefixed and
    // unrounded; measured quantities get one SI prefix per column (or prefix group).
    const counts = nums.length > 0 && nums.every((v) => Number.isInteger(v));
    if (nums.length > 0 && !counts && prefixStyle(c.unit) !== "none") {
      const { factor, unitLabel } = commonPrefix(nums, c.unit);
      header.push(`${c.label} (${unitLabel})`);
      perCol.push((v) => (typeof v === "number" ? (Number.isFinite(v) ? formatFixedSig(v * factor, digits) : formatNumber(v)) : cellText(v)));
    } else {
      header.push(c.unit ? `${c.label} (${c.unit})` : c.label);
      perCol.push((v) => (typeof v === "number" ? formatNumber(v, digits) : cellText(v)));
    }
  }
  const cells = t.rows.map((r) => columns.map((c, i) => perCol[i](r[c.key], r)));
  return { header, cells, columns };
}

function cellText(v: Cell): string {
  if (v === null || v === undefined) return MISSING;
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
}

function alignOf(c: Column, t: Table): "left" | "right" | "center" {
  if (c.align) return c.align;
  return t.rows.some((r) => typeof r[c.key] === "number") ? "right" : "left";
}

export function tableToMarkdown(t: Table): string {
  const f = formatTable(t);
  const line = (xs: readonly string[]) => `| ${xs.map(escapeMarkdownCell).join(" | ")} |`;
  const sep = f.columns.map((c) => {
    const a = alignOf(c, t);
    return a === "right" ? "---:" : a === "center" ? ":---:" : ":---";
  });
  let out = "";
  if (t.caption) out += `**${escapeMarkdownCell(t.caption)}**\n\n`;
  out += line(f.header) + "\n";
  out += `| ${sep.join(" | ")} |\n`;
  for (const row of f.cells) out += line(row) + "\n";
  if (t.note) out += `\n${escapeMarkdownCell(t.note)}\n`;
  return out;
}

/** LaTeX `table` with a booktabs `tabular` (needs \usepackage{booktabs}). Every text is escaped. */
export function tableToLatex(t: Table, opts: { readonly label?: string; readonly float?: boolean } = {}): string {
  const f = formatTable(t);
  const spec = f.columns.map((c) => alignOf(c, t)[0]).join("");
  const row = (xs: readonly string[]) => `  ${xs.map((x) => escapeLatex(x === MISSING ? "--" : x)).join(" & ")} \\\\`;
  const float = opts.float ?? true;
  const lines: string[] = [];
  if (float) lines.push("\\begin{table}[t]", "\\centering");
  if (float && t.caption) lines.push(`\\caption{${escapeLatex(t.caption)}}`);
  if (float && opts.label) lines.push(`\\label{${opts.label.replace(/[^A-Za-z0-9:._-]/g, "-")}}`);
  lines.push(`\\begin{tabular}{${spec}}`, "\\toprule", row(f.header), "\\midrule");
  for (const r of f.cells) lines.push(row(r));
  lines.push("\\bottomrule", "\\end{tabular}");
  if (t.note) lines.push(`\\par\\smallskip{\\footnotesize ${escapeLatex(t.note)}}`);
  if (float) lines.push("\\end{table}");
  return lines.join("\n") + "\n";
}

/** RFC 4180 CSV: header row of labels with base units in brackets, raw numbers, CRLF line ends. */
export function tableToCsv(t: Table): string {
  checkTable(t);
  const header = t.columns.map((c) => csvField(c.unit ? `${c.label} [${c.unit}]` : c.label));
  const lines = [header.join(",")];
  for (const r of t.rows) {
    lines.push(
      t.columns
        .map((c) => {
          const v = r[c.key];
          if (v === null || v === undefined) return "";
          if (typeof v === "number") return Number.isFinite(v) ? String(v) : String(v);
          return csvField(String(v));
        })
        .join(","),
    );
  }
  return lines.join("\r\n") + "\r\n";
}

/** Plain text for the terminal (the CLI prints report tables through this). */
export function tableToText(t: Table): string {
  const f = formatTable(t);
  return textTable(f.header, f.cells, f.columns.map((c) => (alignOf(c, t) === "right" ? "r" : "l")));
}

/** HTML <table> (used by the report page). */
export function tableToHtml(t: Table, escape: (s: string) => string): string {
  const f = formatTable(t);
  const al = f.columns.map((c) => alignOf(c, t));
  let s = `<table>`;
  if (t.caption) s += `<caption>${escape(t.caption)}</caption>`;
  s += `<thead><tr>${f.header.map((h, i) => `<th class="${al[i]}">${escape(h)}</th>`).join("")}</tr></thead><tbody>`;
  for (const r of f.cells) s += `<tr>${r.map((c, i) => `<td class="${al[i]}">${escape(c)}</td>`).join("")}</tr>`;
  s += `</tbody></table>`;
  if (t.note) s += `<p class="table-note">${escape(t.note)}</p>`;
  return s;
}

/** A table straight from records (sweep rows, Amdahl rows): columns default to the first row's keys. */
export function tableFromRecords(
  rows: readonly Readonly<Record<string, Cell>>[],
  columns?: readonly Column[],
  meta: { readonly name?: string; readonly caption?: string; readonly note?: string } = {},
): Table {
  const cols = columns ?? (rows.length > 0 ? Object.keys(rows[0]).map((k) => ({ key: k, label: k })) : []);
  return { ...meta, columns: cols, rows };
}

/** One line of a summary table: a quantity, its value (one per run) and the unit of the values. */
export interface SummaryRow {
  readonly what: string;
  /** The value of a single-run summary (or use `values`, one per label). */
  readonly value?: Cell;
  readonly values?: readonly Cell[];
  readonly unit?: string;
}

/** The summary table at the head of every report: "Metric | Value" (or one value column per run, and with
 *  two runs their ratio); each value carries its own unit (SI-prefixed in Markdown/LaTeX, base unit in a
 *  CSV-only column). */
export function summaryTable(
  rows: readonly SummaryRow[],
  opts: { readonly labels?: readonly string[]; readonly caption?: string; readonly name?: string } = {},
): Table {
  const labels = opts.labels ?? ["Value"];
  const multi = labels.length > 1;
  const columns: Column[] = [
    { key: "metric", label: "Metric" },
    ...labels.map((l, i) => ({ key: `v${i}`, label: multi ? l : "Value", unitKey: "unit", align: "right" as const })),
    ...(labels.length === 2 ? [{ key: "ratio", label: `${labels[0]} / ${labels[1]}`, unit: "×", digits: 3, align: "right" as const }] : []),
    { key: "unit", label: "Unit" },
  ];
  return {
    name: opts.name ?? "summary",
    caption: opts.caption ?? "Summary",
    columns,
    rows: rows.map((r) => {
      const vs = r.values ?? [r.value];
      const row: Record<string, Cell> = { metric: r.what, unit: r.unit ?? "" };
      vs.forEach((v, i) => (row[`v${i}`] = v ?? null));
      if (labels.length === 2) {
        const [a, b] = vs;
        row.ratio = typeof a === "number" && typeof b === "number" && b !== 0 ? a / b : null;
      }
      return row;
    }),
  };
}
