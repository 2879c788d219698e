export {
  evaluate,
  prepareEval,
  scoreBackend,
  scoreAnalog,
  calibrateStaticRanges,
  analogLinears,
  expertPlacement,
  tokenStream,
  type EvaluateOptions,
  type EvalResult,
  type BackendScore,
  type PreparedEval,
  type EvalWindow,
  type AnalogRunOptions,
  type ExpertLayerPlacement,
} from "./evaluate.ts";
export { interval, logInterval, clampInterval, studentT975, type Interval } from "./stats.ts";
export { MetricSums, logSoftmaxRows, argmaxRow } from "./metrics.ts";
export {
  andaPrecisionSearch,
  andaTop1Evaluator,
  andaBitOps,
  andaMacsPerToken,
  ANDA_MAX_BITS,
  ANDA_MAX_ITERATIONS,
  ANDA_MIN_BITS,
  type AndaSearchOptions,
  type AndaSearchResult,
  type AndaStep,
  type AndaTuple,
} from "./anda.ts";
