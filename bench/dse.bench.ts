// DSE runner throughput (points/s) for the in-process runner, the worker-thread pool with 1 and 2
// threads, and the BullMQ/Redis runner (a private redis-server on a free loopback port, one in-process
// runWorker with 2 threads). Three workloads:
//  - synthetic, no work: the 960-point sweeps/hybrid-grid.ts space; measures per-point overhead
//    (variant build + decodeChipSpec + key + dispatch + fsync'd store append).
//  - synthetic, CPU-bound: 96 points each spinning 20 ms; measures parallel scaling.
//  - real simulator: sweeps/smoke.ts (8 points of src/sim run()), when src/sim exists.
// Every run writes a fresh store in a temp folder, so the fsync cost is included. Wall times include
// worker start-up (thread spawn + tsx imports), as a user would see them.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import hybridGrid from "../sweeps/hybrid-grid.ts";
import smoke from "../sweeps/smoke.ts";
import { runSweep, runWorker, syntheticEvaluator, type SweepDef, random } from "../src/dse/index.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<{ url: string; stop: () => Promise<void> } | undefined> {
  if (spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status !== 0) return undefined;
  const port = await freePort();
  const proc: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("Ready to accept connections")) resolve();
    });
    proc.on("exit", (c) => reject(new Error(`redis-server exited (${c})`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => new Promise<void>((r) => (proc.once("exit", () => r()), proc.kill("SIGTERM"))),
  };
}

let queueSeq = 0;

async function measure(def: SweepDef, runner: "inProcess" | "threads1" | "threads2" | "redis", redisUrl?: string): Promise<{ points: number; wallS: number; pointsPerS: number }> {
  const dir = mkdtempSync(join(tmpdir(), "aimcsim-dse-bench-"));
  const t0 = performance.now();
  try {
    let r;
    if (runner === "redis") {
      const queueName = `bench-${process.pid}-${queueSeq++}`;
      const w = await runWorker({ queue: redisUrl!, queueName, concurrency: 2 });
      try {
        r = await runSweep(def, { queue: redisUrl, queueName, store: dir, progress: false });
      } finally {
        await w.close();
      }
    } else {
      r = await runSweep(def, { workers: runner === "inProcess" ? 0 : runner === "threads1" ? 1 : 2, store: dir, progress: false });
    }
    const wallS = (performance.now() - t0) / 1000;
    if (r.failed > 0) throw new Error(`${def.name}: ${r.failed} points failed: ${r.records.find((x) => x.status === "failed")?.error}`);
    return { points: r.evaluated, wallS: +wallS.toFixed(3), pointsPerS: +(r.evaluated / wallS).toFixed(2) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(): Promise<Record<string, unknown>> {
  const redis = await startRedis();
  const out: Record<string, unknown> = {};
  try {
    const runners = ["inProcess", "threads1", "threads2", ...(redis ? (["redis"] as const) : [])] as const;
    const overhead: SweepDef = { ...hybridGrid, name: "bench-overhead", evaluator: syntheticEvaluator() };
    const cpu: SweepDef = { ...hybridGrid, name: "bench-cpu", evaluator: syntheticEvaluator({ spinMs: 20 }), strategy: random({ points: 96, seed: 1 }) };
    const sections: [string, SweepDef][] = [["syntheticOverhead", overhead], ["syntheticCpu20ms", cpu]];
    if (existsSync(new URL("../src/sim/index.ts", import.meta.url))) sections.push(["realSimSmoke", smoke]);
    for (const [name, def] of sections) {
      const sec: Record<string, unknown> = {};
      for (const runner of runners) sec[runner] = await measure(def, runner, redis?.url);
      out[name] = sec;
    }
    if (!redis) out.redis = "skipped: redis-server not installed";
  } finally {
    await redis?.stop();
  }
  return out;
}
