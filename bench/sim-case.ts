// One whole-chip simulation for bench/sim.bench.ts, in a process of its own so that its peak resident memory
// (getrusage maxRSS: the whole process, start-up and a JIT warm-up run included) belongs to this case alone.
// Usage: node bin/run-ts.mjs bench/sim-case.ts <chip> <model> <prompt> <gen>; prints one JSON line.
import { simulate } from "../src/sim/index.ts";
import { loadSpecFile } from "../src/spec/index.ts";

const [chipName, model, prompt, gen] = process.argv.slice(2);
const chip = await loadSpecFile(chipName!);
simulate({ chip, model: model!, promptTokens: 16, genTokens: 2, chips: "auto" }); // warm-up (JIT)
const t0 = performance.now();
const c0 = process.cpuUsage();
let out: Record<string, unknown>;
try {
  const sim = simulate({ chip, model: model!, promptTokens: Number(prompt), genTokens: Number(gen), chips: "auto" });
  const cpu = process.cpuUsage(c0);
  const wallS = (performance.now() - t0) / 1e3;
  out = {
    wallS: Number(wallS.toFixed(3)),
    cpuS: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
    tasks: sim.tasks.count,
    events: sim.result.events,
    eventsPerS: Math.round(sim.result.events / wallS),
    chips: sim.result.mapping.chips,
    simulatedTotalS: sim.result.totalS,
  };
} catch (e) {
  // a run refused by the task/memory budget is a result too (a figure not met)
  out = { refused: e instanceof Error ? e.message : String(e) };
}
out.peakRssGiB = Number((process.resourceUsage().maxRSS / 2 ** 20).toFixed(3)); // maxRSS is in KiB
process.stdout.write(JSON.stringify(out) + "\n");
