export * from "./constants.ts";
export { createNoiseModel, pcmNuMoments, pcmProgSigmaUs, pcmReadSigmaRel, type ConductanceNoiseModel } from "./models.ts";
export { driftReadout, globalDriftAlpha } from "./compensation.ts";
export { normal } from "./gaussian.ts";
