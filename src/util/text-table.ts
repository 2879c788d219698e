// The one plain-text table renderer (terminal output of the CLI and of `describe`): columns padded to
// their widest cell, two spaces apart, a dashed rule under the header, no trailing blanks.

export type TextAlign = "l" | "r";

/** Render `header` and `rows` as aligned text. Alignment per column defaults to left for the first
 *  column and right for the others (labels, then numbers). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly TextAlign[] = []): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => ((align[i] ?? (i === 0 ? "l" : "r")) === "l" ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ").trimEnd();
  return [line(header), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}
