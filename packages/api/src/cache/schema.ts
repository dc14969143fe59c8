import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The control plane's cache of store state plus the history the store does not keep
 * (heartbeat timelines, lock hand-overs, audit log, throughput, change log). Rebuildable from
 * the store at any time except for that history. Changes go through `drizzle-kit generate`
 * (drizzle.cache.config.ts → drizzle/cache), never `push`.
 */

/** Latest view of every worker; `record` is the full WorkerRecord as JSON (the change detector compares it). */
export const workers = sqliteTable(
  "workers",
  {
    id: text("id").primaryKey(),
    hostname: text("hostname").notNull(),
    state: text("state").notNull(),
    activeTasks: integer("active_tasks").notNull(),
    maxConcurrency: integer("max_concurrency").notNull(),
    lastHeartbeatAt: integer("last_heartbeat_at").notNull(),
    record: text("record").notNull(),
  },
  (t) => [index("workers_state_idx").on(t.state)],
);

/** Every observed heartbeat, for timelines. (worker_id, at) is unique so re-observing one is a no-op. */
export const heartbeats = sqliteTable(
  "heartbeats",
  {
    workerId: text("worker_id").notNull(),
    at: integer("at").notNull(),
    activeTasks: integer("active_tasks").notNull(),
    state: text("state").notNull(),
    /**
     * The latest store-clock instant at which this was known to be the worker's newest beat
     * (a registry read still showed it, or the event log's next beat came then). Registry
     * polls sample, so a timeline claims a silence only as far as this covers it.
     */
    seenUntil: integer("seen_until"),
  },
  (t) => [primaryKey({ columns: [t.workerId, t.at] }), index("heartbeats_at_idx").on(t.at)],
);

/** Worker state changes, alerts and drain requests, drawn on the heartbeat timeline. */
export const workerEvents = sqliteTable(
  "worker_events",
  {
    eventId: integer("event_id").primaryKey(),
    workerId: text("worker_id").notNull(),
    kind: text("kind").notNull(),
    at: integer("at").notNull(),
    actor: text("actor").notNull(),
    data: text("data").notNull(),
  },
  (t) => [index("worker_events_worker_at_idx").on(t.workerId, t.at)],
);

/**
 * Latest view of every task. Pages are ordered by (created_at, id) descending; each filter
 * column leads an index that ends in that order, so a filtered page is an index range scan.
 * Text search goes through the `tasks_fts` trigram index (custom migration).
 */
export const tasks = sqliteTable(
  "tasks",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    title: text("title").notNull(),
    state: text("state").notNull(),
    priority: integer("priority").notNull(),
    attempts: integer("attempts").notNull(),
    workerId: text("worker_id"),
    pinnedWorkerId: text("pinned_worker_id"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    searchText: text("search_text").notNull(),
    record: text("record").notNull(),
  },
  (t) => [
    index("tasks_created_idx").on(t.createdAt, t.id),
    index("tasks_state_created_idx").on(t.state, t.createdAt, t.id),
    index("tasks_type_created_idx").on(t.type, t.createdAt, t.id),
    index("tasks_worker_created_idx").on(t.workerId, t.createdAt, t.id),
    index("tasks_state_type_idx").on(t.state, t.type),
    // Recently dead tasks per type (the dead-task alert on every overview): a range, not every dead task.
    index("tasks_state_updated_idx").on(t.state, t.updatedAt, t.type),
  ],
);

/**
 * How many cached tasks are in each (state, type), kept by triggers on `tasks` (custom
 * migration 0009): the overview's per-state counts and an unsearched tasks page's match count
 * read a few rows here instead of counting a million index entries (≈ 90 ms at 1,000,000
 * tasks on this machine kind).
 */
export const taskCounts = sqliteTable(
  "task_counts",
  {
    state: text("state").notNull(),
    type: text("type").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ columns: [t.state, t.type] })],
);

/**
 * Dependency edges of cached tasks (task → a task it waits for), keyed by the dependency so a
 * task's page finds what waits on it without scanning records. Edges are fixed at a task's
 * creation, so they are only ever added; the migration fills them from the cached records.
 */
export const taskDependencies = sqliteTable(
  "task_dependencies",
  {
    dependsOnId: text("depends_on_id").notNull(),
    taskId: text("task_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.dependsOnId, t.taskId] })],
);

/**
 * Each task's progress and kept log lines as the store last answered (`record`: the whole
 * TaskLog as JSON); the progress columns serve the tasks list.
 */
export const taskLogs = sqliteTable("task_logs", {
  taskId: text("task_id").primaryKey(),
  fraction: real("fraction"),
  progressMessage: text("progress_message"),
  updatedAt: integer("updated_at"),
  record: text("record").notNull(),
});

/** Store events about tasks, keyed by the store's event id. */
export const taskEvents = sqliteTable(
  "task_events",
  {
    eventId: integer("event_id").primaryKey(),
    taskId: text("task_id").notNull(),
    kind: text("kind").notNull(),
    at: integer("at").notNull(),
    actor: text("actor").notNull(),
    workerId: text("worker_id"),
    data: text("data").notNull(),
  },
  (t) => [index("task_events_task_idx").on(t.taskId, t.eventId)],
);

/** Live locks as last seen. */
export const locks = sqliteTable("locks", {
  taskId: text("task_id").primaryKey(),
  ownerId: text("owner_id").notNull(),
  token: integer("token").notNull(),
  acquiredAt: integer("acquired_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  metadata: text("metadata").notNull(),
});

/** Every lock acquisition / release / expiry / force release: who held which token when. */
export const lockHandovers = sqliteTable(
  "lock_handovers",
  {
    eventId: integer("event_id").primaryKey(),
    taskId: text("task_id").notNull(),
    kind: text("kind").notNull(),
    ownerId: text("owner_id"),
    token: integer("token"),
    actor: text("actor").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("lock_handovers_task_idx").on(t.taskId, t.at)],
);

export const memoryEntries = sqliteTable(
  "memory_entries",
  {
    key: text("key").primaryKey(),
    namespace: text("namespace").notNull(),
    value: text("value").notNull(),
    version: integer("version").notNull(),
    writerId: text("writer_id").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("memory_namespace_idx").on(t.namespace, t.key)],
);

/** Attempts finished per store-clock minute (ms since epoch, floored to the minute). */
export const throughputMinute = sqliteTable("throughput_minute", {
  minute: integer("minute").primaryKey(),
  succeeded: integer("succeeded").notNull().default(0),
  failed: integer("failed").notNull().default(0),
});

/** Syncer bookkeeping: last event id, last reconcile, totals. */
export const syncState = sqliteTable("sync_state", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** Each worker's latest metrics rollup (coordination's WorkerMetrics, as JSON), as the store reports it. */
export const workerMetrics = sqliteTable("worker_metrics", {
  workerId: text("worker_id").primaryKey(),
  reportedAt: integer("reported_at").notNull(),
  metrics: text("metrics").notNull(),
});

/** GitHub request budget per request kind, as the store reports it. */
export const apiBudget = sqliteTable("api_budget", {
  kind: text("kind").primaryKey(),
  used: integer("used").notNull(),
  remaining: integer("remaining"),
  limit: integer("limit"),
  resetAt: integer("reset_at"),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * The cache's own change log: one row per sync pass or operator action that changed
 * something. Live subscriptions follow it by id, so they resume across restarts and work
 * from any process that opens the cache file.
 */
export const changeLog = sqliteTable("change_log", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  at: integer("at").notNull(),
  kinds: text("kinds").notNull(),
});

/**
 * Operator sessions, held server-side so logout and token rotation revoke them. The cookie
 * carries a random id; only its HMAC is stored, so the file never holds a usable cookie.
 */
export const operatorSessions = sqliteTable(
  "operator_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    operator: text("operator").notNull(),
    /** HMAC of the operator token that logged in: a session ends when its token is no longer configured. */
    tokenFingerprint: text("token_fingerprint").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("operator_sessions_expires_idx").on(t.expiresAt)],
);

/**
 * The store's `alert.*` fire/resolve/delivery events (not `alert.worker_failed`, which is on
 * the worker timeline), folded on read by domain/alert-log.ts into alerts and their deliveries.
 */
export const alertEvents = sqliteTable(
  "alert_events",
  {
    eventId: integer("event_id").primaryKey(),
    kind: text("kind").notNull(),
    at: integer("at").notNull(),
    actor: text("actor").notNull(),
    data: text("data").notNull(),
  },
  (t) => [index("alert_events_at_idx").on(t.at)],
);
