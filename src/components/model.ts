// What every component cost model declares about itself (Accelergy/HWComponents style): the spec fields it
// reads, its reference design, how it scales from it, its actions, and its sources. The registry in index.ts
// pairs each with the function that computes it.
import type { AdcSpec, DacSpec } from "../spec/types.ts";
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

/** What one conversion of a converter (ADC or DAC) costs, and the assumption behind it (printed by every report). */
export interface ConverterCost {
  /** Energy of one conversion (J). */
  readonly energyJ: number;
  /** Latency of one conversion (ps). */
  readonly latencyPs: number;
  /** Area of one converter instance (mm^2). */
  readonly areaMm2: number;
  /** Which model, which numbers, which source: printed by every report. */
  readonly assumption: string;
}

/** An ADC model (one file in src/components/adc/, one line in src/components/registry.ts). `convert` gets a
 *  validated AdcSpec (bits an integer >= 1, clock > 0); spec overrides (energyPerConversionJ, latencyPs) are
 *  applied by adcCost after it, so a model never reads them. */
export interface AdcModel {
  /** The AdcSpec.kind it models. */
  readonly kind: string;
  /** The published design or survey its numbers come from. */
  readonly reference: string;
  readonly sources: readonly string[];
  /** Converts while the array drives it (a CCO counts during the read window) instead of sampling the
   *  integrated result after the window; such an ADC cannot convert charge accumulated over several phases. */
  readonly convertsDuringRead?: boolean;
  /** Share of a conversion's energy that does not depend on the output code; the rest scales with |code| / full
   *  scale when the numerics measured it. Absent: the energy does not depend on the code. */
  readonly codeIndependentEnergyFraction?: number;
  /** Supply at which the model's energy holds (V); the tile scales it by (V_adc / referenceSupplyV)^2
   *  (src/components/supply.ts). Absent: the energy is taken as at the chip's supply, not scaled. */
  readonly referenceSupplyV?: number;
  convert(adc: AdcSpec, nodeNm: number, clockHz: number): ConverterCost;
}

/** What one DAC conversion (one row, one phase) costs. */
export interface DacConversion extends ConverterCost {
  /** Analog phases one input needs (bit-serial: bits; pwm and current-steering: 1). */
  readonly phases: number;
  /** The energy is written in the driver supply it was given (capacitive DACs): no (V / V_ref)^2 on top. */
  readonly supplyExplicit?: boolean;
  /** Static power while the DAC holds a code (W; resistive ladders): charged over one MVM interval per phase
   *  (src/components/crossbar.ts); absent: 0. */
  readonly holdPowerW?: number;
  /** Share of areaMm2 that is passive (resistor or capacitor arrays): no leakage is charged over it
   *  (src/components/describe.ts); absent: 0. */
  readonly passiveAreaFraction?: number;
}

/** A DAC (row driver) model (one file in src/components/dac/, one line in src/components/registry.ts). */
export interface DacModel {
  readonly kind: string;
  readonly reference: string;
  readonly sources: readonly string[];
  /** Applies an input one bit-plane per phase (so the column integrator may sum several planes per conversion). */
  readonly bitPlanePhases?: boolean;
  /** Encodes the input magnitude as a pulse width: the read window is at least the pulse window, and the
   *  driver needs no settling time before it. */
  readonly pulseWidth?: boolean;
  /** Supply at which the model's energy holds (V), scaled by (V_driver / referenceSupplyV)^2; absent: not
   *  scaled (a model written in the supply it is given, or one taken as at the chip supply). */
  readonly referenceSupplyV?: number;
  /** supplyV: the driver supply (V), when the chip gives one; models written in C V^2 use it directly. */
  convert(dac: DacSpec, nodeNm: number, clockHz: number, supplyV?: number): DacConversion;
}

/** A DRAM kind (one file in src/components/dram/, one line in src/components/registry.ts). */
export interface DramModel {
  readonly kind: string;
  /** Access energy per bit, interface + core (J); DramSpec.energyPerBitJ overrides it. */
  readonly energyPerBitJ: number;
  /** The source of the number, printed with the assumptions. */
  readonly source: string;
}

/** A systolic dataflow (one file in src/components/systolic/, one line in src/components/registry.ts): SCALE-Sim's
 *  closed forms for one GEMM C[M x N] = A[M x K] B[K x N] on an R x C array, without memory stalls. */
export interface SystolicDataflow {
  readonly kind: string;
  /** What stays in the PEs. */
  readonly stationary: string;
  readonly sources: readonly string[];
  /** Array-sized pieces (folds) the GEMM is cut into. */
  folds(R: number, C: number, M: number, K: number, N: number): number;
  /** Cycles of one fold: fill, stream, drain. */
  cyclesPerFold(R: number, C: number, M: number, K: number, N: number): number;
  /** Operand elements one fold reads from the SRAM (SCALE-Sim's demand matrices). */
  foldOperandElements(R: number, C: number, M: number, K: number, N: number): number;
}

/** A NoC topology (one file in src/components/noc/, one line in src/components/registry.ts). */
export interface NocTopologyModel {
  readonly kind: string;
  /** Mean hops between two endpoints chosen uniformly among `endpoints` >= 2. */
  averageHops(endpoints: number): number;
  /** Transfers the fabric carries at once over `routers` routers (its bisection bound). */
  parallelLinks(routers: number): number;
}
