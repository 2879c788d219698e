// Shared bus: every transfer is one hop and occupies the bus.
import type { NocTopologyModel } from "../model.ts";

export const BUS: NocTopologyModel = {
  kind: "bus",
  averageHops: () => 1,
  parallelLinks: () => 1,
};
