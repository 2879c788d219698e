// The noise-model registry: a model registered from outside src (here, this test) is accepted by the spec
// (TS constructors and JSON alike, with its defaults filled) and used by the analog numerics, with no edit to
// src; every built-in model the schema names has an implementation; registering a taken name is refused.
import { afterEach, describe, expect, it } from "vitest";
import { produce } from "immer";
import { createAnalogBackend } from "../../src/numerics/analog/index.ts";
import { createNoiseModel, registerNoiseModel, registeredNoiseModels, type ConductanceNoiseModel } from "../../src/numerics/noise/index.ts";
import { checkChipSpec, decodeChipSpec, noiseModelKinds, NOISE_MODELS } from "../../src/spec/index.ts";
import { isAimcsimError } from "../../src/errors.ts";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";
import { analogSpec, randomInput, randomWeight } from "./analog-fixtures.ts";

declare module "../../src/spec/noise.ts" {
  interface NoiseModelExtensions {
    "test-stuck-off": true;
  }
}

/** Every device stuck at 0 uS whatever its target: the crossbar computes nothing. */
const stuckOff: ConductanceNoiseModel = {
  kind: "test-stuck-off",
  program: () => 0,
  driftNu: () => 0,
  atTime: (g) => g,
  driftFactor: () => 1,
};

let unregister: (() => void) | undefined;
afterEach(() => {
  unregister?.();
  unregister = undefined;
});

const withNoise = (noise: unknown) => produce(JSON.parse(JSON.stringify(hybrid)) as Record<string, any>, (d) => void (d.analog.tile.noise = noise)); // eslint-disable-line @typescript-eslint/no-explicit-any

describe("noise-model registry", () => {
  it("every built-in model the schema names has an implementation, and nothing else is built in", () => {
    expect(registeredNoiseModels()).toEqual([...NOISE_MODELS]);
    expect(noiseModelKinds()).toEqual([...NOISE_MODELS]);
    for (const kind of NOISE_MODELS) {
      const m = createNoiseModel({ ...decodeChipSpec(withNoise({ model: kind, relSigma: 0.01, readRelSigma: 0.01 })).analog!.tile.noise }, 25);
      expect(m.kind).toBe(kind);
    }
  });

  it("a model registered from outside src is accepted by the schema, gets its defaults, and drives the numerics", () => {
    const before = checkChipSpec(withNoise({ model: "test-stuck-off" }));
    expect(before.ok).toBe(false);
    if (!before.ok) expect(before.issues[0]).toMatchObject({ path: "analog.tile.noise.model" });

    unregister = registerNoiseModel({ kind: "test-stuck-off", defaults: { progNoiseScale: 0, readNoiseScale: 0, driftScale: 0, relSigma: 0, readRelSigma: 0, wNoise: 0, outNoise: 0, tInfS: 0, driftCompensation: false }, create: () => stuckOff });
    const spec = decodeChipSpec(withNoise({ model: "test-stuck-off", tInfS: 60 }));
    expect(spec.analog!.tile.noise).toEqual({ model: "test-stuck-off", progNoiseScale: 0, readNoiseScale: 0, driftScale: 0, relSigma: 0, readRelSigma: 0, wNoise: 0, outNoise: 0, tInfS: 60, driftCompensation: false });

    // The numerics use it: with every device off, an ideal-periphery layer outputs its bias alone; the
    // built-in ideal model on the same layer does not.
    const w = randomWeight("l", 16, 32, 7, true);
    const x = randomInput(2, 32, 8);
    const out = new Float32Array(2 * 16);
    createAnalogBackend([w], analogSpec({ noise: spec.analog!.tile.noise }), { seed: 1, ideal: true }).linear(w, x, 2, out);
    for (let t = 0; t < 2; t++) for (let o = 0; o < 16; o++) expect(out[t * 16 + o]).toBeCloseTo(w.bias![o], 6);
    const ideal = new Float32Array(2 * 16);
    createAnalogBackend([w], analogSpec(), { seed: 1, ideal: true }).linear(w, x, 2, ideal);
    expect(ideal.some((v, i) => Math.abs(v - w.bias![i % 16]) > 1e-3)).toBe(true);

    unregister();
    unregister = undefined;
    expect(checkChipSpec(withNoise({ model: "test-stuck-off" })).ok).toBe(false);
  });

  it("a registered model's missing defaults make those fields required", () => {
    unregister = registerNoiseModel({ kind: "test-stuck-off", defaults: { progNoiseScale: 0, readNoiseScale: 0, driftScale: 0, readRelSigma: 0, wNoise: 0, outNoise: 0, tInfS: 0, driftCompensation: false }, create: () => stuckOff });
    const r = checkChipSpec(withNoise({ model: "test-stuck-off" }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues).toEqual([{ path: "analog.tile.noise.relSigma", rule: "required field is missing" }]);
  });

  it("refuses a name that is taken", () => {
    let err: unknown;
    try {
      registerNoiseModel({ kind: "pcm", defaults: {}, create: () => stuckOff });
    } catch (e) {
      err = e;
    }
    expect(isAimcsimError(err) && err.path).toBe("noise.model");
    expect(registeredNoiseModels()).toEqual([...NOISE_MODELS]);
  });
});
