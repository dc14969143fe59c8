import type { BalancingStrategy } from "./types.js";
import { utilization } from "./worker-metrics.js";

/** Least-loaded selection: the lowest utilisation wins (0 % beats 20 % beats 40 %). */
export const leastLoaded: BalancingStrategy = {
  name: "least_loaded",
  score(_task, worker) {
    const headroom = 1 - utilization(worker);
    return { score: headroom, parts: { headroom, utilization: 1 - headroom } };
  },
};
