// The analytic op share (amdahl --ops-only): exact counts from the op graph, the conventions, and PIM-LLM
// Fig. 1(b) reproduced within 0.02 on every cell.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MACS_ONLY, opShare, PIMLLM_FIG1B } from "../../src/analysis/opshare.ts";
import { presetShape } from "../../src/model/presets.ts";
import { FIG1B_ABS_TOLERANCE, FIG1B_CONTEXTS, FIG1B_MODELS, FIG1B_PUBLISHED, fig1bRows } from "../../src/validation/fig1b.ts";

describe("opShare", () => {
  it("counts a decode step exactly: 12 d^2 projection MACs per layer against 2 d (L+1) attention MACs (OPT, MHA)", () => {
    const s = presetShape("opt-6.7b");
    const d = s.hiddenSize;
    const L = 1000;
    const r = opShare("opt-6.7b", L, MACS_ONLY);
    expect(r.projectionOps).toBe(s.numLayers * (4 * d * d + 2 * d * s.intermediateSize));
    expect(r.attentionOps).toBe(s.numLayers * 2 * d * (L + 1));
    expect(r.f).toBeCloseTo(r.projectionOps / (r.projectionOps + r.attentionOps), 15);
  });

  it("f falls with context, rises with width, and falls when softmax ops are counted (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8000 }), fc.integer({ min: 1, max: 8000 }), fc.integer({ min: 1, max: 100 }), (a, b, ops) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        if (lo === hi) return;
        const conv = { phase: "decode" as const, softmaxOpsPerScore: ops, lmHead: false };
        expect(opShare("opt-1.3b", hi, conv).f).toBeLessThan(opShare("opt-1.3b", lo, conv).f);
        expect(opShare("opt-6.7b", lo, conv).f).toBeGreaterThan(opShare("opt-1.3b", lo, conv).f);
        expect(opShare("opt-1.3b", lo, conv).f).toBeLessThan(opShare("opt-1.3b", lo, MACS_ONLY).f);
      }),
      { numRuns: 30 },
    );
  });

  it("the head counts only when asked, and causal prefill halves the attention of a decode step", () => {
    const withHead = opShare("opt-1.3b", 512, { ...MACS_ONLY, lmHead: true });
    const without = opShare("opt-1.3b", 512, MACS_ONLY);
    expect(withHead.projectionOps - without.projectionOps).toBe(2048 * 50272);
    const prefill = opShare("opt-1.3b", 512, { ...MACS_ONLY, phase: "prefill" });
    // per token, a causal prefill of L tokens sees (L+1)/2 keys on average; a decode step at L sees L+1
    expect(prefill.attentionOps / 512 / without.attentionOps).toBeCloseTo(0.5, 10);
  });
});

describe("PIM-LLM Fig. 1(b)", () => {
  it(`the pimllm-fig1b convention is within ${FIG1B_ABS_TOLERANCE} of every one of the 42 cells`, () => {
    const rows = fig1bRows();
    expect(rows).toHaveLength(42);
    for (const r of rows) expect(Math.abs(r.simulated - r.published), r.id).toBeLessThanOrEqual(FIG1B_ABS_TOLERANCE);
    expect(rows.filter((r) => r.usedForCalibration)).toHaveLength(12);
  });
  it("MACs alone miss the figure by more than the tolerance at long context (the convention matters)", () => {
    const worst = Math.max(
      ...FIG1B_CONTEXTS.flatMap((L) => FIG1B_MODELS.map((m, j) => Math.abs(opShare(m, L, MACS_ONLY).f - FIG1B_PUBLISHED[L]![j]!))),
    );
    expect(worst).toBeGreaterThan(0.05);
    expect(worst).toBeLessThan(0.15);
  });
});
