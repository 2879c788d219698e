// The built-in evaluator: one aimcsim simulation per point (plus peak TOPS from describeChip). src/sim is imported lazily (on the first
// point), so loading a sweep does not pull in the simulator, and the optional accuracy function is loaded
// by reference like any evaluator (it may be slow: noisy forward passes over a calibration set).
import { moduleUrl } from "../../util/package.ts";
import { AimcsimError } from "../../errors.ts";
import type { ChipSpec } from "../../spec/types.ts";
import type { TransformerShape } from "../../model/shape.ts";
import type { SimResult } from "../../sim/result.ts";
import { loadEvaluator } from "../evaluator.ts";
import type { Metrics, PointInput } from "../types.ts";

export interface SimEvaluatorOptions {
  /** A PointEvaluator returning accuracy metrics (e.g. { nextTokenAgreement, perplexity }), merged into the row. */
  readonly accuracy?: { readonly module: string; readonly export: string; readonly options?: unknown };
  /** Passed to run(): 1 (error when the model does not fit), a chip count, or "auto". */
  readonly chips?: number | "auto";
  /** Passed to run(): prefill chunk in tokens. */
  readonly prefillChunk?: number;
}

type RunFn = (opts: {
  chip: ChipSpec;
  model: string | TransformerShape;
  promptTokens: number;
  genTokens: number;
  batch?: number;
  chips?: number | "auto";
  prefillChunk?: number;
}) => Promise<SimResult>;

type DescribeFn = (spec: ChipSpec) => { readonly peak: readonly { readonly part: string; readonly tops: number; readonly topsPerW: number }[] };

let runFn: Promise<RunFn> | undefined;
let describeFn: Promise<DescribeFn> | undefined;

function loadDescribe(): Promise<DescribeFn> {
  describeFn ??= import(moduleUrl("../../components/index.ts", import.meta.url).href).then((m: { describeChip?: unknown }) => {
    if (typeof m.describeChip !== "function") throw new AimcsimError("SweepError", "src/components/index.ts", "does not export describeChip()");
    return m.describeChip as DescribeFn;
  });
  return describeFn;
}

function loadRun(): Promise<RunFn> {
  runFn ??= (async () => {
    let mod: { run?: unknown };
    try {
      mod = (await import(moduleUrl("../../sim/index.ts", import.meta.url).href)) as { run?: unknown };
    } catch (e) {
      runFn = undefined;
      throw new AimcsimError("SweepError", "src/sim/index.ts", `the simulator is not available: ${(e as Error).message}`, { cause: e });
    }
    if (typeof mod.run !== "function") throw new AimcsimError("SweepError", "src/sim/index.ts", "does not export run()");
    return mod.run as RunFn;
  })();
  return runFn;
}

/** The row of one simulated point. */
export function simRow(r: SimResult): Metrics {
  return {
    tokensPerS: r.tokensPerS,
    tokensPerJ: r.tokensPerJ,
    ttftS: r.ttftS,
    tpotS: r.tpotS,
    totalS: r.totalS,
    energyJ: r.energyJ,
    energyPerTokenJ: r.energyPerTokenJ,
    areaMm2: r.areaMm2,
    tilesNeeded: r.mapping.tilesNeeded,
    tilesAvailable: r.mapping.tilesAvailable,
    chips: r.mapping.chips,
  };
}

export async function simEvaluator(input: PointInput, options: unknown): Promise<Metrics> {
  const opts = (options ?? {}) as SimEvaluatorOptions;
  const run = await loadRun();
  const result = await run({
    chip: input.spec,
    model: input.model,
    promptTokens: input.workload.promptTokens,
    genTokens: input.workload.genTokens,
    batch: input.workload.batch,
    ...(opts.chips !== undefined ? { chips: opts.chips } : {}),
    ...(opts.prefillChunk !== undefined ? { prefillChunk: opts.prefillChunk } : {}),
  });
  const row = simRow(result);
  const total = (await loadDescribe())(input.spec).peak.find((p) => p.part === "total");
  if (total) {
    row.peakTops = total.tops;
    row.peakTopsPerW = total.topsPerW;
  }
  if (opts.accuracy) {
    const acc = await loadEvaluator({ ...opts.accuracy, id: "accuracy" });
    const extra = await acc(input, opts.accuracy.options);
    for (const [k, v] of Object.entries(extra)) {
      if (k in row) throw new AimcsimError("SweepError", `accuracy.${k}`, "accuracy metric names must not shadow simulator metrics");
      row[k] = v;
    }
  }
  return row;
}
