// Where aimcsim's own files are, whether it runs from its sources (a checkout, src/ through tsx) or from the
// built package (dist/src/ as plain JS): package.json, the preset chips and the bundled model are found
// relative to this module, never relative to the current directory.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The package's folder (the one holding aimcsim's package.json). */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, "package.json");
    if (existsSync(pj) && /"name"\s*:\s*"aimcsim"/.test(readFileSync(pj, "utf8"))) return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`aimcsim's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** A file of the package, e.g. packagePath("models", "tiny-llama-wordnet"). */
export const packagePath = (...parts: string[]): string => join(packageRoot(), ...parts);

/** The trained model aimcsim ships (models/tiny-llama-wordnet), inside the installed package. */
export const bundledModelPath = (): string => packagePath("models", "tiny-llama-wordnet");

let version: string | undefined;
/** aimcsim's version (package.json). */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(packagePath("package.json"), "utf8")) as { version: string }).version;
  return version;
}

/** The URL of a sibling module given by its source name ("./worker-thread.ts"): the .js file when this code runs
 *  built (dist/), the .ts file when it runs from source. For `new URL(...)` module references that the compiler's
 *  import-extension rewriting cannot see. */
export function moduleUrl(relativeTs: string, base: string): URL {
  const built = !base.endsWith(".ts");
  return new URL(built ? relativeTs.replace(/\.ts$/, ".js") : relativeTs, base);
}
