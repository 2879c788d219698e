// The hardware component kinds of a chip: what energy, busy time and area are broken down by, and what each
// simulation resource is (a field of the resource, never parsed back from its name). Components own this
// list; the simulation and the reports import it from here.

/** Hardware component kinds that energy, time and area are broken down by. */
export type ComponentKind =
  | "dac"
  | "crossbar"
  | "adc"
  | "accumulate"
  | "periphery"
  | "systolic"
  | "bitserial"
  | "vector"
  | "sram"
  | "dram"
  | "noc"
  | "link";

export const COMPONENT_KINDS: readonly ComponentKind[] = [
  "dac",
  "crossbar",
  "adc",
  "accumulate",
  "periphery",
  "systolic",
  "bitserial",
  "vector",
  "sram",
  "dram",
  "noc",
  "link",
];

/** The kinds of an analog tile that have no engine resources of their own: their activity (for power gating)
 *  follows the crossbar banks'. */
export const ANALOG_TILE_KINDS: readonly ComponentKind[] = ["dac", "adc", "accumulate", "periphery"];
