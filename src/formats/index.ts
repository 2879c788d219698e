// Number formats and tensor layouts: the layer below both src/model and src/numerics.
export * from "./numbers.ts";
export { halfLinearWeight, heapAllocator, releasedLinearWeight, widenHalf } from "./tensors.ts";
export type { HalfBits, HalfKind, LinearWeight, TensorAllocator } from "./tensors.ts";
