#!/usr/bin/env node
// The installed package's `aimcsim` command (package.json "bin" -> dist/src/cli/bin.js): plain JS, no TypeScript
// loader; users' .ts specs and sweeps are loaded through tsx's tsImport when a command reads one.
import { main } from "./main.ts";

await main(process.argv.slice(2));
