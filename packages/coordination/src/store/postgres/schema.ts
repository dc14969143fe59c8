import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
} from "drizzle-orm/pg-core";

/**
 * The Postgres store's tables: the embedded store's (sqlite/schema.ts) column for column, so a
 * transition reads the same in both. Timestamps are milliseconds of the database server's
 * clock (one clock for every machine); JSON columns hold `JSON.stringify` text, so a value
 * reads back byte for byte as it was written. Migrations are generated from this file by
 * drizzle-kit (`drizzle.postgres.config.ts`, output `drizzle/postgres/`).
 */

const ms = (name: string) => bigint(name, { mode: "number" });

export const tasks = pgTable(
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
    timeoutMs: ms("timeout_ms").notNull(),
    runAt: ms("run_at").notNull(),
    pinnedWorkerId: text("pinned_worker_id"),
    affinityKey: text("affinity_key"),
    dependsOn: text("depends_on").notNull().default("[]"),
    onDependencyFailure: text("on_dependency_failure").notNull().default("cancel"),
    workerId: text("worker_id"),
    fencingToken: ms("fencing_token"),
    result: text("result"),
    lastError: text("last_error"),
    createdAt: ms("created_at").notNull(),
    updatedAt: ms("updated_at").notNull(),
    startedAt: ms("started_at"),
    finishedAt: ms("finished_at"),
  },
  (t) => [
    index("tasks_state_run_at_idx").on(t.state, t.runAt),
    // The claim poll's order over exactly the claimable rows (see listClaimable).
    index("tasks_claimable_idx")
      .on(sql`${t.priority} DESC`, t.createdAt, t.id)
      .where(sql`${t.state} IN ('queued', 'failed')`),
    index("tasks_worker_idx").on(t.workerId, t.state),
    index("tasks_finished_idx").on(t.finishedAt).where(sql`${t.state} IN ('succeeded', 'dead', 'cancelled')`),
  ],
);

export const taskDependencies = pgTable(
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

/** One row per task; `seq` is the fencing counter and only grows. */
export const locks = pgTable(
  "locks",
  {
    taskId: text("task_id")
      .primaryKey()
      .references(() => tasks.id),
    seq: ms("seq").notNull(),
    ownerId: text("owner_id"),
    acquiredAt: ms("acquired_at"),
    expiresAt: ms("expires_at"),
    metadata: text("metadata"),
  },
  (t) => [index("locks_owner_idx").on(t.ownerId)],
);

export const workers = pgTable(
  "workers",
  {
    id: text("id").primaryKey(),
    hostname: text("hostname").notNull(),
    pid: integer("pid").notNull(),
    version: text("version").notNull(),
    maxConcurrency: integer("max_concurrency").notNull(),
    supportedTaskTypes: text("supported_task_types").notNull(),
    cpuCores: doublePrecision("cpu_cores").notNull(),
    memoryMb: integer("memory_mb").notNull(),
    labels: text("labels").notNull(),
    heartbeatIntervalMs: ms("heartbeat_interval_ms").notNull(),
    leaseMs: ms("lease_ms").notNull(),
    healthUrl: text("health_url"),
    state: text("state").notNull(),
    activeTasks: integer("active_tasks").notNull(),
    registeredAt: ms("registered_at").notNull(),
    lastHeartbeatAt: ms("last_heartbeat_at").notNull(),
    stateChangedAt: ms("state_changed_at").notNull(),
    drainRequested: boolean("drain_requested").notNull(),
  },
  (t) => [index("workers_state_idx").on(t.state)],
);

export const workerMetrics = pgTable("worker_metrics", {
  workerId: text("worker_id")
    .primaryKey()
    .references(() => workers.id),
  reportedAt: ms("reported_at").notNull(),
  metrics: text("metrics").notNull(),
});

/** Deleted keys stay as tombstones (value null, deleted = true) so store order is never lost. */
export const memory = pgTable("memory", {
  key: text("key").primaryKey(),
  value: text("value"),
  version: ms("version").notNull(),
  writerId: text("writer_id").notNull(),
  updatedAt: ms("updated_at").notNull(),
  deleted: boolean("deleted").notNull(),
});

/** Named monotonic counters (the global memory version). */
export const counters = pgTable("counters", {
  name: text("name").primaryKey(),
  value: ms("value").notNull(),
});

/**
 * The event log. Ids come from a sequence in commit order, because every write transaction
 * holds the store's write lock (transaction.ts): a reader that saw id N never later meets a
 * smaller id committed after it, which `readEvents(afterId)` depends on.
 */
export const events = pgTable(
  "events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: ms("at").notNull(),
    kind: text("kind").notNull(),
    taskId: text("task_id"),
    workerId: text("worker_id"),
    actor: text("actor").notNull(),
    data: text("data").notNull().default("{}"),
  },
  (t) => [
    index("events_task_idx").on(t.taskId, t.id),
    index("events_heartbeat_at_idx").on(t.at).where(sql`${t.kind} = 'worker.heartbeat'`),
    index("events_task_log_at_idx").on(t.at).where(sql`${t.kind} = 'task.log'`),
  ],
);

export const taskLogs = pgTable("task_logs", {
  taskId: text("task_id")
    .primaryKey()
    .references(() => tasks.id),
  fraction: doublePrecision("fraction"),
  progressMessage: text("progress_message"),
  progressAt: ms("progress_at"),
  progressAttempt: integer("progress_attempt"),
  dropped: integer("dropped").notNull(),
  updatedAt: ms("updated_at").notNull(),
});

export const taskLogLines = pgTable(
  "task_log_lines",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    taskId: text("task_id")
      .notNull()
      .references(() => tasks.id),
    at: ms("at").notNull(),
    attempt: integer("attempt").notNull(),
    level: text("level").notNull(),
    message: text("message").notNull(),
    fields: text("fields"),
  },
  (t) => [index("task_log_lines_task_idx").on(t.taskId, t.id)],
);

export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: ms("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

export const taskTypePauses = pgTable("task_type_pauses", {
  type: text("type").primaryKey(),
  pausedBy: text("paused_by").notNull(),
  pausedAt: ms("paused_at").notNull(),
});

export const taskTypeLimits = pgTable("task_type_limits", {
  type: text("type").primaryKey(),
  maxRunning: integer("max_running"),
  maxStarts: integer("max_starts"),
  intervalMs: ms("interval_ms"),
  setBy: text("set_by").notNull(),
  setAt: ms("set_at").notNull(),
});

export const taskTypeStarts = pgTable(
  "task_type_starts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    type: text("type").notNull(),
    at: ms("at").notNull(),
  },
  (t) => [index("task_type_starts_type_at_idx").on(t.type, t.at)],
);

export const schedules = pgTable("schedules", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  spec: text("spec").notNull(),
  paused: boolean("paused").notNull(),
  horizon: ms("horizon").notNull(),
  createdAt: ms("created_at").notNull(),
  createdBy: text("created_by").notNull(),
  updatedAt: ms("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/** One row per fired slot; the primary key is the slot key, written with the slot's task. */
export const scheduleRuns = pgTable(
  "schedule_runs",
  {
    scheduleId: text("schedule_id").notNull(),
    slotAt: ms("slot_at").notNull(),
    taskId: text("task_id").notNull(),
    firedAt: ms("fired_at").notNull(),
    firedBy: text("fired_by").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scheduleId, t.slotAt] })],
);

export const auditRecords = pgTable(
  "audit_records",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: ms("at").notNull(),
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
