// Entry of every DSE worker thread. Node 20 does not apply `--import tsx` from a Worker's execArgv to the
// worker's own entry module (ERR_UNKNOWN_FILE_EXTENSION for .ts), so when aimcsim runs from its TypeScript
// sources this plain-JS entry registers tsx's loader inside the thread first; built (dist/) it needs none.
import { workerData } from "node:worker_threads";
if (/\.ts$/.test(workerData.entry)) (await import("tsx/esm/api")).register();
await import(workerData.entry);
