import { availableSlots } from "../domain/worker.js";
import type { BalancingStrategy } from "./types.js";
import { relativeFreeSlots } from "./worker-metrics.js";

/**
 * Most free slots wins, in absolute terms: a 50-slot worker with 10 busy beats a 5-slot idle
 * one, which least-loaded (a ratio) would not prefer.
 */
export const capacityBased: BalancingStrategy = {
  name: "capacity_based",
  score(_task, worker, ctx) {
    const freeSlots = availableSlots(worker);
    const relative = relativeFreeSlots(worker, ctx.eligible);
    return { score: relative, parts: { freeSlots, relativeFreeSlots: relative } };
  },
};
