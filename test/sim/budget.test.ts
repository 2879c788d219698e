// Issue 13.2: a run too large for memory is refused before any task is built, with a UsageError naming the
// knob, never a V8 heap crash. A Llama-3.1-70B-shaped config.json on the digital baseline streams its
// weights from DRAM every decode step (about half a million bursts per generated token; since issue 17 item 6
// each transfer's bursts are one macro task, and work split over unit instances one gang task, so the default 512+128 run fits and a full 20000-token decode does not).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { mapModel } from "../../src/mapping/index.ts";
import { resolveModelShape } from "../../src/model/index.ts";
import { simulate } from "../../src/sim/index.ts";
import { checkRunSize, estimateRunSize } from "../../src/sim/budget.ts";
import { loadSpecFile } from "../../src/spec/index.ts";

// https://huggingface.co/meta-llama/Llama-3.1-70B/blob/main/config.json (shape fields)
const LLAMA_3_1_70B = {
  architectures: ["LlamaForCausalLM"], hidden_act: "silu", hidden_size: 8192, intermediate_size: 28672,
  max_position_embeddings: 131072, model_type: "llama", num_attention_heads: 64, num_hidden_layers: 80,
  num_key_value_heads: 8, rms_norm_eps: 1e-5, rope_theta: 500000.0, tie_word_embeddings: false, torch_dtype: "bfloat16", vocab_size: 128256,
};

const dir = await mkdtemp(join(tmpdir(), "aimcsim-70b-"));
afterAll(() => rm(dir, { recursive: true, force: true }));
await writeFile(join(dir, "config.json"), JSON.stringify(LLAMA_3_1_70B));

describe("run size budget", () => {
  it("refuses a 70B-shaped config on the digital baseline within seconds, naming --gen and what fits", async () => {
    const err: string[] = [];
    const t0 = Date.now();
    const code = await runCli(["run", "--chip", "digital-baseline", "--model", dir, "--chips", "auto", "--full-decode", "--gen", "20000"], { out: () => {}, err: (t) => void err.push(t) });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(code).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/genTokens \(--gen\): the run would build about [\d,]+ simulation tasks .* beyond the memory budget .* lower --gen to at most \d+/);
  });

  it("the library throws a typed UsageError (path genTokens) for the same run; a small enough budget refuses a long prompt by --prompt", async () => {
    const chip = await loadSpecFile("digital-baseline");
    let e: unknown;
    try {
      simulate({ chip, model: dir, promptTokens: 512, genTokens: 20000, chips: "auto", fullDecode: true });
    } catch (x) {
      e = x;
    }
    expect(isAimcsimError(e) && e._tag === "UsageError" && e.path.startsWith("genTokens")).toBe(true);
    // The default 512+128 run (decode sampled, DRAM transfers as macro tasks) fits; one task per burst would not.
    const big = resolveModelShape(dir);
    const bigPlacement = mapModel(big, chip, { chips: "auto", batch: 1, contextTokens: 640 });
    const run128 = { chip, shape: big, placement: bigPlacement, promptTokens: 512, genTokens: 33, batch: 1, prefillChunk: 512 };
    const macro = estimateRunSize(run128);
    expect(macro.bytes).toBeLessThan(macro.budgetBytes);
    const bursts = estimateRunSize({ ...run128, macroTransfers: false });
    expect(bursts.bytes).toBeGreaterThan(bursts.budgetBytes);
    expect(bursts.tasks / macro.tasks).toBeGreaterThan(10);
    const shape = resolveModelShape("gpt2");
    const placement = mapModel(shape, chip, { chips: 1, batch: 1, contextTokens: 4097 });
    const input = { chip, shape, placement, promptTokens: 4096, genTokens: 1, batch: 1, prefillChunk: 4096 };
    const s = estimateRunSize(input);
    expect(s.decodeTasks).toBe(0);
    expect(s.prefillTasks).toBeGreaterThan(0);
    expect(() => checkRunSize({ ...input, budgetBytes: s.bytes })).not.toThrow();
    expect(() => checkRunSize({ ...input, budgetBytes: s.bytes - 1 })).toThrow(/^promptTokens \(--prompt\): .*lower --prompt/);
  });

  it("estimates the task count of a run it lets through to within 2 % (gpt2, analog with chunked prefill and digital)", async () => {
    for (const [spec, chips] of [["digital-baseline", "auto"], ["hybrid-bitnet", 1]] as const) {
      const chip = await loadSpecFile(spec);
      const shape = resolveModelShape("gpt2");
      const opts = { promptTokens: 100, genTokens: 20, batch: 1 };
      const r = simulate({ chip, model: "gpt2", ...opts, chips });
      const s = estimateRunSize({ chip, shape, placement: r.placement, ...opts, prefillChunk: chips === 1 ? 64 : 100 });
      expect(Math.abs(s.tasks - r.tasks.count) / r.tasks.count).toBeLessThan(0.02);
      expect(s.bytes).toBeLessThan(s.budgetBytes);
    }
  });
});
