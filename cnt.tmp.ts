import { simulate } from "./src/sim/index.ts";
import { loadSpecFile } from "./src/spec/index.ts";
const chip = await loadSpecFile(process.argv[2]!);
const t0 = performance.now(); const c0 = process.cpuUsage();
const s = simulate({ chip, model: process.argv[3]!, promptTokens: Number(process.argv[4]), genTokens: Number(process.argv[5]), chips: "auto" });
const c = process.cpuUsage(c0);
const by = new Map<string, number>();
for (let t = 0; t < s.tasks.count; t++) { const k = `${s.tasks.phase[t]}:${s.tasks.opKinds[t]}`; by.set(k, (by.get(k) ?? 0) + 1); }
console.log(JSON.stringify({ wall: (performance.now()-t0)/1e3, cpu: (c.user+c.system)/1e6, tasks: s.tasks.count, chips: s.result.mapping.chips, rssGiB: process.memoryUsage().rss/2**30, maxRssGiB: process.resourceUsage().maxRSS/2**20 }), [...by].sort((a,b)=>b[1]-a[1]).slice(0,8));
