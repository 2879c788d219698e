// Throughput of the linear-layer kernels (src/numerics/kernels: WebAssembly SIMD, float32) against numpy's
// single-thread float32 matmul on OpenBLAS, side by side in one run: bench/numpy_matmul.py runs as a
// persistent process (Debian's /usr/bin/python3 + python3-numpy + libopenblas0, chosen deliberately: the
// pyenv python3 first on PATH may carry a pip numpy with its own BLAS; OPENBLAS_NUM_THREADS=1;
// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset in its environment only, so OpenBLAS picks its kernel for this
// processor; threadpoolctl reports which one) and each shape is measured numpy / ours / numpy, best of the
// rounds, all in thread CPU time (2 cores shared with other jobs: wall time would count waiting for a core).
// GFLOP/s counts the logical MVM (2 x rows x cols x tokens) for the exact layer and for the noisy analog
// MVM alike (the analog one, on int16 tiles (tileArithmetic "int16"), also does the |W| x^2 pass of w_noise,
// DAC/ADC and Gaussian draws).
// minRatioVsOpenblas: the minimum over shapes of BOTH linear layers / numpy: the exact layer and the whole noisy
// analog MVM (which does twice the multiply-adds, W x and |W| x^2, plus the DAC/ADC periphery and one Gaussian
// draw per conversion); exactMinRatioVsOpenblas and analogNoisyMinRatioVsOpenblas: each layer on its own.
// Throws (npm run bench exits 1) when the reference cannot run.
// Also: tokens/s of the noisy forward pass on the bundled model.

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createAnalogBackend } from "../src/numerics/analog/index.ts";
import { exactBackend, type LinearBackend, type LinearWeight } from "../src/numerics/backend.ts";
import type { AnalogSpec } from "../src/spec/types.ts";
import { setKernelThreads } from "../src/numerics/kernels/pool.ts";
import { pcmNoise } from "../src/spec/dsl.ts";
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
    noise: pcmNoise({ wNoise: 0.0175, outNoise: 0.04, tInfS: 3600 }),
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

function weight(R: number, C: number): LinearWeight {
  const rng = new Rng(R * 7 + C);
  const data = new Float32Array(R * C);
  for (let j = 0; j < data.length; j++) data[j] = rng.nextGaussian() * 0.05;
  return { name: `w${R}x${C}`, outFeatures: C, inFeatures: R, data, bias: null };
}

const cpuMs = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

/** GFLOP/s of b.linear in process CPU time (and wall time), at least minMs of CPU and 3 calls. */
function timeGflops(b: LinearBackend, w: LinearWeight, T: number, minMs: number): { gflops: number; gflopsWall: number; msPerCall: number } {
  const rng = new Rng(7);
  const x = new Float32Array(T * w.inFeatures);
  for (let j = 0; j < x.length; j++) x[j] = rng.nextGaussian();
  const out = new Float32Array(T * w.outFeatures);
  b.linear(w, x, T, out); // warm-up (compile, resident copy)
  // the clock is read once per batch of calls lasting about 2 ms (bench/numpy_matmul.py does the same), so that
  // reading it (process.cpuUsage is a system call) does not weigh on calls of a few microseconds
  const c1 = process.cpuUsage();
  b.linear(w, x, T, out);
  const batch = Math.max(1, Math.floor(2 / Math.max(cpuMs(c1), 0.002)));
  let calls = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let dc = 0;
  do {
    for (let k = 0; k < batch; k++) b.linear(w, x, T, out);
    calls += batch;
    dc = cpuMs(c0);
  } while (dc < minMs || calls < 3);
  const dt = performance.now() - t0;
  const flop = 2 * w.inFeatures * w.outFeatures * T * calls;
  return { gflops: flop / (dc * 1e6), gflopsWall: flop / (dt * 1e6), msPerCall: dc / calls };
}

/** Debian's python3 by default (see the header); AIMCSIM_BENCH_PYTHON overrides it (e.g. a machine whose numpy
 *  comes from pip with its bundled OpenBLAS: threadpoolctl still reports which BLAS runs). */
const PYTHON = process.env.AIMCSIM_BENCH_PYTHON ?? "/usr/bin/python3";

/** The numpy reference as a persistent process; rejects with a clear message when it cannot run. */
class Numpy {
  private constructor(
    private readonly p: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    readonly header: Record<string, unknown>,
    private readonly stderr: () => string,
  ) {}
  static async start(): Promise<Numpy> {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: the numpy+OpenBLAS reference needs Debian's python3 (apt-get install -y python3-numpy libopenblas0 python3-threadpoolctl)`);
    const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const p = spawn(PYTHON, [join(root, "bench/numpy_matmul.py"), "--serve"], { env });
    let err = "";
    p.stderr.on("data", (d) => (err += String(d)));
    const lines = createInterface({ input: p.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) {
      await new Promise((r) => (p.exitCode === null ? p.on("exit", r) : r(null)));
      throw new Error(`numpy+OpenBLAS reference cannot run (${PYTHON} bench/numpy_matmul.py exited ${p.exitCode}): ${err.trim() || "no output"}`);
    }
    return new Numpy(p, lines, JSON.parse(first.value) as Record<string, unknown>, () => err);
  }
  async measure(R: number, C: number, T: number, seconds: number): Promise<{ gflops: number; gflopsWall: number }> {
    this.p.stdin.write(`${R} ${C} ${T} ${seconds}\n`);
    const r = await this.lines.next();
    if (r.done) throw new Error(`numpy reference died: ${this.stderr().trim()}`);
    return JSON.parse(r.value) as { gflops: number; gflopsWall: number };
  }
  close(): void {
    this.p.stdin.end();
  }
}

export async function bench(): Promise<Record<string, unknown>> {
  const np = await Numpy.start();
  const shapes: [number, number][] = [
    [512, 512],
    [2048, 2048],
    [4096, 11008], // in 4096 -> out 11008 (LLaMA-7B's MLP up projection)
  ];
  const tokens = [1, 16, 64];
  const rounds = 2;
  const kernel: Record<string, unknown> = {};
  let minRatio = Infinity;
  let anMinRatio = Infinity;
  try {
    for (const [R, C] of shapes) {
      const w = weight(R, C);
      const t0 = performance.now();
      const analog = createAnalogBackend([w], spec, { seed: 1, record: false });
      const programMs = performance.now() - t0;
      for (const T of tokens) {
        const minMs = Math.max(150, Math.min(600, (2 * R * C * T) / 2e7));
        let npBest = 0, npWall = 0, exBest = 0, exWall = 0, anBest = 0, anWall = 0;
        for (let k = 0; k < rounds; k++) {
          const n = await np.measure(R, C, T, minMs / 1000);
          npBest = Math.max(npBest, n.gflops);
          npWall = Math.max(npWall, n.gflopsWall);
          const e = timeGflops(exactBackend, w, T, minMs);
          exBest = Math.max(exBest, e.gflops);
          exWall = Math.max(exWall, e.gflopsWall);
          const a = timeGflops(analog, w, T, minMs);
          anBest = Math.max(anBest, a.gflops);
          anWall = Math.max(anWall, a.gflopsWall);
        }
        minRatio = Math.min(minRatio, exBest / npBest);
        anMinRatio = Math.min(anMinRatio, anBest / npBest);
        kernel[`${R}x${C}_T${T}`] = {
          exactGflops: exBest,
          analogNoisyGflops: anBest,
          numpyOpenblasGflops: npBest,
          exactOverNumpy: exBest / npBest,
          analogOverNumpy: anBest / npBest,
          wallClock: { exactGflops: exWall, analogNoisyGflops: anWall, numpyOpenblasGflops: npWall },
          programMs,
        };
        process.stdout.write(`  ${R}x${C} T=${T}: exact ${exBest.toFixed(1)}, analog ${anBest.toFixed(1)}, numpy ${npBest.toFixed(1)} GFLOP/s\n`);
      }
    }
  } finally {
    np.close();
  }
  const result: Record<string, unknown> = {
    minRatioVsOpenblas: Math.min(minRatio, anMinRatio),
    exactMinRatioVsOpenblas: minRatio,
    analogNoisyMinRatioVsOpenblas: anMinRatio,
    kernel,
    numpy: np.header,
    timing: "best of 2 interleaved rounds, process/thread CPU time (wallClock: the same runs in wall time)",
    target: "exact and noisy analog linear layers >= 25 % (goal 50 %) of numpy+OpenBLAS single-thread matmul on every shape",
  };

  result.threadScaling = threadScaling();

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
    forwardLogits(model, exactBackend, toks);
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

/**
 * 1 -> 2 thread scaling of the kernels (wall clock: CPU time would count both threads), interleaved 1/2/1/2, best
 * of each; with `more`, also 4, 8 and 16 threads where the machine has the cores. Meaningful only on idle cores:
 * the load average is recorded next to it.
 */
export function threadScaling(more = false): Record<string, unknown> {
  const scaling: Record<string, unknown> = {};
  const cores = availableParallelism();
  const counts = more ? [1, 2, 4, 8, 16].filter((n) => n <= cores) : [1, 2];
  const loadBefore = loadavg()[0];
  for (const [R, C, T] of [[2048, 2048, 16], [4096, 11008, 16], [4096, 11008, 1]] as const) {
    const w = weight(R, C);
    // the noisy analog layer only on the 2048 shape (programming 4096 x 11008 costs minutes)
    const backends: [string, LinearBackend][] = [["exact", exactBackend]];
    if (R === 2048) backends.push(["analogNoisy", createAnalogBackend([w], spec, { seed: 1, record: false })]);
    for (const [label, b] of backends) {
      const best = counts.map(() => 0);
      for (let round = 0; round < 2; round++)
        for (let k = 0; k < counts.length; k++) {
          setKernelThreads(counts[k]!);
          best[k] = Math.max(best[k]!, timeGflops(b, w, T, 400).gflopsWall);
        }
      setKernelThreads(1);
      const row: Record<string, number> = { oneThreadGflops: best[0]!, twoThreadsGflops: best[1]!, speedup: best[1]! / best[0]! };
      for (let k = 2; k < counts.length; k++) row[`speedup${counts[k]}`] = best[k]! / best[0]!;
      scaling[`${label}_${R}x${C}_T${T}`] = row;
    }
  }
  return { cores, loadAvg1mBefore: loadBefore, loadAvg1mAfter: loadavg()[0], note: "wall clock, best of 2 interleaved rounds; on a machine shared with other jobs the speedup is bounded by the idle cores", ...scaling };
}
