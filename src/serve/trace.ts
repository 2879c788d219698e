// A Perfetto/Chrome trace of a serving run: one track per request (queued, prefill-to-first-token, decode
// spans), one track of the chip's iterations, counters of the queue length and running batch, and on multi-chip
// runs one track per chip-to-chip link (per iteration: the link's busy time as a slice from the iteration's start,
// with its bytes) and, with expert parallelism, one track per chip's experts (per iteration: the wall time its
// expert tasks ran, with the routed token slots), each with a counter (link bytes, expert utilisation).
import { buildTrace, type ChromeTrace, type TraceCounter, type TraceSlice } from "../trace/build.ts";
import type { ServeResult } from "./serve.ts";

const PS = 1e12; // s -> ps (unit conversion)

export function serveTrace(r: ServeResult): ChromeTrace {
  const outcomes = r.outcomes ?? [];
  const log = r.log ?? [];
  const linkNames = [...new Set(log.flatMap((it) => Object.keys(it.linkBytes ?? {})))].sort();
  const expertChips = log.reduce((n, it) => Math.max(n, it.expertTokens?.length ?? 0), 0);
  const linkTrack = (n: string) => `link ${n}`;
  const expertTrack = (c: number) => `chip ${c} experts`;
  const tracks = [
    { name: "chip iterations", process: "chip" },
    ...linkNames.map((n) => ({ name: linkTrack(n), process: "chip links" })),
    ...Array.from({ length: expertChips }, (_, c) => ({ name: expertTrack(c), process: "experts per chip" })),
    ...outcomes.map((o) => ({ name: `request ${o.id}`, process: "requests" })),
  ];
  const slices: TraceSlice[] = [];
  const linkBytes = new Map<string, [number, number][]>(linkNames.map((n) => [n, []]));
  const expertUtil: [number, number][][] = Array.from({ length: expertChips }, () => []);
  for (const it of log) {
    const startPs = Math.round(it.startS * PS);
    const durPs = Math.round((it.endS - it.startS) * PS);
    slices.push({
      name: it.prefillTokens > 0 ? (it.decodeSeqs > 0 ? "mixed" : "prefill") : "decode",
      track: "chip iterations",
      startPs,
      durPs,
      args: { decodeSeqs: it.decodeSeqs, prefillTokens: it.prefillTokens, queued: it.queued },
    });
    for (const n of linkNames) {
      const bytes = it.linkBytes?.[n] ?? 0;
      const busyS = it.linkBusyS?.[n] ?? 0;
      linkBytes.get(n)!.push([startPs, bytes]);
      // the link's occupied time, drawn from the iteration's start (the trace does not keep when in the iteration)
      const busyPs = Math.min(durPs, Math.round(busyS * PS));
      if (busyPs > 0) slices.push({ name: "busy", track: linkTrack(n), startPs, durPs: busyPs, args: { bytes, busyS, utilization: durPs > 0 ? busyPs / durPs : 0 } });
    }
    for (let c = 0; c < expertChips; c++) {
      const tokens = it.expertTokens?.[c] ?? 0;
      const activeS = it.expertActiveS?.[c] ?? 0;
      const activePs = Math.min(durPs, Math.round(activeS * PS));
      expertUtil[c]!.push([startPs, durPs > 0 ? activePs / durPs : 0]);
      if (activePs > 0) slices.push({ name: "experts", track: expertTrack(c), startPs, durPs: activePs, args: { routedTokens: tokens, activeS, utilization: durPs > 0 ? activePs / durPs : 0 } });
    }
  }
  for (const o of outcomes) {
    const track = `request ${o.id}`;
    const a = Math.round(o.arrivalS * PS);
    const f = Math.round(o.firstTokenS * PS);
    const e = Math.round(o.endS * PS);
    slices.push({ name: "until first token", track, startPs: a, durPs: Math.max(0, f - a), args: { promptTokens: o.promptTokens, ttftS: o.ttftS, preemptions: o.preemptions } });
    if (e > f) slices.push({ name: "decode", track, startPs: f, durPs: e - f, args: { outputTokens: o.outputTokens, tpotS: o.tpotS } });
  }
  const counters: TraceCounter[] = [
    { name: "queued requests", track: "chip", points: log.map((it) => [Math.round(it.startS * PS), it.queued] as const) },
    { name: "decode batch", track: "chip", points: log.map((it) => [Math.round(it.startS * PS), it.decodeSeqs] as const) },
    ...linkNames.map((n) => ({ name: `${linkTrack(n)} bytes per iteration`, track: "chip links", points: linkBytes.get(n)! })),
    ...expertUtil.map((points, c) => ({ name: `${expertTrack(c)} utilisation`, track: "experts per chip", points })),
  ];
  return buildTrace({ tracks, slices, counters, metadata: { chip: r.chip, model: r.model, requests: r.requests } });
}
