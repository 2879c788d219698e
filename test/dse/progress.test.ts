import { describe, expect, it } from "vitest";
import { formatProgress } from "../../src/dse/index.ts";
import { formatDuration } from "../../src/dse/progress.ts";
import { runSweep } from "../../src/dse/index.ts";
import { syntheticSweep } from "./fixtures/defs.ts";

describe("progress", () => {
  it("formats done/total, points/s and ETA", () => {
    expect(formatProgress("s", { done: 10, total: 40, evaluated: 10, reused: 0, failed: 1, pointsPerS: 2.5, etaS: 12 })).toBe(
      "s: 10/40 points  2.5 pt/s  ETA 12s, 1 failed",
    );
    expect(formatProgress("s", { done: 3, total: undefined, evaluated: 3, reused: 2, failed: 0, pointsPerS: 0, etaS: undefined })).toBe(
      "s: 3/? points  0.0 pt/s  ETA --, 2 reused",
    );
    expect(formatDuration(125)).toBe("2m05s");
    expect(formatDuration(7300)).toBe("2h01m");
  });
  it("reports every point once, ending at done == total", async () => {
    const seen: number[] = [];
    await runSweep(syntheticSweep(), { workers: 0, progress: false, onProgress: (p) => seen.push(p.done) });
    expect(seen[seen.length - 1]).toBe(36);
    expect(seen.every((d, i) => i === 0 || d >= seen[i - 1])).toBe(true);
  });
});
