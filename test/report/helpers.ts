// Test helpers for the report suite: mark counting, a small XML well-formedness check, a LaTeX scanner
// and an RFC 4180 CSV parser (independent of the code under test).

/** data-series values of every element whose class list starts with "mark". */
export function markSeries(svg: string): string[] {
  return [...svg.matchAll(/class="mark[^"]*" data-series="([^"]*)"/g)].map((m) => m[1]);
}

export function countBy(xs: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

/** Throws when `xml` is not well-formed enough for a browser: balanced tags, quoted attributes,
 *  no raw "<" or stray "&" in text. Not a full XML parser; enough to catch broken escaping. */
export function checkWellFormed(xml: string): void {
  const stack: string[] = [];
  let i = 0;
  while (i < xml.length) {
    const c = xml[i];
    if (c === "<") {
      const end = xml.indexOf(">", i);
      if (end < 0) throw new Error(`unterminated tag at ${i}`);
      const tag = xml.slice(i + 1, end);
      if (tag.startsWith("/")) {
        const name = tag.slice(1).trim();
        const open = stack.pop();
        if (open !== name) throw new Error(`</${name}> closes <${open}> at ${i}`);
      } else if (!tag.startsWith("!") && !tag.startsWith("?")) {
        const m = /^([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)$/.exec(tag);
        if (!m) throw new Error(`malformed tag <${tag.slice(0, 80)}> at ${i}`);
        for (const a of m[2].matchAll(/="([^"]*)"/g)) checkText(a[1], i);
        if (m[3] !== "/") stack.push(m[1]);
      }
      i = end + 1;
    } else {
      const next = xml.indexOf("<", i);
      const text = xml.slice(i, next < 0 ? xml.length : next);
      checkText(text, i);
      i = next < 0 ? xml.length : next;
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join(">, <")}>`);
}

function checkText(text: string, at: number): void {
  for (const m of text.matchAll(/&/g)) {
    const rest = text.slice(m.index!);
    if (!/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/.test(rest)) throw new Error(`stray & near ${at}: ${rest.slice(0, 20)}`);
  }
}

/** Scan LaTeX text; return the first unescaped special character's index, or -1. Escapes accepted:
 *  "\" + one of &%$#_{} , or "\" + letters + "{}" or "{digit}" (\textsuperscript{2}). Also "\\" row ends
 *  are NOT accepted: this checks cell text, not table structure. */
export function firstUnescapedLatex(s: string): number {
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "\\") {
      const n = s[i + 1];
      if (n !== undefined && "&%$#_{}".includes(n)) {
        i += 2;
        continue;
      }
      const m = /^\\[A-Za-z]+\{[0-9]?\}/.exec(s.slice(i));
      if (m) {
        i += m[0].length;
        continue;
      }
      return i;
    }
    if ("&%$#_{}~^".includes(c)) return i;
    i++;
  }
  return -1;
}

/** Undo escapeLatex for the ten specials (for round-trip tests). */
export function unescapeLatex(s: string): string {
  return s
    .replace(/\\textbackslash\{\}/g, "\u0000")
    .replace(/\\textasciitilde\{\}/g, "~")
    .replace(/\\textasciicircum\{\}/g, "^")
    .replace(/\\([&%$#_{}])/g, "$1")
    .replace(/\u0000/g, "\\");
}

/** RFC 4180 parser: records of fields; CRLF or LF line ends; quoted fields with doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  let atStart = true;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && atStart) {
      quoted = true;
      atStart = false;
      i++;
      continue;
    }
    if (c === ",") {
      row.push(field);
      field = "";
      atStart = true;
      i++;
      continue;
    }
    if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      atStart = true;
      i += 2;
      continue;
    }
    if (c === '"') throw new Error(`quote inside unquoted field at ${i}`);
    if (c === "\n" || c === "\r") throw new Error(`bare line break at ${i}`);
    field += c;
    atStart = false;
    i++;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
