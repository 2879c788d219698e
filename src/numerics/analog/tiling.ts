// How one weight matrix [outF x inF] is split over crossbar tiles: the numerics use the mapping's own
// tileMatrix (src/mapping/tiling.ts), so the simulator and the noisy forward pass agree on which inputs
// share a tile's input range (row split) and which outputs share its ADCs (column split).

import type { CrossbarTileSpec } from "../../spec/types.ts";
import { AimcsimError } from "../../errors.ts";
import { tileMatrix } from "../../mapping/tiling.ts";

export interface TileSpan {
  /** First index (input row, or logical output column). */
  readonly start: number;
  readonly length: number;
}

export interface TileGrid {
  readonly rowTiles: readonly TileSpan[];
  readonly colTiles: readonly TileSpan[];
  /** Logical outputs one tile holds. */
  readonly outputsPerTile: number;
  /** Physical crossbar tiles this matrix occupies. */
  readonly tileCount: number;
}

export function tileGrid(inF: number, outF: number, tile: CrossbarTileSpec, weightBits: number, slices: number): TileGrid {
  const m = tileMatrix(inF, outF, tile, weightBits);
  if (m.encoding.slices !== slices)
    throw new AimcsimError(
      "MappingError",
      "analog.weightBits",
      `mapping stores ${m.encoding.slices} slice(s) per weight but the numerics encode ${slices}: the two encodings disagree`,
    );
  const rowTiles: TileSpan[] = [];
  const colTiles: TileSpan[] = [];
  for (const b of m.blocks) {
    if (b.colSplit === 0) rowTiles.push({ start: b.rowStart, length: b.rowEnd - b.rowStart });
    if (b.rowSplit === 0) colTiles.push({ start: b.colStart, length: b.colEnd - b.colStart });
  }
  return { rowTiles, colTiles, outputsPerTile: m.weightColsPerTile, tileCount: m.tiles };
}
