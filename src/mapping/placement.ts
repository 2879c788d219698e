// Placement of a transformer on a chip: every analog projection matrix tiled (tiling.ts) and its blocks
// given physical tiles, the KV cache placed (kvcache.ts), and the op kinds assigned to units (units.ts).
//
// Policy: weight-stationary, no packing. Each logical matrix (q, k, v, o, gate, up, down / fc1, fc2,
// lm_head, OPT project_in/out) gets whole tiles of its own, allocated contiguously in dataflow order
// (layer 0 first). A partly filled edge tile is not shared with another matrix, so the tile count is
// sum over matrices of ceil(in / rows) x ceil(out / weightColsPerTile); `cellUtilization` reports the waste.
// Fused HF tensors (Phi-3 qkv_proj, GPT-2 c_attn) are tiled per logical matrix; each block records the HF
// tensor and the slice so the forward pass can read the right weights.
//
// Multi-chip: with `chips: "auto"` (or a number), tiles are numbered globally (tile = chip x tilesPerChip +
// tileOnChip) and filled in order, so chip c holds tiles [c M, (c+1) M). A matrix may straddle two chips;
// its partial sums then cross the chip boundary (the interconnect model must charge for that).
// DRAM (dram.ts): the weights stored in DRAM (digital projections, embeddings) plus a DRAM KV cache must fit in
// dram.capacityBytes x chips; "auto" takes the fewest chips that satisfy the tile rule and the DRAM rule.

import { AimcsimError } from "../errors.ts";
import { projectionMatrices, type ProjectionMatrix, type ProjectionRole, type WeightSlice } from "../model/projections.ts";
import type { TransformerShape } from "../model/shape.ts";
import { expertsByLoad, moeDetails } from "../model/moe.ts";
import type { ChipSpec } from "../spec/types.ts";
import { expertHomes } from "./experts.ts";
import { checkDramCapacity, chipsForDram, dramWeights, formatBytes, type DramOccupancy } from "./dram.ts";
import { activationBufferBytes, kvCacheSize, PRECISION_FORMAT_BYTES, placeKvCache, type KvCachePlacement } from "./kvcache.ts";
import { tileCount, tileMatrix, type WeightEncoding } from "./tiling.ts";
import { assignUnits, type UnitAssignment } from "./units.ts";

export interface PlacedBlock {
  /** Logical matrix (= projection op name): "L3.q_proj", "lm_head". */
  readonly matrix: string;
  /** HF tensor without ".weight". */
  readonly weight: string;
  readonly weightSlice?: WeightSlice;
  readonly layer: number;
  /** Input range [rowStart, rowEnd) and output-feature range [colStart, colEnd) of the logical matrix. */
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly colStart: number;
  readonly colEnd: number;
  /** Global physical tile index. */
  readonly tile: number;
  readonly chip: number;
  readonly tileOnChip: number;
  /** Physical cells used on the tile: rows, and columns (= output features x cells per weight). */
  readonly cellRows: number;
  readonly cellCols: number;
}

export interface MatrixPlacement {
  readonly name: string;
  readonly role: ProjectionRole;
  readonly layer: number;
  readonly weight: string;
  readonly weightSlice?: WeightSlice;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly rowSplits: number;
  readonly colSplits: number;
  readonly weightColsPerTile: number;
  readonly tiles: number;
  /** Global index of its first tile; its tiles are [firstTile, firstTile + tiles). */
  readonly firstTile: number;
  /** Its blocks are placement.blocks[firstBlock .. firstBlock + tiles). */
  readonly firstBlock: number;
}

/** A projection run on the digital units; its weights stream from DRAM. */
export interface DigitalMatrix {
  readonly name: string;
  readonly role: ProjectionRole;
  readonly layer: number;
  readonly weight: string;
  readonly weightSlice?: WeightSlice;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weightBytes: number;
}

export interface Placement {
  readonly model: string;
  readonly chip: string;
  /** Null when nothing is mapped to analog tiles (all-digital chip or policy). */
  readonly encoding: WeightEncoding | null;
  readonly analogMatrices: readonly MatrixPlacement[];
  readonly digitalMatrices: readonly DigitalMatrix[];
  readonly blocks: readonly PlacedBlock[];
  readonly tilesNeeded: number;
  readonly tilesPerChip: number;
  /** Tiles on all chips used. */
  readonly tilesAvailable: number;
  /** Chips the placement spans (the requested number, or chipsNeeded for "auto"). */
  readonly chips: number;
  /** Fewest chips that hold the model and its KV cache: the most of ceil(tilesNeeded / tilesPerChip),
   *  ceil(weights in DRAM / dram.capacityBytes) and the fewest chips whose SRAM or DRAM then holds the KV cache
   *  (dram.ts), at least 1. */
  readonly chipsNeeded: number;
  /** Weights stored in the crossbars. */
  readonly analogWeights: number;
  /** Cells holding weights / cells of the tiles used. */
  readonly cellUtilization: number;
  readonly kvCache: KvCachePlacement;
  /** What the DRAM of all chips holds (weights stored there, KV cache when there) against its capacity (dram.ts). */
  readonly dram: DramOccupancy;
  readonly units: readonly UnitAssignment[];
  /** Facts the user should know (e.g. a ternary model on 1-bit weights). */
  readonly notes: readonly string[];
  /** Expert parallelism (mapping.experts.chips "spread" | "balanced" on several chips): the home chip of each routed
   *  expert, per layer (src/mapping/experts.ts); absent: experts run on the host chip. */
  readonly expertChips?: readonly (readonly number[])[];
}

export interface MapOptions {
  /** 1 (default: error when the model does not fit), a chip count, or "auto" for as many as needed. */
  readonly chips?: "auto" | number;
  /** Sequences whose KV cache must be held (default 1). */
  readonly batch?: number;
  /** Tokens per sequence the KV cache is sized for (default: the model's maxPositions). */
  readonly contextTokens?: number;
  /** false: the DRAM rule checks the weights only and the caller fits the KV cache into what is left itself
   *  (serve: paged KV blocks in dram.capacityBytes - dram.bytes, with its own per-request error). Default true. */
  readonly dramKvCheck?: boolean;
}

/** Bytes per stored weight of a digital projection: ternary layer weights packed 4 per byte (the HF BitNet
 *  packing); the head and embeddings stay 16-bit in ternary models (BitNet keeps them in bf16). */
const weightBytesPerElement = (shape: TransformerShape, m: ProjectionMatrix, chip: ChipSpec): number => {
  const head = m.role === "lm_head" ? chip.mapping.lmHeadFormat : undefined;
  if (head !== undefined) return PRECISION_FORMAT_BYTES[head]; // a digital lm_head stored in the chip's stated format
  return shape.weightFormat === "fp32" ? 4 : shape.weightFormat === "ternary" && m.role !== "lm_head" ? 0.25 : 2;
};

/** Analog or digital for one matrix. Mixture of experts (chip.mapping.experts): the router and the shared expert
 *  by their own fields; a routed expert by `placement`, then kept digital when it is listed in `digitalExperts`
 *  or is among the `mostLoadedDigital` most-loaded experts of its layer. */
export const isAnalog = (chip: ChipSpec, shape: TransformerShape, m: ProjectionMatrix): boolean => {
  if (m.role === "lm_head") return chip.mapping.lmHead === "analog";
  const proj = chip.mapping.projections === "analog";
  const moe = moeDetails(shape);
  if (moe === null) return proj;
  const ex = chip.mapping.experts;
  const domain = (d: "projections" | "analog" | "digital" | undefined): boolean => (d === undefined || d === "projections" ? proj : d === "analog");
  if (m.role === "router") return (ex?.router ?? "digital") === "analog";
  if (m.shared) return domain(ex?.shared);
  if (m.expert === undefined) return proj;
  if (!domain(ex?.placement)) return false;
  if (ex === undefined) return true;
  if (ex.digitalExperts.includes(m.expert)) return false;
  return ex.mostLoadedDigital > 0 && expertsByLoad(moe, m.layer).slice(0, ex.mostLoadedDigital).includes(m.expert) ? false : true;
};

/** Most physical tiles one placement lays out. Assumption (a memory bound, not physics): every placed tile is a
 *  PlacedBlock object (~200 B), so 2^22 tiles take ~1 GB; Llama-7B on 64x64 tiles needs ~3.5M. A model needing more
 *  is on tiles far too small for it, and placing it would exhaust memory rather than answer. */
export const MAX_PLACED_TILES = 1 << 22;

const checkOption = (field: string, v: number, min: number): void => {
  if (!Number.isSafeInteger(v) || v < min) throw new AimcsimError("UsageError", `options.${field}`, `must be an integer >= ${min}, got ${v}`);
};

/** Maps `shape` onto `chip`. Throws MappingError when it does not fit (see MapOptions.chips). */
export const mapModel = (shape: TransformerShape, chip: ChipSpec, options: MapOptions = {}): Placement => {
  const batch = options.batch ?? 1;
  const contextTokens = options.contextTokens ?? shape.maxPositions;
  checkOption("batch", batch, 1);
  checkOption("contextTokens", contextTokens, 0);
  const requested = options.chips ?? 1;
  if (requested !== "auto") checkOption("chips", requested, 1);

  const all = projectionMatrices(shape);
  const analogSet = new Set(all.filter((m) => isAnalog(chip, shape, m)));
  const analogList = all.filter((m) => analogSet.has(m));
  const digitalList = all.filter((m) => !analogSet.has(m));
  const analog = chip.analog;
  if (analogList.length > 0 && analog === undefined) {
    const field = chip.mapping.projections === "analog" ? "mapping.projections" : "mapping.lmHead";
    throw new AimcsimError("MappingError", field, `is "analog" but the chip has no analog part (chip.analog is absent)`);
  }

  const notes: string[] = [];
  const analogMatrices: MatrixPlacement[] = [];
  const blocks: PlacedBlock[] = [];
  let tilesNeeded = 0;
  let analogWeights = 0;
  let encoding: WeightEncoding | null = null;
  const tilesPerChip = analog?.tiles ?? 0;

  if (analog !== undefined && analogList.length > 0) {
    const tile = analog.tile;
    if (!Number.isSafeInteger(tilesPerChip) || tilesPerChip < 1) {
      throw new AimcsimError("MappingError", "analog.tiles", `must be a positive integer to hold ${analogList.length} analog matrices, got ${tilesPerChip}`);
    }
    if (shape.weightFormat === "ternary" && analog.weightBits < 2) {
      notes.push(`ternary weights on ${analog.weightBits}-bit analog weights: the zero state is lost (binarised weights)`);
    }
    // Tile count in closed form first: a model on tiles far too small for it fails before any block is built.
    const closedFormTiles = analogList.reduce((a, m) => a + tileCount(m.inFeatures, m.outFeatures, tile, analog.weightBits), 0);
    if (closedFormTiles > MAX_PLACED_TILES)
      throw new AimcsimError(
        "MappingError",
        "analog.tile",
        `${shape.name} needs ${closedFormTiles} ${tile.rows}x${tile.cols} tiles, more than the ${MAX_PLACED_TILES} one simulation places; use larger tiles (rows, cols) or more bits per cell`,
      );
    // First pass: tile counts, so a model that does not fit fails before any block is built.
    const tilings = analogList.map((m) => tileMatrix(m.inFeatures, m.outFeatures, tile, analog.weightBits));
    encoding = tilings[0]!.encoding;
    tilesNeeded = tilings.reduce((a, t) => a + t.tiles, 0);
    const chipsNeeded = Math.max(1, Math.ceil(tilesNeeded / tilesPerChip));
    const chipsAllowed = requested === "auto" ? chipsNeeded : requested;
    if (tilesNeeded > chipsAllowed * tilesPerChip) {
      let largest = 0;
      for (let i = 1; i < tilings.length; i++) if (tilings[i]!.tiles > tilings[largest]!.tiles) largest = i;
      const enc = encoding;
      throw new AimcsimError(
        "MappingError",
        "analog.tiles",
        `needs ${tilesNeeded} tiles, ${chipsAllowed === 1 ? "chip has" : `${chipsAllowed} chips have`} ${chipsAllowed * tilesPerChip} ` +
          `(${shape.name}: ${analogList.length} analog matrices on ${tile.rows}x${tile.cols} tiles, ${enc.cellsPerWeight} cells per ${analog.weightBits}-bit weight, ` +
          `${tilings[0]!.weightColsPerTile} weights per tile row; largest ${analogList[largest]!.name} ${analogList[largest]!.inFeatures}x${analogList[largest]!.outFeatures} takes ${tilings[largest]!.tiles} tiles); ` +
          `pass chips: "auto" to spread it over ${chipsNeeded} chips`,
      );
    }
    // Second pass: blocks on global tile indices.
    let next = 0;
    for (let i = 0; i < analogList.length; i++) {
      const m = analogList[i]!;
      const t = tilings[i]!;
      analogMatrices.push({
        name: m.name,
        role: m.role,
        layer: m.layer,
        weight: m.weight,
        ...(m.slice ? { weightSlice: m.slice } : {}),
        inFeatures: m.inFeatures,
        outFeatures: m.outFeatures,
        rowSplits: t.rowSplits,
        colSplits: t.colSplits,
        weightColsPerTile: t.weightColsPerTile,
        tiles: t.tiles,
        firstTile: next,
        firstBlock: blocks.length,
      });
      const cellsPerWeight = t.encoding.cellsPerWeight;
      const slice = m.slice;
      for (const b of t.blocks) {
        const g = next + b.localTile;
        const block: PlacedBlock = {
          matrix: m.name,
          weight: m.weight,
          layer: m.layer,
          rowStart: b.rowStart,
          rowEnd: b.rowEnd,
          colStart: b.colStart,
          colEnd: b.colEnd,
          tile: g,
          chip: Math.floor(g / tilesPerChip),
          tileOnChip: g % tilesPerChip,
          cellRows: b.rowEnd - b.rowStart,
          cellCols: (b.colEnd - b.colStart) * cellsPerWeight,
        };
        blocks.push(slice ? { ...block, weightSlice: slice } : block);
      }
      next += t.tiles;
      analogWeights += m.inFeatures * m.outFeatures;
    }
  }

  const digitalMatrices: DigitalMatrix[] = digitalList.map((m) => ({
    name: m.name,
    role: m.role,
    layer: m.layer,
    weight: m.weight,
    ...(m.slice ? { weightSlice: m.slice } : {}),
    inFeatures: m.inFeatures,
    outFeatures: m.outFeatures,
    weightBytes: m.inFeatures * m.outFeatures * weightBytesPerElement(shape, m, chip),
  }));

  // Chips: the tile rule, the DRAM rule for the weights, then the KV cache: in SRAM where it fits there, else in DRAM
  // beside the weights; "auto" takes the fewest chips where one of them holds it (SRAM and DRAM room both grow
  // linearly with chips, so the smallest count is closed-form).
  const weightsInDram = dramWeights(shape, digitalMatrices);
  const kvCheck = options.dramKvCheck !== false;
  const chipsForTiles = tilesPerChip > 0 ? Math.max(1, Math.ceil(tilesNeeded / tilesPerChip)) : 1;
  const chipsForWeights = chipsForDram(weightsInDram.bytes, chip);
  const chipsForModel = Math.max(chipsForTiles, chipsForWeights);
  const kvAt = (n: number): KvCachePlacement => placeKvCache(shape, chip, { batch, contextTokens, chips: n });
  let kvCache = kvAt(chipsForModel);
  let chipsNeeded = chipsForModel;
  if (kvCheck && kvCache.memory === "dram" && weightsInDram.bytes + kvCache.bytes > chip.dram.capacityBytes * chipsForModel) {
    const forDram = chipsForDram(weightsInDram.bytes + kvCache.bytes, chip);
    const sramFreePerChip = chip.sram.reduce((a, x) => a + x.capacityBytes, 0) - activationBufferBytes(shape, batch, contextTokens);
    const forSram = chip.mapping.kvCache === "sram" && chip.sram.length > 0 && sramFreePerChip > 0 ? Math.ceil(kvCache.bytes / sramFreePerChip) : Infinity;
    chipsNeeded = Math.max(chipsForModel, Math.min(forDram, forSram));
  }
  const chips = requested === "auto" ? chipsNeeded : requested;
  if (chips !== chipsForModel) kvCache = kvAt(chips);
  const dram = checkDramCapacity(chip, weightsInDram, {
    chips,
    kvCacheBytes: kvCache.memory === "dram" && kvCheck ? kvCache.bytes : 0,
    kvCacheSize: kvCacheSize(chip, kvCache),
  });
  if (chips > 1) {
    notes.push(
      requested === "auto" && chips > chipsForTiles
        ? `spread over ${chips} chips for memory capacity: ${tilesNeeded > 0 ? `${tilesNeeded} tiles need ${chipsForTiles} (${tilesPerChip} per chip); ` : ""}` +
            `${formatBytes(weightsInDram.bytes)} of weights stored in DRAM need ${chipsForWeights} (dram.capacityBytes ${formatBytes(chip.dram.capacityBytes)} per chip)` +
            (chips > chipsForModel ? `; the KV cache (${kvCacheSize(chip, kvCache)}, in ${kvCache.memory.toUpperCase()}) needs ${chips}` : "")
        : `spread over ${chips} chips (${tilesNeeded} tiles needed, ${tilesPerChip} per chip)`,
    );
    // Weights that fit one chip's DRAM can all sit on chip 0, which is what the lowering streams from.
    if (weightsInDram.bytes > chip.dram.capacityBytes)
      notes.push(
        `the ${formatBytes(weightsInDram.bytes)} of weights stored in DRAM are sharded over the ${chips} chips' DRAM by bytes (each chip holds its share; capacity checked in total); ` +
          `the simulation still streams every digital projection from chip 0's DRAM channel into chip 0's units (per-chip parallel streaming is not modelled; only expert-parallel routed experts use their home chip's DRAM), so it is slower than a tensor-parallel deployment`,
      );
  }

  const expertChips = expertHomes(shape, chip, chips, analogMatrices, blocks);
  if (expertChips !== null) {
    const per = new Array<number>(chips).fill(0);
    for (const layer of expertChips) for (const c of layer) per[c]!++;
    notes.push(`expert parallelism (${chip.mapping.experts?.chips}): routed experts per chip over all layers ${per.join(", ")}`);
  }

  const units = assignUnits(shape, chip, kvCache.memory === "sram" ? kvCache.srams : ["dram"]);
  const cellsPerWeight = encoding?.cellsPerWeight ?? 0;
  const tileCells = analog ? analog.tile.rows * analog.tile.cols : 0;

  return {
    model: shape.name,
    chip: chip.name,
    encoding,
    analogMatrices,
    digitalMatrices,
    blocks,
    tilesNeeded,
    tilesPerChip,
    tilesAvailable: tilesPerChip * chips,
    chips,
    chipsNeeded,
    analogWeights,
    cellUtilization: tilesNeeded > 0 ? (analogWeights * cellsPerWeight) / (tilesNeeded * tileCells) : 0,
    kvCache,
    dram,
    units,
    notes,
    ...(expertChips !== null ? { expertChips } : {}),
  };
};

/** The blocks of one analog matrix (by logical name), or an empty list when it is not analog. */
export const blocksOf = (placement: Placement, matrix: string): readonly PlacedBlock[] => {
  const m = placement.analogMatrices.find((x) => x.name === matrix);
  return m ? placement.blocks.slice(m.firstBlock, m.firstBlock + m.tiles) : [];
};

/** Chips the model itself needs, whatever the workload: the fewest that satisfy the tile rule and the DRAM rule for
 *  the weights stored in DRAM (no KV cache). `amdahl` holds this count fixed over its contexts. */
export const modelChips = (shape: TransformerShape, chip: ChipSpec): number => mapModel(shape, chip, { chips: "auto", contextTokens: 0 }).chips;
