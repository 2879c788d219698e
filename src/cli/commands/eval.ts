// `aimcsim eval --chip <spec> --model <folder> [--tokens N] [--seeds K] [--t-inf 3600] [--json] [--report dir]
//   [--experts analog|digital|projections] [--digital-experts 0,3] [--router analog|digital] [--shared-expert ...]`
import { join } from "node:path";
import type { EvalResult } from "../../eval/index.ts";
import { bundledModelPath } from "../../util/package.ts";
import { flag, int, num, parse, str } from "../args.ts";
import { AimcsimError } from "../../errors.ts";
import { defineCommand } from "../command.ts";
import { table } from "../format.ts";
import type { Io } from "../io.ts";
import type { ChipSpec } from "../../spec/types.ts";
import { ProgressBar, progressSink } from "../progress.ts";

/** The bundled model, as named in reports (it lives in the package's own folder). */
export const BUNDLED_MODEL = "models/tiny-llama-wordnet";

const ci = (i: { mean: number; low: number; high: number }, d = 4): string =>
  i.low === i.high ? i.mean.toPrecision(d) : `${i.mean.toPrecision(d)} [${i.low.toPrecision(d)}, ${i.high.toPrecision(d)}]`;

export function formatEval(r: EvalResult): string {
  const rows = [
    ["noise-free fp32", r.reference.perplexity.toPrecision(4), "1", "0"],
    [r.analog.label, ci(r.analog.perplexity), ci(r.analog.top1Agreement), ci(r.analog.klDivergence)],
    ...r.baselines.map((b) => [`digital ${b.label}`, b.perplexity.toPrecision(4), b.top1Agreement.toPrecision(4), b.klDivergence.toPrecision(4)]),
  ];
  return [
    `aimcsim eval: ${r.model} on ${r.chip} — ${r.tokensScored} tokens scored in ${r.windows} windows of ${r.windowLength}, ${r.seeds.length} seed(s), t_inf ${r.tInfS} s, drift compensation ${r.driftCompensation ? "on" : "off"}`,
    "",
    table(["backend", "perplexity (mean [95% CI])", "top-1 agreement", "KL (nats)"], rows),
    ...utilisationLines(r),
    ...(r.notes.length ? ["", "notes:", ...r.notes.map((n) => `  - ${n}`)] : []),
  ].join("\n");
}

/** Per-layer DAC code utilisation (first seed): the input range, non-zero codes, clipped inputs, the 99th percentile
 *  of |code| and the bits it spans. Layers using fewer than 4 bits are flagged: their inputs are mostly rounded away. */
function utilisationLines(r: EvalResult): string[] {
  const L = r.stats.layers;
  if (L.length === 0 || r.stats.ideal) return [];
  const cal = r.calibration;
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  const rows = L.map((l) => [
    l.name,
    cal ? (cal.tileBounds?.[l.name]?.map((b) => b.toPrecision(3)).join("/") ?? cal.bounds[l.name]?.toPrecision(4) ?? "") : "dynamic",
    pct(l.inputNonzeroFraction),
    l.dacClipRate > 0 ? `${(100 * l.dacClipRate).toPrecision(2)} %` : "0",
    l.inputCodeP99 === undefined || Number.isNaN(l.inputCodeP99) ? "-" : String(l.inputCodeP99),
    l.inputBitsUsed === undefined || Number.isNaN(l.inputBitsUsed) ? "-" : `${l.inputBitsUsed.toFixed(1)}${l.inputBitsUsed < 4 ? " (!)" : ""}`,
  ]);
  const rule = cal ? `${cal.mode}${cal.quantile !== undefined ? ` ${cal.quantile}` : ""}${cal.tileBounds ? " per tile" : ""}` : "dynamic (abs-max per vector)";
  return ["", `input code utilisation per layer (${r.stats.dacBits}-bit DAC, input ranges: ${rule}):`, table(["layer", "input range", "non-zero codes", "clipped", "p99 |code|", "bits used"], rows)];
}

export const evalCmd = defineCommand({
  name: "eval",
  summary: "accuracy under analog noise: perplexity, top-1 agreement, KL vs noise-free; W4A8 baseline",
  options: {
    chip: { type: "string", arg: "spec", default: "afm-pcm", help: "the chip whose analog part is evaluated" },
    model: { type: "string", arg: "folder", default: `${BUNDLED_MODEL} (bundled)`, help: "a Hugging Face checkpoint folder (config.json, *.safetensors, tokenizer.json)" },
    text: { type: "string", arg: "file", default: "<folder>/heldout.txt", help: "UTF-8 held-out text, tokenised with the folder's tokenizer.json" },
    tokens: { type: "string", arg: "N", default: "2048", help: "held-out tokens scored" },
    seeds: { type: "string", arg: "K", default: "3", help: "Monte Carlo seeds (chips programmed with different noise)" },
    "t-inf": { type: "string", arg: "s", default: "the chip's noise.tInfS", help: "time since programming (drift), seconds" },
    "no-compensation": { type: "boolean", help: "turn global drift compensation off (default: the chip's setting)" },
    "no-baseline": { type: "boolean", help: "skip the digital W4A8 baseline (scored by default)" },
    calibration: { type: "string", arg: "rule", default: "auto", help: "static input ranges: auto (learned if the checkpoint has them, else percentile 99.9), learned, quantile, max, mse" },
    percentile: { type: "string", arg: "p", default: "99.9 (auto) / 99.995 (quantile, aihwkit)", help: "percentile of |x| for the quantile rule" },
    "per-tile": { type: "boolean", help: "calibrate one input range per row tile instead of one per layer" },
    "bound-management": { type: "string", arg: "mode", default: "none", help: "aihwkit bound management: none or iterative (halve the input while the ADC saturates)" },
    "noise-management": { type: "string", arg: "mode", default: "abs-max", help: "dynamic input ranges (aihwkit noise management): abs-max, average-abs-max or none" },
    "drift-readout": { type: "string", arg: "mode", default: "ideal", help: "drift-compensation readout: ideal, noisy (through the tile's read path, as aihwkit) or exact-reference (aihwkit 1.1)" },
    "per-column-compensation": { type: "boolean", help: "one drift-compensation factor per output column instead of per tile" },
    "adc-offset-lsb": { type: "string", arg: "sigma", default: "0", help: "static ADC offset error per output line, standard deviation in LSB" },
    "adc-gain-sigma": { type: "string", arg: "sigma", default: "0", help: "static ADC gain error per output line, relative standard deviation" },
    "stuck-off": { type: "string", arg: "rate", default: "0", help: "fraction of devices stuck at g_min" },
    "stuck-on": { type: "string", arg: "rate", default: "0", help: "fraction of devices stuck at g_max" },
    experts: { type: "string", arg: "where", default: "the chip's mapping.experts", help: "mixture-of-experts models: projections, analog or digital for every routed expert (sets mapping.experts.placement)" },
    "digital-experts": { type: "string", arg: "i,j,...", help: "mixture-of-experts models: expert indices kept digital in every layer (mapping.experts.digitalExperts)" },
    "most-loaded-digital": { type: "string", arg: "N", help: "mixture-of-experts models: keep each layer's N most-loaded experts digital (load: the noise-free model's routing on the scored text)" },
    router: { type: "string", arg: "where", default: "digital", help: "mixture-of-experts models: analog or digital router (mapping.experts.router)" },
    "router-stats": { type: "string", arg: "file", help: "mixture-of-experts models: write the noise-free model's routed token slots per layer and expert on the scored text, as JSON {\"layers\": [[...]]} (what `run --expert-load FILE` reads)" },
    "shared-expert": { type: "string", arg: "where", default: "projections", help: "mixture-of-experts models: projections, analog or digital shared expert (mapping.experts.shared)" },
    json: { type: "boolean", help: "print the result as JSON (its `stats` feed `run --activity`)" },
    report: { type: "string", arg: "dir", help: "write an HTML report to this folder" },
    force: { type: "boolean", help: "replace an output folder that aimcsim did not write (default: refuse)" },
  },
  async run(argv, io) {
    const p = parse(argv, this.options, "eval");
    const { outputDir } = await import("../reporting.ts");
    const out = outputDir(p, "report");
    const tokens = int(p, "tokens", 2048, "eval", 2);
    const seeds = int(p, "seeds", 3, "eval", 1, 1000);
    const tInf = str(p, "t-inf") !== undefined ? num(p, "t-inf", 3600, "eval", 0) : undefined;
    const { loadSpecFile } = await import("../../spec/index.ts");
    const { loadModel } = await import("../../model/checkpoint.ts");
    const { evaluate } = await import("../../eval/index.ts");
    const chip = await withExpertFlags(await loadSpecFile(str(p, "chip") ?? "afm-pcm"), {
      experts: str(p, "experts"),
      digitalExperts: str(p, "digital-experts"),
      router: str(p, "router"),
      shared: str(p, "shared-expert"),
      mostLoadedDigital: str(p, "most-loaded-digital"),
    });
    const model = await loadModel(str(p, "model") ?? bundledModelPath());
    const textFile = str(p, "text");
    let text: string | undefined;
    if (textFile !== undefined) {
      const { readFile } = await import("node:fs/promises");
      const { AimcsimError } = await import("../../errors.ts");
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(await readFile(textFile));
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code ?? "not valid UTF-8";
        throw new AimcsimError("UsageError", textFile, `cannot read the held-out text (${why}): --text needs a readable UTF-8 file`);
      }
    }
    const rule = str(p, "calibration") ?? "auto";
    if (!["auto", "learned", "quantile", "max", "mse"].includes(rule))
      throw new AimcsimError("UsageError", "--calibration", `must be one of auto, learned, quantile, max, mse; got "${rule}"`);
    const pctl = str(p, "percentile") !== undefined ? num(p, "percentile", 99.9, "eval", 0) : undefined;
    if (pctl !== undefined && !(pctl > 0 && pctl <= 100)) throw new AimcsimError("UsageError", "--percentile", "must be in (0, 100]");
    const calibrationRule = {
      rule: (pctl !== undefined && rule === "auto" ? "quantile" : rule) as "auto" | "learned" | "quantile" | "max" | "mse",
      ...(pctl !== undefined ? { quantile: pctl / 100 } : {}),
      ...(flag(p, "per-tile") ? { perTile: true } : {}),
    };
    const pick = <T extends string>(flagName: string, allowed: readonly T[]): T | undefined => {
      const v = str(p, flagName);
      if (v !== undefined && !allowed.includes(v as T)) throw new AimcsimError("UsageError", `--${flagName}`, `must be one of ${allowed.join(", ")}; got "${v}"`);
      return v as T | undefined;
    };
    const bm = pick("bound-management", ["none", "iterative"] as const);
    const nm = pick("noise-management", ["abs-max", "average-abs-max", "none"] as const);
    const dr = pick("drift-readout", ["ideal", "noisy", "exact-reference"] as const);
    const ioOpts = {
      ...(bm ? { boundManagement: bm } : {}),
      ...(nm ? { noiseManagement: nm } : {}),
      ...(dr ? { driftReadout: dr } : {}),
      ...(flag(p, "per-column-compensation") ? { perColumnCompensation: true } : {}),
      ...(str(p, "adc-offset-lsb") !== undefined ? { adcOffsetLsb: num(p, "adc-offset-lsb", 0, "eval", 0) } : {}),
      ...(str(p, "adc-gain-sigma") !== undefined ? { adcGainSigma: num(p, "adc-gain-sigma", 0, "eval", 0) } : {}),
      ...(str(p, "stuck-off") !== undefined ? { stuckOffRate: num(p, "stuck-off", 0, "eval", 0) } : {}),
      ...(str(p, "stuck-on") !== undefined ? { stuckOnRate: num(p, "stuck-on", 0, "eval", 0) } : {}),
    };
    const bar = new ProgressBar("eval: window forward passes", 1, progressSink(io));
    const r = await evaluate({
      model,
      chip,
      tokens,
      seeds,
      ...(text !== undefined ? { text } : {}),
      ...(tInf !== undefined ? { tInfS: tInf } : {}),
      ...(flag(p, "no-compensation") ? { driftCompensation: false } : {}),
      baselineW4A8: !flag(p, "no-baseline"),
      calibrationRule,
      io: ioOpts,
      onProgress: (d, t) => bar.update(d, t),
    });
    bar.end();
    const statsFile = str(p, "router-stats");
    if (statsFile !== undefined) {
      if (!r.routerCounts) throw new AimcsimError("UsageError", "--router-stats", `${r.model} is not a mixture-of-experts model`);
      const { writeFile } = await import("node:fs/promises");
      const body = JSON.stringify({ layers: r.routerCounts, source: `aimcsim eval: routing of the noise-free ${r.model} on ${r.tokensScored} scored tokens` }, null, 1);
      await writeFile(statsFile, body + "\n").catch((e: NodeJS.ErrnoException) => {
        throw new AimcsimError("UsageError", statsFile, `cannot write the router statistics (${e.code ?? e.message})`);
      });
    }
    if (out) {
      const { evalTable } = await import("../../report/eval-report.ts");
      const { writeReport } = await import("../../report/index.ts");
      const w = await writeReport(out.dir, {
        title: `Accuracy: ${r.model} on ${r.chip}`,
        summary: evalTable([{ label: r.analog.label, r }]),
        sections: [],
        spec: chip,
        model: model.shape,
        assumptions: r.notes,
        data: r,
      }, out);
      if (!flag(p, "json")) io.err(`report written to ${join(w.dir, "index.html")}`);
    }
    io.out(flag(p, "json") ? JSON.stringify(r, null, 2) : formatEval(r));
    return 0;
  },
});

/** The chip with the eval command's mixture-of-experts placement flags applied to mapping.experts (validated by
 *  the spec schema, like a spec file's field). */
export async function withExpertFlags(
  chip: ChipSpec,
  f: { experts?: string; digitalExperts?: string; router?: string; shared?: string; mostLoadedDigital?: string },
): Promise<ChipSpec> {
  if (f.experts === undefined && f.digitalExperts === undefined && f.router === undefined && f.shared === undefined && f.mostLoadedDigital === undefined) return chip;
  const one = (flagName: string, v: string | undefined, allowed: readonly string[]) => {
    if (v !== undefined && !allowed.includes(v)) throw new AimcsimError("UsageError", `--${flagName}`, `must be one of ${allowed.join(", ")}; got "${v}"`);
    return v;
  };
  const { EXPERT_DOMAINS, COMPUTE_DOMAINS } = await import("../../spec/schema.ts");
  const placement = one("experts", f.experts, EXPERT_DOMAINS) as (typeof EXPERT_DOMAINS)[number] | undefined;
  const router = one("router", f.router, COMPUTE_DOMAINS) as (typeof COMPUTE_DOMAINS)[number] | undefined;
  const shared = one("shared-expert", f.shared, EXPERT_DOMAINS) as (typeof EXPERT_DOMAINS)[number] | undefined;
  let digital: number[] | undefined;
  if (f.digitalExperts !== undefined) {
    digital = f.digitalExperts === "" ? [] : f.digitalExperts.split(",").map((x) => Number(x.trim()));
    digital.forEach((e, i) => {
      if (!Number.isInteger(e) || e < 0) throw new AimcsimError("UsageError", "--digital-experts", `must be a comma-separated list of expert indices (integers >= 0); item ${i} is "${f.digitalExperts!.split(",")[i]}"`);
    });
  }
  const { variant } = await import("../../spec/index.ts");
  const most = f.mostLoadedDigital === undefined ? undefined : Number(f.mostLoadedDigital);
  if (most !== undefined && !(Number.isInteger(most) && most >= 0))
    throw new AimcsimError("UsageError", "--most-loaded-digital", `must be a whole number >= 0, got "${f.mostLoadedDigital}"`);
  const { expertPolicy } = await import("../../mapping/experts.ts");
  const ex = expertPolicy(chip);
  return variant(chip, (d) => {
    d.mapping.experts = {
      ...ex,
      ...(placement ? { placement } : {}),
      ...(router ? { router } : {}),
      ...(shared ? { shared } : {}),
      digitalExperts: [...(digital ?? ex.digitalExperts)],
      ...(most !== undefined ? { mostLoadedDigital: most } : {}),
    };
  });
}

/** The accuracy part of `npm start`: the bundled model on `chipName` as ADC bits fall and t_inf grows.
 *  The windows and the noise-free reference are computed once and reused by every setting. */
export async function evalSection(chipName: string, io: Io, tokens = 512, seeds = 2) {
  const { loadSpecFile, variant } = await import("../../spec/index.ts");
  const { loadModel } = await import("../../model/checkpoint.ts");
  const { evaluate } = await import("../../eval/index.ts");
  const { prepareEval } = await import("../../eval/evaluate.ts");
  const { evalSections } = await import("../../report/eval-report.ts");
  const chip = await loadSpecFile(chipName);
  const model = await loadModel(bundledModelPath());
  const prepared = await prepareEval({ model, tokens });
  // One bar over the six settings: K seeds each, plus the W4A8 baseline once (the reference is shared).
  const W = prepared.windows.length;
  const bar = new ProgressBar("accuracy: window forward passes", W * (6 * seeds + 1), progressSink(io));
  let base = 0;
  const onProgress = (d: number) => bar.update(base + d - W);
  const finished = (r: EvalResult) => void (base += r.windows * (r.seeds.length + r.baselines.length));
  const bitsPoints = [];
  for (const bits of [8, 6, 4]) {
    const c = variant(chip, (d) => {
      d.analog!.tile.adc.bits = bits;
    });
    const r = await evaluate({ model, chip: c, tokens, seeds, baselineW4A8: bits === 8, prepared, onProgress });
    finished(r);
    bar.end();
    io.err(`  ADC ${bits} bits: perplexity ${ci(r.analog.perplexity)} (reference ${r.reference.perplexity.toPrecision(4)})`);
    bitsPoints.push({ x: bits, label: String(bits), r });
  }
  const tPoints = [];
  for (const t of [1, 86400, 86400 * 365]) {
    const r = await evaluate({ model, chip, tokens, seeds, tInfS: t, driftCompensation: false, prepared, onProgress });
    finished(r);
    bar.end();
    io.err(`  t_inf ${t} s (no compensation): perplexity ${ci(r.analog.perplexity)}`);
    tPoints.push({ x: t, label: String(t), r });
  }
  io.out("");
  io.out(formatEval(bitsPoints[0]!.r));
  const sweeps = [
    { axis: "ADC bits", points: bitsPoints },
    { axis: "t_inf (no drift compensation)", unit: "s", log: true, points: tPoints },
  ];
  return {
    sections: evalSections(sweeps),
    assumptions: [`accuracy: bundled model ${BUNDLED_MODEL} (real trained weights, WordNet glosses) on ${chip.name}; ${tokens} held-out tokens, ${seeds} seeds per point`, ...bitsPoints[0]!.r.notes],
    data: { adcBits: bitsPoints.map((p) => p.r), tInf: tPoints.map((p) => p.r) },
  };
}
