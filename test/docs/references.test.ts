// Every citation of docs/REFERENCES.md resolves: the code cites a source as `docs/REFERENCES.md [key]` (or
// `[key-a, key-b]`), each key must be an entry of docs/REFERENCES.md, every mention of REFERENCES.md must carry a
// key, and every published figure of the validation table names a key in brackets at the end of its source.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { PUBLISHED } from "../../src/validation/published.ts";

const ROOT = join(import.meta.dirname, "../..");
const REFS = join(ROOT, "docs/REFERENCES.md");
const SCANNED = ["src", "hw-specs", "bench", "test", "docs", "README.md"];
const EXT = /\.(ts|mjs|js|md|json|py)$/;

/** Keys of the entries of a references file: list items starting with `[key]` in backticks. */
export function entryKeys(text: string): string[] {
  return [...text.matchAll(/^- `\[([a-z0-9][a-z0-9-]*)\]`/gm)].map((m) => m[1]!);
}

/** Every `docs/REFERENCES.md [a, b]` citation's keys, and every mention of REFERENCES.md that is not one. */
export function citations(text: string): { keys: string[]; bare: string[] } {
  const keys: string[] = [];
  const bare: string[] = [];
  for (const m of text.matchAll(/(\S*)REFERENCES\.md( \[[^\]\n]*\])?/g)) {
    const prefix = m[1] ?? "";
    const list = m[2];
    if (!prefix.endsWith("docs/") || !list) {
      bare.push(m[0]);
      continue;
    }
    for (const k of list.slice(2, -1).split(",")) keys.push(k.trim());
  }
  return { keys, bare };
}

function files(dir: string): string[] {
  const p = join(ROOT, dir);
  if (!statSync(p, { throwIfNoEntry: false })) return [];
  if (statSync(p).isFile()) return [p];
  return readdirSync(p, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && EXT.test(e.name) && !e.parentPath.includes("node_modules"))
    .map((e) => join(e.parentPath, e.name));
}

describe("docs/REFERENCES.md", () => {
  const text = readFileSync(REFS, "utf8");
  const keys = entryKeys(text);

  it("the parsers find keys, multi-key citations, and citations without a key", () => {
    expect(entryKeys("- `[a-1]` A.\n- `[b]` B.\n  - `[c]` nested, not an entry\n")).toEqual(["a-1", "b"]);
    const c = citations('x (docs/REFERENCES.md [a, b-2]) y REFERENCES.md "Converters" z docs/REFERENCES.md\n../REFERENCES.md [q]');
    expect(c.keys).toEqual(["a", "b-2"]);
    expect(c.bare).toHaveLength(3);
  });

  it("has entries with unique, well-formed keys", () => {
    expect(keys.length).toBeGreaterThanOrEqual(30);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("every citation in the repository names keys that are entries, and none is without a key", () => {
    const known = new Set(keys);
    const unresolved: string[] = [];
    const bare: string[] = [];
    let cited = 0;
    for (const f of SCANNED.flatMap(files)) {
      if (f === REFS || f.endsWith("references.test.ts")) continue;
      const c = citations(readFileSync(f, "utf8"));
      cited += c.keys.length;
      for (const k of c.keys) if (!known.has(k)) unresolved.push(`${relative(ROOT, f)}: [${k}]`);
      for (const b of c.bare) bare.push(`${relative(ROOT, f)}: ${b}`);
    }
    expect(cited).toBeGreaterThanOrEqual(50);
    expect(unresolved).toEqual([]);
    expect(bare).toEqual([]);
  });

  it("every published figure of the validation table names its source's key", () => {
    const known = new Set(keys);
    const bad = PUBLISHED.filter((p) => {
      const m = /\[([a-z0-9, -]+)\]$/.exec(p.source);
      return !m || !m[1]!.split(",").every((k) => known.has(k.trim()));
    }).map((p) => p.id);
    expect(bad).toEqual([]);
  });
});
