import type { StoreEvent, EventKind } from "../../domain/events.js";
import type { Lock, LockMetadata } from "../../domain/lock.js";
import type { MemoryEntry } from "../../domain/memory.js";
import type { Task, TaskState } from "../../domain/task.js";
import type { WorkerRecord, WorkerState } from "../../domain/worker.js";
import { fromJson } from "./json.js";
import type { events, locks, memory, tasks, workers } from "./schema.js";

type TaskRow = typeof tasks.$inferSelect;
type LockRow = typeof locks.$inferSelect;
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

export function toMemoryEntry(row: MemoryRow): MemoryEntry {
  return { key: row.key, value: fromJson(row.value), version: row.version, writerId: row.writerId, updatedAt: row.updatedAt };
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
