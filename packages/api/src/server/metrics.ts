import { isLeaseLive, TASK_STATES, WORKER_STATES } from "@sentinel/coordination";
import { Counter, Gauge, Registry } from "prom-client";
import { readBudget } from "../cache/budget.js";
import { listCachedLocks } from "../cache/lock-queries.js";
import { readSyncNumber } from "../cache/sync-state.js";
import { taskStateCounts } from "../cache/task-queries.js";
import { listCachedWorkers } from "../cache/worker-queries.js";
import type { ControlPlaneCore } from "../context.js";
import { registerQueueAndAlertMetrics } from "./queue-and-alert-metrics.js";

/**
 * The control plane's Prometheus metrics, computed from the cache at scrape time. One
 * registry per control plane (not prom-client's global one) so several can live in a process.
 */
export function createControlPlaneMetrics(core: ControlPlaneCore): Registry {
  const registry = new Registry();
  const db = core.cache.db;

  new Gauge({
    name: "sentinel_workers",
    help: "Workers by state",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const counts = new Map<string, number>(WORKER_STATES.map((s) => [s, 0]));
      for (const w of listCachedWorkers(db)) counts.set(w.state, (counts.get(w.state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  new Gauge({
    name: "sentinel_capacity_slots",
    help: "Task slots of workers holding a live lease: total and used",
    labelNames: ["kind"],
    registers: [registry],
    collect() {
      const now = core.syncer.storeNow();
      const live = listCachedWorkers(db).filter((w) => isLeaseLive(w, now));
      this.set(
        { kind: "total" },
        live.reduce((sum, w) => sum + w.maxConcurrency, 0),
      );
      this.set(
        { kind: "used" },
        live.reduce((sum, w) => sum + w.activeTasks, 0),
      );
    },
  });
  new Gauge({
    name: "sentinel_tasks",
    help: "Tasks by state",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const counts = taskStateCounts(db);
      for (const state of TASK_STATES) this.set({ state }, counts[state]);
    },
  });
  new Gauge({
    name: "sentinel_queue_depth",
    help: "Tasks waiting to run (queued or awaiting retry)",
    registers: [registry],
    collect() {
      const counts = taskStateCounts(db);
      this.set(counts.queued + counts.failed);
    },
  });
  new Gauge({
    name: "sentinel_locks_held",
    help: "Live task locks",
    registers: [registry],
    collect() {
      this.set(listCachedLocks(db).length);
    },
  });
  for (const outcome of ["succeeded", "failed"] as const) {
    let reported = 0;
    new Counter({
      name: `sentinel_tasks_${outcome}_total`,
      help: `Task attempts that ${outcome}, as observed by the control plane`,
      registers: [registry],
      collect() {
        const total = readSyncNumber(db, outcome === "succeeded" ? "tasks_succeeded_total" : "tasks_failed_total");
        if (total > reported) this.inc(total - reported);
        reported = Math.max(reported, total);
      },
    });
  }
  new Gauge({
    name: "sentinel_syncer_lag_seconds",
    help: "Seconds since the syncer last brought the cache up to date (store clock)",
    registers: [registry],
    collect() {
      const last = core.syncer.status().lastSyncAt;
      this.set(last === null ? -1 : Math.max(0, core.syncer.storeNow() - last) / 1000);
    },
  });
  new Gauge({
    name: "sentinel_syncer_last_event_id",
    help: "Id of the last store event applied to the cache",
    registers: [registry],
    collect() {
      this.set(readSyncNumber(db, "last_event_id"));
    },
  });
  new Gauge({
    name: "sentinel_github_budget",
    help: "GitHub API budget per request kind (GitHub backend only)",
    labelNames: ["kind", "measure"],
    registers: [registry],
    collect() {
      for (const row of readBudget(db)) {
        this.set({ kind: row.kind, measure: "used" }, row.used);
        if (row.remaining !== null) this.set({ kind: row.kind, measure: "remaining" }, row.remaining);
        if (row.limit !== null) this.set({ kind: row.kind, measure: "limit" }, row.limit);
      }
    },
  });
  const reportedRefusals = new Map<string, number>();
  new Counter({
    name: "sentinel_role_refusals_total",
    help: "Mutations refused because the caller's role is too low, by procedure (each one, also those the audit merged)",
    labelNames: ["procedure"],
    registers: [registry],
    collect() {
      for (const [procedure, total] of core.roleRefusals.totals()) {
        const reported = reportedRefusals.get(procedure) ?? 0;
        if (total > reported) this.inc({ procedure }, total - reported);
        reportedRefusals.set(procedure, total);
      }
    },
  });
  registerQueueAndAlertMetrics(registry, core);
  return registry;
}

export async function handleMetrics(_request: Request, controlPlane: { metrics: Registry }): Promise<Response> {
  return new Response(await controlPlane.metrics.metrics(), {
    headers: { "content-type": controlPlane.metrics.contentType },
  });
}
