// The report document: plain data that writeReport turns into HTML, SVG, tables and JSON.

import type { Table } from "./table.ts";

/** A chart ready for the page: a standalone SVG string and the file stem it is written under. */
export interface ReportChart {
  /** File stem for charts/<name>.svg (derived from the SVG's <title> when absent). */
  readonly name?: string;
  readonly svg: string;
  readonly caption?: string;
}

export interface ReportSection {
  readonly heading: string;
  /** Paragraphs (blank-line separated); plain text, escaped on output. */
  readonly text?: string;
  /** Charts as SVG strings or with a name and caption. */
  readonly charts: readonly (string | ReportChart)[];
  readonly tables: readonly Table[];
}

export interface ReportDoc {
  readonly title: string;
  readonly subtitle?: string;
  readonly summary: Table;
  readonly sections: readonly ReportSection[];
  /** The chip spec (JSON-serialisable), shown in a <details> block. */
  readonly spec: unknown;
  /** The model: a name or the TransformerShape. */
  readonly model: unknown;
  /** Always shown: ADC model, energy constants, phase accounting, what is approximate. */
  readonly assumptions: readonly string[];
  /** The raw input (e.g. the SimResult), written to report.json. */
  readonly data?: unknown;
  /** Fixed generation note (e.g. tool version); no timestamp by default so output is reproducible. */
  readonly generator?: string;
}
