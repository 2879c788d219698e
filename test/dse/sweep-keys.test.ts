// Unknown keys in sweep({...}) are errors naming the key (issue 12.5): a misspelled "constraint" used to drop
// every constraint silently.
import { describe, expect, it } from "vitest";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";
import { axis, sweep } from "../../src/dse/index.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { decodeChipSpec } from "../../src/spec/index.ts";

const base = {
  name: "t",
  base: hybrid,
  axes: { adcBits: axis([4, 8], (d, v) => void (d.analog!.tile.adc.bits = v)) },
  model: "gpt2",
  workload: { promptTokens: 8, genTokens: 2 },
  objectives: [{ key: "tokensPerS", goal: "max" as const }],
};

function errorOf(f: () => unknown): { tag: string; path: string; rule: string } {
  try {
    f();
  } catch (e) {
    if (isAimcsimError(e)) return { tag: e._tag, path: e.path, rule: e.rule };
    throw e;
  }
  throw new Error("expected a SweepError");
}

describe("sweep({...}) keys", () => {
  it("a misspelled key is a SweepError naming it, with the key it resembles", () => {
    const e = errorOf(() => sweep({ ...base, constraint: [{ key: "areaMm2", max: 10 }] } as never));
    expect(e.tag).toBe("SweepError");
    expect(e.path).toBe("constraint");
    expect(e.rule).toMatch(/^unknown key "constraint" \(did you mean "constraints"\?\); allowed: name, base, axes/);
  });

  it("an unrelated key is named without a suggestion; so is one inside workload", () => {
    const e = errorOf(() => sweep({ ...base, colour: "red" } as never));
    expect(e.path).toBe("colour");
    expect(e.rule).not.toMatch(/did you mean/);
    const w = errorOf(() => sweep({ ...base, workload: { promptTokens: 8, genTokens: 2, bach: 4 } } as never));
    expect(w.path).toBe("workload.bach");
    expect(w.rule).toMatch(/did you mean "batch"/);
  });

  it("every key SweepInput declares is accepted", () => {
    const d = sweep({ ...base, constraints: [], seed: 3, workload: { ...base.workload, batch: 2 }, validate: (s) => decodeChipSpec(s) });
    expect(d.seed).toBe(3);
    expect(d.workload.batch).toBe(2);
  });
});
