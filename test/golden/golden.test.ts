// Every preset's describe + run result equals the committed golden file (see golden.ts).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GOLDEN_FILE, goldenEntry, goldenSpecFiles, jsonDiff } from "./golden.ts";

const golden = JSON.parse(readFileSync(GOLDEN_FILE, "utf8")) as Record<string, unknown>;

describe("golden results (test/golden/results.json)", () => {
  it("covers every preset in hw-specs/", () => {
    expect(Object.keys(golden).sort()).toEqual(goldenSpecFiles());
  });
  for (const file of goldenSpecFiles()) {
    it(`${file}: describe and run are unchanged`, async () => {
      const diff = jsonDiff(golden[file], await goldenEntry(file));
      expect(diff.slice(0, 20), `${diff.length} values moved; regenerate only on purpose`).toEqual([]);
    });
  }
});
