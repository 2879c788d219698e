// The Anda precision search as a sweep strategy: parameter axes, stored points, resumable.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";
import { andaPrecision, evaluator, param, runSweep, sweep, axis } from "../../src/dse/index.ts";
import { andaPrecisionSearch, type AndaSearchResult } from "../../src/eval/anda.ts";
import { presetShape } from "../../src/model/presets.ts";
import { andaAccuracyOf } from "./fixtures/accuracy.ts";

const bits = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
const shape = presetShape("gpt2");

const def = () =>
  sweep({
    name: "anda",
    base: hybrid,
    axes: {
      adcBits: axis([8], (d, v) => void (d.analog!.tile.adc.bits = v)),
      mQkv: param(bits),
      mO: param(bits),
      mUp: param(bits),
      mDown: param(bits),
    },
    model: "gpt2",
    workload: { promptTokens: 16, genTokens: 1 },
    objectives: [{ key: "accuracy", goal: "max" }],
    evaluator: evaluator(new URL("./fixtures/accuracy.ts", import.meta.url), "andaSynthetic"),
    strategy: andaPrecision({ axes: ["mQkv", "mO", "mUp", "mDown"], accuracyKey: "accuracy", delta: 0.001, shape, fixed: { adcBits: 8 } }),
  });

describe("Anda precision search strategy", () => {
  it("finds the same tuple as andaPrecisionSearch called directly, storing each tuple as a point", async () => {
    const direct = await andaPrecisionSearch({ model: { shape }, tokens: 0, delta: 0.001, evaluateTuple: (t) => andaAccuracyOf(t) });
    const dir = mkdtempSync(join(tmpdir(), "aimcsim-anda-"));
    try {
      const r = await runSweep(def(), { workers: 0, store: dir, progress: false });
      const res = r.strategyResult as AndaSearchResult;
      expect(res.best).not.toBeNull();
      expect(res.best).toEqual(direct.best);
      expect(res.history.map((h) => h.tuple)).toEqual(direct.history.map((h) => h.tuple));
      // Every tuple asked about (+ the [16,16,16,16] reference) is one stored point with its own key.
      expect(r.records.length).toBe(direct.history.length + 1);
      expect(new Set(r.records.map((x) => x.key)).size).toBe(r.records.length);
      expect(r.records[0].axes).toMatchObject({ mQkv: 16, mO: 16, mUp: 16, mDown: 16 });
      // Resumed: the search replays from the store without evaluating anything.
      const again = await runSweep(def(), { workers: 0, store: dir, progress: false });
      expect(again.evaluated).toBe(0);
      expect((again.strategyResult as AndaSearchResult).best).toEqual(res.best);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
