/**
 * The cluster's alert rules, judged on one view of it (the control plane's cache): which
 * conditions hold now. Each condition is identified by its code and subject, so a caller can
 * tell a new condition from one that still holds.
 */
export const ALERT_CODES = [
  "no_worker_for_type",
  "tasks_stalled",
  "stale_workers",
  "workers_offline",
  "queue_age",
  "tasks_dead",
  "no_live_workers",
  "budget_low",
  "sync_error",
] as const;
export type AlertCode = (typeof ALERT_CODES)[number];

/** A waiting group that no live worker can run (the control plane's stalled-tasks query). */
export interface StalledGroupView {
  type: string;
  pinnedWorkerId: string | null;
  n: number;
  waitingMs: number;
  reason: string;
}

/** One request kind's GitHub budget as last reported. */
export interface BudgetView {
  kind: string;
  remaining: number | null;
  limit: number | null;
}

export interface Alert {
  severity: "warning" | "critical";
  code: AlertCode;
  message: string;
  subject: string | null;
}

const BUDGET_LOW_FRACTION = 0.1;
/** Stale workers named in the alert; the rest are counted. */
export const NAMED_STALE_WORKERS = 10;

export interface AlertInput {
  /** Workers in an accepting state with a live lease. */
  liveAccepting: number;
  /** Task types those workers support. */
  liveTypes: ReadonlySet<string>;
  stale: { total: number; ids: string[] };
  /** OFFLINE workers: their lease ran out long ago and the monitor recovered their work; gone until one re-registers. */
  offline: { total: number; ids: string[] };
  /** Per type, how long its longest-waiting due task has waited (ms). */
  oldestDue: ReadonlyArray<{ type: string; oldestDueMs: number }>;
  /** A due task waiting longer than this raises queue_age (0: never). */
  queueAgeAlertMs: number;
  waiting: Array<{ type: string; n: number }>;
  /** Per type, tasks that went dead within the last `deadWindowMs` and are still dead. */
  deadRecently: ReadonlyArray<{ type: string; n: number }>;
  deadWindowMs: number;
  /** Waiting tasks no live worker can run, due for longer than the stall alert time. */
  stalled: readonly StalledGroupView[];
  budget: readonly BudgetView[];
  syncError: string | null;
}

export function computeAlerts(input: AlertInput): Alert[] {
  const alerts: Alert[] = [];
  const waitingTotal = input.waiting.reduce((sum, w) => sum + w.n, 0);
  if (input.liveAccepting === 0 && waitingTotal > 0) {
    alerts.push({
      severity: "critical",
      code: "no_live_workers",
      message: `${waitingTotal} task(s) waiting and no live worker`,
      subject: null,
    });
  }
  for (const g of input.stalled) {
    const pin = g.pinnedWorkerId === null ? "" : ` pinned to ${g.pinnedWorkerId}`;
    alerts.push({
      severity: "critical",
      code: "tasks_stalled",
      message: `${g.n} task(s) of type ${g.type}${pin} waiting ${Math.round(g.waitingMs / 1000)} s: ${g.reason}`,
      subject: g.type,
    });
  }
  // Shown at once, before the stall alert time; a type that has stalled that long says so above instead.
  const stalledTypes = new Set(input.stalled.filter((g) => g.pinnedWorkerId === null).map((g) => g.type));
  for (const { type, n } of input.waiting) {
    if (input.liveAccepting > 0 && !input.liveTypes.has(type) && !stalledTypes.has(type)) {
      alerts.push({
        severity: "critical",
        code: "no_worker_for_type",
        message: `no live worker supports type ${type} (${n} task(s) waiting)`,
        subject: type,
      });
    }
  }
  if (input.stale.total > 0) {
    const more =
      input.stale.total > input.stale.ids.length ? ` and ${input.stale.total - input.stale.ids.length} more` : "";
    alerts.push({
      severity: "warning",
      code: "stale_workers",
      message: `${input.stale.total} stale worker(s): ${input.stale.ids.join(", ")}${more}`,
      subject: null,
    });
  }
  if (input.offline.total > 0) {
    const more =
      input.offline.total > input.offline.ids.length
        ? ` and ${input.offline.total - input.offline.ids.length} more`
        : "";
    alerts.push({
      severity: "critical",
      code: "workers_offline",
      message: `${input.offline.total} offline worker(s): ${input.offline.ids.join(", ")}${more}`,
      subject: null,
    });
  }
  if (input.queueAgeAlertMs > 0) {
    for (const { type, oldestDueMs } of input.oldestDue) {
      if (oldestDueMs <= input.queueAgeAlertMs) continue;
      alerts.push({
        severity: "warning",
        code: "queue_age",
        message: `the oldest due task of type ${type} has waited ${Math.round(oldestDueMs / 1000)} s (alert above ${Math.round(input.queueAgeAlertMs / 1000)} s)`,
        subject: type,
      });
    }
  }
  for (const { type, n } of input.deadRecently) {
    alerts.push({
      severity: "critical",
      code: "tasks_dead",
      message: `${n} task(s) of type ${type} went dead (attempts exhausted) in the last ${Math.round(input.deadWindowMs / 60_000)} min`,
      subject: type,
    });
  }
  for (const row of input.budget) {
    if (row.remaining !== null && row.limit && row.remaining < row.limit * BUDGET_LOW_FRACTION) {
      alerts.push({
        severity: "warning",
        code: "budget_low",
        message: `GitHub ${row.kind} budget low: ${row.remaining}/${row.limit} left`,
        subject: row.kind,
      });
    }
  }
  if (input.syncError)
    alerts.push({ severity: "warning", code: "sync_error", message: `syncer: ${input.syncError}`, subject: null });
  return alerts;
}
