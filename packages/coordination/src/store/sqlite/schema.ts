import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The embedded store's tables. All timestamps are store-clock milliseconds (clock.ts:
 * SQLite's time corrected to the kernel's), JSON columns hold `JSON.stringify` text. Migrations are generated
 * from this file by drizzle-kit (`drizzle.store.config.ts`, output `drizzle/store/`).
 */

export const tasks = sqliteTable(
  "tasks",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    title: text("title").notNull(),
    priority: integer("priority").notNull(),
    params: text("params").notNull(),
    state: text("state").notNull(),
    attempts: integer("attempts").notNull(),
    maxAttempts: integer("max_attempts").notNull(),
    timeoutMs: integer("timeout_ms").notNull(),
    runAt: integer("run_at").notNull(),
    pinnedWorkerId: text("pinned_worker_id"),
    affinityKey: text("affinity_key"),
    /** JSON array of task ids (fixed at creation); `task_dependencies` holds the same edges for reverse lookups. */
    dependsOn: text("depends_on").notNull().default("[]"),
    onDependencyFailure: text("on_dependency_failure").notNull().default("cancel"),
    workerId: text("worker_id"),
    fencingToken: integer("fencing_token"),
    result: text("result"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
  },
  (t) => [
    // Claim queries filter on (state, run_at): without it every claim scans finished rows.
    index("tasks_state_run_at_idx").on(t.state, t.runAt),
    // The claim poll's exact order over exactly the claimable rows, so a poll reads `limit`
    // rows off the index instead of sorting the whole backlog (see listClaimable). It
    // replaces an index on (state, priority, created_at), which could not serve that order.
    index("tasks_claimable_idx")
      .on(sql`${t.priority} DESC`, t.createdAt, t.id)
      .where(sql`${t.state} IN ('queued', 'failed')`),
    index("tasks_worker_idx").on(t.workerId, t.state),
    // Retention picks finished tasks oldest first (task-retention.ts) without scanning the live ones.
    index("tasks_finished_idx").on(t.finishedAt).where(sql`${t.state} IN ('succeeded', 'dead', 'cancelled')`),
  ],
);

/**
 * Which task waits for which (domain/task-dependencies.ts): read by the claim poll for a
 * dependent's set, and by a dependency's dead or cancelled end for the dependents it dooms.
 */
export const taskDependencies = sqliteTable(
  "task_dependencies",
  {
    taskId: text("task_id")
      .notNull()
      .references(() => tasks.id),
    dependsOnId: text("depends_on_id")
      .notNull()
      .references(() => tasks.id),
  },
  (t) => [
    primaryKey({ columns: [t.taskId, t.dependsOnId] }),
    index("task_dependencies_depends_on_idx").on(t.dependsOnId),
  ],
);

/**
 * One row per task, created with it. `seq` is the fencing counter: it only grows, across
 * acquisitions and revocations, so the row outlives every individual lock.
 */
export const locks = sqliteTable(
  "locks",
  {
    taskId: text("task_id")
      .primaryKey()
      .references(() => tasks.id),
    seq: integer("seq").notNull(),
    ownerId: text("owner_id"),
    acquiredAt: integer("acquired_at"),
    expiresAt: integer("expires_at"),
    metadata: text("metadata"),
  },
  (t) => [index("locks_owner_idx").on(t.ownerId)],
);

export const workers = sqliteTable(
  "workers",
  {
    id: text("id").primaryKey(),
    hostname: text("hostname").notNull(),
    pid: integer("pid").notNull(),
    version: text("version").notNull(),
    maxConcurrency: integer("max_concurrency").notNull(),
    supportedTaskTypes: text("supported_task_types").notNull(),
    cpuCores: real("cpu_cores").notNull(),
    memoryMb: integer("memory_mb").notNull(),
    labels: text("labels").notNull(),
    heartbeatIntervalMs: integer("heartbeat_interval_ms").notNull(),
    leaseMs: integer("lease_ms").notNull(),
    healthUrl: text("health_url"),
    state: text("state").notNull(),
    activeTasks: integer("active_tasks").notNull(),
    registeredAt: integer("registered_at").notNull(),
    lastHeartbeatAt: integer("last_heartbeat_at").notNull(),
    stateChangedAt: integer("state_changed_at").notNull(),
    drainRequested: integer("drain_requested", { mode: "boolean" }).notNull(),
  },
  (t) => [index("workers_state_idx").on(t.state)],
);

/** Each worker's latest metrics rollup (domain/worker-metrics.ts), written by its heartbeat. */
export const workerMetrics = sqliteTable("worker_metrics", {
  workerId: text("worker_id")
    .primaryKey()
    .references(() => workers.id),
  reportedAt: integer("reported_at").notNull(),
  metrics: text("metrics").notNull(),
});

/** Deleted keys stay as tombstones (value null, deleted = true) so store order is never lost. */
export const memory = sqliteTable("memory", {
  key: text("key").primaryKey(),
  value: text("value"),
  version: integer("version").notNull(),
  writerId: text("writer_id").notNull(),
  updatedAt: integer("updated_at").notNull(),
  deleted: integer("deleted", { mode: "boolean" }).notNull(),
});

/** Named monotonic counters (the global memory version). */
export const counters = sqliteTable("counters", {
  name: text("name").primaryKey(),
  value: integer("value").notNull(),
});

export const events = sqliteTable(
  "events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    kind: text("kind").notNull(),
    taskId: text("task_id"),
    workerId: text("worker_id"),
    actor: text("actor").notNull(),
    data: text("data").notNull().default(sql`'{}'`),
  },
  (t) => [
    index("events_task_idx").on(t.taskId, t.id),
    // Heartbeats are most of the log; retention deletes them by age (see event-retention.ts).
    index("events_heartbeat_at_idx").on(t.at).where(sql`${t.kind} = 'worker.heartbeat'`),
    // Task log events are pruned by age the same way.
    index("events_task_log_at_idx").on(t.at).where(sql`${t.kind} = 'task.log'`),
  ],
);

/** A task's latest progress and how many of its log lines were dropped (domain/task-log.ts). */
export const taskLogs = sqliteTable("task_logs", {
  taskId: text("task_id")
    .primaryKey()
    .references(() => tasks.id),
  fraction: real("fraction"),
  progressMessage: text("progress_message"),
  progressAt: integer("progress_at"),
  progressAttempt: integer("progress_attempt"),
  dropped: integer("dropped").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** A task's kept log lines, oldest first by id; rotation deletes from the front. */
export const taskLogLines = sqliteTable(
  "task_log_lines",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    taskId: text("task_id")
      .notNull()
      .references(() => tasks.id),
    at: integer("at").notNull(),
    attempt: integer("attempt").notNull(),
    level: text("level").notNull(),
    message: text("message").notNull(),
    fields: text("fields"),
  },
  (t) => [index("task_log_lines_task_idx").on(t.taskId, t.id)],
);

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/** Task types (or `*`, the whole queue) whose tasks no worker claims: domain/task-type-pause.ts. */
export const taskTypePauses = sqliteTable("task_type_pauses", {
  type: text("type").primaryKey(),
  pausedBy: text("paused_by").notNull(),
  pausedAt: integer("paused_at").notNull(),
});

/**
 * A type's limits across the cluster: at most `max_running` running tasks, at most `max_starts`
 * starts per `interval_ms` (either may be null): domain/task-type-limit.ts.
 */
export const taskTypeLimits = sqliteTable("task_type_limits", {
  type: text("type").primaryKey(),
  maxRunning: integer("max_running"),
  maxStarts: integer("max_starts"),
  intervalMs: integer("interval_ms"),
  setBy: text("set_by").notNull(),
  setAt: integer("set_at").notNull(),
});

/**
 * When each task of a type with a starts limit started, kept for one window of that limit
 * (older rows are deleted by the next start of the type): the sliding-window count.
 */
export const taskTypeStarts = sqliteTable(
  "task_type_starts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    type: text("type").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("task_type_starts_type_at_idx").on(t.type, t.at)],
);

/** Repeating schedules: domain/schedule.ts. `spec` is the JSON of timing, task template and catch-up policy. */
export const schedules = sqliteTable("schedules", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  spec: text("spec").notNull(),
  paused: integer("paused", { mode: "boolean" }).notNull(),
  /** Slots at or before this store-clock time are decided (fired or passed over). */
  horizon: integer("horizon").notNull(),
  createdAt: integer("created_at").notNull(),
  createdBy: text("created_by").notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/**
 * One row per fired slot. The primary key (schedule, slot time) is the slot key: a second
 * firing of a slot cannot be inserted, and the row is written in the same transaction as the
 * task it created, so a slot's task exists exactly once.
 */
export const scheduleRuns = sqliteTable(
  "schedule_runs",
  {
    scheduleId: text("schedule_id").notNull(),
    slotAt: integer("slot_at").notNull(),
    taskId: text("task_id").notNull(),
    firedAt: integer("fired_at").notNull(),
    firedBy: text("fired_by").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scheduleId, t.slotAt] })],
);

/** The durable audit trail of operator actions: domain/audit.ts. */
export const auditRecords = sqliteTable(
  "audit_records",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    actor: text("actor").notNull(),
    role: text("role").notNull(),
    action: text("action").notNull(),
    target: text("target").notNull(),
    before: text("before"),
    after: text("after"),
    result: text("result").notNull(),
    reason: text("reason"),
  },
  (t) => [
    index("audit_records_actor_idx").on(t.actor, t.id),
    index("audit_records_target_idx").on(t.target, t.id),
    index("audit_records_at_idx").on(t.at),
  ],
);

export const schema = {
  auditRecords,
  tasks,
  taskDependencies,
  locks,
  workers,
  workerMetrics,
  memory,
  counters,
  events,
  settings,
  taskTypePauses,
  taskTypeLimits,
  taskTypeStarts,
  schedules,
  scheduleRuns,
  taskLogs,
  taskLogLines,
};
