// Plain-text formatting of results for the terminal.
import { COMPONENT_KINDS, OP_CLASSES, isCrossbarUnit, type PhaseResult, type SimResult } from "../sim/result.ts";

const PREFIXES: [number, string][] = [
  [1e12, "T"],
  [1e9, "G"],
  [1e6, "M"],
  [1e3, "k"],
  [1, ""],
  [1e-3, "m"],
  [1e-6, "µ"],
  [1e-9, "n"],
  [1e-12, "p"],
  [1e-15, "f"],
];

/** 3 significant digits with an SI prefix: si(0.0123, "s") = "12.3 ms". */
export function si(v: number, unit: string): string {
  if (v === 0) return `0 ${unit}`;
  if (!Number.isFinite(v)) return `${v} ${unit}`;
  const a = Math.abs(v);
  for (const [scale, p] of PREFIXES) if (a >= scale * 0.9995) return `${(v / scale).toPrecision(3)} ${p}${unit}`;
  return `${v.toExponential(2)} ${unit}`;
}

export function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ("l" | "r")[] = []): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => ((align[i] ?? (i === 0 ? "l" : "r")) === "l" ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ").trimEnd();
  return [line(header), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

function phaseRows(p: PhaseResult): string[][] {
  return COMPONENT_KINDS.filter((k) => p.energyByComponentJ[k] > 0 || p.busyByComponentS[k] > 0).map((k) => [
    k,
    si(p.energyByComponentJ[k], "J"),
    pct(p.energyByComponentJ[k] / p.energyJ),
    si(p.busyByComponentS[k], "s"),
  ]);
}

export function formatSimResult(r: SimResult): string {
  const w = r.workload;
  const out: string[] = [];
  out.push(`aimcsim run: ${r.model} on ${r.chip} — prompt ${w.promptTokens}, generate ${w.genTokens}, batch ${w.batch}`);
  out.push(
    `mapping: ${r.mapping.tilesNeeded} of ${r.mapping.tilesAvailable} crossbar tiles on ${r.mapping.chips} chip(s); KV cache in ${r.mapping.kvCache.toUpperCase()}; area ${r.areaMm2.toPrecision(4)} mm^2`,
  );
  out.push("");
  out.push(
    table(
      ["metric", "value"],
      [
        ["time to first token", si(r.ttftS, "s")],
        ["time per output token", si(r.tpotS, "s")],
        ["total time", si(r.totalS, "s")],
        ["tokens/s (whole run)", r.tokensPerS.toPrecision(4)],
        ["tokens/s (decode)", r.decodeTokensPerS.toPrecision(4)],
        ["energy", si(r.energyJ, "J")],
        ["energy per token", si(r.energyPerTokenJ, "J")],
        ["energy per token (decode)", si(r.decodeEnergyPerTokenJ, "J")],
        ["tokens/J", r.tokensPerJ.toPrecision(4)],
      ],
    ),
  );
  for (const [name, p] of [["prefill", r.prefill], ["decode", r.decode]] as const) {
    out.push("", `${name}: ${si(p.latencyS, "s")}, ${si(p.energyJ, "J")}`);
    out.push(table(["component", "energy", "share", "busy"], phaseRows(p)));
    out.push(
      table(
        ["op class", "time", "time share", "energy", "MACs"],
        OP_CLASSES.map((c) => [c, si(p.timeByOpClassS[c], "s"), pct(p.timeByOpClassS[c] / p.latencyS), si(p.energyByOpClassJ[c], "J"), p.macsByOpClass[c].toExponential(3)]),
      ),
    );
  }
  const util = Object.entries(r.utilization).filter(([n]) => !isCrossbarUnit(n));
  const xbars = Object.entries(r.utilization).filter(([n]) => isCrossbarUnit(n));
  const rows = util.map(([n, u]) => [n, pct(u)]);
  if (xbars.length > 0) rows.push([`crossbar banks (${xbars.length}, mean)`, pct(xbars.reduce((a, [, u]) => a + u, 0) / xbars.length)]);
  out.push("", table(["unit", "utilization"], rows));
  out.push("", "assumptions:", ...r.assumptions.map((a) => `  - ${a}`));
  return out.join("\n");
}
