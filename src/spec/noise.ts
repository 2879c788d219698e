// Conductance noise models as the spec sees them: each model's name and the defaults its parameters take when
// a spec (TS constructor or JSON) leaves them out. This table is the one place a built-in noise model's
// defaults are written; the noise-model enum of the schema is its keys, and the numerics' registry
// (src/numerics/noise/registry.ts) must have an implementation for every key (a type-level check there).
// A parameter a model needs but has no published default for (gaussian relSigma, rram relSigma/readRelSigma)
// is left out here, so a spec that omits it fails validation naming the field.
//
// Noise models added from outside (a plugin, a test) register with `registerNoiseModel` in
// src/numerics/noise/registry.ts, which records their defaults here; TypeScript learns their name by
// augmenting `NoiseModelExtensions`:
//   declare module "aimcsim" { interface NoiseModelExtensions { "my-noise": true } }
import * as Schema from "effect/Schema";
import { between, doc, nonNegative } from "./fields.ts";

/** The numeric and boolean parameters of a noise spec (every field but `model`), as schema fields. */
export const NoiseParamsFields = {
  progNoiseScale: doc(nonNegative, "Scales the PCM programming-noise polynomial (1 = aihwkit default)."),
  readNoiseScale: doc(nonNegative, "Scales the PCM 1/f read noise (1 = aihwkit default)."),
  driftScale: doc(nonNegative, "Scales the PCM drift exponent (1 = aihwkit default, 0 = no drift)."),
  relSigma: doc(between(0, 1), 'Relative programming sigma (fraction of g_max) for "gaussian" and "rram".'),
  readRelSigma: doc(between(0, 1), 'Relative read sigma (fraction of |g|) for "rram".'),
  wNoise: doc(between(0, 1), "Output-referred weight noise (aihwkit w_noise, PCM_READ preset 0.0175)."),
  outNoise: doc(between(0, 10), "Additive output noise in units of the normalised output (aihwkit out_noise)."),
  tInfS: doc(between(0, 1e10), "Time since programming at which inference happens (t_inf).", "s"),
  driftCompensation: doc(Schema.Boolean, "Global drift compensation (aihwkit GlobalDriftCompensation)."),
} as const;
const NoiseParamsSchema = Schema.Struct(NoiseParamsFields);
/** The numeric and boolean parameters of a noise spec (every field but `model`). */
export interface NoiseParams extends Schema.Schema.Type<typeof NoiseParamsSchema> {}

const IDEAL: NoiseParams = {
  progNoiseScale: 0,
  readNoiseScale: 0,
  driftScale: 0,
  relSigma: 0,
  readRelSigma: 0,
  wNoise: 0,
  outNoise: 0,
  tInfS: 0,
  driftCompensation: false,
};

const { relSigma: _g, ...IDEAL_BUT_REL_SIGMA } = IDEAL;
const { relSigma: _r, readRelSigma: _rr, ...IDEAL_BUT_SIGMAS } = IDEAL;

/** Defaults of every built-in noise model (the fields a model has no default for are absent). */
export const BUILTIN_NOISE_DEFAULTS = {
  /** Ideal devices: no programming, drift or read noise. */
  none: IDEAL,
  /** IBM aihwkit PCMLikeNoiseModel (scales 1 = the published fit), aihwkit's default output noise and
   *  inference one hour after programming, with global drift compensation (aihwkit defaults). */
  pcm: {
    ...IDEAL,
    progNoiseScale: 1,
    readNoiseScale: 1,
    driftScale: 1,
    outNoise: 0.06, // aihwkit IOParameters default out_noise (docs/REFERENCES.md [aihwkit], parameters/io.py)
    tInfS: 3600,
    driftCompensation: true,
  },
  /** Generic Gaussian programming noise relSigma * g_max (relSigma has no default: the spec gives it). */
  gaussian: IDEAL_BUT_REL_SIGMA,
  /** RRAM: Gaussian programming noise relSigma * g_max plus a read-noise draw readRelSigma * |g|
   *  (both have no default: the spec gives them). */
  rram: IDEAL_BUT_SIGMAS,
} as const satisfies Record<string, Partial<NoiseParams>>;

export type BuiltinNoiseModel = keyof typeof BUILTIN_NOISE_DEFAULTS;
/** Noise models added outside src declare their names here (module augmentation). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NoiseModelExtensions {}
export type NoiseModelKind = BuiltinNoiseModel | Extract<keyof NoiseModelExtensions, string>;

/** The built-in noise models, in declaration order. */
export const NOISE_MODELS = Object.keys(BUILTIN_NOISE_DEFAULTS) as readonly BuiltinNoiseModel[];

const registered = new Map<string, Partial<NoiseParams>>(Object.entries(BUILTIN_NOISE_DEFAULTS));

/** Every noise model a spec may name now: the built-ins and those registered since. */
export const noiseModelKinds = (): readonly string[] => [...registered.keys()];

export const isNoiseModelKind = (k: unknown): k is NoiseModelKind => typeof k === "string" && registered.has(k);

/** The defaults a model's parameters take when a spec leaves them out. */
export function noiseModelDefaults(kind: NoiseModelKind): Partial<NoiseParams> {
  return registered.get(kind) ?? {};
}

/** Records the spec-side facts of a noise model added outside src and returns the function that removes them.
 *  Called by registerNoiseModel (src/numerics/noise/registry.ts), which also registers the implementation;
 *  not meant to be called alone. */
export function registerNoiseModelDefaults(kind: string, defaults: Partial<NoiseParams>): () => void {
  registered.set(kind, { ...defaults });
  return () => void registered.delete(kind);
}
