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
];

export async function bench(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown>[] = [];
  for (const c of CASES) {
    const chip = await loadSpecFile(c.chip);
    simulate({ chip, model: c.model, promptTokens: 16, genTokens: 2, chips: "auto" }); // warm-up (JIT)
    const t0 = performance.now();
    const sim = simulate({ chip, model: c.model, promptTokens: c.prompt, genTokens: c.gen, chips: "auto" });
    const wallS = (performance.now() - t0) / 1e3;
    out.push({
      ...c,
      wallS: Number(wallS.toFixed(3)),
      tasks: sim.tasks.count,
      events: sim.result.events,
      eventsPerS: Math.round(sim.result.events / wallS),
      chips: sim.result.mapping.chips,
      simulatedTotalS: sim.result.totalS,
    });
  }
  return { target: "Llama-3.2-1B 512+128 on hybrid-bitnet in < 10 s on one core", cases: out };
}
