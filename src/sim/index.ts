// Public face of the chip simulation: run a model on a chip, get latency, energy, area and the schedule.
export { DECODE_SAMPLES, run, simulate, type RunOptions, type SimRun } from "./run.ts";
export { OpLowering, type ExpertChipWork, type LinkTraffic, type LoweringOptions } from "./lowering.ts";
export { systolicGemmCycles } from "../components/index.ts";
export { checkInvariants } from "./invariants.ts";
export { ChipResources, type ChipResource } from "./resources.ts";
export * from "./result.ts";
export { simTrace } from "./trace.ts";
export { activityFromStats } from "./activity.ts";
