// Output folders (`--report DIR`, `--out DIR`): aimcsim replaces a folder only when it is absent, empty,
// or holds an earlier aimcsim output, recognised by the marker file aimcsim writes into every output
// folder. Anything else (a user's folder with files in it) is refused with an IoError naming the path,
// unless the caller passes force. The current folder, any folder above it, the home folder and the file
// system root are never replaced, force or not. Nothing but the checked folder is ever removed.
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, parse, relative, resolve, sep } from "node:path";
import { AimcsimError } from "../errors.ts";

/** The marker file in every folder aimcsim writes as an output (report folders). */
export const OUTPUT_MARKER = ".aimcsim-output";
/** Its content; the first line is checked, so a marker from another tool with the same name is not taken. */
export const OUTPUT_MARKER_TEXT = "aimcsim output folder: aimcsim may replace this folder and everything in it\n";

export type OutputDirState = "absent" | "empty" | "aimcsim" | "forced";

/** True when `inner` is `outer` or inside it. */
function within(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === "" || (rel !== ".." && !rel.startsWith(".." + sep) && !isAbsolute(rel));
}

function hasMarker(dir: string): boolean {
  try {
    const st = lstatSync(resolve(dir, OUTPUT_MARKER));
    if (!st.isFile()) return false;
    return readFileSync(resolve(dir, OUTPUT_MARKER), "utf8").split("\n")[0] === OUTPUT_MARKER_TEXT.split("\n")[0];
  } catch {
    return false;
  }
}

/**
 * Checks that `dir` may be (re)written as an aimcsim output folder; throws an IoError naming the path and
 * the rule otherwise. `flag` is the option named in the message (e.g. "--report").
 */
export function checkOutputDir(dir: string, opts: { force?: boolean; flag?: string } = {}): OutputDirState {
  const target = resolve(dir);
  const flag = opts.flag ?? "the output folder";
  if (within(process.cwd(), target)) {
    throw new AimcsimError("IoError", target, `${flag} is the current folder or a folder above it; aimcsim never replaces it (give a new folder, e.g. reports/my-run)`);
  }
  if (target === parse(target).root || target === resolve(homedir())) {
    throw new AimcsimError("IoError", target, `${flag} is the home folder or the file system root; aimcsim never replaces it`);
  }
  let st: import("node:fs").Stats;
  try {
    st = lstatSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "absent";
    throw new AimcsimError("IoError", target, `cannot inspect ${flag}: ${(e as Error).message}`);
  }
  if (st.isSymbolicLink()) throw new AimcsimError("IoError", target, `${flag} is a symbolic link; refusing to replace it (give the real folder)`);
  if (!st.isDirectory()) throw new AimcsimError("IoError", target, `exists and is not a directory; refusing to replace it`);
  let entries: string[];
  try {
    entries = readdirSync(target);
  } catch (e) {
    throw new AimcsimError("IoError", target, `cannot read ${flag}: ${(e as Error).message}`);
  }
  if (entries.length === 0) return "empty";
  if (hasMarker(target)) return "aimcsim";
  if (opts.force) return "forced";
  throw new AimcsimError(
    "IoError",
    target,
    `${flag} holds files that aimcsim did not write (no ${OUTPUT_MARKER} marker: ${entries.length} entr${entries.length === 1 ? "y" : "ies"}, e.g. ${JSON.stringify(entries.sort()[0])}); refusing to replace it. Choose a new folder, or pass --force to replace it and everything in it`,
  );
}
