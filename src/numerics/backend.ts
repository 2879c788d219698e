// How the forward pass (src/numerics/forward.ts) computes its linear layers. The exact fp32 backend,
// fake-quantised digital baselines (W4A8, Anda) and the analog crossbar backend (src/numerics/analog/)
// all implement this one interface, so the same forward pass serves the reference and every noisy chip.

import type { LinearWeight } from "../formats/tensors.ts";

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

/** The reference: plain fp32 (accumulating in fp64 is NOT used, to match PyTorch fp32 within 1e-4). */
export const exactBackend: LinearBackend = {
  label: "fp32 exact",
  linear(w, x, tokens, out) {
    const inF = w.inFeatures;
    const outF = w.outFeatures;
    const W = w.data;
    const b = w.bias;
    for (let t = 0; t < tokens; t++) {
      const xo = t * inF;
      const oo = t * outF;
      for (let o = 0; o < outF; o++) {
        const wo = o * inF;
        let acc = 0;
        for (let i = 0; i < inF; i++) acc += x[xo + i] * W[wo + i];
        out[oo + o] = b ? acc + b[o] : acc;
      }
    }
  },
};
