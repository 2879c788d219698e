import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exportSqlite, openStore, runSweep } from "../../src/dse/index.ts";
import type { PointRecord } from "../../src/dse/index.ts";
import { AimcsimError } from "../../src/errors.ts";
import { objectives, resultMap, syntheticSweep } from "./fixtures/defs.ts";

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "aimcsim-dse-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const rec = (key: string, x: number): PointRecord => ({
  key, sweep: "s", axes: { a: x }, status: "ok", metrics: { m: x }, model: "gpt2",
  workload: { promptTokens: 1, genTokens: 1, batch: 1 }, seed: 0, version: "0.1.0", evaluator: "synthetic", spec: {},
});

describe("results store", () => {
  it("appends one line per point and reads them back; a key is stored once", () => {
    const dir = tmp();
    const s = openStore(dir);
    expect(s.append(rec("a", 1))).toBe(true);
    expect(s.append(rec("b", 2))).toBe(true);
    expect(s.append(rec("a", 3))).toBe(false);
    s.close();
    expect(readFileSync(join(dir, "results.jsonl"), "utf8").trim().split("\n").length).toBe(2);
    const t = openStore(dir);
    expect(t.records().map((r) => r.key)).toEqual(["a", "b"]);
    expect(t.get("a")!.metrics.m).toBe(1);
    t.close();
  });

  it("ignores (and cuts off) a partial last line left by a crash", () => {
    const dir = tmp();
    const s = openStore(dir);
    s.append(rec("a", 1));
    s.close();
    appendFileSync(join(dir, "results.jsonl"), '{"key":"b","sweep":"s","ax');
    const t = openStore(dir);
    expect(t.records().map((r) => r.key)).toEqual(["a"]);
    t.append(rec("c", 3));
    t.close();
    const lines = readFileSync(join(dir, "results.jsonl"), "utf8").split("\n");
    expect(lines.length).toBe(3);
    expect(lines.slice(0, 2).map((l) => JSON.parse(l).key)).toEqual(["a", "c"]);
  });

  it("admits one writer at a time and takes over the lock of a dead process", () => {
    const dir = tmp();
    const s = openStore(dir);
    expect(() => openStore(dir)).toThrow(/in use by/);
    s.close();
    openStore(dir).close();
    writeFileSync(join(dir, "results.lock"), `${hostname()} 2147483646`);
    const t = openStore(dir);
    expect(readFileSync(join(dir, "results.lock"), "utf8")).toBe(`${hostname()} ${process.pid}`);
    t.close();
    expect(existsSync(join(dir, "results.lock"))).toBe(false);
  });

  it("refuses a damaged line in the middle, naming the line", () => {
    const dir = tmp();
    writeFileSync(join(dir, "results.jsonl"), `${JSON.stringify(rec("a", 1))}\nnot json\n${JSON.stringify(rec("b", 1))}\n`);
    try {
      openStore(dir);
      throw new Error("expected an IoError");
    } catch (e) {
      expect(e).toBeInstanceOf(AimcsimError);
      expect((e as AimcsimError)._tag).toBe("IoError");
      expect((e as AimcsimError).path).toMatch(/results\.jsonl:2$/);
    }
  });

  it("a re-run on the same store evaluates nothing and returns identical results", async () => {
    const dir = tmp();
    const first = await runSweep(syntheticSweep(), { workers: 0, store: dir, progress: false });
    expect(first.evaluated).toBe(36);
    const again = await runSweep(syntheticSweep(), { workers: 0, store: dir, progress: false });
    expect(again.evaluated).toBe(0);
    expect(again.reused).toBe(36);
    expect(resultMap(again.records)).toEqual(resultMap(first.records));
    // A different seed is a different point: evaluated anew, stored beside the first.
    const seeded = await runSweep(syntheticSweep({ seed: 9 }), { workers: 0, store: dir, progress: false });
    expect(seeded.evaluated).toBe(36);
    const st = openStore(dir);
    expect(st.size).toBe(72);
    st.close();
  });

  it("exports a SQLite table with one column per axis and metric, and the front flagged", async () => {
    const dir = tmp();
    const r = await runSweep(syntheticSweep({ flash12: true }), { workers: 0, store: dir, progress: false });
    const path = join(dir, "points.sqlite");
    const store = openStore(dir);
    const cols = await exportSqlite(store, path, { objectives, constraints: [{ key: "areaMm2", max: 90 }] });
    store.close();
    expect(existsSync(`${path}.${process.pid}.tmp`)).toBe(false);
    expect(cols).toEqual(expect.arrayContaining(["adcBits", "crossbar", "dacKind", "systolic", "tokensPerS", "tokensPerJ", "areaMm2", "on_front"]));
    const SQL = await (createRequire(import.meta.url)("sql.js") as typeof import("sql.js").default)();
    const db = new SQL.Database(readFileSync(path));
    const count = db.exec("SELECT COUNT(*) FROM points")[0].values[0][0];
    expect(count).toBe(r.records.length);
    const front = db.exec("SELECT key FROM points WHERE on_front = 1 ORDER BY key")[0].values.map((v) => v[0]);
    expect(front).toEqual(r.front.map((x) => x.key).sort());
    const failed = db.exec("SELECT COUNT(*) FROM points WHERE status = 'failed' AND adcBits = 12")[0].values[0][0];
    expect(failed).toBe(12);
    const pwm = db.exec("SELECT MAX(tokensPerS) FROM points WHERE dacKind = 'pwm'")[0].values[0][0] as number;
    expect(pwm).toBe(Math.max(...r.records.filter((x) => x.axes.dacKind === "pwm" && x.status === "ok").map((x) => x.metrics.tokensPerS)));
    db.close();
  });
});
