// Chrome Trace Event / Perfetto JSON output (open the file at ui.perfetto.dev or chrome://tracing).
//   buildTrace({ tracks, slices, counters, metadata }) -> ChromeTrace   (validates, ps -> us)
//   writeTraceFile(path, trace)                                          (validates, temp file + rename)
//   taskGraphTrace(graph, resources, run, opts)  -> TraceInput           (engine run -> tracks/slices/counters)
export {
  buildTrace,
  psToUs,
  type ChromeTrace,
  type TraceArgValue,
  type TraceCounter,
  type TraceEvent,
  type TraceInput,
  type TraceSlice,
  type TraceTrack,
} from "./build.ts";
export { validateTrace, writeTraceFile } from "./write.ts";
export { taskGraphTrace, type TaskGraphTraceOptions } from "./from-task-graph.ts";
