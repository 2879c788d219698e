// Ideal devices (the model "none"): programmed exactly, no drift, no read noise.
import type { ConductanceNoiseModel } from "./model.ts";

export const noneModel: ConductanceNoiseModel = {
  kind: "none",
  program: (g) => g,
  driftNu: () => 0,
  atTime: (g) => g,
  driftFactor: () => 1,
};

export const noneModelFactory = (): ConductanceNoiseModel => noneModel;
