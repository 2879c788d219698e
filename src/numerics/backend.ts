// How the forward pass (src/numerics/forward.ts) computes its linear layers. The exact fp32 backend,
// fake-quantised digital baselines (W4A8, Anda) and the analog crossbar backend (src/numerics/analog/)
// all implement this one interface, so the same forward pass serves the reference and every noisy chip.

import type { LinearWeight } from "../formats/tensors.ts";
import { exactLinear } from "./analog/kernels.ts";

export type { LinearWeight };

export interface LinearBackend {
  /** Human-readable description for reports ("fp32 exact", "analog PCM 8b DAC/8b ADC t=3600s seed 1"). */
  readonly label: string;
  /**
   * out[t*outF + o] = sum_i x[t*inF + i] * W[o*inF + i] + bias[o], for t < tokens.
   * `x` and `out` are caller-owned; implementations must not allocate per call on the hot path
   * beyond scratch buffers they keep.
   */
  linear(w: LinearWeight, x: Float32Array, tokens: number, out: Float32Array): void;
}

/**
 * The reference: fp32 weights and activations, each dot product accumulated in float32 (four SIMD lanes,
 * then the lanes and the tail in a fixed order: src/numerics/kernels/wasm.ts), plus the bias, rounded to
 * fp32. Matches PyTorch's fp32 matmul to ~1e-6 relative (test/numerics/forward-reference.test.ts).
 */
export const exactBackend: LinearBackend = {
  label: "fp32 exact",
  linear(w, x, tokens, out) {
    exactLinear(w, x, tokens, out); // bf16/f16-held weights (w.half) on the 16-bit kernel, bit-identical
  },
};
