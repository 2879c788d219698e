// Output helpers for the CLI: plain stdout/stderr writes and atomic file writes.

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : t + "\n"),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : t + "\n"),
};

/** The atomic file writer lives in src/util/atomic-write.ts (one for all of aimcsim). */
export { writeFileAtomic } from "../util/atomic-write.ts";
