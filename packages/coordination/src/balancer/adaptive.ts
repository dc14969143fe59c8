import type { BalancingStrategy, WorkerPerformance } from "./types.js";
import { relativeFreeSlots, utilization } from "./worker-metrics.js";

const WEIGHTS = { headroom: 0.35, capacity: 0.25, success: 0.25, speed: 0.15 } as const;
/** Below this many samples a worker's record is too thin to judge; it gets the neutral prior. */
const MIN_SAMPLES = 3;
const NEUTRAL = 0.5;

/** Blends load, free capacity and each worker's recent success rate and latency. */
export const adaptive: BalancingStrategy = {
  name: "adaptive",
  score(_task, worker, ctx) {
    const known = (p: WorkerPerformance | null): p is WorkerPerformance => p !== null && p.samples >= MIN_SAMPLES;
    const own = ctx.history.performanceOf(worker.id);
    const latencies = ctx.eligible
      .map((w) => ctx.history.performanceOf(w.id))
      .filter(known)
      .map((p) => p.meanLatencyMs)
      .filter((ms) => ms > 0);
    const fastest = latencies.length > 0 ? Math.min(...latencies) : 0;

    const headroom = 1 - utilization(worker);
    const capacity = relativeFreeSlots(worker, ctx.eligible);
    const success = known(own) ? own.successRate : NEUTRAL;
    // A worker with no successful attempt has no latency to judge: neutral, its success rate already counts against it.
    const speed = known(own) && own.meanLatencyMs > 0 ? Math.min(1, fastest / own.meanLatencyMs) : NEUTRAL;
    const score =
      WEIGHTS.headroom * headroom + WEIGHTS.capacity * capacity + WEIGHTS.success * success + WEIGHTS.speed * speed;
    return { score, parts: { headroom, capacity, success, speed } };
  },
};
