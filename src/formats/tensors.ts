// Tensor layouts shared by the model loader (src/model) and the numerics (src/numerics). This file sits
// below both layers, next to the number formats (./numbers.ts), so neither imports the other for it.

/** A projection weight as Hugging Face stores it: row-major [outFeatures x inFeatures]. */
export interface LinearWeight {
  readonly name: string; // HF tensor name without ".weight", e.g. "model.layers.0.self_attn.q_proj"
  readonly outFeatures: number;
  readonly inFeatures: number;
  readonly data: Float32Array; // length outFeatures * inFeatures
  readonly bias: Float32Array | null; // length outFeatures
}
