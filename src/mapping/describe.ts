// A placement in words: the lines the CLI and the reports print under "mapping".

import type { Placement } from "./placement.ts";

const int = (n: number): string => n.toLocaleString("en-US");
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Human-readable summary of a placement, one fact per line. */
export const describePlacement = (p: Placement): string[] => {
  const lines: string[] = [`${p.model} on ${p.chip}`];
  if (p.analogMatrices.length === 0) {
    lines.push("analog: nothing mapped (all projections digital)");
  } else {
    const e = p.encoding!;
    lines.push(
      `analog: ${p.analogMatrices.length} matrices, ${int(p.analogWeights)} weights in ${int(p.tilesNeeded)} of ${int(p.tilesAvailable)} tiles ` +
        `on ${p.chips} chip(s) (${int(p.tilesPerChip)} per chip, ${p.chipsNeeded} needed)`,
    );
    lines.push(
      `encoding: ${e.weightBits}-bit weights, ${e.slices} slice(s), ${e.cellsPerWeight} cell(s) per weight (${e.sign}); ` +
        `cell utilization ${(100 * p.cellUtilization).toFixed(1)}%`,
    );
    // One line per distinct matrix geometry (q/k/v/o/... repeat in every layer).
    const seen = new Map<string, { count: number; names: Set<string> }>();
    for (const m of p.analogMatrices) {
      const key = `${m.inFeatures}x${m.outFeatures}: ${m.rowSplits} row x ${m.colSplits} col splits = ${m.tiles} tiles`;
      const s = seen.get(key) ?? { count: 0, names: new Set<string>() };
      s.count++;
      s.names.add(m.name.replace(/^L\d+\./, ""));
      seen.set(key, s);
    }
    for (const [key, s] of seen) lines.push(`  ${[...s.names].join(", ")} ${key} (x${s.count})`);
  }
  if (p.digitalMatrices.length > 0) {
    const bytes = p.digitalMatrices.reduce((a, m) => a + m.weightBytes, 0);
    lines.push(`digital projections: ${p.digitalMatrices.map((m) => m.name).slice(0, 4).join(", ")}${p.digitalMatrices.length > 4 ? ", ..." : ""} (${mib(bytes)} of weights streamed from DRAM)`);
  }
  lines.push(`KV cache: ${p.kvCache.memory.toUpperCase()}, ${p.kvCache.reason}`);
  const d = p.dram;
  lines.push(
    `DRAM: ${mib(d.totalBytes)} of ${mib(d.capacityBytes)} on ${d.chips} chip(s): weights ${mib(d.bytes)} (digital projections ${mib(d.projectionBytes)}, embeddings ${mib(d.embeddingBytes)})` +
      (d.kvCacheBytes > 0 ? `, KV cache ${mib(d.kvCacheBytes)}` : ""),
  );
  for (const u of p.units) lines.push(`  ${u.opKind}${u.scope === "all" ? "" : ` (${u.scope})`} -> ${u.unitKind}: ${u.units.join(", ")}`);
  for (const n of p.notes) lines.push(`note: ${n}`);
  return lines;
};
