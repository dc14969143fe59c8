import type { Counter } from "prom-client";
import type { WorkerRegistration } from "../../domain/worker.js";
import type { WorkerMetrics } from "../../domain/worker-metrics.js";
import type { CoordinationStore } from "../../store/port.js";
import { reportedBudget, reportedRefusals } from "../../store/reported-stats.js";
import type { WorkerCore } from "./worker-core.js";

async function total(counter: Counter<string>): Promise<number> {
  return (await counter.get()).values.reduce((sum, { value }) => sum + value, 0);
}

/**
 * The rollup a heartbeat publishes (domain/worker-metrics.ts): counters of this process, the
 * cadence the store last gave it, and on GitHub the token's budget and the refused comments
 * as this process's client saw them. Reads no more than the store's clock.
 */
export async function collectWorkerMetrics(
  core: WorkerCore,
  store: CoordinationStore,
  registration: Pick<WorkerRegistration, "heartbeatIntervalMs" | "leaseMs">,
): Promise<WorkerMetrics> {
  const localBefore = Date.now();
  const storeNow = await store.now();
  const local = (localBefore + Date.now()) / 2;
  const cadence = core.status.record ?? registration;
  return {
    tasksSucceeded: await total(core.metrics.tasksProcessed),
    tasksFailed: await total(core.metrics.tasksFailed),
    busyMs: core.busy.busyMs(),
    uptimeMs: Math.round(performance.now() - core.startedAtMs),
    heartbeatIntervalMs: cadence.heartbeatIntervalMs,
    leaseMs: cadence.leaseMs,
    clockOffsetMs: Math.round(storeNow - local),
    refused: reportedRefusals(store),
    budget: reportedBudget(store),
  };
}
