#!/usr/bin/env node
// Entry point of the `aimcsim` command. It runs the built package (dist/, plain JS: fast start, no TypeScript
// loader) when that build is there and not older than the sources; in a checkout whose src/ or hw-specs/ changed
// since the last `npm run build`, it runs the TypeScript sources through tsx instead (slower start, never stale).
import { existsSync, readdirSync, statSync } from "node:fs";

const root = new URL("../", import.meta.url);
const stamp = new URL("dist/.build-stamp", root);

function newestSource() {
  let newest = 0;
  for (const dir of ["src", "hw-specs"]) {
    const d = new URL(`${dir}/`, root);
    if (!existsSync(d)) continue;
    for (const e of readdirSync(d, { recursive: true, withFileTypes: true })) {
      if (e.isFile()) newest = Math.max(newest, statSync(`${e.parentPath ?? e.path}/${e.name}`).mtimeMs);
    }
  }
  return newest;
}

const built = existsSync(stamp) && (process.env.AIMCSIM_FROM_SOURCE !== "1") && statSync(stamp).mtimeMs >= newestSource();
let main;
if (built) ({ main } = await import(new URL("dist/src/cli/main.js", root).href));
else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import(new URL("src/cli/main.ts", root).href));
}
await main(process.argv.slice(2));
