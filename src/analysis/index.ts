// Public face of the analyses over simulation results.
export { amdahl, amdahlSpeedup, amdahlCeiling, type AmdahlOptions, type AmdahlResult, type AmdahlRow, type AmdahlSkipped } from "./amdahl.ts";
export { opShare, MACS_ONLY, PIMLLM_FIG1B, type OpShare, type OpShareConvention } from "./opshare.ts";
