// `aimcsim generate --model <folder> (--prompt TEXT | --input-ids 1,2,3) --max-new N [--chip SPEC] [--json] [--logits]`
// Greedy decoding with a KV cache on any Hugging Face checkpoint folder; with a chip, its analog part is
// programmed once (seeded) and every projection it holds runs under its noise.
import { flag, int, parse, requireStr, str } from "../args.ts";
import { defineCommand } from "../command.ts";

export interface GenerateResult {
  readonly model: string;
  readonly backend: string;
  readonly promptIds: number[];
  readonly generatedIds: number[];
  /** Decoded generated text (null without a tokenizer.json). */
  readonly text: string | null;
  readonly stoppedBy: "max-new" | "eos" | "context";
  /** Logits of the last position fed (the one that chose the last generated token; the prompt's last with --max-new 0). */
  readonly logits?: number[];
  readonly notes: string[];
}

export const generate = defineCommand({
  name: "generate",
  summary: "greedy text generation on a Hugging Face folder, noise-free or under a chip's analog noise",
  options: {
    model: { type: "string", arg: "folder", required: true, help: "a Hugging Face checkpoint folder (config.json, *.safetensors; tokenizer.json for --prompt)" },
    prompt: { type: "string", arg: "text", help: "prompt text, tokenised with the folder's tokenizer.json (special tokens added as its post-processor says)" },
    "input-ids": { type: "string", arg: "ids", help: "prompt as token ids, e.g. 1,2,3 (instead of --prompt)" },
    "max-new": { type: "string", arg: "N", default: "32", help: "tokens to generate (stops earlier at the config's eos_token_id or the context length)" },
    chip: { type: "string", arg: "spec", help: "run the projections the chip maps to analog under its noise (default: exact fp32)" },
    seed: { type: "string", arg: "S", default: "0", help: "programming/read noise seed for --chip" },
    threads: { type: "string", arg: "N", default: "0 (every core)", help: "kernel threads (results are identical for any count)" },
    json: { type: "boolean", help: "print the result as JSON" },
    logits: { type: "boolean", help: "also print the last position's logits" },
  },
  async run(argv, io) {
    const p = parse(argv, this.options, "generate");
    const { AimcsimError } = await import("../../errors.ts");
    const dir = requireStr(p, "model", "generate");
    const maxNew = int(p, "max-new", 32, "generate", 0, 1 << 20);
    const seed = int(p, "seed", 0, "generate", 0, 2 ** 32 - 1);
    const threads = int(p, "threads", 0, "generate", 0, 256);
    const promptText = str(p, "prompt");
    const idsText = str(p, "input-ids");
    if ((promptText === undefined) === (idsText === undefined))
      throw new AimcsimError("UsageError", "generate --prompt/--input-ids", "give exactly one of --prompt TEXT or --input-ids 1,2,3");
    const { loadModel } = await import("../../model/checkpoint.ts");
    const model = await loadModel(dir);
    const V = model.shape.vocabSize;
    let prompt: Int32Array;
    if (idsText !== undefined) {
      const parts = idsText.split(",").map((s) => s.trim());
      for (const s of parts)
        if (!/^\d+$/.test(s) || Number(s) >= V)
          throw new AimcsimError("UsageError", "generate --input-ids", `expected token ids in 0..${V - 1} separated by commas, got "${s}"`);
      prompt = Int32Array.from(parts, Number);
    } else {
      if (!model.tokenizer)
        throw new AimcsimError("UsageError", `${dir}/tokenizer.json`, "is missing: --prompt needs the folder's tokenizer (or pass --input-ids)");
      prompt = model.tokenizer.encode(promptText!, { addSpecialTokens: true });
      for (const id of prompt)
        if (id >= V) throw new AimcsimError("CheckpointError", `${dir}/tokenizer.json`, `token id ${id} is outside the model's vocabulary (${V})`);
    }
    if (prompt.length === 0) throw new AimcsimError("UsageError", "generate --prompt", "the prompt has no tokens");
    if (prompt.length > model.shape.maxPositions)
      throw new AimcsimError("UsageError", "generate --prompt", `${prompt.length} tokens exceed the context (max_position_embeddings ${model.shape.maxPositions})`);

    const { setKernelThreads } = await import("../../numerics/kernels/pool.ts");
    setKernelThreads(threads);
    const { exactBackend } = await import("../../numerics/backend.ts");
    const { createSession, forwardLogits } = await import("../../numerics/forward.ts");
    const notes: string[] = [];
    let backend = exactBackend as import("../../numerics/backend.ts").LinearBackend;
    const chipName = str(p, "chip");
    if (chipName !== undefined) {
      const { loadSpecFile } = await import("../../spec/index.ts");
      const { analogLinears } = await import("../../eval/index.ts");
      const { createAnalogBackend, createRangeCalibrator } = await import("../../numerics/analog/index.ts");
      const chip = await loadSpecFile(chipName);
      if (!chip.analog) throw new AimcsimError("UsageError", "generate --chip", `chip "${chip.name}" has no analog part`);
      const linears = analogLinears(model, chip);
      const tile = chip.analog.tile;
      let calibration: { bounds: Record<string, number> } | undefined;
      if (tile.inputRange.mode === "static" && tile.inputRange.bound === undefined) {
        // static input ranges need a calibration: taken on the prompt itself (the only text there is)
        const cal = createRangeCalibrator({ mode: "quantile" });
        forwardLogits(model, cal.backend, prompt);
        calibration = { bounds: { ...cal.bounds().bounds } };
        notes.push("static input ranges calibrated on the prompt (aihwkit quantile 0.99995)");
      }
      backend = createAnalogBackend(linears, chip.analog, { seed, record: false, ...(calibration ? { calibration } : {}) });
    }

    const eos = new Set<number>();
    const e = model.config["eos_token_id"];
    for (const v of Array.isArray(e) ? e : [e]) if (typeof v === "number") eos.add(v);
    const session = createSession(model, backend);
    const all = session.prefill(prompt);
    let last: Float32Array = all.subarray((prompt.length - 1) * V);
    const out: number[] = [];
    let stoppedBy: GenerateResult["stoppedBy"] = "max-new";
    while (out.length < maxNew) {
      let best = 0;
      for (let j = 1; j < V; j++) if (last[j] > last[best]) best = j;
      out.push(best);
      if (eos.has(best)) {
        stoppedBy = "eos";
        break;
      }
      if (out.length === maxNew) break;
      if (session.position >= model.shape.maxPositions) {
        stoppedBy = "context";
        break;
      }
      last = session.step(best);
    }
    const result: GenerateResult = {
      model: model.shape.name,
      backend: backend.label,
      promptIds: Array.from(prompt),
      generatedIds: out,
      text: model.tokenizer ? model.tokenizer.decode(out, { skipSpecialTokens: true }) : null,
      stoppedBy,
      ...(flag(p, "logits") ? { logits: Array.from(last) } : {}),
      notes,
    };
    if (flag(p, "json")) io.out(JSON.stringify(result));
    else {
      io.out(`aimcsim generate: ${result.model}, ${result.backend}, greedy`);
      io.out(`prompt ids: ${result.promptIds.join(",")}`);
      io.out(`generated ids: ${out.join(",")} (stopped by ${stoppedBy})`);
      if (result.text !== null) io.out(`text: ${JSON.stringify(result.text)}`);
      if (result.logits) io.out(`logits: ${result.logits.map((v) => v.toPrecision(7)).join(",")}`);
      for (const n of notes) io.out(`note: ${n}`);
    }
    return 0;
  },
});
