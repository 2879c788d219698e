// The Anda precision search (Fang et al., HPCA 2025; src/eval/anda.ts) as a sweep strategy: the four
// mantissa lengths [qkv, o, up, down] are parameter axes of the sweep (param()), each tuple the search
// asks about is one sweep point (so it is stored, resumable and can run on any runner), and the
// accuracy is the metric `accuracyKey` of that point's row (e.g. from the sim evaluator's accuracy hook).
import type { TransformerShape } from "../model/shape.ts";
import type { AndaSearchOptions, AndaSearchResult, AndaTuple } from "../eval/anda.ts";
import { AimcsimError } from "../errors.ts";
import { delegate } from "./define.ts";
import type { AxisValue, Strategy } from "./types.ts";

export type AndaSearchFn = (opts: AndaSearchOptions) => Promise<AndaSearchResult>;

export interface AndaStrategyOptions {
  /** Names of the four parameter axes holding the mantissa bits of [qkv, o, up, down]. */
  readonly axes: readonly [string, string, string, string];
  /** Metric of the row that is the accuracy (higher is better). */
  readonly accuracyKey: string;
  /** Tolerated relative accuracy loss (Anda: e.g. 0.01). */
  readonly delta: number;
  /** Shape whose MAC counts weight the bit-operation cost. */
  readonly shape: TransformerShape;
  /** Values of the sweep's other axes (held fixed during the search). */
  readonly fixed?: Readonly<Record<string, AxisValue>>;
  /** Reference accuracy of the floating-point model; when absent, the tuple [16,16,16,16] is evaluated. */
  readonly fpAccuracy?: number;
  readonly maxIterations?: number;
  readonly minBits?: number;
  readonly maxBits?: number;
  /** The search to delegate to; default: andaPrecisionSearch of src/eval. */
  readonly search?: AndaSearchFn;
}

export function andaPrecision(opts: AndaStrategyOptions): Strategy {
  return delegate("anda-precision", async (ctx) => {
    for (const a of opts.axes)
      if (!(a in ctx.axes)) throw new AimcsimError("SweepError", `strategy.axes`, `the sweep has no axis "${a}" (declare it with param([...]))`);
    const search: AndaSearchFn = opts.search ?? ((await import("../eval/anda.ts")) as { andaPrecisionSearch: AndaSearchFn }).andaPrecisionSearch;
    return search({
      model: { shape: opts.shape },
      tokens: 0, // the point's workload decides what the accuracy is measured on
      delta: opts.delta,
      fpAccuracy: opts.fpAccuracy,
      maxIterations: opts.maxIterations,
      minBits: opts.minBits,
      maxBits: opts.maxBits,
      evaluateTuple: async (t: AndaTuple) => {
        const assignment: Record<string, AxisValue> = { ...(opts.fixed ?? {}) };
        opts.axes.forEach((a, i) => (assignment[a] = t[i]));
        const [rec] = await ctx.evaluate([assignment]);
        if (rec.status !== "ok") throw new AimcsimError("SweepError", `anda ${t.join(",")}`, `point failed: ${rec.error}`);
        const acc = rec.metrics[opts.accuracyKey];
        if (typeof acc !== "number") throw new AimcsimError("SweepError", opts.accuracyKey, "the evaluator's row has no such accuracy metric");
        return acc;
      },
    });
  });
}
