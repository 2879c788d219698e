// Public face of the analyses over simulation results.
export { amdahl, amdahlSpeedup, amdahlCeiling, type AmdahlOptions, type AmdahlResult, type AmdahlRow } from "./amdahl.ts";
