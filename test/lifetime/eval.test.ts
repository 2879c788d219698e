// One small real evaluation: the bundled model on afm-pcm at two t_inf points, one seed, 32 tokens; the policy is
// then replayed on the measured curves with its own tightest target (what fresh programming gives).
import { describe, expect, it } from "vitest";
import { loadSpecFile, variant } from "../../src/spec/index.ts";
import { loadModel } from "../../src/model/checkpoint.ts";
import { bundledModelPath } from "../../src/util/package.ts";
import { curveModel, curvesOf, lifetime, parsePolicy, parseQualityTarget, simulateLifetime, type LifetimeResult } from "../../src/lifetime/index.ts";

const YEAR = 365 * 86400;
const replay = (r: LifetimeResult, target: string) =>
  simulateLifetime({ horizonS: YEAR, target: parseQualityTarget(target), policy: parsePolicy("reprogram"), quality: curveModel(curvesOf(r.points, parseQualityTarget(target))), costs: r.costs, loadTokensPerS: 5 });

describe("lifetime on a real evaluation", () => {
  it("drift off: quality constant, reprogramming never fires; drift on: the target fresh programming meets is crossed", async () => {
    const model = await loadModel(bundledModelPath());
    const afm = await loadSpecFile("afm-pcm");
    // drift and 1/f read noise off: the chip is as programmed at every t_inf (programming noise stays)
    const still = variant(afm, (d) => {
      d.analog!.tile.noise.driftScale = 0;
      d.analog!.tile.noise.readNoiseScale = 0;
    });
    const common = { model, horizonS: YEAR, target: "ppl<=1e9", policies: ["reprogram"], seeds: 1, tokens: 32, scheduleS: [1, 1e6], loadTokensPerS: 5, baseline: null };
    const off = await lifetime({ ...common, chip: still });
    const on = await lifetime({ ...common, chip: afm });
    expect(off.points[1]!.perplexity.mean).toBe(off.points[0]!.perplexity.mean); // nothing changes with time
    expect(on.points[1]!.perplexity.mean).toBeGreaterThan(1.05 * on.points[0]!.perplexity.mean); // drift raises perplexity

    const a = replay(off, `ppl<=${off.points[0]!.perplexity.mean}`);
    expect(a.reprogrammings).toBe(0);
    expect(a.firstCrossingS).toBeNull();
    expect(a.availability).toBe(1);
    expect(a.meetsTarget).toBe(true);

    // a target 3/4 of the way from fresh to 1e6 s: crossed at 1e6^(3/4) s (linear in log time between the points)
    const [q1, q2] = [on.points[0]!.perplexity.mean, on.points[1]!.perplexity.mean];
    const b = replay(on, `ppl<=${q1 + 0.75 * (q2 - q1)}`);
    expect(b.firstCrossingS! / Math.pow(1e6, 0.75)).toBeCloseTo(1, 6);
    expect(b.reprogrammings).toBe(Math.floor((YEAR + on.costs.reprogramming.timeS) / (b.firstCrossingS! + on.costs.reprogramming.timeS)));
    expect(b.meetsTarget).toBe(true);
    expect(b.availability).toBeLessThan(1);
    // the events are priced by the component models
    expect(on.costs.cellsProgrammed).toBeGreaterThan(0);
    expect(on.costs.reprogramming.energyJ).toBeGreaterThan(on.costs.programmingEnergyJ); // + the reference readout
    expect(b.energy.reprogrammingJ).toBeCloseTo(b.reprogrammings * (on.costs.reprogramming.energyJ + on.costs.idlePowerW * on.costs.reprogramming.timeS), 9);
    // the library call with a generous target never fires
    expect(on.policies[0]!.reprogrammings).toBe(0);
  }, 240_000);
});
