// A Perfetto/Chrome trace of a serving run: one track per request (queued, prefill-to-first-token, decode
// spans), one track of the chip's iterations, and counters of the queue length and running batch.
import { buildTrace, type ChromeTrace, type TraceSlice } from "../trace/build.ts";
import type { ServeResult } from "./serve.ts";

const PS = 1e12; // s -> ps (unit conversion)

export function serveTrace(r: ServeResult): ChromeTrace {
  const outcomes = r.outcomes ?? [];
  const log = r.log ?? [];
  const tracks = [{ name: "chip iterations", process: "chip" }, ...outcomes.map((o) => ({ name: `request ${o.id}`, process: "requests" }))];
  const slices: TraceSlice[] = [];
  for (const it of log)
    slices.push({
      name: it.prefillTokens > 0 ? (it.decodeSeqs > 0 ? "mixed" : "prefill") : "decode",
      track: "chip iterations",
      startPs: Math.round(it.startS * PS),
      durPs: Math.round((it.endS - it.startS) * PS),
      args: { decodeSeqs: it.decodeSeqs, prefillTokens: it.prefillTokens, queued: it.queued },
    });
  for (const o of outcomes) {
    const track = `request ${o.id}`;
    const a = Math.round(o.arrivalS * PS);
    const f = Math.round(o.firstTokenS * PS);
    const e = Math.round(o.endS * PS);
    slices.push({ name: "until first token", track, startPs: a, durPs: Math.max(0, f - a), args: { promptTokens: o.promptTokens, ttftS: o.ttftS, preemptions: o.preemptions } });
    if (e > f) slices.push({ name: "decode", track, startPs: f, durPs: e - f, args: { outputTokens: o.outputTokens, tpotS: o.tpotS } });
  }
  return buildTrace({
    tracks,
    slices,
    counters: [
      { name: "queued requests", track: "chip", points: log.map((it) => [Math.round(it.startS * PS), it.queued] as const) },
      { name: "decode batch", track: "chip", points: log.map((it) => [Math.round(it.startS * PS), it.decodeSeqs] as const) },
    ],
    metadata: { chip: r.chip, model: r.model, requests: r.requests },
  });
}
