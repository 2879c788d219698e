// The noise-model registry: which implementation a spec's `noise.model` names. Every built-in model is one file
// in this folder carrying its citation, registered here with one line. The built-in table is typed over the
// spec's built-in noise models (src/spec/noise.ts, whose keys are the schema's noise-model enum), so the
// compiler refuses a model the schema accepts without an implementation here, and an entry here the schema
// does not know.
//
// A noise model added from outside src (a plug-in, a test) registers with `registerNoiseModel`: its name, the
// defaults of its parameters (recorded in the spec layer, so validation accepts the name and JSON/TS specs get
// the same defaults) and its factory. TypeScript learns the name by augmenting NoiseModelExtensions.
import { AimcsimError } from "../../errors.ts";
import { isNoiseModelKind, registerNoiseModelDefaults, type BuiltinNoiseModel, type NoiseParams } from "../../spec/noise.ts";
import type { NoiseSpec } from "../../spec/types.ts";
import { gaussianModel } from "./gaussian-programming.ts";
import type { ConductanceNoiseModel, NoiseModelFactory } from "./model.ts";
import { noneModelFactory } from "./none.ts";
import { pcmModel } from "./pcm.ts";
import { rramModel } from "./rram.ts";

const BUILT_IN: { readonly [K in BuiltinNoiseModel]: NoiseModelFactory } = {
  none: noneModelFactory,
  pcm: pcmModel,
  gaussian: gaussianModel,
  rram: rramModel,
};

const extra = new Map<string, NoiseModelFactory>();

/** A noise model added from outside src. */
export interface NoiseModelDefinition {
  /** The name a spec's `noise.model` gives. */
  readonly kind: string;
  /** Values the parameters take when a spec leaves them out; a parameter absent here is required. */
  readonly defaults: Partial<NoiseParams>;
  /** The per-tile device model. */
  readonly create: NoiseModelFactory;
}

/** Registers a noise model; returns the function that removes it again. */
export function registerNoiseModel(def: NoiseModelDefinition): () => void {
  if (typeof def.kind !== "string" || def.kind === "")
    throw new AimcsimError("UsageError", "noise.model", "a noise model needs a non-empty name");
  if (isNoiseModelKind(def.kind)) throw new AimcsimError("UsageError", "noise.model", `noise model "${def.kind}" is already registered`);
  const forget = registerNoiseModelDefaults(def.kind, def.defaults);
  extra.set(def.kind, def.create);
  return () => {
    extra.delete(def.kind);
    forget();
  };
}

/** Every noise model with an implementation: the built-ins, then those registered since. */
export const registeredNoiseModels = (): string[] => [...Object.keys(BUILT_IN), ...extra.keys()];

/** The device model of a validated spec's noise section (the schema admitted only registered names). */
export function createNoiseModel(spec: NoiseSpec, gMaxUs: number): ConductanceNoiseModel {
  const factory = Object.hasOwn(BUILT_IN, spec.model) ? BUILT_IN[spec.model as BuiltinNoiseModel] : extra.get(spec.model);
  if (factory === undefined)
    throw new AimcsimError("SpecError", "analog.tile.noise.model", `no implementation is registered for noise model "${spec.model}"`);
  return factory(spec, gMaxUs);
}
