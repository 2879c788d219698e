// Expert parallelism (mapping.experts.chips): the home chip of every routed expert of a mixture-of-experts model on a
// multi-chip placement. The expert's gate/up/act/gate_mul/down run on its home chip's units; its routed tokens'
// hidden vectors are dispatched from the host chip (chip 0, which runs attention, the router and the shared expert)
// and its outputs combined back there over the chip-to-chip links (src/sim/lowering.ts).
//
// - "spread": expert e of E on chip floor(e x N / E), contiguous groups of experts per chip (the usual expert-parallel
//   sharding of E experts over N devices).
// - "balanced": per layer, the experts most-loaded first (the model's expert load; ties to the lower index), each to
//   the chip with the least load so far (ties to the lower chip): the longest-processing-time-first rule.
// - An analog expert's weights are in tiles that the placement laid out in dataflow order, so its home is the chip
//   holding most of its tiles (ties to the lower chip) whatever the policy, and its load counts there first.
import { AimcsimError } from "../errors.ts";
import { expertsByLoad, layerLoad, moeDetails } from "../model/moe.ts";
import { projectionMatrices } from "../model/projections.ts";
import type { TransformerShape } from "../model/shape.ts";
import { EXPERT_CHIPS } from "../spec/schema.ts";
import type { ChipSpec } from "../spec/types.ts";
import type { MatrixPlacement, PlacedBlock } from "./placement.ts";

/** Home chip per layer and expert, or null when experts run on the host (policy "host", one chip, a dense model). */
export const expertHomes = (
  shape: TransformerShape,
  chip: ChipSpec,
  chips: number,
  analogMatrices: readonly MatrixPlacement[],
  blocks: readonly PlacedBlock[],
): number[][] | null => {
  const moe = moeDetails(shape);
  const policy = chip.mapping.experts?.chips ?? "host";
  if (moe === null || policy === "host" || chips < 2) return null;
  const E = moe.numExperts;
  // tiles per chip of each analog expert, by (layer, expert)
  const expertOf = new Map<string, { layer: number; expert: number }>();
  for (const m of projectionMatrices(shape)) if (m.expert !== undefined) expertOf.set(m.name, { layer: m.layer, expert: m.expert });
  const tiles = new Map<string, Map<number, number>>();
  for (const m of analogMatrices) {
    const x = expertOf.get(m.name);
    if (!x) continue;
    const key = `${x.layer}:${x.expert}`;
    const per = tiles.get(key) ?? new Map<number, number>();
    tiles.set(key, per);
    for (let i = m.firstBlock; i < m.firstBlock + m.tiles; i++) per.set(blocks[i]!.chip, (per.get(blocks[i]!.chip) ?? 0) + 1);
  }
  const homes: number[][] = [];
  for (let l = 0; l < shape.numLayers; l++) {
    const home = new Array<number>(E).fill(-1);
    const load = layerLoad(moe, l);
    const chipLoad = new Array<number>(chips).fill(0);
    for (let e = 0; e < E; e++) {
      const per = tiles.get(`${l}:${e}`);
      if (!per) continue;
      let best = -1;
      for (const [c, n] of per) if (best < 0 || n > per.get(best)! || (n === per.get(best)! && c < best)) best = c;
      home[e] = best;
      chipLoad[best]! += load[e]!;
    }
    const order = policy === "balanced" ? expertsByLoad(moe, l) : [...Array(E).keys()];
    for (const e of order) {
      if (home[e]! >= 0) continue;
      let c = Math.floor((e * chips) / E);
      if (policy === "balanced") {
        c = 0;
        for (let k = 1; k < chips; k++) if (chipLoad[k]! < chipLoad[c]!) c = k;
      }
      home[e] = c;
      chipLoad[c]! += load[e]!;
    }
    homes.push(home);
  }
  return homes;
};

/** The chip's mapping.experts, or the schema's defaults for every field when the spec leaves it out (experts follow
 *  mapping.projections, the router is digital). */
export const expertPolicy = (chip: ChipSpec): NonNullable<ChipSpec["mapping"]["experts"]> =>
  chip.mapping.experts ?? { placement: "projections", digitalExperts: [], mostLoadedDigital: 0, shared: "projections", router: "digital" };

/** `chip` with mapping.experts.chips set to `policy` (the CLI's --expert-chips); the other expert fields keep the
 *  chip's values or their defaults. UsageError naming `field` for a policy that is not one of EXPERT_CHIPS. */
export const withExpertChips = (chip: ChipSpec, policy: string, field = "--expert-chips"): ChipSpec => {
  if (!(EXPERT_CHIPS as readonly string[]).includes(policy)) throw new AimcsimError("UsageError", field, `must be one of ${EXPERT_CHIPS.join(", ")}, got "${policy}"`);
  const ex = expertPolicy(chip);
  return { ...chip, mapping: { ...chip.mapping, experts: { ...ex, chips: policy as (typeof EXPERT_CHIPS)[number] } } };
};
