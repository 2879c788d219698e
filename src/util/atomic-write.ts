// The one atomic file writer of aimcsim: readers see the old file or the complete new one, never a half-
// written one. The data goes to a temp file in the same folder (same file system, so rename is atomic),
// is fsync'd, then renamed over the target; on any failure the temp file is removed and the target is
// untouched. Failures are IoErrors naming the target path (a full disk, a folder where the file should
// be, no permission).
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { AimcsimError, isAimcsimError } from "../errors.ts";

export type Chunk = string | Uint8Array;

let counter = 0;

function tempName(path: string): string {
  return `${path}.${process.pid}.${Date.now().toString(36)}.${counter++}.tmp`;
}

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === "ENOSPC") return "no space left on the device";
  if (err?.code === "EDQUOT") return "disk quota exceeded";
  if (err?.code === "EACCES" || err?.code === "EPERM") return "permission denied";
  if (err?.code === "EROFS") return "read-only file system";
  return err instanceof Error ? err.message : String(e);
}

/** Synchronous atomic write of `data` (one string/bytes, or chunks written in order, e.g. a streamed trace). */
export function writeFileAtomicSync(path: string, data: Chunk | Iterable<Chunk>, what = "the file"): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw new AimcsimError("IoError", path, `cannot create the folder for ${what}: ${reason(e)}`, { cause: e });
  }
  let existing: import("node:fs").Stats | undefined;
  try {
    existing = statSync(path);
  } catch {}
  if (existing?.isDirectory()) throw new AimcsimError("IoError", path, `is a folder; cannot write ${what} there (give a file path)`);
  const tmp = tempName(path);
  let fd = -1;
  try {
    fd = openSync(tmp, "w", 0o644);
    const chunks: Iterable<Chunk> = typeof data === "string" || data instanceof Uint8Array ? [data] : data;
    for (const chunk of chunks) {
      // write() may write less than asked (a file size limit, a nearly full disk): loop until all of it is
      // written or the next write fails with the reason, so a short write never passes as success.
      const c = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      let off = 0;
      while (off < c.length) off += writeSync(fd, c, off, c.length - off);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) {
      try {
        closeSync(fd);
      } catch {}
    }
    rmSync(tmp, { force: true });
    if (isAimcsimError(e)) throw e;
    throw new AimcsimError("IoError", path, `cannot write ${what}: ${reason(e)}`, { cause: e });
  }
}

/** Asynchronous form (same guarantees); kept small: the data is written in one go after the event-loop tick. */
export async function writeFileAtomic(path: string, data: Chunk | Iterable<Chunk>, what = "the file"): Promise<void> {
  await Promise.resolve();
  writeFileAtomicSync(path, data, what);
}
