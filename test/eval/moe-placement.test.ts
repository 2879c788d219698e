// Accuracy per expert placement (issue 18.4): the chip's mapping.experts decides, matrix by matrix, which of a
// mixture-of-experts model's weights the numerics run on the noisy analog backend (the rest run exact fp32),
// by the same rule the op-graph mapping uses, so one mapping gives latency, energy and accuracy.
// Model: models/tiny-mixtral-wordnet (trained; 2 layers x 8 experts, top-2). Chip: afm-pcm (PCM noise, 8-bit
// static-range DAC, 8-bit ADC) with its mapping varied.
import { beforeAll, describe, expect, it } from "vitest";
import { loadModel, type LoadedModel } from "../../src/model/checkpoint.ts";
import { analogLinears, evaluate, prepareEval, type PreparedEval } from "../../src/eval/index.ts";
import { createAnalogBackend } from "../../src/numerics/analog/index.ts";
import { exactBackend } from "../../src/numerics/backend.ts";
import { forwardLogits } from "../../src/numerics/forward.ts";
import { variant } from "../../src/spec/index.ts";
import type { ChipSpec } from "../../src/spec/types.ts";
import afm from "../../hw-specs/afm-pcm.ts";

const MODEL = "models/tiny-mixtral-wordnet";
let model: LoadedModel;
let prep: PreparedEval;

type Experts = NonNullable<ChipSpec["mapping"]["experts"]>;
const placed = (projections: "analog" | "digital", experts?: Partial<Experts>): ChipSpec =>
  variant(afm, (d) => {
    d.mapping.projections = projections;
    if (experts) d.mapping.experts = { placement: "projections", mostLoadedDigital: 0, shared: "projections", router: "digital", ...experts, digitalExperts: [...(experts.digitalExperts ?? [])] };
  });

const allDigital = placed("digital", { placement: "digital" });
const expertsAnalog = placed("digital", { placement: "analog" });
const half = placed("digital", { placement: "analog", digitalExperts: [0, 1, 2, 3] });

beforeAll(async () => {
  model = await loadModel(MODEL);
  prep = await prepareEval({ model, tokens: 128 });
}, 600_000);

const names = (chip: ChipSpec) => analogLinears(model, chip).map((w) => w.name);
const expertOf = (n: string) => Number(/experts\.(\d+)\./.exec(n)?.[1] ?? -1);

describe("which weights are analog under mapping.experts", () => {
  it("follows the placement matrix by matrix (2 layers x 8 experts x gate/up/down)", () => {
    expect(names(allDigital)).toEqual([]);
    const ea = names(expertsAnalog);
    expect(ea).toHaveLength(2 * 8 * 3);
    expect(ea.every((n) => /block_sparse_moe\.experts\.\d+\.w[123]$/.test(n))).toBe(true);
    const h = names(half);
    expect(h).toHaveLength(2 * 4 * 3);
    expect(new Set(h.map(expertOf))).toEqual(new Set([4, 5, 6, 7]));
    // router analog on request; digital by default
    expect(names(placed("digital", { placement: "analog", router: "analog" })).filter((n) => n.endsWith(".gate"))).toHaveLength(2);
    // no experts field: experts follow mapping.projections (attention analog too), router digital, lm_head digital
    const dflt = names(afm);
    expect(dflt).toHaveLength(2 * 4 + 2 * 8 * 3);
    expect(dflt.some((n) => n.endsWith(".gate") || n === "lm_head")).toBe(false);
    // attention analog, every expert digital
    expect(names(placed("analog", { placement: "digital" }))).toHaveLength(2 * 4);
  });
});

describe("logits per placement", () => {
  const ids = () => prep.windows[0]!.input;
  const run = (chip: ChipSpec, seed: number) => {
    const b = createAnalogBackend(analogLinears(model, chip), chip.analog!, { seed, tInfS: 3600, calibration: { bounds: boundsFor(chip) } });
    return forwardLogits(model, b, ids());
  };
  const boundsCache = new Map<ChipSpec, Record<string, number>>();
  const boundsFor = (chip: ChipSpec): Record<string, number> => {
    // a fixed static range per layer (the chip is static-range): 4, the scale of the trained model's normed inputs
    const hit = boundsCache.get(chip);
    if (hit) return hit;
    const b = Object.fromEntries(analogLinears(model, chip).map((w) => [w.name, 4]));
    boundsCache.set(chip, b);
    return b;
  };

  it("all-digital placement equals the exact forward pass bit for bit", () => {
    const b = createAnalogBackend(analogLinears(model, allDigital), allDigital.analog!, { seed: 1, tInfS: 3600 });
    expect(forwardLogits(model, b, ids())).toEqual(forwardLogits(model, exactBackend, ids()));
  });

  it("analog experts change the logits, deterministically by seed", () => {
    const exact = forwardLogits(model, exactBackend, ids());
    const a1 = run(expertsAnalog, 7);
    const a1b = run(expertsAnalog, 7);
    const a2 = run(expertsAnalog, 8);
    expect(a1b).toEqual(a1);
    const diff = (x: Float32Array, y: Float32Array) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
    expect(diff(a1, exact)).toBeGreaterThan(1e-2);
    expect(diff(a2, a1)).toBeGreaterThan(1e-3);
  }, 120_000);
});

describe("evaluate() reports accuracy for a placement", () => {
  it("KL vs exact is 0 with every weight digital and positive with analog experts; same seed, same numbers", async () => {
    const d = await evaluate({ model, chip: allDigital, tokens: 128, seeds: 1, prepared: prep, threads: 1 });
    expect(d.analogLayers).toEqual([]);
    expect(d.analog.klDivergence.mean).toBe(0);
    expect(d.analog.perplexity.mean).toBe(d.reference.perplexity);
    const a = await evaluate({ model, chip: expertsAnalog, tokens: 128, seeds: 1, prepared: prep, threads: 1 });
    const again = await evaluate({ model, chip: expertsAnalog, tokens: 128, seeds: 1, prepared: prep, threads: 1 });
    expect(a.analogLayers).toHaveLength(48);
    expect(a.analog.klDivergence.mean).toBeGreaterThan(1e-4);
    expect(again.analog).toEqual(a.analog);
  }, 300_000);
});

describe("eval's placement flags", () => {
  it("set mapping.experts (validated) and the result names the placement", async () => {
    const { withExpertFlags } = await import("../../src/cli/commands/eval.ts");
    expect(await withExpertFlags(afm, {})).toBe(afm);
    const c = await withExpertFlags(afm, { experts: "analog", digitalExperts: "0, 1", router: "digital" });
    expect(c.mapping.experts).toMatchObject({ placement: "analog", digitalExperts: [0, 1], router: "digital", shared: "projections" });
    expect(names(c).filter((n) => n.includes("experts."))).toHaveLength(2 * 6 * 3);
    await expect(withExpertFlags(afm, { experts: "sideways" })).rejects.toThrow(/--experts: must be one of projections, analog, digital/);
    await expect(withExpertFlags(afm, { digitalExperts: "1,x" })).rejects.toThrow(/--digital-experts.*item 1 is "x"/);
    await expect(withExpertFlags(afm, { digitalExperts: "2,2" })).rejects.toThrow(/duplicate expert index 2/);
    const r = await evaluate({ model, chip: c, tokens: 128, seeds: 1, prepared: prep, threads: 1 });
    expect(r.expertPlacement).toEqual([0, 1].map((layer) => ({ layer, analogExperts: [2, 3, 4, 5, 6, 7], mixedExperts: [], routerAnalog: false, sharedAnalog: null })));
    expect(r.notes.join("\n")).toMatch(/experts analog in every layer: 2,3,4,5,6,7 of 8; router digital/);
  }, 300_000);
});

describe("router statistics of the noise-free model", () => {
  it("count top-k slots per layer and expert, rank mostLoadedDigital, and feed run --expert-load", async () => {
    const counts = prep.routerCounts!;
    const inputs = prep.windows.reduce((a, w) => a + w.input.length, 0);
    expect(counts).toHaveLength(2);
    for (const row of counts) {
      expect(row).toHaveLength(8);
      expect(row.reduce((a, b) => a + b, 0)).toBe(inputs * 2); // top-2: two slots per token
      expect(row.every((c) => c <= inputs)).toBe(true); // an expert at most once per token
    }
    // the model scored carries the measured load; the two most-loaded experts of each layer go digital
    const most = placed("digital", { placement: "analog", mostLoadedDigital: 2 });
    const r = await evaluate({ model, chip: most, tokens: 128, seeds: 1, prepared: prep, threads: 1, baselineW4A8: false });
    counts.forEach((row, l) => {
      const top2 = [...row.keys()].sort((a, b) => row[b]! - row[a]! || a - b).slice(0, 2);
      const analog = r.expertPlacement![l]!.analogExperts;
      expect(analog).toHaveLength(6);
      expect(analog.some((e) => top2.includes(e))).toBe(false);
    });
    expect(r.notes.join("\n")).toMatch(/2 most-loaded experts of each layer are digital; load: routing of the noise-free model/);
    expect(r.routerCounts).toEqual(counts);
  }, 300_000);

  it("run takes the same placement flags, and eval's --router-stats file as its --expert-load", async () => {
    const { runCli } = await import("../../src/cli/main.ts");
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "moe-"));
    const stats = join(dir, "stats.json");
    const io = () => {
      const out: string[] = [];
      return { out, io: { out: (t: string) => out.push(t), err: () => {} } };
    };
    const e = io();
    expect(await runCli(["eval", "--model", MODEL, "--tokens", "64", "--seeds", "1", "--no-baseline", "--experts", "analog", "--router-stats", stats, "--json"], e.io)).toBe(0);
    const energy = async (experts: string) => {
      const c = io();
      expect(await runCli(["run", "--chip", "afm-pcm", "--model", MODEL, "--prompt", "32", "--gen", "2", "--expert-load", stats, "--experts", experts, "--json"], c.io)).toBe(0);
      return JSON.parse(c.out.join("")).energyJ as number;
    };
    // experts analog on the crossbars vs digital units streaming their weights from DRAM
    expect(await energy("digital")).toBeGreaterThan(await energy("analog"));
    const bad = io();
    expect(await runCli(["run", "--chip", "afm-pcm", "--model", MODEL, "--experts", "sideways"], bad.io)).not.toBe(0);
    await rm(dir, { recursive: true, force: true });
  }, 300_000);
});

describe("static input ranges of experts no calibration token reached", () => {
  it("take the largest range of the same projection among the layer's calibrated experts, and say so", async () => {
    const { calibrateStaticRanges } = await import("../../src/eval/index.ts");
    // 2 calibration tokens route to at most 4 of the 8 experts per layer
    const cal = calibrateStaticRanges(prep, expertsAnalog, 2)!;
    const all = analogLinears(model, expertsAnalog).map((w) => w.name);
    expect(all.every((x) => cal.bounds[x]! > 0)).toBe(true);
    expect(cal.note).toMatch(/analog expert matrices saw no calibration token/);
    const n = Number(/(\d+) analog expert matrices/.exec(cal.note!)![1]);
    expect(n).toBeGreaterThanOrEqual(2 * 4 * 3);
    for (const layer of [0, 1])
      for (const w of ["w1", "w2", "w3"]) {
        const own = all.filter((x) => x.startsWith(`model.layers.${layer}.`) && x.endsWith(`.${w}`)).map((x) => cal.bounds[x]!);
        expect(Math.max(...own)).toBeGreaterThan(0);
        // the filled ones equal the largest: at least 4 of the 8 share the maximum
        expect(own.filter((b) => b === Math.max(...own)).length).toBeGreaterThanOrEqual(4);
      }
    const r = await evaluate({ model, chip: expertsAnalog, tokens: 128, seeds: 1, prepared: prep, threads: 1, calibrationTokens: 2, baselineW4A8: false });
    expect(r.analog.klDivergence.mean).toBeGreaterThan(0);
  }, 300_000);
});
