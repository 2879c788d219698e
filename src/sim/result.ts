// What a simulation run returns. Documented in README ("Outputs"); printed by `aimcsim run --json`.
import type { ComponentKind } from "../components/kinds.ts";
import type { OpClass } from "../model/ops.ts";
import type { KvCacheLocation } from "../spec/types.ts";

export { COMPONENT_KINDS, type ComponentKind } from "../components/kinds.ts";

/** `utilization` keys of the analog crossbar banks (one per weight matrix, often hundreds) start with this
 *  prefix, so a reader of a result (also one loaded from JSON) can group them; src/sim/resources.ts names them. */
export const CROSSBAR_UNIT_PREFIX = "xbar:";
export const isCrossbarUnit = (unit: string): boolean => unit.startsWith(CROSSBAR_UNIT_PREFIX);

export const OP_CLASSES: readonly OpClass[] = ["projection", "attention", "other"];

export interface PhaseResult {
  readonly latencyS: number;
  /** Dynamic + static energy of the phase (J). */
  readonly energyJ: number;
  /** Dynamic + static, by component (each kind's two parts are in the two records below). */
  readonly energyByComponentJ: Readonly<Record<ComponentKind, number>>;
  /** Switching energy of the operations, by component (J). */
  readonly dynamicEnergyByComponentJ: Readonly<Record<ComponentKind, number>>;
  /** Leakage over the phase's wall time, idle time included (power-gated: busy time only), by component (J). */
  readonly staticEnergyByComponentJ: Readonly<Record<ComponentKind, number>>;
  readonly dynamicEnergyJ: number;
  readonly staticEnergyJ: number;
  readonly energyByOpClassJ: Readonly<Record<OpClass, number>>;
  /** Wall time attributed to each op class along the schedule (sums to latencyS). */
  readonly timeByOpClassS: Readonly<Record<OpClass, number>>;
  /** Busy time per component kind (may overlap; not a partition of latency). */
  readonly busyByComponentS: Readonly<Record<ComponentKind, number>>;
  readonly macsByOpClass: Readonly<Record<OpClass, number>>;
}

export interface SimResult {
  readonly chip: string;
  readonly model: string;
  readonly workload: { readonly promptTokens: number; readonly genTokens: number; readonly batch: number };
  /** Time to first token: the end of prefill, whose lm_head gives the first token (seconds). */
  readonly ttftS: number;
  /** Mean time per output token over the decode steps, seconds. */
  readonly tpotS: number;
  readonly totalS: number;
  /** Generated tokens per second over the whole run (batch x gen / totalS). */
  readonly tokensPerS: number;
  /** Steady-state decode throughput: batch / TPOT (0 when genTokens = 1). */
  readonly decodeTokensPerS: number;
  readonly energyJ: number;
  /** Leakage power of the powered silicon (W), all chips (src/components/leakage.ts). */
  readonly staticPowerW: number;
  /** Writing the deployment's weights into the crossbars (write-verify), once per deployment; not part of
   *  energyJ (src/components/programming.ts). null for a chip without analog tiles in use. */
  readonly programming: { readonly cells: number; readonly energyJ: number; readonly timeS: number; readonly energyPerCellJ: number } | null;
  /** Whether idle units were power-gated (ChipSpec.powerGating): static energy then only over busy time. */
  readonly powerGating: boolean;
  /** Energy per generated token (whole run / generated tokens). */
  readonly energyPerTokenJ: number;
  /** Decode energy per generated token, prefill excluded (0 when genTokens = 1). */
  readonly decodeEnergyPerTokenJ: number;
  readonly tokensPerJ: number;
  readonly prefill: PhaseResult;
  /** Sum over all decode steps. */
  readonly decode: PhaseResult;
  /** Busy fraction of each physical unit (by unit name) over the run. */
  readonly utilization: Readonly<Record<string, number>>;
  readonly areaMm2: number;
  readonly areaByComponentMm2: Readonly<Record<ComponentKind, number>>;
  readonly mapping: {
    readonly tilesNeeded: number;
    readonly tilesAvailable: number;
    readonly chips: number;
    readonly kvCache: KvCacheLocation;
  };
  /** Every model assumption a reader must know (ADC model used, DRAM energy per bit, ...). */
  readonly assumptions: readonly string[];
  readonly events: number;
}
