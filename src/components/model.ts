// What every component cost model declares about itself (Accelergy/HWComponents style): the spec fields it
// reads, its reference design, how it scales from it, its actions, and its sources. The registry in index.ts
// pairs each with the function that computes it.
import type { ComponentKind } from "./kinds.ts";

export interface ComponentModelInfo {
  readonly kind: ComponentKind;
  /** Spec fields the model reads. */
  readonly parameters: readonly string[];
  /** The published design or table the numbers come from. */
  readonly reference: string;
  /** How energy, latency and area move away from the reference (node, bits, size). */
  readonly scaling: string;
  /** Actions with energy (J) and latency (ps). */
  readonly actions: readonly string[];
  readonly sources: readonly string[];
}
