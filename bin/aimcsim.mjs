#!/usr/bin/env node
// Entry point of the `aimcsim` command. The sources (and the chip specs users write) are TypeScript;
// tsx's loader lets Node import them directly, so there is no build step between editing a spec and running it.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../src/cli/main.ts");
await main(process.argv.slice(2));
