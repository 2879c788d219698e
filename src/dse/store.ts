// The results store: DIR/results.jsonl, one JSON line per finished point, appended and fsync'd as each
// point completes, so a crash loses at most the point in flight. On open, a partial last line (a crash in
// the middle of a write) is cut off; a damaged line anywhere else is an error naming the line.
import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, statSync, writeSync, existsSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { AimcsimError } from "../errors.ts";
import type { PointRecord } from "./types.ts";

export interface Store {
  readonly dir: string;
  /** DIR/results.jsonl */
  readonly path: string;
  has(key: string): boolean;
  get(key: string): PointRecord | undefined;
  /** All records in the order they were stored. */
  records(): PointRecord[];
  readonly size: number;
  /** Appends one record (durably: write + fsync). A key already stored is ignored (returns false). */
  append(record: PointRecord): boolean;
  close(): void;
}

export const RESULTS_FILE = "results.jsonl";
export const LOCK_FILE = "results.lock";

/** Takes DIR/results.lock ("host pid"): a second writer on the same store is refused, a lock left by a
 *  dead process of this host (a crash, SIGKILL) is taken over. */
function acquireLock(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const me = `${hostname()} ${process.pid}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, me);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, "utf8") === me) unlinkSync(path);
        } catch {}
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new AimcsimError("IoError", path, `cannot lock the store: ${(e as Error).message}`);
    }
    let owner = "";
    try {
      owner = readFileSync(path, "utf8").trim();
    } catch {
      continue; // released meanwhile
    }
    const [host, pidText] = owner.split(" ");
    const pid = Number(pidText);
    const alive = (() => {
      if (host !== hostname() || !Number.isInteger(pid)) return true; // cannot tell: assume it is
      if (pid === process.pid) return true;
      try {
        process.kill(pid, 0);
        return true;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
      }
    })();
    if (alive)
      throw new AimcsimError("IoError", path, `the store is in use by ${owner || "another process"}; one sweep writes a store at a time (delete the lock file if that process is gone)`);
    try {
      unlinkSync(path); // stale lock of a dead process on this host
    } catch {}
  }
  throw new AimcsimError("IoError", path, "cannot lock the store");
}

/** Reads the complete lines of a results file; `validBytes` is where the last complete line ends. */
export function readResults(path: string): { records: PointRecord[]; validBytes: number; partialBytes: number } {
  if (!existsSync(path)) return { records: [], validBytes: 0, partialBytes: 0 };
  let buf: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new AimcsimError("IoError", path, "is a folder; expected the results file of a sweep store (one JSON line per point)");
    buf = readFileSync(path);
  } catch (e) {
    if (e instanceof AimcsimError) throw e;
    throw new AimcsimError("IoError", path, `cannot read the results file: ${(e as Error).message}`);
  }
  const lastNl = buf.lastIndexOf(0x0a);
  const validBytes = lastNl + 1;
  const text = buf.toString("utf8", 0, validBytes);
  const records: PointRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    let rec: PointRecord;
    try {
      rec = JSON.parse(line) as PointRecord;
    } catch (e) {
      throw new AimcsimError("IoError", `${path}:${i + 1}`, `damaged results line (not JSON): ${(e as Error).message}`);
    }
    if (typeof rec?.key !== "string" || (rec.status !== "ok" && rec.status !== "failed"))
      throw new AimcsimError("IoError", `${path}:${i + 1}`, "a results line needs a string key and status ok|failed");
    const bad = recordProblem(rec);
    if (bad) throw new AimcsimError("IoError", `${path}:${i + 1}`, `damaged results line: ${bad}`);
    records.push(rec);
  }
  return { records, validBytes, partialBytes: buf.length - validBytes };
}

/** Opens (creating if needed) the store in `dir`, locked for this process until close(). */
export function openStore(dir: string): Store {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new AimcsimError("IoError", dir, `cannot create the store folder: ${(e as Error).message}`);
  }
  const path = join(dir, RESULTS_FILE);
  const release = acquireLock(dir);
  let loaded: ReturnType<typeof readResults>;
  try {
    loaded = readResults(path);
  } catch (e) {
    release();
    throw e;
  }
  const { records, validBytes, partialBytes } = loaded;
  const byKey = new Map<string, PointRecord>();
  const ordered: PointRecord[] = [];
  for (const r of records) {
    if (byKey.has(r.key)) continue;
    byKey.set(r.key, r);
    ordered.push(r);
  }
  let fd: number;
  try {
    fd = openSync(path, "a+");
  } catch (e) {
    release();
    throw new AimcsimError("IoError", path, `cannot open the results file for appending: ${(e as Error).message}`);
  }
  if (partialBytes > 0) {
    // A crash mid-write left a partial line: drop it so the next append starts on a line boundary.
    ftruncateSync(fd, validBytes);
    fsyncSync(fd);
  }
  let open = true;
  return {
    dir,
    path,
    has: (k) => byKey.has(k),
    get: (k) => byKey.get(k),
    records: () => [...ordered],
    get size() {
      return ordered.length;
    },
    append(record) {
      if (!open) throw new AimcsimError("IoError", path, "the store is closed");
      if (byKey.has(record.key)) return false;
      const line = Buffer.from(JSON.stringify(record) + "\n", "utf8");
      let off = 0;
      try {
        while (off < line.length) off += writeSync(fd, line, off, line.length - off);
        fsyncSync(fd);
      } catch (e) {
        // A full disk (ENOSPC) or a lost device: cut the partial line so the store stays readable, then
        // report it; the points stored so far are kept and a re-run resumes after them.
        try {
          if (off > 0) ftruncateSync(fd, fstatSync(fd).size - off);
        } catch {}
        const code = (e as NodeJS.ErrnoException).code;
        throw new AimcsimError("IoError", path, `cannot append to the results file: ${code === "ENOSPC" ? "no space left on the device" : (e as Error).message}; the ${ordered.length} points stored before are kept`);
      }
      byKey.set(record.key, record);
      ordered.push(record);
      return true;
    },
    close() {
      if (open) {
        open = false;
        closeSync(fd);
        release();
      }
    },
  };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** What is wrong with a stored record's fields (hand-edited or damaged), or undefined (issue 13.7 fuzz). */
function recordProblem(r: PointRecord): string | undefined {
  if (typeof r.sweep !== "string") return "sweep must be a string";
  if (!isPlainObject(r.axes)) return "axes must be an object";
  for (const [k, v] of Object.entries(r.axes)) if (!["string", "number", "boolean"].includes(typeof v)) return `axes.${k} must be a string, number or boolean`;
  if (!isPlainObject(r.metrics)) return "metrics must be an object";
  for (const [k, v] of Object.entries(r.metrics)) if (typeof v !== "number" && v !== null) return `metrics.${k} must be a number`;
  if (r.error !== undefined && typeof r.error !== "string") return "error must be a string";
  if (typeof r.model !== "string") return "model must be a string";
  if (!isPlainObject(r.workload)) return "workload must be an object";
  for (const k of ["promptTokens", "genTokens", "batch"] as const) if (typeof r.workload[k] !== "number") return `workload.${k} must be a number`;
  if (typeof r.seed !== "number") return "seed must be a number";
  if (typeof r.version !== "string" || typeof r.evaluator !== "string") return "version and evaluator must be strings";
  return undefined;
}
