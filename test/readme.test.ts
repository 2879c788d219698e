// The README's examples are code a user copies: they must stay valid.
import { describe, expect, it } from "vitest";
import { readFile, writeFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { loadSpecFile } from "../src/spec/index.ts";
import { loadSweep } from "../src/dse/index.ts";
import { simulate } from "../src/sim/index.ts";

const block = (readme: string, marker: string): string => {
  const m = readme.match(new RegExp("```ts\\n// " + marker.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&") + "\\n([\\s\\S]*?)```"));
  if (!m) throw new Error(`README has no ts block starting with // ${marker}`);
  return m[1]!;
};

describe("README examples", () => {
  it("the spec example validates and runs Llama-3.2-1B, and the sweep example loads", async () => {
    const readme = await readFile("README.md", "utf8");
    // Written next to the real folders (so their relative imports resolve) under a unique name.
    const tag = `.readme-${process.pid}-${Date.now()}`;
    {
      const specFile = join("hw-specs", `${tag}-my-chip.ts`);
      await writeFile(specFile, block(readme, "hw-specs/my-chip.ts"));
      const sweepFile = join("sweeps", `${tag}-sweep.ts`);
      await writeFile(sweepFile, block(readme, "sweeps/adc-vs-tiles.ts"));
      try {
        const chip = await loadSpecFile(specFile);
        expect(chip.name).toBe("my-chip");
        const r = simulate({ chip, model: "llama-3.2-1b", promptTokens: 32, genTokens: 2 }).result;
        expect(r.tokensPerS).toBeGreaterThan(0);
        const def = await loadSweep(sweepFile);
        expect(def.name).toBe("adc-vs-tiles");
      } finally {
        await rm(specFile, { force: true });
        await rm(sweepFile, { force: true });
      }
    }
  });
});
