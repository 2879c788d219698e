// Binary tree with the endpoints at the leaves.
import type { NocTopologyModel } from "../model.ts";

export const TREE: NocTopologyModel = {
  kind: "tree",
  // Mean leaf-to-leaf path up to the common ancestor and down: sum over levels l of 2 l * 2^(l-1) / (N - 1)
  // over the 2^levels leaves (definition).
  averageHops: (endpoints) => {
    const levels = Math.ceil(Math.log2(endpoints));
    const leaves = 2 ** levels;
    let sum = 0;
    for (let l = 1; l <= levels; l++) sum += 2 * l * 2 ** (l - 1);
    return sum / (leaves - 1);
  },
  // Assumption: the root's link bounds throughput (uniform traffic crosses it half the time).
  parallelLinks: () => 1,
};
