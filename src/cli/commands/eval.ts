// `aimcsim eval --chip <spec> --model <folder> [--tokens N] [--seeds K] [--t-inf 3600] [--json] [--report dir]`
import { join } from "node:path";
import { evaluate, type EvalResult } from "../../eval/index.ts";
import { prepareEval } from "../../eval/evaluate.ts";
import { loadModel } from "../../model/checkpoint.ts";
import { evalSections, evalTable } from "../../report/eval-report.ts";
import { writeReport, type ReportDoc } from "../../report/index.ts";
import { loadSpecFile, variant } from "../../spec/index.ts";
import { flag, int, num, parse, str } from "../args.ts";
import { table } from "../format.ts";
import type { Io } from "../io.ts";
import { outputDir } from "../reporting.ts";

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
    ...(r.notes.length ? ["", "notes:", ...r.notes.map((n) => `  - ${n}`)] : []),
  ].join("\n");
}

export async function evalCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse(
    argv,
    {
      chip: { type: "string" },
      model: { type: "string" },
      tokens: { type: "string" },
      seeds: { type: "string" },
      "t-inf": { type: "string" },
      "no-compensation": { type: "boolean" },
      "no-baseline": { type: "boolean" },
      json: { type: "boolean" },
      report: { type: "string" },
      force: { type: "boolean" },
    },
    "eval",
  );
  const out = outputDir(p, "report");
  const chip = await loadSpecFile(str(p, "chip") ?? "afm-pcm");
  const model = await loadModel(str(p, "model") ?? BUNDLED_MODEL);
  const tInf = str(p, "t-inf");
  const r = await evaluate({
    model,
    chip,
    tokens: int(p, "tokens", 2048, "eval", 2),
    seeds: int(p, "seeds", 3, "eval", 1, 1000),
    ...(tInf !== undefined ? { tInfS: num(p, "t-inf", 3600, "eval", 0) } : {}),
    ...(flag(p, "no-compensation") ? { driftCompensation: false } : {}),
    baselineW4A8: !flag(p, "no-baseline"),
  });
  if (out) {
    const doc: ReportDoc = {
      title: `Accuracy: ${r.model} on ${r.chip}`,
      summary: evalTable([{ label: r.analog.label, r }]),
      sections: [],
      spec: chip,
      model: model.shape,
      assumptions: r.notes,
      data: r,
    };
    const w = await writeReport(out.dir, doc, out);
    if (!flag(p, "json")) io.err(`report written to ${join(w.dir, "index.html")}`);
  }
  io.out(flag(p, "json") ? JSON.stringify(r, null, 2) : formatEval(r));
  return 0;
}

/** The accuracy part of `npm start`: the bundled model on `chipName` as ADC bits fall and t_inf grows.
 *  The windows and the noise-free reference are computed once and reused by every setting. */
export async function evalSection(chipName: string, io: Io, tokens = 512, seeds = 2) {
  const chip = await loadSpecFile(chipName);
  const model = await loadModel(BUNDLED_MODEL);
  const prepared = await prepareEval({ model, tokens });
  const bitsPoints = [];
  for (const bits of [8, 6, 4]) {
    const c = variant(chip, (d) => {
      d.analog!.tile.adc.bits = bits;
    });
    const r = await evaluate({ model, chip: c, tokens, seeds, baselineW4A8: bits === 8, prepared });
    io.err(`  ADC ${bits} bits: perplexity ${ci(r.analog.perplexity)} (reference ${r.reference.perplexity.toPrecision(4)})`);
    bitsPoints.push({ x: bits, label: String(bits), r });
  }
  const tPoints = [];
  for (const t of [1, 86400, 86400 * 365]) {
    const r = await evaluate({ model, chip, tokens, seeds, tInfS: t, driftCompensation: false, prepared });
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
