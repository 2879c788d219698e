// Wall time, CPU time and peak memory of whole-chip simulations (issue 17 item 6: Llama-3-70B prompt 2048 +
// generate 512 in under 10 s and under 4 GiB peak memory; Llama-3.2-1B 512+128 under 1 s of CPU after
// start-up), with the task and event counts behind them. Each case runs in a child process (bench/sim-case.ts)
// so its peak RSS is its own; wallS/cpuS time the simulate call after a warm-up run in that process.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

interface Case {
  readonly chip: string;
  readonly model: string;
  readonly prompt: number;
  readonly gen: number;
}

const CASES: readonly Case[] = [
  { chip: "hybrid-bitnet", model: "llama-3.2-1b", prompt: 512, gen: 128 },
  { chip: "hybrid-bitnet", model: "bitnet-gpt2-350m", prompt: 512, gen: 128 },
  { chip: "digital-baseline", model: "llama-3.2-1b", prompt: 512, gen: 128 },
  { chip: "hermes", model: "gpt2", prompt: 512, gen: 128 },
  // decode sampled (DECODE_SAMPLES steps); DRAM bursts as macro tasks, instance splits as gang tasks
  { chip: "hybrid-bitnet", model: "llama-3-70b", prompt: 2048, gen: 512 },
  { chip: "digital-baseline", model: "llama-3-70b", prompt: 2048, gen: 512 },
];

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export async function bench(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown>[] = [];
  for (const c of CASES) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(root, "bin", "run-ts.mjs"), join(root, "bench", "sim-case.ts"), c.chip, c.model, String(c.prompt), String(c.gen)], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`sim-case ${c.chip} ${c.model} failed (${r.status}): ${r.stderr}`);
    const res = JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
    out.push({ ...c, ...res, processWallS: Number(((performance.now() - t0) / 1e3).toFixed(3)) });
  }
  return {
    target: "Llama-3-70B 2048+512 in < 10 s and < 4 GiB peak; Llama-3.2-1B 512+128 in < 1 s CPU after start-up (issue 17 item 6)",
    cases: out,
  };
}
