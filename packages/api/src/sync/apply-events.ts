import type {
  CoordinationStore,
  Lock,
  MemoryEntry,
  StoreEvent,
  Task,
  TaskLog,
  WorkerRecord,
} from "@sentinel/coordination";
import { ALERT_LOG_KINDS, recordAlertEvent } from "../cache/alert-event-rows.js";
import { type FlowControl, readFlowControl, writeFlowControl } from "../cache/flow-control.js";
import { deleteLock, recordLockHandover, upsertLock } from "../cache/lock-rows.js";
import { deleteMemory, upsertMemory } from "../cache/memory-rows.js";
import type { Cache } from "../cache/open-cache.js";
import { deletePurgedTasks, purgedTaskIds } from "../cache/purged-tasks.js";
import { readSyncNumber, writeSyncValue } from "../cache/sync-state.js";
import { recordTaskEvent } from "../cache/task-event-rows.js";
import { upsertTaskLog } from "../cache/task-log-rows.js";
import { upsertTask } from "../cache/task-rows.js";
import { countFinishedAttempt } from "../cache/throughput.js";
import { closePreviousHeartbeat, recordHeartbeat, recordWorkerEvent, upsertWorker } from "../cache/worker-rows.js";
import type { ChangeSet } from "./change-set.js";

/** Task events after which the task's lock may have changed without a lock event of its own. */
const LOCK_AFFECTING_TASK_EVENTS = new Set([
  "task.started",
  "task.succeeded",
  "task.failed",
  "task.dead",
  "task.cancelled",
  "task.requeued",
  "task.pinned",
]);

interface Affected {
  taskIds: Set<string>;
  workerIds: Set<string>;
  lockTaskIds: Set<string>;
  memoryKeys: Set<string>;
  /** Tasks whose progress or log lines were written (`task.log`): only their log is re-read. */
  logTaskIds: Set<string>;
  pauses: boolean;
}

/** The details an event lacks, re-read through the port before the cache is written. */
interface Snapshot {
  tasks: Map<string, Task | null>;
  workers: Map<string, WorkerRecord | null>;
  locks: Map<string, Lock | null>;
  memory: Map<string, MemoryEntry | null>;
  logs: Map<string, TaskLog | null>;
  /** Re-read when a `queue.*` event (a pause, resume or limit) is in the batch. */
  flow: FlowControl | null;
}

function affectedBy(events: StoreEvent[]): Affected {
  const affected: Affected = {
    taskIds: new Set(),
    workerIds: new Set(),
    lockTaskIds: new Set(),
    memoryKeys: new Set(),
    logTaskIds: new Set(),
    pauses: false,
  };
  for (const event of events) {
    if (event.kind === "task.log") {
      if (event.taskId) affected.logTaskIds.add(event.taskId);
      continue;
    }
    const [family] = event.kind.split(".");
    if (event.taskId && (family === "task" || family === "lock")) {
      affected.taskIds.add(event.taskId);
      if (family === "lock" || LOCK_AFFECTING_TASK_EVENTS.has(event.kind)) affected.lockTaskIds.add(event.taskId);
    }
    if (event.workerId && (family === "worker" || family === "alert")) affected.workerIds.add(event.workerId);
    if (family === "memory" && typeof event.data.key === "string") affected.memoryKeys.add(event.data.key);
    if (family === "queue") affected.pauses = true;
  }
  return affected;
}

async function readSnapshot(store: CoordinationStore, affected: Affected): Promise<Snapshot> {
  const read = async <T>(ids: Set<string>, get: (id: string) => Promise<T | null>) =>
    new Map(await Promise.all([...ids].map(async (id) => [id, await get(id)] as const)));
  const [tasks, workers, locks, memory, logs, flow] = await Promise.all([
    read(affected.taskIds, (id) => store.getTask(id)),
    read(affected.workerIds, (id) => store.getWorker(id)),
    read(affected.lockTaskIds, (id) => store.getLock(id)),
    read(affected.memoryKeys, (key) => store.memoryGet(key)),
    read(affected.logTaskIds, (id) => store.getTaskLog(id)),
    affected.pauses ? readFlowControl(store) : null,
  ]);
  return { tasks, workers, locks, memory, logs, flow };
}

/**
 * Follows the store's event log from the last id the cache has seen: records history
 * (task events, heartbeats, lock hand-overs, throughput), re-reads the entities the events
 * touched and writes everything with the new last id in one cache transaction, so a crash
 * never skips or double-counts an event. Returns how many events were applied.
 */
export async function applyNextEvents(
  store: CoordinationStore,
  cache: Cache,
  changes: ChangeSet,
  batch: number,
): Promise<number> {
  const afterId = readSyncNumber(cache.db, "last_event_id");
  const events = await store.readEvents(afterId, batch);
  const last = events.at(-1);
  if (!last) return 0;
  const snapshot = await readSnapshot(store, affectedBy(events));
  const db = cache.db;
  cache.sqlite.transaction(() => {
    for (const event of events) recordHistory(db, event, snapshot, changes);
    for (const task of snapshot.tasks.values()) if (task) changes.addIf(upsertTask(db, task), "tasks");
    for (const worker of snapshot.workers.values()) {
      if (!worker) continue;
      changes.addWorkerRow(upsertWorker(db, worker));
      changes.addIf(
        recordHeartbeat(db, {
          workerId: worker.id,
          at: worker.lastHeartbeatAt,
          activeTasks: worker.activeTasks,
          state: worker.state,
        }),
        "heartbeats",
      );
    }
    for (const [taskId, lock] of snapshot.locks)
      changes.addIf(lock ? upsertLock(db, lock) : deleteLock(db, taskId), "locks");
    for (const [key, entry] of snapshot.memory)
      changes.addIf(entry ? upsertMemory(db, entry) : deleteMemory(db, key), "memory");
    for (const log of snapshot.logs.values()) if (log) changes.addIf(upsertTaskLog(db, log), "tasks");
    if (snapshot.flow) changes.addIf(writeFlowControl(db, snapshot.flow), "queues");
    // Last: a purged task's earlier events in this batch have just been recorded.
    for (const event of events)
      if (event.kind === "tasks.purged") changes.addIf(deletePurgedTasks(db, purgedTaskIds(event.data)), "tasks");
    writeSyncValue(db, "last_event_id", last.id);
  })();
  return events.length;
}

function recordHistory(db: Cache["db"], event: StoreEvent, snapshot: Snapshot, changes: ChangeSet): void {
  // Log writes are not part of a task's timeline: the log itself is kept (task_logs).
  if (event.kind === "task.log") return;
  const [family] = event.kind.split(".");
  if (event.taskId && family === "task") {
    recordTaskEvent(db, { ...event, taskId: event.taskId });
    changes.add("tasks");
  }
  if (event.kind === "task.succeeded" || event.kind === "task.failed" || event.kind === "task.dead") {
    const outcome = event.kind === "task.succeeded" ? "succeeded" : "failed";
    countFinishedAttempt(db, event.at, outcome);
    const key = outcome === "succeeded" ? "tasks_succeeded_total" : "tasks_failed_total";
    writeSyncValue(db, key, readSyncNumber(db, key) + 1);
  }
  if (event.taskId && family === "lock") {
    recordLockHandover(db, { ...event, taskId: event.taskId }, snapshot.locks.get(event.taskId) ?? null);
    recordTaskEvent(db, { ...event, taskId: event.taskId });
    changes.add("locks", "tasks");
  }
  if (event.workerId && (family === "worker" || family === "alert")) {
    if (event.kind === "worker.heartbeat") {
      const worker = snapshot.workers.get(event.workerId);
      const activeTasks =
        typeof event.data.activeTasks === "number" ? event.data.activeTasks : (worker?.activeTasks ?? 0);
      const state = typeof event.data.state === "string" ? event.data.state : (worker?.state ?? "ACTIVE");
      recordHeartbeat(db, { workerId: event.workerId, at: event.at, activeTasks, state });
      closePreviousHeartbeat(db, event.workerId, event.at);
      changes.add("heartbeats");
    } else {
      recordWorkerEvent(db, { ...event, workerId: event.workerId });
      changes.add("workers");
    }
    if (family === "alert") changes.add("alerts");
  }
  if (ALERT_LOG_KINDS.has(event.kind)) changes.addIf(recordAlertEvent(db, event), "alerts");
  if (family === "memory") changes.add("memory");
  // Schedules are read from the store on demand (a handful of rows): only announce the change.
  if (family === "schedule") changes.add("schedules");
  if (event.kind === "settings.changed") changes.add("settings");
}
