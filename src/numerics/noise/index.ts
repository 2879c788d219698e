export * from "./constants.ts";
export { pcmNuMoments, pcmProgSigmaUs, pcmReadSigmaRel } from "./pcm.ts";
export type { ConductanceNoiseModel, NoiseModelFactory } from "./model.ts";
export { createNoiseModel, registerNoiseModel, registeredNoiseModels, type NoiseModelDefinition } from "./registry.ts";
export { driftReadout, globalDriftAlpha } from "./compensation.ts";
export { normal } from "./gaussian.ts";
