// Display names for the result contract's keys (one place, so charts and tables agree).
import type { ComponentKind } from "../sim/result.ts";
import type { OpClass } from "../model/ops.ts";

export const COMPONENT_LABELS: Readonly<Record<ComponentKind, string>> = {
  dac: "DAC",
  crossbar: "Crossbar array",
  adc: "ADC",
  accumulate: "Partial-sum accumulate",
  periphery: "Tile periphery (lines, S&H, LDPU, buffers, clock)",
  systolic: "Systolic array",
  bitserial: "Bit-serial units",
  vector: "Vector units",
  sram: "SRAM",
  dram: "DRAM",
  noc: "Network-on-chip",
  link: "Chip-to-chip links",
};

export const OP_CLASS_LABELS: Readonly<Record<OpClass, string>> = {
  projection: "Projections",
  attention: "Attention",
  other: "Other",
};
