// Number formats and tensor layouts: the layer below both src/model and src/numerics.
export * from "./numbers.ts";
export type { LinearWeight } from "./tensors.ts";
