// aimcsim as a library: everything the CLI does is one of these typed functions.
//
//   import { loadSpecFile, run, evaluate, amdahl, runSweep } from "aimcsim";
//   const chip = await loadSpecFile("hw-specs/hybrid-bitnet.ts");
//   const r = await run({ chip, model: "bitnet-gpt2-350m", promptTokens: 512, genTokens: 128 });
//
// Errors are AimcsimError (see ./errors.ts): `_tag`, `path` (field path or file) and `rule`.

// Spec language: constructors, validation, loading, JSON Schema, variants.
export * from "./spec/index.ts";
// Component cost models and the chip description (per-action energy, latency, area; peak TOPS and TOPS/W).
export * from "./components/index.ts";
// Transformer shapes, presets, op graphs; checkpoint and tokenizer loading.
export * from "./model/index.ts";
export { loadModel, type LoadedModel } from "./model/checkpoint.ts";
// Mapping of a model onto a chip.
export * from "./mapping/index.ts";
// The discrete-event engine.
export {
  EventQueue,
  Simulator,
  ResourceSet,
  runTaskGraph,
  validateTaskGraph,
  criticalPathPs,
  resourceBoundPs,
  type ResourceDef,
  type TaskGraph,
  type TaskGraphRun,
} from "./engine/index.ts";
// Simulation: run, simulate, results, traces.
export * from "./sim/index.ts";
export { buildTrace, writeTraceFile } from "./trace/index.ts";
// Numerics: linear backends (exact, fake-quant, Anda, analog), forward pass.
export { exactBackend, type LinearBackend, type LinearWeight } from "./numerics/backend.ts";
export { forwardLogits, createSession } from "./numerics/forward.ts";
export * from "./numerics/digital-backends.ts";
export { createAnalogBackend } from "./numerics/analog/index.ts";
// Checkpoints at full size: 16-bit weights kept in 16 bits in the kernel banks; streamed onto analog tiles (issue 16.3).
export { loadModelForKernels, loadModelOnChip, type ModelOnChip } from "./numerics/load.ts";
export type { LoadOptions } from "./model/checkpoint.ts";
// Noise models: register one from outside (its defaults join the spec; see src/numerics/noise/registry.ts).
export { registerNoiseModel, type NoiseModelDefinition, type ConductanceNoiseModel } from "./numerics/noise/index.ts";
// Accuracy evaluation and the Anda precision search.
export * from "./eval/index.ts";
// Analyses: Amdahl.
export { amdahl, amdahlSpeedup, amdahlCeiling, opShare, MACS_ONLY, PIMLLM_FIG1B, type AmdahlOptions, type AmdahlResult, type OpShare, type OpShareConvention } from "./analysis/index.ts";
export type { AmdahlRow as AmdahlAnalysisRow } from "./analysis/index.ts";
// Time in service: drift, recalibration and reprogramming over a horizon (issue 19).
export * from "./lifetime/index.ts";
// Serving under load: request traces, continuous batching, SLOs.
export { serve, sloRate, poissonRequests, parseTraceCsv, parseLengthDist, type ServeOptions, type ServeResult, type ServeRequest, type LengthDist } from "./serve/index.ts";
// Design-space exploration.
export {
  sweep,
  axis,
  grid,
  random,
  evolutionary,
  runSweep,
  runWorker,
  openStore,
  readResults,
  exportSqlite,
  paretoFront,
  loadSweep,
} from "./dse/index.ts";
// Reports: charts, tables, HTML.
export * from "./report/index.ts";
export { evalSections, evalTable } from "./report/eval-report.ts";
// CLI entry (for embedding).
export { runCli } from "./cli/main.ts";
// The package's own files: the bundled model's folder and the version.
export { bundledModelPath, packageVersion } from "./util/package.ts";
export { AimcsimError, isAimcsimError, type ErrorTag } from "./errors.ts";
