// Throughput of the noisy analog MVM kernel (src/numerics/analog) against numpy's single-thread float32
// matmul on the same shapes, measured in the same run (bench/numpy_matmul.py, /usr/bin/python3 with
// Debian's python3-numpy, OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1), plus tokens/s of the noisy forward pass
// on the bundled model. GFLOP/s counts the logical MVM (2 x rows x cols x tokens), not the extra work the
// noise model does (the |W| x^2 pass of w_noise, ADC, Gaussian draws).

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createAnalogBackend, createBlockedExactBackend } from "../src/numerics/analog/index.ts";
import { exactBackend, type LinearBackend, type LinearWeight } from "../src/numerics/backend.ts";
import type { AnalogSpec } from "../src/spec/types.ts";
import { Rng } from "../src/util/rng.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** A HERMES/AFM-like noisy tile: PCM (aihwkit), 8-bit DAC and ADC, PCM_READ w_noise, out_noise 0.04. */
const spec: AnalogSpec = {
  tile: {
    rows: 512,
    cols: 1024,
    device: "PCM",
    bitsPerCell: 8,
    differential: true,
    gMaxUs: 25,
    gMinUs: 0,
    readVoltageV: 0.2,
    integrationTimeNs: 128,
    noise: {
      model: "pcm",
      progNoiseScale: 1,
      readNoiseScale: 1,
      driftScale: 1,
      relSigma: 0,
      readRelSigma: 0,
      wNoise: 0.0175,
      outNoise: 0.04,
      tInfS: 3600,
      driftCompensation: true,
    },
    dac: { kind: "pwm", bits: 8 },
    adc: { kind: "sar", bits: 8, colsPerAdc: 1 },
    inputRange: { mode: "dynamic" },
    outBound: 10,
  },
  tiles: 4096,
  weightBits: 8,
  clockHz: 1e9,
  accumulatorFormat: "fp32",
};

function weight(n: number): LinearWeight {
  const rng = new Rng(n);
  const data = new Float32Array(n * n);
  for (let j = 0; j < data.length; j++) data[j] = rng.nextGaussian() * 0.05;
  return { name: `w${n}`, outFeatures: n, inFeatures: n, data, bias: null };
}

function timeGflops(b: LinearBackend, w: LinearWeight, T: number, minMs = 700): { gflops: number; msPerCall: number; calls: number } {
  const rng = new Rng(7);
  const x = new Float32Array(T * w.inFeatures);
  for (let j = 0; j < x.length; j++) x[j] = rng.nextGaussian();
  const out = new Float32Array(T * w.outFeatures);
  b.linear(w, x, T, out); // warm-up (JIT)
  let calls = 0;
  const t0 = performance.now();
  let dt = 0;
  do {
    b.linear(w, x, T, out);
    calls++;
    dt = performance.now() - t0;
  } while (dt < minMs || calls < 3);
  return { gflops: (2 * w.inFeatures * w.outFeatures * T * calls) / (dt * 1e6), msPerCall: dt / calls, calls };
}

function numpy(shapes: [number, number, number][]): { blas: string; gflops: number[] } | { error: string } {
  const py = "/usr/bin/python3";
  const r = spawnSync(py, [join(root, "bench/numpy_matmul.py"), ...shapes.flat().map(String)], {
    env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
    encoding: "utf8",
    timeout: 300_000,
  });
  if (r.status !== 0) return { error: `${py} bench/numpy_matmul.py failed: ${r.stderr || r.error?.message}` };
  const j = JSON.parse(r.stdout) as { blas: string; results: { gflops: number }[] };
  return { blas: j.blas, gflops: j.results.map((x) => x.gflops) };
}

export async function bench(): Promise<Record<string, unknown>> {
  const shapes: [number, number, number][] = [
    [512, 512, 64],
    [512, 512, 1],
    [2048, 2048, 16],
    [2048, 2048, 1],
  ];
  const np = numpy(shapes);
  const kernel: Record<string, unknown> = {};
  const blocked = createBlockedExactBackend();
  for (let s = 0; s < shapes.length; s++) {
    const [n, , T] = shapes[s];
    const w = weight(n);
    const t0 = performance.now();
    const analog = createAnalogBackend([w], spec, { seed: 1, record: false });
    const programMs = performance.now() - t0;
    const a = timeGflops(analog, w, T);
    const e = timeGflops(blocked, w, T);
    const naive = timeGflops(exactBackend, w, T, 300);
    const npG = "gflops" in np ? np.gflops[s] : null;
    kernel[`${n}x${n}_T${T}`] = {
      analogNoisyGflops: a.gflops,
      analogMsPerCall: a.msPerCall,
      programMs,
      exactBlockedGflops: e.gflops,
      exactNaiveGflops: naive.gflops,
      numpyGflops: npG,
      analogOverNumpy: npG ? a.gflops / npG : null,
    };
  }
  const result: Record<string, unknown> = {
    kernel,
    numpyBlas: "blas" in np ? np.blas : np.error,
    target: "analog noisy MVM >= 25% of numpy single-thread matmul",
  };

  const modelDir = join(root, "models/tiny-llama-wordnet");
  if (existsSync(join(modelDir, "model.safetensors"))) {
    const { loadModel } = await import("../src/model/checkpoint.ts");
    const { forwardLogits, createSession } = await import("../src/numerics/forward.ts");
    const { analogLinears } = await import("../src/eval/index.ts");
    const model = await loadModel(modelDir);
    const chip = { mapping: { projections: "analog", lmHead: "digital", kvCache: "dram" } } as Parameters<typeof analogLinears>[1];
    const lin = analogLinears(model, chip);
    const t0 = performance.now();
    const backend = createAnalogBackend(lin, spec, { seed: 1, record: false });
    const programMs = performance.now() - t0;
    const T = 255;
    const toks = new Int32Array(T);
    for (let i = 0; i < T; i++) toks[i] = (i * 37 + 11) % model.shape.vocabSize;
    forwardLogits(model, backend, toks.subarray(0, 16)); // warm-up
    let t1 = performance.now();
    forwardLogits(model, backend, toks);
    const prefillS = (performance.now() - t1) / 1000;
    t1 = performance.now();
    forwardLogits(model, blocked, toks);
    const exactPrefillS = (performance.now() - t1) / 1000;
    const session = createSession(model, backend);
    const steps = 64;
    t1 = performance.now();
    for (let i = 0; i < steps; i++) session.step(toks[i]);
    const decodeS = (performance.now() - t1) / 1000;
    result.forward = {
      model: "tiny-llama-wordnet (4 layers, hidden 256, vocab 2048)",
      programAllLayersMs: programMs,
      noisyPrefillTokensPerS: T / prefillS,
      exactPrefillTokensPerS: T / exactPrefillS,
      noisyDecodeTokensPerS: steps / decodeS,
    };
  } else {
    result.forward = "models/tiny-llama-wordnet not present";
  }
  return result;
}
