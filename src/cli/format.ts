// Plain-text formatting of results for the terminal.
import { formatNumber, formatQuantity } from "../util/numbers.ts";
import { textTable } from "../util/text-table.ts";
import { COMPONENT_KINDS, OP_CLASSES, isCrossbarUnit, type PhaseResult, type SimResult } from "../sim/result.ts";

/** 3 significant digits with an SI prefix: si(0.0123, "s") = "12.3 ms" (the one SI formatter, src/util/numbers.ts). */
export const si = (v: number, unit: string): string => formatQuantity(v, unit);

export function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

/** The one plain-text table renderer (src/util/text-table.ts). */
export const table = textTable;

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
    `mapping: ${r.mapping.tilesNeeded} of ${r.mapping.tilesAvailable} crossbar tiles on ${r.mapping.chips} chip(s); KV cache in ${r.mapping.kvCache.toUpperCase()}; area ${formatNumber(r.areaMm2, 4)} mm^2`,
  );
  out.push("");
  out.push(
    table(
      ["metric", "value"],
      [
        ["time to first token", si(r.ttftS, "s")],
        ["time per output token", si(r.tpotS, "s")],
        ["total time", si(r.totalS, "s")],
        ["tokens/s (whole run)", formatNumber(r.tokensPerS, 4)],
        ["tokens/s (decode)", formatNumber(r.decodeTokensPerS, 4)],
        ["energy", si(r.energyJ, "J")],
        ["energy per token", si(r.energyPerTokenJ, "J")],
        ["energy per token (decode)", si(r.decodeEnergyPerTokenJ, "J")],
        ["tokens/J", formatNumber(r.tokensPerJ, 4)],
      ],
    ),
  );
  for (const [name, p] of [["prefill", r.prefill], ["decode", r.decode]] as const) {
    out.push("", `${name}: ${si(p.latencyS, "s")}, ${si(p.energyJ, "J")}`);
    out.push(table(["component", "energy", "share", "busy"], phaseRows(p)));
    out.push(
      table(
        ["op class", "time", "time share", "energy", "MACs"],
        OP_CLASSES.map((c) => [c, si(p.timeByOpClassS[c], "s"), pct(p.timeByOpClassS[c] / p.latencyS), si(p.energyByOpClassJ[c], "J"), formatNumber(p.macsByOpClass[c])]),
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
