// Crossbar switch: every pair one hop apart, N transfers at once.
import type { NocTopologyModel } from "../model.ts";

export const CROSSBAR_SWITCH: NocTopologyModel = {
  kind: "crossbar",
  averageHops: () => 1,
  parallelLinks: (routers) => routers,
};
