// The Analog Foundation Models finding, reproduced in its trend on models/tiny-llama-wordnet: 8-bit static-range
// I/O with PCM noise (hw-specs/afm-pcm.ts) costs perplexity that a digital W4A8 model does not, by a few points
// (two-sided: not a collapse); and the AFM remedy (models/tiny-llama-wordnet-afm, hardware-aware fine-tuning)
// at least halves that degradation. Each runs the noisy forward pass over 512 held-out tokens for 3 programming
// seeds, which takes minutes, so they run only with AIMCSIM_SLOW=1 (`npm run validate` always runs them; see
// test/validation/README.md).
import { describe, expect, it } from "vitest";
import { AFM_REMEDY_INTERVAL, runAccuracyTrend, runAfmRemedyTrend } from "../../src/validation/index.ts";

const SLOW = process.env.AIMCSIM_SLOW === "1";

describe("AFM accuracy finding (slow: AIMCSIM_SLOW=1)", () => {
  it.runIf(SLOW)("W4A8 stays near fp32; the static-range 8-bit PCM chip loses a few points, not everything", { timeout: 900_000 }, async () => {
    const t = await runAccuracyTrend({ tokens: 512, seeds: 3 });
    const [fp32, w4a8, analog] = t.series.map((p) => p.y);
    expect(w4a8!).toBeLessThan(fp32! * 1.1);
    expect(analog!).toBeGreaterThanOrEqual(fp32! * 1.05);
    expect(analog!).toBeLessThanOrEqual(fp32! * 1.6);
    expect(t.holds).toBe(true);
  });

  it.runIf(SLOW)("hardware-aware fine-tuning keeps at most half the degradation (R in the pre-set interval)", { timeout: 900_000 }, async () => {
    const t = await runAfmRemedyTrend({ tokens: 512, seeds: 3 });
    const R = t.series[t.series.length - 1]!.y;
    expect(R).toBeGreaterThanOrEqual(AFM_REMEDY_INTERVAL[0]);
    expect(R).toBeLessThanOrEqual(AFM_REMEDY_INTERVAL[1]);
    expect(t.holds).toBe(true);
  });
});
