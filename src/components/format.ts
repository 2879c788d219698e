// Formatting helpers for the assumption strings the component models return: the one SI formatter
// (src/util/numbers.ts).
import { formatQuantity } from "../util/numbers.ts";

export const fmtJ = (j: number): string => formatQuantity(j, "J");
export const fmtPs = (ps: number): string => formatQuantity(ps * 1e-12, "s"); // unit conversion ps -> s
export const fmtHz = (hz: number): string => formatQuantity(hz, "Hz");
