// Text escaping and number formatting shared by the charts, the tables and the HTML page.
// Everything here is pure and deterministic: the same number always prints the same way.

/** Escape text for XML/HTML content and attribute values (SVG and the HTML page). */
export function escapeXml(text: string): string {
  let out = "";
  for (const ch of text) {
    switch (ch) {
      case "&": out += "&amp;"; break;
      case "<": out += "&lt;"; break;
      case ">": out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case "'": out += "&#39;"; break;
      default: {
        const c = ch.codePointAt(0)!;
        // Control characters other than tab/newline are not allowed in XML 1.0: drop them.
        if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
        if (c === 0xfffe || c === 0xffff || (c >= 0xd800 && c <= 0xdfff)) break;
        out += ch;
      }
    }
  }
  return out;
}

/** The ten characters LaTeX treats specially in text mode. */
export const LATEX_SPECIALS = ["&", "%", "$", "#", "_", "{", "}", "~", "^", "\\"] as const;

const LATEX_MAP: Readonly<Record<string, string>> = {
  "&": "\\&",
  "%": "\\%",
  "$": "\\$",
  "#": "\\#",
  "_": "\\_",
  "{": "\\{",
  "}": "\\}",
  "~": "\\textasciitilde{}",
  "^": "\\textasciicircum{}",
  "\\": "\\textbackslash{}",
  // A few non-ASCII symbols our own units use, so the output compiles without extra packages.
  "µ": "\\textmu{}",
  "μ": "\\textmu{}",
  "²": "\\textsuperscript{2}",
  "³": "\\textsuperscript{3}",
  "×": "\\texttimes{}",
  "—": "---",
  "−": "\\textminus{}",
  "–": "--",
  // Characters that would silently change meaning in a tabular cell.
  "\n": " ",
  "\r": " ",
  "\t": " ",
};

/** Escape arbitrary text for LaTeX text mode: every special character becomes a command or an escaped symbol. */
export function escapeLatex(text: string): string {
  let out = "";
  for (const ch of text) {
    const m = LATEX_MAP[ch];
    out += m === undefined ? ch : m;
  }
  return out;
}

/** Escape text for a Markdown table cell (pipes, emphasis markers, HTML brackets, newlines). */
export function escapeMarkdownCell(text: string): string {
  let out = "";
  for (const ch of text) {
    if (ch === "\n" || ch === "\r") out += " ";
    else if ("\\|*_`[]<>#".includes(ch)) out += "\\" + ch;
    else out += ch;
  }
  return out;
}

/** Quote one CSV field per RFC 4180 (quoted when it holds a comma, quote, CR or LF; quotes doubled). A text
 *  cell starting with = + - @ (or tab/CR) that is not a number is prefixed with ' so spreadsheets show it
 *  as text instead of running it as a formula (OWASP "CSV injection"); numbers such as -1.5 stay numbers. */
export function csvField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) && !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text.trim()) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

// Numbers: the one formatter lives in src/util/numbers.ts (the CLI and the component descriptions print
// through it too).
export {
  type PrefixStyle, prefixStyle, siPrefixFor, prefixedUnit, formatNumber, formatQuantity, formatFixedSig, commonPrefix, compactNumber,
} from "../util/numbers.ts";

/** Numbers for SVG coordinates: at most 2 decimals, no trailing zeros, never "-0". */
export function coord(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) || r === 0 ? "0" : String(r);
}

/** A file-name-safe slug. */
export function slug(text: string, fallback = "item"): string {
  const s = text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/g, "");
  return s || fallback;
}
