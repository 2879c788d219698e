import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AimcsimError } from "../../src/errors.ts";
import { tileCount, tileMatrix, weightColsPerTile, weightEncoding } from "../../src/mapping/tiling.ts";
import { weightEncoding as numericsEncoding } from "../../src/numerics/analog/encoding.ts";
import { tile } from "./chips.ts";

const arbTile = fc
  .record({ rows: fc.integer({ min: 1, max: 64 }), cols: fc.integer({ min: 2, max: 64 }), bitsPerCell: fc.integer({ min: 1, max: 4 }), differential: fc.boolean() })
  .map((r) => tile(r.rows, r.cols, r.bitsPerCell, r.differential));
const arbBits = fc.integer({ min: 1, max: 8 });

describe("weight encoding", () => {
  it("ternary on 1-bit differential cells takes one pair; the naive 2 slices would double it", () => {
    const e = weightEncoding(2, tile(256, 256, 1, true));
    expect(e).toMatchObject({ slices: 1, cellsPerWeight: 2, sign: "differential-pair" });
    expect(weightColsPerTile(2, tile(256, 256, 1, true))).toBe(128);
  });

  it("int8 on 1-bit differential cells: 7 magnitude slices; single-ended: 8 offset slices", () => {
    expect(weightEncoding(8, tile(8, 8, 1, true)).slices).toBe(7);
    expect(weightEncoding(8, tile(8, 8, 1, false)).slices).toBe(8);
    expect(weightEncoding(8, tile(8, 8, 4, true)).slices).toBe(2);
    expect(weightEncoding(1, tile(8, 8, 1, true)).cellsPerWeight).toBe(2);
  });

  it("agrees with the numerics' cell encoding on the slice count for every weight width and cell", () => {
    for (let bits = 1; bits <= 12; bits++)
      for (let cell = 1; cell <= 4; cell++)
        for (const diff of [true, false]) {
          expect(weightEncoding(bits, tile(8, 64, cell, diff)).slices, `${bits}b on ${cell}b cells, differential ${diff}`).toBe(numericsEncoding(bits, cell, diff).slices);
        }
  });

  it("a tile too narrow for one weight is a MappingError naming analog.tile.cols", () => {
    expect(() => tileMatrix(4, 4, tile(8, 6, 1, true), 8)).toThrow(AimcsimError);
    expect(() => tileMatrix(4, 4, tile(8, 6, 1, true), 8)).toThrow(/analog.tile.cols/);
  });
});

describe("tileMatrix", () => {
  it("property: every weight is covered exactly once and no block exceeds the tile", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 200 }), arbTile, arbBits, (inF, outF, t, bits) => {
        fc.pre(weightEncoding(bits, t).cellsPerWeight <= t.cols);
        const m = tileMatrix(inF, outF, t, bits);
        const seen = new Uint8Array(inF * outF);
        let cells = 0;
        for (const b of m.blocks) {
          if (b.rowEnd - b.rowStart > t.rows || (b.colEnd - b.colStart) * m.encoding.cellsPerWeight > t.cols) throw new Error("block exceeds tile");
          if (b.rowStart >= b.rowEnd || b.colStart >= b.colEnd) throw new Error("empty block");
          for (let r = b.rowStart; r < b.rowEnd; r++) for (let c = b.colStart; c < b.colEnd; c++) seen[r * outF + c]! += 1;
          cells += (b.rowEnd - b.rowStart) * (b.colEnd - b.colStart);
        }
        expect(cells).toBe(inF * outF);
        expect(seen.every((v) => v === 1)).toBe(true);
        expect(m.blocks.length).toBe(m.tiles);
        expect(m.tiles).toBe(tileCount(inF, outF, t, bits));
        expect(m.blocks.map((b) => b.localTile)).toEqual([...m.blocks.keys()]);
      }),
      { numRuns: 300 },
    );
  });

  it("property: the tile count is non-increasing in tile rows and columns", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }), arbTile, fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 64 }), arbBits, (inF, outF, t, dr, dc, bits) => {
        fc.pre(weightEncoding(bits, t).cellsPerWeight <= t.cols);
        const bigger = { ...t, rows: t.rows + dr, cols: t.cols + dc };
        expect(tileCount(inF, outF, bigger, bits)).toBeLessThanOrEqual(tileCount(inF, outF, t, bits));
      }),
      { numRuns: 300 },
    );
  });
});
