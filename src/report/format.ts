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

/** Quote one CSV field per RFC 4180 (quoted when it holds a comma, quote, CR or LF; quotes doubled). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// ---------------------------------------------------------------------------------------------
// Numbers

const SI_PREFIXES: readonly { readonly exp: number; readonly symbol: string }[] = [
  { exp: 15, symbol: "P" },
  { exp: 12, symbol: "T" },
  { exp: 9, symbol: "G" },
  { exp: 6, symbol: "M" },
  { exp: 3, symbol: "k" },
  { exp: 0, symbol: "" },
  { exp: -3, symbol: "m" },
  { exp: -6, symbol: "µ" },
  { exp: -9, symbol: "n" },
  { exp: -12, symbol: "p" },
  { exp: -15, symbol: "f" },
  { exp: -18, symbol: "a" },
];

/** Units an SI prefix attaches to directly ("mJ", "µs", "GB/s", "mJ/token"). */
const SI_SYMBOL = /^(s|J|W|Hz|B|b|V|A|F|S|Ω|Wh|op|ops|MAC|MACs|FLOP|FLOPs)(\/.*)?$/;
/** Count-like units that take a prefix with a space ("k tokens/s"). */
const COUNT_UNIT = /^(tokens?|tok|samples|events|conversions)(\/.*)?$/;

export type PrefixStyle = "attach" | "space" | "none";

/** How an SI prefix combines with `unit`: attached (mJ), spaced (k tokens/s) or not at all (%, mm², bits). */
export function prefixStyle(unit: string | undefined): PrefixStyle {
  if (!unit) return "none";
  if (SI_SYMBOL.test(unit)) return "attach";
  if (COUNT_UNIT.test(unit)) return "space";
  return "none";
}

/** The SI prefix (power of 1000) that puts |value| in [1, 1000). Zero and non-finite values get no prefix. */
export function siPrefixFor(value: number): { readonly exp: number; readonly symbol: string } {
  const a = Math.abs(value);
  if (!Number.isFinite(a) || a === 0) return { exp: 0, symbol: "" };
  // Round first so 999.96 m becomes 1.00 (not 1000 m).
  const e = Math.floor(Math.log10(Number(a.toPrecision(3))));
  const e3 = Math.max(-18, Math.min(15, Math.floor(e / 3) * 3));
  return SI_PREFIXES.find((p) => p.exp === e3)!;
}

/** Unit string with a prefix applied in the unit's style ("mJ", "k tokens/s", "%"). */
export function prefixedUnit(symbol: string, unit: string | undefined): string {
  const style = prefixStyle(unit);
  if (!unit) return symbol;
  if (style === "attach") return symbol + unit;
  if (style === "space") return symbol ? `${symbol} ${unit}` : unit;
  return unit;
}

/** Plain-number formatting to `sig` significant digits, fixed notation, no exponent for ordinary magnitudes.
 *  Integers print exactly with thousands separators; very large or small non-integers use an exponent. */
export function formatNumber(value: number, sig = 3): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "∞";
  if (value === -Infinity) return "−∞";
  if (value === 0) return "0";
  const a = Math.abs(value);
  if (Number.isInteger(value) && a < 1e15) return a < 1e4 ? String(value) : groupThousands(value);
  if (a >= 1e6 || a < 1e-3) return value.toExponential(Math.max(0, sig - 1)).replace("e+", "e");
  const mag = Math.floor(Math.log10(Number(a.toPrecision(sig))));
  const decimals = Math.max(0, sig - 1 - mag);
  const s = value.toFixed(decimals);
  return Math.abs(Number(s)) >= 1e4 ? groupThousands(Number(s)) : s;
}

function groupThousands(v: number): string {
  const neg = v < 0;
  const s = Math.round(Math.abs(v)).toString();
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ",";
    out += s[i];
  }
  return neg ? "-" + out : out;
}

/** A value with its unit, prefixed where the unit allows: formatQuantity(0.00123, "s") === "1.23 ms". */
export function formatQuantity(value: number, unit: string | undefined, sig = 3): string {
  if (!Number.isFinite(value)) return unit ? `${formatNumber(value)} ${unit}` : formatNumber(value);
  const style = prefixStyle(unit);
  if (style === "none") {
    const n = formatNumber(value, sig);
    return unit ? (unit === "%" ? `${n} %` : `${n} ${unit}`) : n;
  }
  const p = siPrefixFor(value);
  const scaled = value / 10 ** p.exp;
  const n = formatFixedSig(scaled, sig);
  return `${n} ${prefixedUnit(p.symbol, unit)}`;
}

/** Significant-digit fixed formatting without thousands grouping or exponents (for already-scaled values). */
export function formatFixedSig(value: number, sig = 3): string {
  if (value === 0) return "0";
  const a = Math.abs(value);
  const mag = Math.floor(Math.log10(Number(a.toPrecision(sig))));
  return value.toFixed(Math.max(0, Math.min(20, sig - 1 - mag)));
}

/** A common prefix for a set of values (chosen from the largest magnitude), for axes and table columns. */
export function commonPrefix(values: readonly number[], unit: string | undefined): {
  readonly factor: number;
  readonly unitLabel: string;
} {
  if (prefixStyle(unit) === "none") return { factor: 1, unitLabel: unit ?? "" };
  let maxAbs = 0;
  for (const v of values) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  const p = siPrefixFor(maxAbs);
  return { factor: 10 ** -p.exp, unitLabel: prefixedUnit(p.symbol, unit) };
}

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

/** Short value with an SI suffix and no unit, for labels on marks: 1234 -> "1.23k", 0.0042 -> "4.20m". */
export function compactNumber(value: number, sig = 3): string {
  if (!Number.isFinite(value)) return formatNumber(value);
  const p = siPrefixFor(value);
  return formatFixedSig(value / 10 ** p.exp, sig) + p.symbol;
}
