// Colour-blind-safe palettes, fixed so a component kind or op class has the same colour in every chart.
// Okabe & Ito, "Color Universal Design" (2008), for lines and points; Paul Tol's "muted" qualitative
// scheme (Tol, "Colour Schemes", SRON/EPS/TN/09-002, 2021) for up to ten stacked categories.
import type { ComponentKind } from "../sim/result.ts";
import type { OpClass } from "../model/ops.ts";

/** Lines and points (Okabe-Ito, reordered so the low-contrast yellow comes last). */
export const LINE_PALETTE: readonly string[] = [
  "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

/** Stacked or grouped categories (Tol muted, ten colours). */
export const CATEGORY_PALETTE: readonly string[] = [
  "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499", "#DDDDDD",
];

export const COMPONENT_COLORS: Readonly<Record<ComponentKind, string>> = {
  dac: "#88CCEE",
  crossbar: "#332288",
  adc: "#CC6677",
  accumulate: "#DDCC77",
  periphery: "#E69F00", // Okabe-Ito orange: Tol muted has ten colours
  systolic: "#117733",
  bitserial: "#999933",
  vector: "#44AA99",
  sram: "#AA4499",
  dram: "#882255",
  noc: "#DDDDDD",
  link: "#000000", // black: the palette has no colour left
};

export const OP_CLASS_COLORS: Readonly<Record<OpClass, string>> = {
  projection: "#0072B2",
  attention: "#D55E00",
  other: "#BBBBBB",
};

/** Neutral colours for axes, grid, dominated points and text. */
export const INK = "#222222";
export const GRID = "#E6E6E6";
export const MUTED = "#8C8C8C";

/** Marker shapes so lines stay distinguishable in greyscale print. */
export const MARKERS = ["circle", "square", "triangle", "diamond", "triangle-down", "cross"] as const;
export type MarkerShape = (typeof MARKERS)[number];

/** Colour for series `i`, honouring an explicit override by key. */
export function seriesColor(
  key: string,
  i: number,
  overrides: Readonly<Record<string, string>> | undefined,
  palette: readonly string[],
): string {
  return overrides?.[key] ?? palette[i % palette.length];
}
