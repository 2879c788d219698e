// Serving simulation speed (issue 18.3 goal: a 1,000-request Poisson trace on Llama-3.2-1B in under 30 s on this
// machine), with the serving figures of that run on both reference chips.
import { poissonRequests, serve } from "../src/serve/index.ts";
import { loadSpecFile } from "../src/spec/index.ts";

export async function bench(): Promise<Record<string, unknown>> {
  const requests = poissonRequests({ count: 1000, ratePerS: 2, prompt: { kind: "uniform", lo: 64, hi: 1024 }, output: { kind: "uniform", lo: 16, hi: 256 }, seed: 1 });
  const cases: Record<string, unknown>[] = [];
  for (const name of ["hybrid-bitnet", "digital-baseline"]) {
    const chip = await loadSpecFile(name);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const r = serve({ chip, model: "llama-3.2-1b", requests, chips: "auto", sloTtftS: 2, sloTpotS: 0.1 });
    const cpu = process.cpuUsage(cpu0);
    cases.push({
      chip: name,
      requests: r.requests,
      wallS: Number(((performance.now() - t0) / 1e3).toFixed(2)),
      cpuS: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      iterations: r.iterations,
      ttftP99S: r.ttftS.p99,
      tpotP50S: r.tpotS.p50,
      throughputTokensPerS: r.throughputTokensPerS,
      sloAttainment: r.sloAttainment,
      tokensPerJ: r.tokensPerJ,
    });
  }
  return { target: "1,000-request Poisson trace on Llama-3.2-1B in < 30 s", rateReqPerS: 2, cases };
}
