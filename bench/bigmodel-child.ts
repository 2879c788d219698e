// One measured run for bench/bigmodel.bench.ts, in its own process so that its peak RSS is the model's alone:
//   node bin/run-ts.mjs bench/bigmodel-child.ts DIR exact|CHIP PROMPT_TOKENS DECODE_TOKENS [SEED]
// exact: the checkpoint loaded with 16-bit weights kept in the kernel banks (loadModelForKernels), exact backend.
// CHIP (a preset name or spec file): the checkpoint streamed onto the chip's analog tiles (loadModelOnChip: each
// projection programmed with the chip's device noise as it is read, then dropped), its periphery noise per MVM.
// A prompt of PROMPT_TOKENS random ids (seeded) is prefilled, then DECODE_TOKENS are decoded greedily with the KV
// cache. One kernel thread. Prints one JSON line: times (wall and process CPU), tokens/s and the peak RSS
// (process.resourceUsage().maxRSS, the kernel's high-water mark of resident memory).

import { statSync } from "node:fs";
import { join } from "node:path";
import { exactBackend } from "../src/numerics/backend.ts";
import { createSession } from "../src/numerics/forward.ts";
import { kernelBankBytes, loadModelForKernels, loadModelOnChip } from "../src/numerics/load.ts";
import { setKernelThreads } from "../src/numerics/kernels/pool.ts";
import { loadSpecFile } from "../src/spec/load.ts";
import { Rng } from "../src/util/rng.ts";

const [dir, mode, promptArg, decodeArg, seedArg] = process.argv.slice(2);
if (!dir || !mode || !promptArg || !decodeArg) {
  process.stderr.write("usage: bigmodel-child.ts DIR exact|CHIP PROMPT_TOKENS DECODE_TOKENS [SEED]\n");
  process.exit(2);
}
const P = Number(promptArg);
const N = Number(decodeArg);
const seed = Number(seedArg ?? 1);
setKernelThreads(1);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const checkpointBytes = statSync(join(dir, "model.safetensors")).size;
const w0 = performance.now();
const c0 = cpu();
let programS = 0;
let programCpuS = 0;
let programmedWeights = 0;
let label = "fp32 exact (bf16 weights)";
let chipName: string | null = null;
const { model, backend } = await (async () => {
  if (mode === "exact") return { model: await loadModelForKernels(dir), backend: exactBackend };
  const chip = await loadSpecFile(mode);
  chipName = chip.name;
  // the default int16 tiles: 2 B per programmed device slice (4 B with w_noise: the |W| codes of the variance pass)
  const on = await loadModelOnChip(dir, chip, { seed, record: false });
  programS = on.programS;
  programCpuS = on.programCpuS;
  programmedWeights = on.programmedWeights;
  label = on.backend.label;
  return { model: on.model, backend: on.backend };
})();
const loadWallS = (performance.now() - w0) / 1000;
const loadCpuS = cpu() - c0;
const rssAfterLoad = process.memoryUsage().rss;
const banks = kernelBankBytes();

const rng = new Rng(seed);
const prompt = new Int32Array(P);
for (let i = 0; i < P; i++) prompt[i] = rng.nextU32() % model.shape.vocabSize;
const s = createSession(model, backend);
const V = model.shape.vocabSize;
const w1 = performance.now();
const c1 = cpu();
const pre = s.prefill(prompt);
const prefillWallS = (performance.now() - w1) / 1000;
const prefillCpuS = cpu() - c1;
let next = 0;
for (let v = 1, best = pre[(P - 1) * V]!; v < V; v++) if (pre[(P - 1) * V + v]! > best) (best = pre[(P - 1) * V + v]!), (next = v);
const ids: number[] = [];
const w2 = performance.now();
const c2 = cpu();
for (let t = 0; t < N; t++) {
  ids.push(next);
  const logits = s.step(next);
  let b = 0;
  for (let v = 1; v < V; v++) if (logits[v]! > logits[b]!) b = v;
  next = b;
}
const decodeWallS = (performance.now() - w2) / 1000;
const decodeCpuS = cpu() - c2;
const maxRssBytes = process.resourceUsage().maxRSS * 1024;
process.stdout.write(
  JSON.stringify({
    mode,
    chip: chipName,
    label,
    projections: model.linears.length,
    checkpointBytes,
    programmedWeights,
    loadWallS,
    loadCpuS,
    programS,
    programCpuS,
    programCpuNsPerWeight: programmedWeights ? (programCpuS * 1e9) / programmedWeights : null,
    prefillTokens: P,
    prefillWallS,
    prefillCpuS,
    prefillTokensPerCpuS: P / prefillCpuS,
    decodeTokens: N,
    decodeWallS,
    decodeCpuS,
    decodeTokensPerCpuS: N / decodeCpuS,
    decodeTokensPerWallS: N / decodeWallS,
    generated: ids,
    rssAfterLoadBytes: rssAfterLoad,
    maxRssBytes,
    peakRssOverCheckpoint: maxRssBytes / checkpointBytes,
    kernelBanks: banks,
  }) + "\n",
);
