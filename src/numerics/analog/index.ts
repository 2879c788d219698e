export { createAnalogBackend, type AnalogBackend, type AnalogBackendOptions, type InputCalibration } from "./backend.ts";
export { createRangeCalibrator, AIHWKIT_INPUT_RANGE_QUANTILE, type RangeCalibrator } from "./calibrate.ts";
export { weightEncoding, groupScale, quantizeWeight, sliceLevel, type WeightEncoding, type GroupScale } from "./encoding.ts";
export { tileGrid, type TileGrid, type TileSpan } from "./tiling.ts";
export { gemmTile, gemmTileNoise, exactLinear, exactLinearBlocked, createBlockedExactBackend } from "./kernels.ts";
export type { AnalogLayerStats, AnalogStats } from "./stats.ts";
