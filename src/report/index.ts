// Public face of src/report: d3 charts rendered to standalone SVG strings in Node, tables in
// Markdown/LaTeX/CSV, and the self-contained HTML report folder.
export { stackedBarChart, type StackedBar, type StackedBarInput } from "./charts/stacked.ts";
export { lineChart, type LineChartInput, type LineSeries, type XY } from "./charts/line.ts";
export { groupedBarChart, type BarGroup, type GroupedBarInput } from "./charts/grouped.ts";
export { timelineChart, type TimelineInput, type TimelineSlice } from "./charts/timeline.ts";
export { errorBarChart, type ErrorBarInput, type IntervalPoint, type IntervalSeries } from "./charts/errorbars.ts";
export { paretoChart, paretoFrontIndices, type Direction, type ParetoInput, type ScatterPoint } from "./charts/pareto.ts";
export type { ScaleKind, ScaleOptions } from "./charts/scales.ts";
export type { ChartCommon } from "./svg.ts";
export {
  tableToMarkdown, tableToLatex, tableToCsv, tableToHtml, tableFromRecords, checkTable, summaryTable,
  type Table, type Column, type Cell, type SummaryRow,
} from "./table.ts";
export {
  escapeLatex, escapeXml, escapeMarkdownCell, csvField, formatNumber, formatQuantity, compactNumber, LATEX_SPECIALS,
} from "./format.ts";
export type { ReportDoc, ReportSection, ReportChart } from "./doc.ts";
export { renderHtml } from "./html.ts";
export { writeReport, reportFiles, type WrittenReport } from "./write.ts";
export { reportFromSimResult, runReport, checkSimResult, throughputCharts, type SimReportOptions, type ThroughputRow } from "./run-report.ts";
export { amdahlChart, amdahlTable, amdahlReport, type AmdahlChartRow, type AmdahlTableRow } from "./amdahl-report.ts";
export { sweepReport, sweepParetoChart, sweepTable, type SweepRow } from "./sweep-report.ts";
export { evalTable, evalSections, accuracyChart, type AccuracyRow, type EvalSweep } from "./eval-report.ts";
export { slicesFromSimRun, slicesFromTraceEvents, middleDecodeStep, defaultTrackOf, type SliceOptions, type TraceCompleteEvent } from "./timeline-slices.ts";
export { packLanes } from "./charts/timeline.ts";
export { COMPONENT_COLORS, OP_CLASS_COLORS, LINE_PALETTE, CATEGORY_PALETTE } from "./palette.ts";
export { COMPONENT_LABELS, OP_CLASS_LABELS } from "./labels.ts";
