// Issue 16.3: a Llama-3.2-1B-shaped bf16 checkpoint under PCM noise (`npm run bench -- bigmodel`).
// Generates the checkpoint with random weights in a temporary folder (scripts/make-llama-1b.ts; 2.47 GB, deleted
// at the end), then runs bench/bigmodel-child.ts twice, each in its own process so its peak RSS is its own:
//   exact: 16-bit weights resident in the kernel banks (loadModelForKernels), exact backend;
//   chip:  the checkpoint streamed onto the chip's PCM tiles (loadModelOnChip: each projection read, programmed
//          with programming noise, drift and read noise at t_inf, and dropped), periphery noise per MVM.
// Each prefills PROMPT random token ids and decodes DECODE tokens greedily with the KV cache on one kernel thread.
// Recorded: programming time (and per weight), tokens/s in process CPU time and in wall time, peak RSS against the
// checkpoint's size (the bound: at most 2x). CPU time is the figure to compare on a loaded machine.
// Environment: AIMCSIM_BIGMODEL_LAYERS (default 16, the real model; fewer layers = a smaller truthful run),
// AIMCSIM_BIGMODEL_CHIP (default hermes), AIMCSIM_BIGMODEL_PROMPT (16), AIMCSIM_BIGMODEL_DECODE (8).

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LLAMA_3_2_1B_CONFIG, makeRandomLlamaCheckpoint } from "../scripts/make-llama-1b.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");

function child(dir: string, mode: string, prompt: number, decode: number): Record<string, unknown> {
  const r = spawnSync(process.execPath, [join(repo, "bin", "run-ts.mjs"), join(repo, "bench", "bigmodel-child.ts"), dir, mode, String(prompt), String(decode)], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  const line = r.stdout.trim().split("\n").pop() ?? "";
  if (r.status !== 0 || !line.startsWith("{")) throw new Error(`bigmodel-child ${mode} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

export async function bench(): Promise<Record<string, unknown>> {
  const layers = Number(process.env.AIMCSIM_BIGMODEL_LAYERS ?? 16);
  const chip = process.env.AIMCSIM_BIGMODEL_CHIP ?? "hermes";
  const prompt = Number(process.env.AIMCSIM_BIGMODEL_PROMPT ?? 16);
  const decode = Number(process.env.AIMCSIM_BIGMODEL_DECODE ?? 8);
  for (const [k, v] of [["AIMCSIM_BIGMODEL_LAYERS", layers], ["AIMCSIM_BIGMODEL_PROMPT", prompt], ["AIMCSIM_BIGMODEL_DECODE", decode]] as const)
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`${k} must be a positive integer, got ${v}`);
  const dir = mkdtempSync(join(tmpdir(), "aimcsim-llama-1b-"));
  try {
    const loadBefore = loadavg()[0];
    const t0 = performance.now();
    const made = makeRandomLlamaCheckpoint(dir, { config: { ...LLAMA_3_2_1B_CONFIG, num_hidden_layers: layers } });
    const generateS = (performance.now() - t0) / 1000;
    const exact = child(dir, "exact", prompt, decode);
    const analog = child(dir, chip, prompt, decode);
    const budget = 2 * made.bytes;
    return {
      model: layers === 16 ? "Llama-3.2-1B-shaped (random bf16 weights)" : `Llama-3.2-1B-shaped with ${layers} of 16 layers (random bf16 weights)`,
      layers,
      parameters: made.parameters,
      checkpointBytes: made.bytes,
      generateS,
      chip,
      analog,
      exact,
      peakRssOverCheckpoint: { exact: exact.peakRssOverCheckpoint, analog: analog.peakRssOverCheckpoint },
      withinTwiceCheckpoint: (analog.maxRssBytes as number) <= budget && (exact.maxRssBytes as number) <= budget,
      loadAvg1m: { before: loadBefore, after: loadavg()[0] },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
