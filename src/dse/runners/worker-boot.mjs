// Entry of every DSE worker thread. Node 20 does not apply `--import tsx` from a Worker's execArgv to the
// worker's own entry module (ERR_UNKNOWN_FILE_EXTENSION for .ts), so this plain-JS entry registers tsx's
// loader inside the thread first and then imports the TypeScript worker.
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";
register();
await import(workerData.entry);
