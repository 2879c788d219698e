// Wall time of whole-chip simulations (the target: Llama-3.2-1B prefill 512 + decode 128 on the
// hybrid preset in under 10 s on one core), with the task and event counts behind it.
import { simulate } from "../src/sim/index.ts";
import { loadSpecFile } from "../src/spec/index.ts";

interface Case {
  readonly chip: string;
  readonly model: string;
  readonly prompt: number;
  readonly gen: number;
}

const CASES: readonly Case[] = [
  { chip: "hybrid-bitnet", model: "llama-3.2-1b", prompt: 512, gen: 128 },
  { chip: "hybrid-bitnet", model: "bitnet-gpt2-350m", prompt: 512, gen: 128 },
  { chip: "digital-baseline", model: "llama-3.2-1b", prompt: 512, gen: 128 },
  { chip: "hermes", model: "gpt2", prompt: 512, gen: 128 },
  // issue 17 item 6: Llama-3-70B 2048 + 512 in < 10 s and < 4 GiB (decode sampled, DECODE_SAMPLES steps)
  { chip: "hybrid-bitnet", model: "llama-3-70b", prompt: 2048, gen: 512 },
  { chip: "digital-baseline", model: "llama-3-70b", prompt: 2048, gen: 512 },
];

export async function bench(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown>[] = [];
  for (const c of CASES) {
    const chip = await loadSpecFile(c.chip);
    simulate({ chip, model: c.model, promptTokens: 16, genTokens: 2, chips: "auto" }); // warm-up (JIT)
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let sim: ReturnType<typeof simulate>;
    try {
      sim = simulate({ chip, model: c.model, promptTokens: c.prompt, genTokens: c.gen, chips: "auto" });
    } catch (e) {
      // a run refused by the task/memory budget is a result too (the figure that is not met yet)
      out.push({ ...c, refused: e instanceof Error ? e.message : String(e) });
      continue;
    }
    const cpu = process.cpuUsage(c0);
    const wallS = (performance.now() - t0) / 1e3;
    out.push({
      ...c,
      wallS: Number(wallS.toFixed(3)),
      cpuS: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
      rssAfterGiB: Number((process.memoryUsage().rss / 2 ** 30).toFixed(3)),
      tasks: sim.tasks.count,
      events: sim.result.events,
      eventsPerS: Math.round(sim.result.events / wallS),
      chips: sim.result.mapping.chips,
      simulatedTotalS: sim.result.totalS,
    });
  }
  return {
    target: "Llama-3.2-1B 512+128 on hybrid-bitnet in < 10 s on one core (issue 17: < 1 s CPU after start-up); Llama-3-70B 2048+512 in < 10 s and < 4 GiB",
    cases: out,
  };
}
