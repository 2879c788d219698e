// Imports a user's module (a chip spec, a sweep, an evaluator). TypeScript files go through tsx's tsImport, so
// aimcsim itself needs no TypeScript loader and a .ts file works both inside an ESM package ("type": "module")
// and outside one (where tsx compiles it as CommonJS; its exports then arrive wrapped, unwrapped here).
import { extname } from "node:path";
import { fileURLToPath } from "node:url";

const TS = new Set([".ts", ".mts", ".cts", ".tsx"]);

export async function importUserModule(href: string): Promise<Record<string, unknown>> {
  const path = href.startsWith("file:") ? fileURLToPath(href) : href;
  let mod: Record<string, unknown>;
  // Under vitest (the test suite) the test runner's own transform loads TypeScript; everywhere else tsImport does.
  const underVitest = (globalThis as { __vitest_worker__?: unknown }).__vitest_worker__ !== undefined;
  if (TS.has(extname(path).toLowerCase()) && !underVitest) {
    const { tsImport } = await import("tsx/esm/api");
    mod = (await tsImport(href, import.meta.url)) as Record<string, unknown>;
  } else {
    mod = (await import(href)) as Record<string, unknown>;
  }
  const d = mod.default as { __esModule?: unknown } | undefined;
  if (d && typeof d === "object" && d.__esModule === true && Object.keys(mod).every((k) => k === "default" || k === "module.exports")) return d as Record<string, unknown>;
  return mod;
}
