// Bidirectional ring.
import type { NocTopologyModel } from "../model.ts";

export const RING: NocTopologyModel = {
  kind: "ring",
  averageHops: (endpoints) => endpoints / 4, // 4: bidirectional ring, mean distance N/4 (definition)
  // Assumption: the bisection bounds throughput; cutting a ring cuts two links.
  parallelLinks: () => 2,
};
