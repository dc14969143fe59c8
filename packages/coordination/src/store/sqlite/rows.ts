import type { EventKind, StoreEvent } from "../../domain/events.js";
import type { Lock, LockMetadata } from "../../domain/lock.js";
import type { MemoryEntry } from "../../domain/memory.js";
import type { Task, TaskState } from "../../domain/task.js";
import type { DependencyFailurePolicy } from "../../domain/task-dependencies.js";
import type { WorkerRecord, WorkerState } from "../../domain/worker.js";
import { fromJson } from "./json.js";
import type { events, locks, memory, tasks, workers } from "./schema.js";

export type TaskRow = typeof tasks.$inferSelect;

/**
 * `tasks` aliased `t`, selected under drizzle's property names so rows map like drizzle's.
 * Raw-mode readers map the values by position (`taskRowOfValues`): keep the two in step.
 */
export const TASK_COLUMNS_SQL = [
  "t.id AS id",
  "t.type AS type",
  "t.title AS title",
  "t.priority AS priority",
  "t.params AS params",
  "t.state AS state",
  "t.attempts AS attempts",
  "t.max_attempts AS maxAttempts",
  "t.timeout_ms AS timeoutMs",
  "t.run_at AS runAt",
  "t.pinned_worker_id AS pinnedWorkerId",
  "t.affinity_key AS affinityKey",
  "t.depends_on AS dependsOn",
  "t.on_dependency_failure AS onDependencyFailure",
  "t.worker_id AS workerId",
  "t.fencing_token AS fencingToken",
  "t.result AS result",
  "t.last_error AS lastError",
  "t.created_at AS createdAt",
  "t.updated_at AS updatedAt",
  "t.started_at AS startedAt",
  "t.finished_at AS finishedAt",
].join(", ");

/** How many values `TASK_COLUMNS_SQL` selects; in a raw row, the columns after it start here. */
export const TASK_COLUMN_COUNT = 22;

type RawValues = readonly unknown[];

/**
 * A raw-mode row of `TASK_COLUMNS_SQL` (from `at`) as a TaskRow. One object literal of a
 * fixed shape: building it is much cheaper than better-sqlite3's per-column object rows,
 * which is why the per-task reads run in raw mode (see StatementCache.getRaw).
 */
export function taskRowOfValues(v: RawValues, at = 0): TaskRow {
  return {
    id: v[at] as string,
    type: v[at + 1] as string,
    title: v[at + 2] as string,
    priority: v[at + 3] as number,
    params: v[at + 4] as string,
    state: v[at + 5] as string,
    attempts: v[at + 6] as number,
    maxAttempts: v[at + 7] as number,
    timeoutMs: v[at + 8] as number,
    runAt: v[at + 9] as number,
    pinnedWorkerId: v[at + 10] as string | null,
    affinityKey: v[at + 11] as string | null,
    dependsOn: v[at + 12] as string,
    onDependencyFailure: v[at + 13] as string,
    workerId: v[at + 14] as string | null,
    fencingToken: v[at + 15] as number | null,
    result: v[at + 16] as string | null,
    lastError: v[at + 17] as string | null,
    createdAt: v[at + 18] as number,
    updatedAt: v[at + 19] as number,
    startedAt: v[at + 20] as number | null,
    finishedAt: v[at + 21] as number | null,
  };
}

/** `locks` aliased `l`, under the property names of drizzle's lock row plus the `lock` prefix. */
export const LOCK_COLUMNS_SQL =
  "l.seq AS lockSeq, l.owner_id AS lockOwnerId, l.acquired_at AS lockAcquiredAt, l.expires_at AS lockExpiresAt, l.metadata AS lockMetadata";
export const LOCK_COLUMN_COUNT = 5;

export interface LockColumns {
  lockSeq: number;
  lockOwnerId: string | null;
  lockAcquiredAt: number | null;
  lockExpiresAt: number | null;
  lockMetadata: string | null;
}

/** A raw-mode row of `LOCK_COLUMNS_SQL` (from `at`) as the task's lock row. */
export function lockRowOfValues(taskId: string, v: RawValues, at: number): LockRow {
  return {
    taskId,
    seq: v[at] as number,
    ownerId: v[at + 1] as string | null,
    acquiredAt: v[at + 2] as number | null,
    expiresAt: v[at + 3] as number | null,
    metadata: v[at + 4] as string | null,
  };
}

export function lockRowOf(taskId: string, c: LockColumns): LockRow {
  return {
    taskId,
    seq: c.lockSeq,
    ownerId: c.lockOwnerId,
    acquiredAt: c.lockAcquiredAt,
    expiresAt: c.lockExpiresAt,
    metadata: c.lockMetadata,
  };
}

/** `workers` aliased `w`; booleans come back as 0/1 and go through `toWorkerFromRaw`. */
export const WORKER_COLUMNS_SQL = [
  "w.id AS id",
  "w.hostname AS hostname",
  "w.pid AS pid",
  "w.version AS version",
  "w.max_concurrency AS maxConcurrency",
  "w.supported_task_types AS supportedTaskTypes",
  "w.cpu_cores AS cpuCores",
  "w.memory_mb AS memoryMb",
  "w.labels AS labels",
  "w.heartbeat_interval_ms AS heartbeatIntervalMs",
  "w.lease_ms AS leaseMs",
  "w.health_url AS healthUrl",
  "w.state AS state",
  "w.active_tasks AS activeTasks",
  "w.registered_at AS registeredAt",
  "w.last_heartbeat_at AS lastHeartbeatAt",
  "w.state_changed_at AS stateChangedAt",
  "w.drain_requested AS drainRequested",
].join(", ");
export type LockRow = typeof locks.$inferSelect;
type WorkerRow = typeof workers.$inferSelect;
type MemoryRow = typeof memory.$inferSelect;
type EventRow = typeof events.$inferSelect;

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    priority: row.priority,
    params: fromJson(row.params),
    state: row.state as TaskState,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    timeoutMs: row.timeoutMs,
    runAt: row.runAt,
    pinnedWorkerId: row.pinnedWorkerId,
    affinityKey: row.affinityKey,
    dependsOn: fromJson(row.dependsOn) as string[],
    onDependencyFailure: row.onDependencyFailure as DependencyFailurePolicy,
    workerId: row.workerId,
    fencingToken: row.fencingToken,
    result: fromJson(row.result),
    lastError: row.lastError,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

/** Only for rows known to be held (owner set); see `locks.ts`. */
export function toLock(row: LockRow): Lock {
  return {
    taskId: row.taskId,
    ownerId: row.ownerId ?? "",
    token: row.seq,
    acquiredAt: row.acquiredAt ?? 0,
    expiresAt: row.expiresAt ?? 0,
    metadata: fromJson(row.metadata) as LockMetadata,
  };
}

export function toWorker(row: WorkerRow): WorkerRecord {
  return {
    id: row.id,
    hostname: row.hostname,
    pid: row.pid,
    version: row.version,
    maxConcurrency: row.maxConcurrency,
    supportedTaskTypes: fromJson(row.supportedTaskTypes) as string[],
    cpuCores: row.cpuCores,
    memoryMb: row.memoryMb,
    labels: fromJson(row.labels) as Record<string, string>,
    heartbeatIntervalMs: row.heartbeatIntervalMs,
    leaseMs: row.leaseMs,
    healthUrl: row.healthUrl,
    state: row.state as WorkerState,
    activeTasks: row.activeTasks,
    registeredAt: row.registeredAt,
    lastHeartbeatAt: row.lastHeartbeatAt,
    stateChangedAt: row.stateChangedAt,
    drainRequested: row.drainRequested,
  };
}

/** A raw `WORKER_COLUMNS_SQL` row: SQLite has no boolean, so drain_requested is 0/1. */
export function toWorkerFromRaw(row: Omit<WorkerRow, "drainRequested"> & { drainRequested: number }): WorkerRecord {
  return toWorker({ ...row, drainRequested: row.drainRequested === 1 });
}

export function toMemoryEntry(row: Omit<MemoryRow, "deleted">): MemoryEntry {
  return {
    key: row.key,
    value: fromJson(row.value),
    version: row.version,
    writerId: row.writerId,
    updatedAt: row.updatedAt,
  };
}

/** A raw-mode row of `id, at, kind, task_id, worker_id, actor, data` as a StoreEvent. */
export function eventOfValues(v: RawValues): StoreEvent {
  return {
    id: v[0] as number,
    at: v[1] as number,
    kind: v[2] as EventKind,
    taskId: v[3] as string | null,
    workerId: v[4] as string | null,
    actor: v[5] as string,
    data: fromJson(v[6] as string) as Record<string, unknown>,
  };
}

export function toEvent(row: EventRow): StoreEvent {
  return {
    id: row.id,
    at: row.at,
    kind: row.kind as EventKind,
    taskId: row.taskId,
    workerId: row.workerId,
    actor: row.actor,
    data: fromJson(row.data) as Record<string, unknown>,
  };
}
