// "No constant in src/components without a citation comment": every numeric literal other than 0, 1, 2 and
// powers of ten written as 1eN (unit conversions) must have a comment on its line, or in the comment block
// directly above it, that cites a source or says it is an assumption/definition/formatting/unit conversion.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = join(import.meta.dirname, "../../src/components");
const CITATION =
  /assumption|definition|formatting|unit conversion|REFERENCES\.md|Horowitz|Murmann|ISAAC|HERMES|NeuroSim|Stillmaker|Anda|Eyeriss|O'Connor|hwcomponents|Intel|TSMC|\b(19|20)\d\d\b/i;
const ALLOWED = new Set(["0", "1", "2"]);

/** Strip string literals (single-line) and return [code, comment] for one line. */
function split(line: string): [string, string] {
  let code = "";
  let i = 0;
  while (i < line.length) {
    const ch = line[i];
    if (ch === "/" && line[i + 1] === "/") return [code, line.slice(i)];
    if (ch === '"' || ch === "'" || ch === "`") {
      const q = ch;
      i++;
      while (i < line.length && line[i] !== q) {
        if (line[i] === "\\") i++;
        if (q === "`" && line[i] === "$" && line[i + 1] === "{") {
          // keep template expressions as code
          let depth = 1;
          i += 2;
          while (i < line.length && depth > 0) {
            if (line[i] === "{") depth++;
            else if (line[i] === "}") depth--;
            if (depth > 0) code += line[i];
            i++;
          }
          continue;
        }
        i++;
      }
      i++;
      code += " ";
      continue;
    }
    code += ch;
    i++;
  }
  return [code, ""];
}

export function uncitedLiterals(source: string): string[] {
  const lines = source.split("\n");
  const bad: string[] = [];
  let inBlock = false;
  let blockAbove = ""; // text of the comment block that ends right above the current line
  let blockText = "";
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    const t = raw.trim();
    if (inBlock) {
      blockText += " " + t;
      if (t.includes("*/")) {
        inBlock = false;
        blockAbove = blockText;
      }
      continue;
    }
    if (t.startsWith("/*")) {
      blockText = t;
      if (t.includes("*/")) blockAbove = blockText;
      else inBlock = true;
      continue;
    }
    if (t.startsWith("//")) {
      blockAbove = (blockAbove.startsWith("//") ? blockAbove + " " : "//") + t;
      continue;
    }
    const [code, comment] = split(raw);
    const literals = code.match(/(?<![\w.$])\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?\b/gi) ?? [];
    const needing = literals.filter((l) => !ALLOWED.has(l) && !/^1e[+-]?\d+$/i.test(l));
    if (needing.length > 0 && !CITATION.test(comment) && !CITATION.test(blockAbove)) {
      bad.push(`${n + 1}: ${t}`);
    }
    if (t !== "") blockAbove = ""; // a comment block covers only the line right below it
  }
  return bad;
}

describe("citation rule", () => {
  it("the scanner flags an uncited constant and accepts cited ones", () => {
    expect(uncitedLiterals("const x = 3.7;\n")).toHaveLength(1);
    expect(uncitedLiterals("const x = 3.7; // Horowitz ISSCC 2014\n")).toHaveLength(0);
    expect(uncitedLiterals("/** assumption: reasons */\nconst x = 3.7;\n")).toHaveLength(0);
    expect(uncitedLiterals("const s = \"4 apples\"; const y = 1e-12 * 2;\n")).toHaveLength(0);
    expect(uncitedLiterals("// unrelated\nconst a = 1;\nconst x = 42;\n")).toHaveLength(1);
  });

  it("every numeric literal in src/components has a citation comment on its line or the block above", () => {
    const files = readdirSync(DIR, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThanOrEqual(8);
    const bad = files.flatMap((f) => uncitedLiterals(readFileSync(join(DIR, f), "utf8")).map((b) => `${f}:${b}`));
    expect(bad).toEqual([]);
  });
});
