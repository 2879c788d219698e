// 2-D mesh of k x k routers (k = ceil(sqrt N)), dimension-order routing.
import type { NocTopologyModel } from "../model.ts";

export const MESH: NocTopologyModel = {
  kind: "mesh",
  // Mean Manhattan distance between two uniformly chosen routers (same-node pairs included): the mean
  // |i - j| over a line of k nodes is (k^2 - 1) / (3k) (definition), twice for two dimensions.
  averageHops: (endpoints) => {
    const k = Math.ceil(Math.sqrt(endpoints));
    return (2 * (k * k - 1)) / (3 * k); // 3: mean |i - j| formula above (definition)
  },
  // Assumption: the bisection bounds throughput; a k x k mesh's bisection has ~sqrt(N) links.
  parallelLinks: (routers) => Math.max(1, Math.floor(Math.sqrt(routers))),
};
