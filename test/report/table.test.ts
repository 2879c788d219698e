import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { escapeLatex, LATEX_SPECIALS } from "../../src/report/format.ts";
import { tableToCsv, tableToLatex, tableToMarkdown, type Table } from "../../src/report/table.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { firstUnescapedLatex, parseCsv, unescapeLatex } from "./helpers.ts";

const nasty = fc
  .array(fc.constantFrom("&", "%", "$", "#", "_", "{", "}", "~", "^", "\\", "a", "Z", " ", "1", ",", '"', "|", "\n", "\r", "µ", "é", "²", "×", "—", "*", "<"), { maxLength: 40 })
  .map((xs) => xs.join(""));
const anyText = fc.oneof(nasty, fc.string({ unit: "binary", maxLength: 40 }));

describe("escapeLatex", () => {
  it("never leaves a special character unescaped", () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const e = escapeLatex(s);
        expect(firstUnescapedLatex(e), `${JSON.stringify(s)} -> ${e}`).toBe(-1);
      }),
      { numRuns: 2000 },
    );
  });
  it("escapes each of the ten specials", () => {
    for (const c of LATEX_SPECIALS) {
      const e = escapeLatex(c);
      expect(e).not.toBe(c);
      expect(firstUnescapedLatex(e)).toBe(-1);
    }
    expect(escapeLatex("1/(1 − f) × 2 µs")).toBe("1/(1 \\textminus{} f) \\texttimes{} 2 \\textmu{}s");
    expect(escapeLatex("a_b & 50% of $x^2$ {#1} ~ \\")).toBe(
      "a\\_b \\& 50\\% of \\$x\\textasciicircum{}2\\$ \\{\\#1\\} \\textasciitilde{} \\textbackslash{}",
    );
  });
  it("round-trips text made only of ASCII and the specials", () => {
    const ascii = fc.array(fc.constantFrom(..."&%$#_{}~^\\ abcXYZ019.,;:()[]'\"!?-+=/".split("")), { maxLength: 50 }).map((x) => x.join(""));
    fc.assert(fc.property(ascii, (s) => {
      expect(unescapeLatex(escapeLatex(s))).toBe(s);
    }));
  });
});

describe("tableToLatex", () => {
  it("uses booktabs rules and keeps exactly columns-1 unescaped & per row for any cell text", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyText, anyText, fc.double({ min: -1e9, max: 1e9, noNaN: true })), { minLength: 1, maxLength: 6 }), anyText, (rows, caption) => {
        const t: Table = {
          caption,
          columns: [{ key: "a", label: "Name_1 & co" }, { key: "b", label: "50% {x}" }, { key: "c", label: "Energy", unit: "J" }],
          rows: rows.map(([a, b, c]) => ({ a, b, c })),
        };
        const tex = tableToLatex(t);
        expect(tex).toContain("\\toprule");
        expect(tex).toContain("\\midrule");
        expect(tex).toContain("\\bottomrule");
        const body = tex.split("\n");
        const start = body.indexOf("\\toprule");
        const end = body.indexOf("\\bottomrule");
        const lines = body.slice(start + 1, end).filter((l) => l !== "\\midrule");
        expect(lines.length).toBe(rows.length + 1);
        for (const line of lines) {
          expect(line.endsWith(" \\\\")).toBe(true);
          const cells = line.slice(0, -3).split(" & ");
          expect(cells.length).toBe(3);
          for (const cell of cells) expect(firstUnescapedLatex(cell.trim()), line).toBe(-1);
        }
        const cap = /^\\caption\{(.*)\}$/m.exec(tex);
        if (caption !== "") expect(firstUnescapedLatex(cap![1])).toBe(-1);
      }),
      { numRuns: 300 },
    );
  });
});

describe("tableToCsv (RFC 4180)", () => {
  it("round-trips any cell text (formula-like text neutralised) through a strict RFC 4180 parser, with CRLF record ends", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyText, fc.double({ noNaN: true, noDefaultInfinity: true })), { maxLength: 8 }), (rows) => {
        const t: Table = { columns: [{ key: "s", label: 'Label, "quoted"' }, { key: "v", label: "Value", unit: "s" }], rows: rows.map(([s, v]) => ({ s, v })) };
        const csv = tableToCsv(t);
        expect(csv.endsWith("\r\n")).toBe(true);
        const parsed = parseCsv(csv);
        expect(parsed[0]).toEqual(['Label, "quoted"', "Value [s]"]);
        expect(parsed.length).toBe(rows.length + 1);
        rows.forEach(([s, v], i) => {
          // Text a spreadsheet would run as a formula comes back with a leading quote (issue 13.4).
          const formula = /^[=+\-@\t\r]/.test(s) && !(s.trim() !== "" && Number.isFinite(Number(s.trim())));
          expect(parsed[i + 1][0]).toBe(formula ? `'${s}` : s);
          expect(Number(parsed[i + 1][1])).toBe(v === 0 ? 0 : v); // -0 prints as "0"
        });
      }),
    );
  });
  it("writes raw numbers in base units and empty fields for missing cells", () => {
    const csv = tableToCsv({ columns: [{ key: "t", label: "TTFT", unit: "s" }, { key: "n", label: "Note" }], rows: [{ t: 0.00123, n: null }] });
    expect(csv).toBe("TTFT [s],Note\r\n0.00123,\r\n");
  });
});

describe("tableToMarkdown", () => {
  const t: Table = {
    caption: "Energy",
    columns: [
      { key: "name", label: "Component" },
      { key: "p", label: "Prefill", unit: "J", prefixGroup: "e" },
      { key: "d", label: "Decode", unit: "J", prefixGroup: "e" },
      { key: "s", label: "Share", unit: "%" },
    ],
    rows: [
      { name: "ADC | SAR", p: 6.2e-4, d: 9e-5, s: 19.3 },
      { name: "DRAM", p: 3.5e-4, d: 9.6e-4, s: 35.5 },
    ],
  };
  it("puts a common SI prefix in the header and right-aligns numbers", () => {
    const md = tableToMarkdown(t);
    expect(md).toContain("| Component | Prefill (µJ) | Decode (µJ) | Share (%) |");
    expect(md).toContain("| :--- | ---: | ---: | ---: |");
    expect(md).toContain("| ADC \\| SAR | 620 | 90.0 | 19.3 |");
  });
  it("keeps one pipe-delimited cell per column whatever the text", () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        const md = tableToMarkdown({ columns: [{ key: "a", label: "A" }, { key: "b", label: "B" }], rows: [{ a, b }] });
        const lines = md.trimEnd().split("\n");
        expect(lines.length).toBe(3);
        for (const line of lines) expect(line.replace(/\\\|/g, "").split("|").length).toBe(4);
      }),
    );
  });
  it("rejects malformed tables with a UsageError naming the field", () => {
    try {
      tableToMarkdown({ columns: [{ key: "a", label: "A" }, { key: "a", label: "B" }], rows: [] });
      expect.unreachable();
    } catch (e) {
      expect(isAimcsimError(e) && e._tag === "UsageError" && e.path === "table.columns[1].key").toBe(true);
    }
    expect(() => tableToCsv({ columns: [{ key: "a", label: "A" }], rows: [{ a: { x: 1 } as never }] })).toThrow(/rows\[0\]\.a/);
  });
});
