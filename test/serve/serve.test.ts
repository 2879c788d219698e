// Serving under load (issue 18.1-3): one request equals `run`; conservation, determinism, KV capacity and
// preemption, load monotonicity, the trace formats and their errors.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";
import digital from "../../hw-specs/digital-baseline.ts";
import { run } from "../../src/sim/index.ts";
import { variant } from "../../src/spec/index.ts";
import { parseLengthDist, parseTraceCsv, poissonRequests, serve, sloRate } from "../../src/serve/index.ts";
import { serveTrace } from "../../src/serve/trace.ts";

const MODEL = "gpt2";

describe("serve", () => {
  for (const [name, chip] of [["hybrid-bitnet", hybrid], ["digital-baseline", digital]] as const) {
    // Serving iterations run strictly one after the other (the next batch is formed when the last ends), while
    // `run` lets decode step s+1's KV reads start before step s's head has ended: TPOT is the same up to that
    // overlap. Measured when this test was written: +0.56 % (gpt2, hybrid), +0.04 % (gpt2, digital), +0.16 %
    // (Llama-3.2-1B, hybrid); the 1 % bound was set after seeing them.
    it(`${name}: a trace of one request gives run's TTFT exactly, its TPOT (never shorter) and energy within 1 %`, async () => {
      const r = await run({ chip, model: MODEL, promptTokens: 96, genTokens: 12, chips: "auto" });
      const s = serve({ chip, model: MODEL, requests: [{ id: 0, arrivalS: 0, promptTokens: 96, outputTokens: 12 }], chips: "auto", exact: true });
      expect(s.ttftS.p50).toBe(r.ttftS);
      expect(s.tpotS.p50).toBeGreaterThanOrEqual(r.tpotS);
      expect(s.tpotS.p50 / r.tpotS - 1).toBeLessThan(0.01);
      expect(Math.abs(s.energyJ / r.energyJ - 1)).toBeLessThan(0.01);
    });
  }

  it("every request completes once, tokens are conserved, and the same seed gives the identical result", () => {
    const reqs = poissonRequests({ count: 60, ratePerS: 40, prompt: { kind: "uniform", lo: 16, hi: 200 }, output: { kind: "uniform", lo: 1, hi: 40 }, seed: 7 });
    const a = serve({ chip: hybrid, model: MODEL, requests: reqs, chips: "auto", record: true });
    const b = serve({ chip: hybrid, model: MODEL, requests: reqs, chips: "auto", record: true });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.outcomes!.map((o) => o.id)).toEqual(reqs.map((r) => r.id));
    expect(a.outputTokens).toBe(reqs.reduce((s, r) => s + r.outputTokens, 0));
    for (const o of a.outcomes!) {
      expect(o.firstTokenS).toBeGreaterThanOrEqual(o.arrivalS);
      expect(o.endS).toBeGreaterThanOrEqual(o.firstTokenS);
    }
    // iterations never overlap and never exceed the token budget
    for (let i = 1; i < a.log!.length; i++) expect(a.log![i]!.startS).toBeGreaterThanOrEqual(a.log![i - 1]!.endS - 1e-15);
    for (const it of a.log!) expect(it.decodeSeqs + it.prefillTokens).toBeLessThanOrEqual(2048);
    expect(a.utilization.every((u) => u.busy >= 0 && u.busy <= 1 + 1e-9)).toBe(true);
    const trace = serveTrace(a);
    expect(trace.traceEvents.filter((e) => e.ph === "X").length).toBeGreaterThan(a.requests);
  });

  it("a tiny KV cache forces preemptions (recompute and swap) and every request still completes", () => {
    // gpt2's fp32 weights take ~495 MB of the 540 MiB: room for about 1,900 tokens of KV cache
    const tiny = variant(digital, (d) => { d.dram.capacityBytes = 540 * 2 ** 20; });
    const reqs = poissonRequests({ count: 24, ratePerS: 1000, prompt: { kind: "fixed", n: 200 }, output: { kind: "fixed", n: 60 }, seed: 3 });
    for (const preemption of ["recompute", "swap"] as const) {
      const s = serve({ chip: tiny, model: MODEL, requests: reqs, preemption });
      expect(s.requests).toBe(24);
      expect(s.kvCapacityTokens).toBeLessThan(24 * 260);
      expect(s.preemptions, preemption).toBeGreaterThan(0);
    }
    const roomy = serve({ chip: digital, model: MODEL, requests: reqs });
    expect(roomy.preemptions).toBe(0);
  });

  it("a request that can never fit the KV cache is a clear error", () => {
    const tiny = variant(digital, (d) => { d.dram.capacityBytes = 500 * 2 ** 20; });
    expect(() => serve({ chip: tiny, model: MODEL, requests: [{ id: 0, arrivalS: 0, promptTokens: 900, outputTokens: 100 }] })).toThrow(/can never run/);
  });

  it("more load never lowers P99 TTFT on the same request family (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (seed) => {
        const at = (rate: number) =>
          serve({ chip: digital, model: MODEL, requests: poissonRequests({ count: 30, ratePerS: rate, prompt: { kind: "fixed", n: 64 }, output: { kind: "fixed", n: 8 }, seed }) }).ttftS.p99;
        expect(at(200)).toBeGreaterThanOrEqual(at(2) * 0.999);
      }),
      { numRuns: 4 },
    );
  });

  it("the SLO rate sweep finds the first rate that misses 90 % attainment", () => {
    const make = (rate: number) => poissonRequests({ count: 30, ratePerS: rate, prompt: { kind: "fixed", n: 64 }, output: { kind: "fixed", n: 16 }, seed: 1 });
    const r = sloRate({ chip: digital, model: MODEL, sloTtftS: 0.2, sloTpotS: 0.05 }, make, { startRatePerS: 1, maxSteps: 10 });
    expect(r.firstViolationRatePerS).not.toBeNull();
    const miss = r.points.find((p) => p.ratePerS === r.firstViolationRatePerS)!;
    expect(miss.sloAttainment).toBeLessThan(0.9);
    expect(r.points.filter((p) => p.ratePerS < r.firstViolationRatePerS!).every((p) => p.sloAttainment >= 0.9)).toBe(true);
  });
});

describe("request traces", () => {
  it("reads the Azure LLM inference trace layout (ISO timestamps) and a plain one, sorted by arrival", () => {
    const azure = "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.9951690,396,109\n2023-11-16 18:15:45.0,10,1\n";
    const a = parseTraceCsv(azure, "azure.csv");
    expect(a.map((r) => r.promptTokens)).toEqual([10, 374, 396]);
    expect(a[0]!.arrivalS).toBe(0);
    expect(a[2]!.arrivalS).toBeCloseTo(5.995169, 5);
    const plain = parseTraceCsv("arrival_s,prompt_tokens,output_tokens\n0.5,100,10\n0,20,2\n", "p.csv");
    expect(plain.map((r) => [r.arrivalS, r.promptTokens, r.outputTokens])).toEqual([[0, 20, 2], [0.5, 100, 10]]);
  });
  it("bad rows name the file, line and column", () => {
    expect(() => parseTraceCsv("arrival_s,prompt_tokens,output_tokens\n0,12,x\n", "t.csv")).toThrow(/t\.csv:2 output_tokens/);
    expect(() => parseTraceCsv("when,prompt_tokens,output_tokens\n0,1,1\n", "t.csv")).toThrow(/t\.csv:1.*arrival/);
    expect(() => parseTraceCsv("arrival_s,prompt_tokens,output_tokens\n", "t.csv")).toThrow(/no requests/);
    expect(() => parseLengthDist("uniform:9-3", "--gen-dist")).toThrow(/--gen-dist/);
    expect(parseLengthDist("normal:512,64", "x")).toEqual({ kind: "normal", mean: 512, sd: 64 });
  });
});
