// `aimcsim serve --chip SPEC --model M (--trace FILE.csv | --requests N --rate QPS) [...]`
import { AimcsimError } from "../../errors.ts";
import { flag, int, num, parse, requireStr, str } from "../args.ts";
import { defineCommand } from "../command.ts";

const ms = (s: number): string => (s * 1e3).toFixed(s < 0.01 ? 3 : 1);

export const serve = defineCommand({
  name: "serve",
  summary: "serving under load: a request trace or Poisson arrivals, continuous batching, TTFT/TPOT percentiles, goodput, tokens/J",
  options: {
    chip: { type: "string", arg: "spec", required: true, help: "the chip" },
    model: { type: "string", arg: "preset|folder", required: true, help: "the model" },
    trace: { type: "string", arg: "file.csv", help: "requests from a CSV trace (arrival_s|timestamp, prompt_tokens|ContextTokens, output_tokens|GeneratedTokens)" },
    requests: { type: "string", arg: "N", default: "200", help: "Poisson arrivals: number of requests" },
    rate: { type: "string", arg: "QPS", default: "1", help: "Poisson arrivals: requests per second" },
    "prompt-dist": { type: "string", arg: "dist", default: "uniform:128-1024", help: "prompt lengths: fixed:N, uniform:A-B or normal:MEAN,SD" },
    "gen-dist": { type: "string", arg: "dist", default: "uniform:32-256", help: "output lengths (same forms)" },
    seed: { type: "string", arg: "S", default: "1", help: "seed of the arrivals and lengths" },
    "max-batched-tokens": { type: "string", arg: "N", default: "2048", help: "token budget of one iteration" },
    "max-seqs": { type: "string", arg: "N", default: "256", help: "sequences running at once" },
    preemption: { type: "string", arg: "recompute|swap", default: "recompute", help: "what a preempted sequence does" },
    "slo-ttft": { type: "string", arg: "ms", help: "time-to-first-token SLO" },
    "slo-tpot": { type: "string", arg: "ms", help: "time-per-output-token SLO" },
    chips: { type: "string", arg: "N|auto", default: "auto", help: "chips the model is spread over" },
    "expert-load": { type: "string", arg: "uniform|zipf:S|stats.json", help: "mixture-of-experts models: each expert's share of the routed tokens (as in run)" },
    "link-topology": { type: "string", arg: "shared|ring|mesh|switch", help: "how the chips are wired (chipLink.topology; default the spec's, else shared)" },
    "expert-chips": { type: "string", arg: "host|spread|balanced", help: "mixture-of-experts models on several chips: expert parallelism (mapping.experts.chips; default the spec's, else host)" },
    baseline: { type: "string", arg: "spec", help: "a second chip served the same requests; with SLOs, the rate at which each first violates them" },
    json: { type: "boolean", help: "print the result as JSON" },
    "trace-out": { type: "string", arg: "file.json", help: "write a Perfetto trace (a track per request)" },
  },
  notes: ["Scheduler: vLLM-style continuous batching (decode first, one chunked prefill with the rest of the token budget, KV blocks of 16 tokens, preemption of the newest sequence)."],
  async run(argv, io) {
    const p = parse(argv, this.options, "serve");
    const { loadSpecFile } = await import("../../spec/index.ts");
    const { serve: simulate, sloRate, poissonRequests, parseTraceCsv, parseLengthDist } = await import("../../serve/index.ts");
    const { withChipFlags, modelWithExpertLoad } = await import("../chip-flags.ts");
    const chipFlags = { expertChips: str(p, "expert-chips"), topology: str(p, "link-topology") };
    const specOf = async (file: string) => withChipFlags(await loadSpecFile(file), chipFlags, "serve");
    const chip = await specOf(requireStr(p, "chip", "serve"));
    const modelName = requireStr(p, "model", "serve");
    const model = await modelWithExpertLoad(modelName, str(p, "expert-load"));
    const seed = int(p, "seed", 1, "serve", 0);
    const count = int(p, "requests", 200, "serve", 1);
    const promptDist = parseLengthDist(str(p, "prompt-dist") ?? "uniform:128-1024", "serve --prompt-dist");
    const genDist = parseLengthDist(str(p, "gen-dist") ?? "uniform:32-256", "serve --gen-dist");
    const traceFile = str(p, "trace");
    const rate = num(p, "rate", 1, "serve", Number.MIN_VALUE);
    const make = (r: number) => poissonRequests({ count, ratePerS: r, prompt: promptDist, output: genDist, seed });
    let requests;
    if (traceFile) {
      const { readFile } = await import("node:fs/promises");
      let text: string;
      try {
        text = await readFile(traceFile, "utf8");
      } catch (e) {
        throw new AimcsimError("IoError", traceFile, `cannot read the trace: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      requests = parseTraceCsv(text, traceFile);
    } else requests = make(rate);
    const preemption = str(p, "preemption") ?? "recompute";
    if (preemption !== "recompute" && preemption !== "swap") throw new AimcsimError("UsageError", "serve --preemption", `must be recompute or swap, got "${preemption}"`);
    const chipsArg = str(p, "chips") ?? "auto";
    const chips = chipsArg === "auto" ? ("auto" as const) : int(p, "chips", 1, "serve", 1);
    const sloT = str(p, "slo-ttft") === undefined ? undefined : num(p, "slo-ttft", 0, "serve", 0) / 1e3;
    const sloP = str(p, "slo-tpot") === undefined ? undefined : num(p, "slo-tpot", 0, "serve", 0) / 1e3;
    const common = {
      model,
      maxBatchedTokens: int(p, "max-batched-tokens", 2048, "serve", 1),
      maxSeqs: int(p, "max-seqs", 256, "serve", 1),
      preemption,
      chips,
      ...(sloT !== undefined ? { sloTtftS: sloT } : {}),
      ...(sloP !== undefined ? { sloTpotS: sloP } : {}),
    } as const;
    const traceOut = str(p, "trace-out");
    const result = simulate({ ...common, chip, requests, record: traceOut !== undefined });
    const baselineSpec = str(p, "baseline");
    const baseline = baselineSpec ? simulate({ ...common, chip: await specOf(baselineSpec), requests }) : undefined;
    const sweep =
      baseline && (sloT !== undefined || sloP !== undefined) && !traceFile
        ? {
            chip: sloRate({ ...common, chip }, make, { startRatePerS: rate / 8 }),
            baseline: sloRate({ ...common, chip: await specOf(baselineSpec!) }, make, { startRatePerS: rate / 8 }),
          }
        : undefined;
    if (traceOut) {
      const { serveTrace } = await import("../../serve/trace.ts");
      const { writeTraceFile } = await import("../../trace/index.ts");
      writeTraceFile(traceOut, serveTrace(result));
    }
    const strip = (r: typeof result) => ({ ...r, outcomes: undefined, log: undefined });
    if (flag(p, "json")) {
      io.out(JSON.stringify({ result: strip(result), ...(baseline ? { baseline: strip(baseline) } : {}), ...(sweep ? { sloRate: sweep } : {}) }, null, 2));
      return 0;
    }
    const rows = [result, ...(baseline ? [baseline] : [])];
    const line = (label: string, f: (r: typeof result) => string) => io.out(`  ${label.padEnd(28)}${rows.map((r) => f(r).padStart(18)).join("")}`);
    io.out(`aimcsim serve: ${result.model}, ${result.requests} requests${traceFile ? ` from ${traceFile}` : ` (Poisson, ${rate} req/s, seed ${seed})`}`);
    line("", (r) => r.chip);
    line("chips", (r) => String(r.chips));
    line("TTFT p50 / p99 (ms)", (r) => `${ms(r.ttftS.p50)} / ${ms(r.ttftS.p99)}`);
    line("TPOT p50 / p99 (ms)", (r) => `${ms(r.tpotS.p50)} / ${ms(r.tpotS.p99)}`);
    line("end-to-end p50 / p99 (s)", (r) => `${r.e2eS.p50.toFixed(2)} / ${r.e2eS.p99.toFixed(2)}`);
    line("throughput (tokens/s)", (r) => r.throughputTokensPerS.toFixed(1));
    line("goodput (requests/s)", (r) => r.goodputRequestsPerS.toFixed(3));
    line("SLO attainment", (r) => `${(r.sloAttainment * 100).toFixed(1)} %`);
    line("energy (J)", (r) => r.energyJ.toPrecision(4));
    line("tokens/J", (r) => r.tokensPerJ.toPrecision(4));
    line("preemptions", (r) => String(r.preemptions));
    line("KV capacity (tokens)", (r) => `${r.kvCapacityTokens} (${r.kvMemory})`);
    for (const r of rows) {
      if (r.links.length > 0) {
        io.out(`\n${r.chip}: chip-to-chip links (busy share of the iterations' time)`);
        for (const l of r.links) io.out(`  ${l.name.padEnd(20)}${(l.bytes / 1e6).toFixed(3).padStart(14)} MB ${l.energyJ.toPrecision(3).padStart(10)} J ${(l.utilization * 100).toFixed(1).padStart(7)} %`);
      }
      if (r.experts.length > 0) {
        io.out(`\n${r.chip}: expert parallelism (routed token slots per chip, their share, expert-active share of the iterations' time)`);
        for (const e of r.experts) io.out(`  chip ${String(e.chip).padEnd(15)}${e.routedTokens.toFixed(0).padStart(14)} ${(e.share * 100).toFixed(1).padStart(7)} % ${(e.utilization * 100).toFixed(1).padStart(7)} %`);
      }
    }
    if (sweep) {
      io.out("\nrate at which the SLO attainment first falls below 90 % (doubling from rate/8):");
      for (const [name, s] of [[result.chip, sweep.chip], [baseline!.chip, sweep.baseline]] as const)
        io.out(`  ${name}: ${s.firstViolationRatePerS === null ? "not reached" : `${s.firstViolationRatePerS} req/s`} (last met: ${s.lastMetRatePerS ?? "none"})`);
    }
    if (traceOut) io.out(`\ntrace written to ${traceOut}`);
    io.out(["", "assumptions:", ...result.assumptions.map((a) => `  - ${a}`)].join("\n"));
    return 0;
  },
});
