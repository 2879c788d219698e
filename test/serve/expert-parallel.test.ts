// Expert parallelism in `serve` (issue 18 items 4-5, serving side): experts on their home chips, routed token counts
// from the expert load, dispatch and combine over the chip links, the busiest chip setting the iteration's time.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import digital from "../../hw-specs/digital-baseline.ts";
import { AimcsimError } from "../../src/errors.ts";
import { expertHomes, withExpertChips } from "../../src/mapping/experts.ts";
import { mapModel } from "../../src/mapping/placement.ts";
import { shapeFromConfig } from "../../src/model/config.ts";
import { withExpertLoad } from "../../src/model/moe.ts";
import { parseLengthDist, poissonRequests, serve } from "../../src/serve/index.ts";
import { serveTrace } from "../../src/serve/trace.ts";
import { simulate } from "../../src/sim/index.ts";
import type { ChromeTrace } from "../../src/trace/build.ts";
import { hybridChip, tile } from "../mapping/chips.ts";

// A tiny Mixtral: 2 layers, 8 experts, top-2, hidden 256, expert width 512.
const tiny = shapeFromConfig(
  { model_type: "mixtral", hidden_size: 256, intermediate_size: 512, num_attention_heads: 4, num_key_value_heads: 2, num_hidden_layers: 2, num_local_experts: 8, num_experts_per_tok: 2, vocab_size: 512, max_position_embeddings: 1024 },
  "tiny-moe",
);
const SLOT_MACS = 3 * 256 * 512; // one routed token slot: gate, up and down of one expert
// 24 tiles of 128x128 per chip: the analog model spreads over 34 chips, each expert on the chips its tiles are on.
const analog = hybridChip({ tiles: 24, t: tile(128, 128) });
const requests = poissonRequests({ count: 24, ratePerS: 2000, prompt: parseLengthDist("uniform:64-256", "prompt"), output: parseLengthDist("uniform:4-16", "gen"), seed: 1 });

describe("expert placement over chips", () => {
  it("spread puts E/N experts on each chip; balanced evens the load; an analog expert lives where its tiles are; host is none", () => {
    const skew = withExpertLoad(tiny, "zipf:1.5");
    const homes = (chip: typeof digital, shape = tiny) => {
      const p = mapModel(shape, chip, { chips: 4 });
      return expertHomes(shape, chip, 4, p.analogMatrices, p.blocks);
    };
    expect(homes(digital)).toBeNull();
    expect(homes(withExpertChips(digital, "spread"))).toEqual([[0, 0, 1, 1, 2, 2, 3, 3], [0, 0, 1, 1, 2, 2, 3, 3]]);
    // zipf 1.5 over 8 experts: expert 0 alone outweighs the rest on one chip
    const balanced = homes(withExpertChips(digital, "balanced"), skew)!;
    expect(balanced[0]![0]).toBe(0);
    expect(balanced[0]!.filter((c) => c === 0)).toHaveLength(1);
    expect(new Set(balanced[0]!).size).toBe(4);
    // analog: the chip holding most of the expert's tiles, whatever the policy
    const p = mapModel(tiny, withExpertChips(analog, "spread"), { chips: "auto" });
    for (const m of p.analogMatrices) {
      const x = /^L(\d+)\.experts\.(\d+)\.gate_proj$/.exec(m.name);
      if (!x) continue;
      const chips = p.blocks.slice(m.firstBlock, m.firstBlock + m.tiles).map((b) => b.chip);
      expect(chips).toContain(p.expertChips![Number(x[1])]![Number(x[2])]!);
    }
    expect(() => withExpertChips(digital, "random")).toThrow(AimcsimError);
    expect(() => withExpertChips(digital, "random")).toThrow(/--expert-chips/);
  });
});

describe("expert parallelism in a run", () => {
  it("conservation (property): every routed slot is computed on exactly one chip, and each one off the host crosses the links twice as an fp16 hidden vector", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom("spread", "balanced"),
        fc.constantFrom("uniform", "zipf:0.8", "zipf:2"),
        fc.constantFrom("shared", "mesh", "switch"),
        fc.integer({ min: 1, max: 40 }),
        (chips, policy, load, topology, prompt) => {
          const chip = { ...withExpertChips(digital, policy), chipLink: { topology } } as typeof digital;
          const s = simulate({ chip, model: withExpertLoad(tiny, load), promptTokens: prompt, genTokens: 3, chips });
          const slots = s.experts.map((e) => e.macs / SLOT_MACS);
          for (const n of slots) expect(Math.abs(n - Math.round(n))).toBeLessThan(1e-9);
          // (prompt + 2 decode tokens) x top-2 x 2 layers
          expect(slots.reduce((a, b) => a + b, 0)).toBeCloseTo((prompt + 2) * 2 * 2, 9);
          const off = slots.reduce((a, n, c) => a + (c === 0 ? 0 : n), 0);
          const hops = topology === "switch" ? 2 : 1;
          const carried = s.links.reduce((a, l) => a + l.bytes, 0);
          expect(carried).toBeCloseTo(off * 2 * 256 * 2 * hops, 3);
          expect(s.result.prefill.energyByComponentJ.link + s.result.decode.energyByComponentJ.link).toBeCloseTo(carried * 8 * 0.5e-12, 15);
          for (const e of s.experts) expect(e.activeS).toBeLessThanOrEqual(s.result.totalS * (1 + 1e-12));
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe("serve with expert parallelism", () => {
  it("a trace of one request gives run's TTFT exactly, its TPOT (never shorter, within 1 %), its link traffic and routed tokens per chip", () => {
    const chip = withExpertChips(analog, "spread");
    const r = simulate({ chip, model: tiny, promptTokens: 96, genTokens: 12, chips: "auto" });
    const s = serve({ chip, model: tiny, requests: [{ id: 0, arrivalS: 0, promptTokens: 96, outputTokens: 12 }], chips: "auto", exact: true });
    expect(s.chips).toBe(r.result.mapping.chips);
    expect(s.ttftS.p50).toBe(r.result.ttftS);
    expect(s.tpotS.p50).toBeGreaterThanOrEqual(r.result.tpotS);
    expect(s.tpotS.p50 / r.result.tpotS - 1).toBeLessThan(0.01);
    expect(Math.abs(s.energyJ / r.result.energyJ - 1)).toBeLessThan(0.01);
    expect(s.links.map((l) => l.name)).toEqual(r.links.map((l) => l.name));
    s.links.forEach((l, i) => expect(l.bytes / r.links[i]!.bytes).toBeCloseTo(1, 9));
    expect(s.experts.map((e) => e.routedTokens)).toEqual(r.experts.map((e) => e.macs / SLOT_MACS));
    // every token of the prompt and of the 11 decode steps goes to top-2 experts in each of the 2 layers
    expect(s.experts.reduce((a, e) => a + e.routedTokens, 0)).toBeCloseTo((96 + 11) * 2 * 2, 9);
  });

  it("a skewed expert load is slower than a uniform one: the chip of the hot expert sets the pace", () => {
    const chip = withExpertChips(analog, "spread");
    const uniform = serve({ chip, model: tiny, requests, chips: "auto" });
    const skew = serve({ chip, model: withExpertLoad(tiny, "zipf:1.5"), requests, chips: "auto" });
    expect(skew.ttftS.p50).toBeGreaterThan(uniform.ttftS.p50);
    expect(skew.tpotS.p50).toBeGreaterThan(uniform.tpotS.p50);
    const top = (r: typeof skew) => Math.max(...r.experts.map((e) => e.share));
    const busiest = (r: typeof skew) => Math.max(...r.experts.map((e) => e.utilization));
    expect(top(skew)).toBeGreaterThan(2 * top(uniform));
    expect(busiest(skew)).toBeGreaterThan(busiest(uniform));
    // routed slots are conserved whatever the load
    const slots = (r: typeof skew) => r.experts.reduce((a, e) => a + e.routedTokens, 0);
    expect(slots(skew) / slots(uniform)).toBeCloseTo(1, 6);
    for (const r of [uniform, skew]) for (const e of r.experts) expect(e.utilization).toBeLessThanOrEqual(1);
  });

  it("digital experts: spreading them over 4 chips' DRAM and arrays beats running them on the host; balanced beats spread under skew", () => {
    const skew = withExpertLoad(tiny, "zipf:1.5");
    const host = serve({ chip: digital, model: skew, requests, chips: 4 });
    const spread = serve({ chip: withExpertChips(digital, "spread"), model: skew, requests, chips: 4 });
    const balanced = serve({ chip: withExpertChips(digital, "balanced"), model: skew, requests, chips: 4 });
    expect(host.links).toEqual([]);
    expect(host.experts).toEqual([]);
    expect(spread.ttftS.p50).toBeLessThan(host.ttftS.p50);
    expect(spread.durationS).toBeLessThan(host.durationS);
    expect(balanced.durationS).toBeLessThan(spread.durationS);
    // dispatch + combine: every routed slot off the host crosses the link twice as an fp16 hidden vector (256 x 2 B)
    for (const r of [spread, balanced]) {
      const off = r.experts.filter((e) => e.chip !== 0).reduce((a, e) => a + e.routedTokens, 0);
      expect(r.links).toHaveLength(1);
      expect(r.links[0]!.bytes / (off * 2 * 256 * 2)).toBeCloseTo(1, 6);
      expect(r.links[0]!.energyJ / (r.links[0]!.bytes * 8 * 0.5e-12)).toBeCloseTo(1, 9);
    }
    expect(spread.assumptions.some((a) => a.includes("expert parallelism (spread)"))).toBe(true);
  });
});

describe("CLI flags", () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
  };
  it("--expert-chips and --link-topology refuse unknown values by name; run prints each link of a mesh", async () => {
    const { runCli } = await import("../../src/cli/main.ts");
    const bad = capture();
    expect(await runCli(["serve", "--chip", "digital-baseline", "--model", "gpt2", "--requests", "2", "--expert-chips", "random"], bad.io)).not.toBe(0);
    expect(bad.err.join("\n")).toMatch(/serve --expert-chips: must be one of host, spread, balanced/);
    const badTopo = capture();
    expect(await runCli(["run", "--chip", "hermes", "--model", "gpt2", "--prompt", "8", "--gen", "2", "--link-topology", "torus"], badTopo.io)).not.toBe(0);
    expect(badTopo.err.join("\n")).toMatch(/run --link-topology: must be one of shared, ring, mesh, switch/);
    const ok = capture();
    expect(await runCli(["run", "--chip", "hermes", "--model", "gpt2", "--prompt", "8", "--gen", "2", "--chips", "auto", "--link-topology", "mesh"], ok.io)).toBe(0);
    const text = ok.out.join("\n");
    expect(text).toMatch(/chip-to-chip links/);
    expect(text).toMatch(/link 0-1 /);
    expect(text).not.toMatch(/chip-link/);
  });
});

describe("serve trace: chip-link and expert tracks", () => {
  it("the Perfetto trace is valid JSON with one track per link and per chip's experts, whose per-iteration figures add up to the run's", () => {
    const chip = withExpertChips(analog, "spread");
    const few = requests.slice(0, 6);
    const s = serve({ chip, model: tiny, requests: few, chips: "auto", record: true });
    expect(s.links.length).toBeGreaterThan(0);
    expect(s.experts.length).toBeGreaterThan(1);
    const trace = JSON.parse(JSON.stringify(serveTrace(s))) as ChromeTrace;
    const threads = new Map<number, string>();
    const procs = new Map<number, string>();
    for (const e of trace.traceEvents) {
      if (e.ph === "M" && e.name === "thread_name") threads.set(e.pid * 1e6 + e.tid!, String(e.args!["name"]));
      if (e.ph === "M" && e.name === "process_name") procs.set(e.pid, String(e.args!["name"]));
    }
    const names = new Set(threads.values());
    for (const l of s.links) expect(names.has(`link ${l.name}`)).toBe(true);
    for (const x of s.experts) expect(names.has(`chip ${x.chip} experts`)).toBe(true);
    expect([...procs.values()]).toEqual(expect.arrayContaining(["chip", "chip links", "experts per chip", "requests"]));
    const slicesOn = (track: string) =>
      trace.traceEvents.filter((e) => {
        const t = threads.get(e.pid * 1e6 + e.tid!) ?? "";
        return e.ph === "X" && (t === track || t.startsWith(`${track} #`));
      });
    // link bytes per iteration (counter) add up to the run's bytes on that link; busy slices never exceed their iteration
    for (const l of s.links) {
      const pts = trace.traceEvents.filter((e) => e.ph === "C" && e.name === `link ${l.name} bytes per iteration`);
      expect(pts.length).toBe(s.iterations);
      const sum = pts.reduce((a, e) => a + Number(e.args!["value"]), 0);
      expect(sum / l.bytes).toBeCloseTo(1, 9);
      const busy = slicesOn(`link ${l.name}`);
      expect(busy.reduce((a, e) => a + Number(e.args!["busyS"]), 0) / l.busyS).toBeCloseTo(1, 9);
      for (const e of busy) expect(Number(e.args!["utilization"])).toBeLessThanOrEqual(1);
    }
    // routed token slots on each chip's expert track add up to the run's per-chip count
    for (const x of s.experts) {
      const sl = slicesOn(`chip ${x.chip} experts`);
      expect(sl.reduce((a, e) => a + Number(e.args!["routedTokens"]), 0)).toBeCloseTo(x.routedTokens, 6);
      const util = trace.traceEvents.filter((e) => e.ph === "C" && e.name === `chip ${x.chip} experts utilisation`).map((e) => Number(e.args!["value"]));
      expect(util.length).toBe(s.iterations);
      for (const u of util) expect(u >= 0 && u <= 1).toBe(true);
    }
    // the hottest chip's track is not empty
    const hot = s.experts.reduce((a, b) => (b.routedTokens > a.routedTokens ? b : a));
    expect(slicesOn(`chip ${hot.chip} experts`).length).toBeGreaterThan(0);
    // one chip: no link or expert tracks
    const one = serveTrace(serve({ chip: digital, model: tiny, requests: few, record: true }));
    expect(one.traceEvents.some((e) => e.ph === "M" && String(e.args?.["name"] ?? "").startsWith("link "))).toBe(false);
    expect(one.traceEvents.some((e) => e.ph === "M" && String(e.args?.["name"] ?? "").includes("experts"))).toBe(false);
  });
});
