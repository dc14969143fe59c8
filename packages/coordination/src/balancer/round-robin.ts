import type { BalancingStrategy } from "./types.js";
import { stableHash } from "./worker-metrics.js";

/**
 * Simple rotation, made deterministic across workers: the task id's stable hash picks
 * a slot in the id-sorted eligible list, so every worker computes the same turn without a
 * shared counter (which would cost a store write per task).
 */
export const roundRobin: BalancingStrategy = {
  name: "round_robin",
  score(task, worker, ctx) {
    const index = ctx.eligible.findIndex((w) => w.id === worker.id);
    const turn = ctx.eligible.length === 0 ? -1 : stableHash(task.id) % ctx.eligible.length;
    const rotation = index === turn ? 1 : 0;
    return { score: rotation, parts: { rotation } };
  },
};
