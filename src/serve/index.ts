// Serving under load: request traces, continuous batching, SLOs (see serve.ts).
export { serve, sloRate, type ServeOptions, type ServeResult, type Percentiles, type RequestOutcome, type IterationRecord, type SloRatePoint } from "./serve.ts";
export { poissonRequests, parseTraceCsv, parseLengthDist, type ServeRequest, type LengthDist } from "./requests.ts";
export { IterationCostModel, type IterationCost, type IterationShape } from "./cost.ts";
