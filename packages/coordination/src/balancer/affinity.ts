import type { BalancingStrategy } from "./types.js";
import { utilization } from "./worker-metrics.js";

/** Headroom only breaks ties between workers without history; a match always wins. */
const HEADROOM_WEIGHT = 0.25;

/**
 * Affinity (check the task history): prefer the worker that last ran a task with the same
 * affinityKey (else the same type), for warm caches and checkouts; otherwise least loaded.
 */
export const affinity: BalancingStrategy = {
  name: "affinity",
  score(task, worker, ctx) {
    const match = ctx.history.lastWorkerFor(task) === worker.id ? 1 : 0;
    const headroom = 1 - utilization(worker);
    return { score: match + HEADROOM_WEIGHT * headroom, parts: { affinity: match, headroom } };
  },
};
