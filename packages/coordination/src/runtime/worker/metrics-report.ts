import type { Counter } from "prom-client";
import type { WorkerRegistration } from "../../domain/worker.js";
import type { WorkerBudget, WorkerMetrics } from "../../domain/worker-metrics.js";
import type { CoordinationStore } from "../../store/port.js";
import type { WorkerCore } from "./worker-core.js";

/** The GitHub store's extras (store/github/github-store.ts); other stores have neither. */
interface ReportingStore {
  budget(): {
    primary: { limit: number | null; remaining: number | null; used: number | null; reset: number | null };
    byKind: { reads: number; notModified: number; writes: number; failed: number };
    secondary: { writesLastMinute: number; writesLastHour: number; hits: number };
    effective: { lowBudget: boolean };
  };
  trustStats(): { refused: number; rejected: Record<string, number> };
}

function isReporting(store: CoordinationStore): store is CoordinationStore & ReportingStore {
  const candidate = store as Partial<ReportingStore>;
  return typeof candidate.budget === "function" && typeof candidate.trustStats === "function";
}

async function total(counter: Counter<string>): Promise<number> {
  return (await counter.get()).values.reduce((sum, { value }) => sum + value, 0);
}

function budgetOf(store: CoordinationStore & ReportingStore): WorkerBudget {
  const { primary, byKind, secondary, effective } = store.budget();
  return {
    primary: { limit: primary.limit, remaining: primary.remaining, used: primary.used, resetAt: primary.reset },
    requests: byKind,
    secondary: {
      writesLastMinute: secondary.writesLastMinute,
      writesLastHour: secondary.writesLastHour,
      hits: secondary.hits,
    },
    lowBudget: effective.lowBudget,
  };
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
  const reporting = isReporting(store) ? store : null;
  const trust = reporting?.trustStats();
  const cadence = core.status.record ?? registration;
  return {
    tasksSucceeded: await total(core.metrics.tasksProcessed),
    tasksFailed: await total(core.metrics.tasksFailed),
    busyMs: core.busy.busyMs(),
    uptimeMs: Math.round(performance.now() - core.startedAtMs),
    heartbeatIntervalMs: cadence.heartbeatIntervalMs,
    leaseMs: cadence.leaseMs,
    clockOffsetMs: Math.round(storeNow - local),
    refused: trust
      ? {
          total: trust.refused,
          byReason: Object.fromEntries(Object.entries(trust.rejected).filter(([, count]) => count > 0)),
        }
      : null,
    budget: reporting ? budgetOf(reporting) : null,
  };
}
