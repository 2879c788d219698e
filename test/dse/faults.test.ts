// Fault tests: a worker thread killed mid-sweep, and the whole sweep process SIGKILLed and resumed.
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, runSweep, WorkerPool } from "../../src/dse/index.ts";
import { resultMap, syntheticSweep } from "./fixtures/defs.ts";

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "aimcsim-dse-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const storedKeys = (dir: string) =>
  readFileSync(join(dir, "results.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l).key as string);

describe("fault tolerance", () => {
  it("a worker thread terminated mid-point: its point is re-queued, nothing lost or duplicated", async () => {
    const reference = await runSweep(syntheticSweep(), { workers: 0, progress: false });
    const dir = tmp();
    let killed = false;
    let victimKey: string | undefined;
    let dispatched = 0;
    // Kill the thread that just received the 6th point while it is inside that point's 40 ms evaluation.
    const pool: WorkerPool = new WorkerPool({
      size: 2,
      onDispatch: (slot, key) => {
        if (++dispatched !== 6) return;
        setTimeout(() => {
          victimKey = pool.busyKey(slot);
          expect(victimKey).toBe(key);
          killed = true;
          void pool.terminateWorker(slot);
        }, 10);
      },
    });
    try {
      const r = await runSweep(syntheticSweep({ delayMs: 40 }), {
        pool,
        store: dir,
        progress: false,
      });
      expect(killed).toBe(true);
      expect(victimKey).toBeDefined();
      expect(pool.requeued).toBe(1);
      expect(pool.restarts).toBe(1);
      expect(r.evaluated).toBe(36);
      expect(resultMap(r.records)).toEqual(resultMap(reference.records));
      const keys = storedKeys(dir);
      expect(keys.length).toBe(36);
      expect(new Set(keys).size).toBe(36);
      expect(keys).toContain(victimKey);
    } finally {
      await pool.close();
    }
  });

  it("threads that cannot start fail the sweep with the reason instead of respawning forever", async () => {
    const pool = new WorkerPool({ size: 3, entry: "data:text/javascript,throw new Error('boom at start-up')" });
    try {
      await expect(runSweep(syntheticSweep(), { pool, progress: false })).rejects.toThrow(/worker threads fail to start: boom at start-up/);
    } finally {
      await pool.close();
    }
  });

  it("the sweep process SIGKILLed mid-run: a resume finishes it with identical results, no point run twice", async () => {
    const reference = await runSweep(syntheticSweep(), { workers: 0, progress: false });
    const dir = tmp();
    const child = spawn(process.execPath, ["bin/run-ts.mjs", "test/dse/fixtures/sweep-child.ts", dir, "0", "60"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, sig) => resolve(sig)));
    const file = join(dir, "results.jsonl");
    // Generous: start-up of a tsx child can take long on a loaded machine; normally about 3 s.
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (existsSync(file) && readFileSync(file, "utf8").split("\n").length > 8) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGKILL");
    expect(await exited, stderr).toBe("SIGKILL");
    // The killed process still "holds" the store lock; the resume must take the stale lock over.
    expect(existsSync(join(dir, "results.lock"))).toBe(true);
    const before = storedKeys(dir);
    expect(before.length).toBeGreaterThanOrEqual(8);
    expect(before.length).toBeLessThan(36);
    // A crash in the middle of a write leaves a partial line; the store must shrug it off.
    appendFileSync(file, '{"key":"deadbeef","status":"o');
    const resumed = await runSweep(syntheticSweep(), { workers: 0, store: dir, progress: false });
    expect(resumed.reused).toBe(before.length);
    expect(resumed.evaluated).toBe(36 - before.length);
    expect(resultMap(resumed.records)).toEqual(resultMap(reference.records));
    const after = storedKeys(dir);
    expect(after.length).toBe(36);
    expect(new Set(after).size).toBe(36);
    expect(after.slice(0, before.length)).toEqual(before);
    const st = openStore(dir);
    expect(st.size).toBe(36);
    st.close();
  });
});
