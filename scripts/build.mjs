#!/usr/bin/env node
// `npm run build` (also run by `prepare`, so `npm ci` in a checkout and `npm pack` build it): compiles src/ and
// the preset chips in hw-specs/ to dist/ (JS + .d.ts, relative .ts imports rewritten to .js), copies the plain-JS
// worker entry, and stamps the build so bin/aimcsim.mjs can tell a build older than the sources.
// `node scripts/build.mjs --out <dir>` builds into another folder (the package test does, leaving dist/ alone).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const at = process.argv.indexOf("--out");
const dist = at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]) : join(root, "dist");
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", dist], { stdio: "inherit" });
if (r.status !== 0) {
  rmSync(dist, { recursive: true, force: true }); // never leave a half-built dist/ that bin/aimcsim.mjs would run
  process.exit(r.status ?? 1);
}
for (const f of ["src/dse/runners/worker-boot.mjs"]) {
  mkdirSync(dirname(join(dist, f)), { recursive: true });
  copyFileSync(join(root, f), join(dist, f));
}
writeFileSync(join(dist, ".build-stamp"), `${new Date().toISOString()}\n`);
