// Loading chip specs from files: TypeScript/JavaScript modules (`export default chip({...})`) and JSON.
// TypeScript specs are code and run with the user's rights (SECURITY.md); JSON specs are plain data.
import { readdirSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { AimcsimError, isAimcsimError, thrownText } from "../errors.ts";
import { importUserModule } from "../util/import-user.ts";
import { didYouMean } from "../util/suggest.ts";
import { decodeChipSpec } from "./validate.ts";
import type { ChipSpec } from "./types.ts";

const PRESET_DIR = new URL("../../hw-specs/", import.meta.url);

/** Resolve a spec argument: a path, or the name of a preset in hw-specs/ ("hybrid-bitnet"). */
export async function resolveSpecPath(nameOrPath: string): Promise<string> {
  const candidates = [resolve(nameOrPath)];
  if (!/[\\/]/.test(nameOrPath)) {
    for (const ext of ["", ".ts", ".js", ".json"]) candidates.push(new URL(nameOrPath + ext, PRESET_DIR).pathname);
  }
  for (const c of candidates) {
    try {
      if ((await stat(c)).isFile()) return c;
    } catch {
      /* try the next candidate */
    }
  }
  const presets = presetChipNames();
  const hint = /[\\/]/.test(nameOrPath) ? "" : didYouMean(nameOrPath.replace(/\.(ts|js|json)$/, ""), presets);
  throw new AimcsimError("IoError", nameOrPath, `no such spec file or preset${hint} (presets: ${presets.join(", ")})`);
}

/** The preset chips shipped in hw-specs/ (by name, without extension). */
export function presetChipNames(): string[] {
  let files: string[] = [];
  try {
    files = readdirSync(PRESET_DIR);
  } catch {
    return [];
  }
  const names = files.filter((f) => /\.(ts|js|json)$/.test(f) && !/\.d\.ts$/.test(f) && !f.startsWith(".")).map((f) => f.replace(/\.(ts|js|json)$/, ""));
  return [...new Set(names)].sort();
}

export async function loadSpecFile(nameOrPath: string): Promise<ChipSpec> {
  const file = await resolveSpecPath(nameOrPath);
  const ext = extname(file).toLowerCase();
  if (ext === ".json") {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, "utf8"));
    } catch (e) {
      throw new AimcsimError("SpecError", file, `not valid JSON: ${(e as Error).message}`);
    }
    return decodeChipSpec(json, file);
  }
  if (![".ts", ".mts", ".js", ".mjs"].includes(ext))
    throw new AimcsimError("SpecError", file, "a spec is a .ts, .mts, .js, .mjs or .json file");
  let mod: Record<string, unknown>;
  try {
    mod = await importUserModule(pathToFileURL(file).href);
  } catch (e) {
    if (isAimcsimError(e)) throw e;
    throw new AimcsimError("SpecError", file, `the spec module failed to load: ${thrownText(e)}`);
  }
  let dflt: unknown;
  try {
    dflt = mod.default;
  } catch (e) {
    throw new AimcsimError("SpecError", file, `reading the default export threw (${thrownText(e)})`);
  }
  if (dflt === undefined)
    throw new AimcsimError("SpecError", file, "the spec module has no default export (write `export default chip({...})`)");
  return decodeChipSpec(plainData(dflt, file), file);
}

/** A plain-data copy of a spec module's export: a getter or Proxy that throws while the spec is read is a
 *  SpecError naming the file and the field, not an internal error (issue 13.6). */
function plainData(v: unknown, file: string, path = "", depth = 0, seen = new Set<object>()): unknown {
  if (v === null || typeof v !== "object") return v;
  const here = path || "the default export";
  if (depth > 64 || seen.has(v)) throw new AimcsimError("SpecError", file, `${here}: the spec nests too deeply or refers to itself`);
  seen.add(v);
  try {
    if (Array.isArray(v)) return v.map((x, i) => plainData(x, file, `${path}[${i}]`, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = plainData((v as Record<string, unknown>)[k], file, path ? `${path}.${k}` : k, depth + 1, seen);
    return out;
  } catch (e) {
    if (isAimcsimError(e)) throw e;
    throw new AimcsimError("SpecError", `${file}: ${here}`, `reading this part of the spec threw (${thrownText(e)}); a spec must be plain data (no getters or Proxies that throw)`);
  } finally {
    seen.delete(v);
  }
}

/** Canonical JSON of a spec (sorted keys): stable across runs, used for hashing and round trips. */
export function specToJson(spec: ChipSpec): string {
  return JSON.stringify(sortKeys(spec), null, 2);
}

export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}
