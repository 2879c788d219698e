// Issue 13.3: the distributed runner under Redis faults, on a real redis-server. A Redis restart mid-sweep
// (data kept): every point completes within 10 s of the restart and the store holds each exactly once.
// Redis losing its data mid-sweep (FLUSHALL): the coordinator notices within 2 poll intervals, enqueues the
// lost points again, and the sweep completes with each point stored once. A point whose workers keep dying
// is recorded as failed; the sweep goes on. Connection errors are one line, never a stack trace.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import hybrid from "../../hw-specs/hybrid-bitnet.ts";
import { axis, evaluator, grid, runSweep, runWorker, sweep, syntheticEvaluator } from "../../src/dse/index.ts";
import { closeConnection, redisClient } from "../../src/dse/redis/connection.ts";
import { redisBackend } from "../../src/dse/runners/redis.ts";
import { runCli } from "../../src/cli/main.ts";
import { objectives, syntheticSweep } from "./fixtures/defs.ts";
import { skipRedis, startRedis, type RedisInstance } from "./fixtures/redis-server.ts";

/** 240 points (5 x 3 x 2 x 4 x 2) of the synthetic evaluator, each taking `delayMs`. */
function bigSweep(delayMs: number) {
  return sweep({
    name: "faults",
    base: hybrid,
    axes: {
      adcBits: axis([4, 5, 6, 7, 8], (d, v) => void (d.analog!.tile.adc.bits = v)),
      crossbar: axis([64, 128, 256], (d, v) => {
        d.analog!.tile.rows = v;
        d.analog!.tile.cols = v;
      }),
      dacKind: axis(["bit-serial", "pwm"] as const, (d, v) => void (d.analog!.tile.dac.kind = v)),
      systolic: axis([16, 32, 64, 128], (d, v) => {
        d.systolic[0].rows = v;
        d.systolic[0].cols = v;
      }),
      sram: axis([1, 2], (d, v) => void (d.sram[0]!.capacityBytes = v * 8 * 1024 * 1024)),
    },
    model: "bitnet-gpt2-350m",
    workload: { promptTokens: 128, genTokens: 16, batch: 1 },
    objectives,
    strategy: grid(),
    evaluator: syntheticEvaluator({ delayMs }),
    seed: 0,
  });
}

const dirs: string[] = [];
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), "aimcsim-faults-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Keys of the store's results.jsonl, one per line. */
const storedKeys = (dir: string) =>
  readFileSync(join(dir, "results.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { key: string }).key);

const oneLine = (lines: readonly string[]) => lines.every((l) => !l.includes("\n") && !/^\s+at /m.test(l));

describe.skipIf(skipRedis)("distributed runner under Redis faults", () => {
  it("Redis restarted mid-sweep (data kept): all 240 points complete within 10 s of the restart, each stored once", async () => {
    const redis: RedisInstance = await startRedis({ persist: true });
    const queueName = `restart-${process.pid}`;
    const lines: string[] = [];
    const w = await runWorker({ queue: redis.url, queueName, concurrency: 8, threads: false, lockDurationMs: 2000, stalledIntervalMs: 500, onConnection: (l) => void lines.push(`worker ${l}`) });
    const backend = await redisBackend({ queue: redis.url, queueName, pollMs: 500, onConnection: (l) => void lines.push(`sweep ${l}`), onDataLoss: (l) => void lines.push(l) });
    const dir = newDir();
    let restarting: Promise<void> | undefined;
    let backAt = 0;
    try {
      const r = await runSweep(bigSweep(10), {
        backend,
        store: dir,
        progress: false,
        onProgress: (p) => {
          if (!restarting && p.evaluated >= 60) restarting = redis.restart(300).then(() => void (backAt = Date.now()));
        },
      });
      const doneAt = Date.now();
      await restarting;
      expect(backAt).toBeGreaterThan(0);
      console.log(`redis-faults: restart -> last point ${doneAt - backAt} ms`);
      expect(doneAt - backAt, "ms from the restart to the last point").toBeLessThan(10_000);
      expect(r.records).toHaveLength(240);
      expect(r.failed).toBe(0);
      const keys = storedKeys(dir);
      expect(keys).toHaveLength(240);
      expect(new Set(keys).size).toBe(240);
      // One line when the connection went, one when it came back, per connection; no stack traces.
      expect(lines.filter((l) => l.startsWith("worker ") && l !== "worker null")).toHaveLength(1);
      expect(lines.filter((l) => l === "worker null")).toHaveLength(1);
      expect(lines.filter((l) => l.startsWith("sweep ") && l !== "sweep null")).toHaveLength(1);
      expect(lines.filter((l) => l === "sweep null")).toHaveLength(1);
      expect(oneLine(lines)).toBe(true);
    } finally {
      await backend.close();
      await w.close();
      await redis.stop();
    }
  }, 60_000);

  it("Redis loses its data mid-sweep (FLUSHALL): noticed within 2 poll intervals, lost points enqueued again, each stored once", async () => {
    const redis = await startRedis();
    const queueName = `flush-${process.pid}`;
    const noticed: number[] = [];
    const lossLines: string[] = [];
    const w = await runWorker({ queue: redis.url, queueName, concurrency: 8, threads: false, lockDurationMs: 2000, stalledIntervalMs: 500, onConnection: () => {} });
    const pollMs = 500;
    const backend = await redisBackend({ queue: redis.url, queueName, pollMs, onConnection: () => {}, onDataLoss: (l) => {
      noticed.push(Date.now());
      lossLines.push(l);
    } });
    const admin = redisClient(redis.url);
    const dir = newDir();
    let flushedAt = 0;
    try {
      const r = await runSweep(bigSweep(10), {
        backend,
        store: dir,
        progress: false,
        onProgress: (p) => {
          if (!flushedAt && p.evaluated >= 60) {
            flushedAt = Date.now();
            void admin.flushall();
          }
        },
      });
      expect(flushedAt).toBeGreaterThan(0);
      expect(noticed.length).toBeGreaterThanOrEqual(1);
      console.log(`redis-faults: FLUSHALL -> noticed ${noticed[0]! - flushedAt} ms`);
      expect(noticed[0]! - flushedAt).toBeLessThan(2 * pollMs + 1000);
      expect(lossLines[0]).toMatch(/^\d+ queued point\(s\) vanished from Redis at redis:\/\/127\.0\.0\.1:\d+ \(data lost: FLUSHALL or a restart without persistence\); enqueued again$/);
      expect(r.records).toHaveLength(240);
      expect(r.failed).toBe(0);
      const keys = storedKeys(dir);
      expect(keys).toHaveLength(240);
      expect(new Set(keys).size).toBe(240);
    } finally {
      await closeConnection(admin);
      await backend.close();
      await w.close();
      await redis.stop();
    }
  }, 60_000);

  it("a point whose workers keep dying is recorded as failed; the other points complete", async () => {
    const redis = await startRedis();
    const queueName = `dying-${process.pid}`;
    const children: ChildProcess[] = [];
    let spawned = 0;
    let stopping = false;
    const spawnWorker = (): void => {
      spawned++;
      const c = spawn(process.execPath, ["bin/run-ts.mjs", "test/dse/fixtures/redis-worker.ts", redis.url, queueName, "1", "1"], { stdio: ["ignore", "pipe", "pipe"] });
      children.push(c);
      c.on("exit", () => {
        if (!stopping && spawned < 8) spawnWorker(); // a supervisor restarting dead workers
      });
    };
    spawnWorker();
    spawnWorker();
    try {
      const def = { ...syntheticSweep(), evaluator: evaluator(new URL("./fixtures/killer.ts", import.meta.url), "killOnAdc8", undefined, "killer") };
      const r = await runSweep(def, { queue: redis.url, queueName, progress: false });
      expect(r.records).toHaveLength(36);
      expect(r.failed).toBe(1);
      const bad = r.records.find((x) => x.status === "failed")!;
      expect(bad.axes).toMatchObject({ adcBits: 8, crossbar: 128, dacKind: "pwm", systolic: 32 });
      expect(bad.error).toMatch(/workers evaluating this point died each time/);
      expect(spawned).toBeGreaterThanOrEqual(4); // two deaths, two replacements
    } finally {
      stopping = true;
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
      await redis.stop();
    }
  }, 60_000);

  it("`aimcsim worker` and `aimcsim sweep` with no Redis: exit 1, one line naming the queue", async () => {
    for (const argv of [["worker", "--queue", "redis://127.0.0.1:1"], ["sweep", "sweeps/smoke.ts", "--queue", "redis://127.0.0.1:1"]]) {
      const err: string[] = [];
      const code = await runCli(argv, { out: () => {}, err: (t) => void err.push(t) });
      expect(code).toBe(1);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/redis:\/\/127\.0\.0\.1:1: cannot reach Redis within 5 s \(ECONNREFUSED 127\.0\.0\.1:1\)$/);
    }
  }, 30_000);
});
