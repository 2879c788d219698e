// Distributed runner: BullMQ over a private redis-server. Skipped only when redis-server is absent
// outside CI; in CI (CI=true) a missing redis-server fails these tests loudly.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluator, memoryStore, parseQueueUrl, runSweep, runWorker } from "../../src/dse/index.ts";
import { bullConnection, closeConnection, redisClient } from "../../src/dse/redis/connection.ts";
import { QueueEvents } from "bullmq";
import { AimcsimError } from "../../src/errors.ts";
import { resultMap, syntheticSweep } from "./fixtures/defs.ts";
import { skipRedis, startRedis, type RedisInstance } from "./fixtures/redis-server.ts";

describe("queue URL", () => {
  it("defaults to loopback:6379 and takes the password from AIMCSIM_REDIS_PASSWORD", () => {
    expect(parseQueueUrl("redis://", {})).toMatchObject({ host: "127.0.0.1", port: 6379, db: 0, password: undefined });
    expect(parseQueueUrl("redis://10.0.0.5:7000/2", { AIMCSIM_REDIS_PASSWORD: "s3cret" })).toMatchObject({ host: "10.0.0.5", port: 7000, db: 2, password: "s3cret" });
    expect(() => parseQueueUrl("http://x", {})).toThrow(AimcsimError);
  });
});

describe.skipIf(skipRedis)("distributed runner (BullMQ + Redis)", () => {
  let redis: RedisInstance;
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await redis?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const spawnWorker = (queueName: string) =>
    new Promise<ChildProcess>((resolve, reject) => {
      const c = spawn(process.execPath, ["bin/run-ts.mjs", "test/dse/fixtures/redis-worker.ts", redis.url, queueName, "2"], { stdio: ["ignore", "pipe", "pipe"] });
      children.push(c);
      let err = "";
      c.stderr!.on("data", (d) => (err += d));
      c.stdout!.on("data", (d) => String(d).includes("ready") && resolve(c));
      c.on("exit", (code) => reject(new Error(`worker exited early (${code}): ${err}`)));
    });

  it("the ioredis connection round-trips commands, errors and binary-safe strings", async () => {
    const c = redisClient(redis.url);
    expect(await c.set("k", "välue\r\n")).toBe("OK");
    expect(await c.get("k")).toBe("välue\r\n");
    expect(await c.get("missing")).toBe(null);
    expect(await c.rpush("l", "a", "b")).toBe(2);
    expect(await c.lrange("l", 0, -1)).toEqual(["a", "b"]);
    await expect(c.incr("k")).rejects.toThrow(/not an integer/);
    await closeConnection(c);
  });

  it("two workers, one SIGKILLed mid-sweep: the other finishes via stalled-job recovery, results identical", async () => {
    const reference = await runSweep(syntheticSweep(), { workers: 0, progress: false });
    const queueName = `t-${process.pid}-${Date.now()}`;
    const [a, b] = await Promise.all([spawnWorker(queueName), spawnWorker(queueName)]);
    const dir = mkdtempSync(join(tmpdir(), "aimcsim-dse-"));
    dirs.push(dir);
    // Watch BullMQ's own events: the killed worker's in-flight jobs must come back as "stalled".
    const conn = bullConnection(parseQueueUrl(redis.url, {}));
    const events = new QueueEvents(queueName, { connection: conn as never });
    await events.waitUntilReady();
    const stalled = new Set<string>();
    events.on("stalled", ({ jobId }: { jobId: string }) => stalled.add(jobId));
    let killedAt = -1;
    const t0 = Date.now();
    const r = await runSweep(syntheticSweep({ delayMs: 150 }), {
      queue: redis.url,
      queueName,
      store: dir,
      progress: false,
      onProgress: (p) => {
        if (killedAt < 0 && p.evaluated >= 6) {
          killedAt = p.evaluated;
          a.kill("SIGKILL");
        }
      },
    });
    const elapsed = Date.now() - t0;
    await events.close();
    await closeConnection(conn);
    expect(killedAt).toBeGreaterThan(0);
    expect(stalled.size, `sweep took ${elapsed} ms`).toBeGreaterThanOrEqual(1);
    expect([...stalled].every((k) => r.records.some((x) => x.key === k && x.status === "ok"))).toBe(true);
    expect(a.signalCode ?? "SIGKILL").toBe("SIGKILL");
    expect(r.evaluated).toBe(36);
    expect(r.failed).toBe(0);
    expect(resultMap(r.records)).toEqual(resultMap(reference.records));

    // Stop the last worker. A second coordinator on a fresh store collects every point from the jobs
    // already completed in Redis (job id = point key): nothing is enqueued or evaluated again.
    b.kill("SIGTERM");
    await new Promise((res) => (b.exitCode !== null ? res(null) : b.once("exit", res)));
    const dir2 = mkdtempSync(join(tmpdir(), "aimcsim-dse-"));
    dirs.push(dir2);
    const again = await runSweep(syntheticSweep({ delayMs: 150 }), { queue: redis.url, queueName, store: dir2, progress: false });
    expect(resultMap(again.records)).toEqual(resultMap(reference.records));
  });

  it("runWorker in-process with threads evaluates a sweep end to end", async () => {
    const queueName = `t2-${process.pid}-${Date.now()}`;
    const w = await runWorker({ queue: redis.url, queueName, concurrency: 2 });
    try {
      const r = await runSweep(syntheticSweep({ failWhenAdcBits: 8 }), { queue: redis.url, queueName, progress: false });
      expect(w.processed()).toBe(36);
      expect(r.records.filter((x) => x.status === "failed").length).toBe(12);
      expect(r.records.find((x) => x.status === "failed")!.error).toContain("synthetic failure");
    } finally {
      await w.close();
    }
  });

  it("a worker-side setup error fails the sweep without storing; after the fix the same points run", async () => {
    const queueName = `t3-${process.pid}-${Date.now()}`;
    const w = await runWorker({ queue: redis.url, queueName, concurrency: 2, threads: false });
    try {
      const base = syntheticSweep();
      const broken = { ...base, evaluator: evaluator("test/dse/fixtures/nonexistent-eval.ts", "andaSynthetic", undefined, "fixture") };
      const store = memoryStore();
      await expect(runSweep(broken, { queue: redis.url, queueName, store, progress: false })).rejects.toThrow(/cannot load evaluator module/);
      expect(store.size).toBe(0);
      // Same evaluator id => same point keys (= job ids): the failed jobs must be cleared and re-run.
      const fixed = { ...base, evaluator: evaluator(new URL("./fixtures/accuracy.ts", import.meta.url), "fakeAccuracy", undefined, "fixture") };
      const r = await runSweep(fixed, { queue: redis.url, queueName, store, progress: false });
      expect(r.evaluated).toBe(36);
      expect(r.failed).toBe(0);
      expect(r.records.every((x) => typeof x.metrics.nextTokenAgreement === "number")).toBe(true);
    } finally {
      await w.close();
    }
  });

  it("an unreachable Redis is an IoError naming the queue, in one line, within the connect timeout", async () => {
    const t0 = Date.now();
    const lines: string[] = [];
    const e = await runWorker({ queue: "redis://127.0.0.1:1", queueName: "x", concurrency: 1, threads: false, connectTimeoutS: 2, onConnection: (l) => void lines.push(String(l)) }).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(AimcsimError);
    expect((e as AimcsimError)._tag).toBe("IoError");
    expect((e as Error).message).toMatch(/^redis:\/\/127\.0\.0\.1:1: cannot reach Redis within 2 s \(ECONNREFUSED 127\.0\.0\.1:1\)$/);
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(lines.length).toBeLessThanOrEqual(1);
  }, 15_000);
});
