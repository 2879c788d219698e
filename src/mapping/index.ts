// Public face of src/mapping: tiling of weight matrices onto crossbars, placement of a model on a chip
// (tiles, KV cache, units).
export * from "./tiling.ts";
export * from "./kvcache.ts";
export * from "./dram.ts";
export * from "./units.ts";
export * from "./placement.ts";
export * from "./describe.ts";
export * from "./balance.ts";
export * from "./precision.ts";
