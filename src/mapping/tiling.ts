// Tiling of one weight matrix (in_features x out_features) onto crossbar tiles. Pure functions: the
// placement (placement.ts) and the noisy forward pass (src/numerics) call the same `tileMatrix`, so both
// agree on which weights share a tile's input range (a row split) and its ADCs (a column split).
//
// Orientation: inputs drive word lines (tile rows), each output feature is read on bit lines (tile columns).
// A row split covers tile.rows inputs; a column split covers `weightColsPerTile` output features.
//
// Weight encoding over cells (the choice is documented here because it sets the tile count):
// - Differential tiles (G+ - G-): the pair carries the sign, so only the magnitude needs storing. A signed
//   weightBits-bit weight (symmetric range, e.g. int8 -127..127, ternary -1..1) has weightBits - 1 magnitude
//   bits, sliced over ceil((weightBits - 1) / bitsPerCell) pairs, at least one pair (binary +-1 has no
//   magnitude bits but still needs one pair to say which side conducts).
//   => ternary (weightBits 2) on 1-bit differential cells costs ONE pair = 2 cells per weight:
//      +1 = (on, off), -1 = (off, on), 0 = (off, off), no conductance at all for zero weights.
//      The naive ceil(weightBits / bitsPerCell) = 2 slices would spend 4 cells and twice the tiles on a
//      third state that the pair already provides.
// - Single-ended tiles: offset encoding (w + 2^(weightBits-1), ISAAC-style, the offset times sum(x) is
//   subtracted digitally), all weightBits bits stored: ceil(weightBits / bitsPerCell) cells per weight.
// The slices of one weight sit in adjacent columns of the same tile (shift-and-add after the ADCs), so a
// tile holds floor(tile.cols / (differential ? 2 : 1) / slices) weights per row.

import { AimcsimError } from "../errors.ts";
import type { CrossbarTileSpec } from "../spec/types.ts";

export type TileGeometry = Pick<CrossbarTileSpec, "rows" | "cols" | "differential" | "bitsPerCell">;

export interface WeightEncoding {
  readonly weightBits: number;
  /** Bits stored in cells: magnitude bits (differential) or all bits (offset). */
  readonly storedBits: number;
  /** Cell groups (pairs when differential) holding one weight's bit slices. */
  readonly slices: number;
  /** Physical cells per weight = slices x (differential ? 2 : 1). */
  readonly cellsPerWeight: number;
  readonly sign: "differential-pair" | "offset";
}

export interface TileBlock {
  /** Input (row) range [rowStart, rowEnd) of the matrix on this tile. */
  readonly rowStart: number;
  readonly rowEnd: number;
  /** Output-feature (column) range [colStart, colEnd) of the matrix on this tile. */
  readonly colStart: number;
  readonly colEnd: number;
  readonly rowSplit: number;
  readonly colSplit: number;
  /** Tile of this matrix, row-major over the splits: rowSplit x colSplits + colSplit. */
  readonly localTile: number;
}

export interface MatrixTiling {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly encoding: WeightEncoding;
  /** Output features (weights per tile row) one tile holds. */
  readonly weightColsPerTile: number;
  readonly rowSplits: number;
  readonly colSplits: number;
  readonly tiles: number;
  readonly blocks: readonly TileBlock[];
}

const checkCount = (path: string, v: number): void => {
  if (!Number.isSafeInteger(v) || v < 1) throw new AimcsimError("MappingError", path, `must be a positive integer, got ${v}`);
};

/** How one weight of `weightBits` bits is spread over the cells of `tile` (see the header). */
export const weightEncoding = (weightBits: number, tile: TileGeometry): WeightEncoding => {
  checkCount("analog.weightBits", weightBits);
  checkCount("analog.tile.bitsPerCell", tile.bitsPerCell);
  if (tile.differential) {
    const storedBits = weightBits - 1;
    const slices = Math.max(1, Math.ceil(storedBits / tile.bitsPerCell));
    return { weightBits, storedBits, slices, cellsPerWeight: 2 * slices, sign: "differential-pair" };
  }
  const slices = Math.ceil(weightBits / tile.bitsPerCell);
  return { weightBits, storedBits: weightBits, slices, cellsPerWeight: slices, sign: "offset" };
};

/** Output features one tile row holds: floor(cols / (differential ? 2 : 1) / slices). */
export const weightColsPerTile = (weightBits: number, tile: TileGeometry): number => {
  checkCount("analog.tile.cols", tile.cols);
  const enc = weightEncoding(weightBits, tile);
  const n = Math.floor(tile.cols / enc.cellsPerWeight);
  if (n < 1) {
    throw new AimcsimError(
      "MappingError",
      "analog.tile.cols",
      `a tile of ${tile.cols} columns holds no ${weightBits}-bit weight (needs ${enc.cellsPerWeight} cells per weight: ${enc.slices} slice(s)${tile.differential ? " x 2 (differential)" : ""})`,
    );
  }
  return n;
};

/** Tiles a matrix needs, without building the blocks. */
export const tileCount = (inFeatures: number, outFeatures: number, tile: TileGeometry, weightBits: number): number => {
  checkCount("matrix.inFeatures", inFeatures);
  checkCount("matrix.outFeatures", outFeatures);
  checkCount("analog.tile.rows", tile.rows);
  return Math.ceil(inFeatures / tile.rows) * Math.ceil(outFeatures / weightColsPerTile(weightBits, tile));
};

/** Splits an inFeatures x outFeatures matrix into tile-sized blocks (row-major over the splits). */
export const tileMatrix = (inFeatures: number, outFeatures: number, tile: TileGeometry, weightBits: number): MatrixTiling => {
  checkCount("matrix.inFeatures", inFeatures);
  checkCount("matrix.outFeatures", outFeatures);
  checkCount("analog.tile.rows", tile.rows);
  const encoding = weightEncoding(weightBits, tile);
  const perTile = weightColsPerTile(weightBits, tile);
  const rowSplits = Math.ceil(inFeatures / tile.rows);
  const colSplits = Math.ceil(outFeatures / perTile);
  const blocks: TileBlock[] = new Array(rowSplits * colSplits);
  for (let r = 0; r < rowSplits; r++) {
    const rowStart = r * tile.rows;
    const rowEnd = Math.min(inFeatures, rowStart + tile.rows);
    for (let c = 0; c < colSplits; c++) {
      const colStart = c * perTile;
      const localTile = r * colSplits + c;
      blocks[localTile] = { rowStart, rowEnd, colStart, colEnd: Math.min(outFeatures, colStart + perTile), rowSplit: r, colSplit: c, localTile };
    }
  }
  return { inFeatures, outFeatures, encoding, weightColsPerTile: perTile, rowSplits, colSplits, tiles: rowSplits * colSplits, blocks };
};
