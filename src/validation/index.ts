// Validation of aimcsim against published silicon (HERMES, NeuRRAM, SRAM CIM macros, GPU datasheets) and the
// seed papers' claims (PIM-LLM, Anda). Published figures: published.ts; presets: presets.ts (loaded from hw-specs/ at run time).
export type { TrendRow, ValidationReport, ValidationRow } from "./types.ts";
export { runValidation, runValidationReport, rowFailure, rowFails, type ValidationOptions } from "./run.ts";
export { evidence, formatTrendTable, formatValidationTable } from "./format.ts";
export { BOUNDS, CHECKS, CheckContext, boundOf, type Check } from "./checks.ts";
export { PIMLLM_CONTEXTS, PIMLLM_MODELS, runTrends } from "./trends.ts";
export { AFM_REMEDY_INTERVAL, runAccuracyTrend, runAfmRemedyTrend, type AccuracyTrendOptions } from "./accuracy.ts";
