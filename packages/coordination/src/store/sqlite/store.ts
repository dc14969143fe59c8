import { type FSWatcher, watch } from "node:fs";
import { basename, dirname } from "node:path";
import type Database from "better-sqlite3";
import type { AuditFilter, AuditRecord, NewAuditRecord } from "../../domain/audit.js";
import type { NewStoreEvent, StoreEvent } from "../../domain/events.js";
import type { AcquireResult, Lock, LockMetadata } from "../../domain/lock.js";
import type { MemoryEntry } from "../../domain/memory.js";
import type { NewScheduleInput, Schedule, ScheduleEdit, ScheduleRun } from "../../domain/schedule.js";
import type { NewTask, Page, Task, TaskFilter } from "../../domain/task.js";
import type { TaskEdit } from "../../domain/task-edit.js";
import type { TaskLog, TaskLogBatch } from "../../domain/task-log.js";
import type { PurgeFinishedTasksRequest, TaskArchiveSink } from "../../domain/task-retention.js";
import type { TypeLimit, TypeLimitChange } from "../../domain/task-type-limit.js";
import type { TypePause } from "../../domain/task-type-pause.js";
import type { WorkerRecord, WorkerRegistration, WorkerState } from "../../domain/worker.js";
import type { WorkerMetricsRecord } from "../../domain/worker-metrics.js";
import { SentinelError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import type {
  ClaimRequest,
  CompleteAndClaimResult,
  CompletionOutcome,
  CompletionRequest,
  CoordinationStore,
  HeartbeatReport,
  PruneEventsRequest,
} from "../port.js";
import { appendAuditTx, listAuditTx } from "./audit.js";
import { claimTasksTx } from "./claims.js";
import { clockReferencePath, StoreClock } from "./clock.js";
import { completionsSchema } from "./completions.js";
import { openConnection } from "./connection.js";
import { pruneEventsTx } from "./event-retention.js";
import { appendEventReturningTx, readEventsTx, validateNewEvent } from "./events.js";
import { acquireLockTx, forceReleaseLockTx, getLockTx, listLocksTx, releaseLockTx } from "./locks.js";
import { memoryDeleteTx, memoryGetTx, memoryListTx, memorySetTx } from "./memory.js";
import {
  createScheduleTx,
  deleteScheduleTx,
  editScheduleTx,
  fireDueSlotsTx,
  getScheduleTx,
  hasDueSlotTx,
  listScheduleRunsTx,
  listSchedulesTx,
} from "./schedules.js";
import { getSettingTx, setSettingTx } from "./settings.js";
import { StatementCache } from "./statements.js";
import { appendTaskLogTx, getTaskLogTx } from "./task-logs.js";
import { purgeFinishedTasksTx } from "./task-retention.js";
import {
  cancelTaskTx,
  completeTaskTx,
  editTaskTx,
  failTaskTx,
  promoteTaskTx,
  requeueTaskTx,
  startTaskTx,
  storeResultTx,
} from "./task-transitions.js";
import { createTaskTx, getTaskTx, listClaimableTx, listTasksTx } from "./tasks.js";
import { readStatement, readTransaction, type Tx, type TxContext, writeTransaction } from "./transaction.js";
import { listTypeLimitsTx, setTypeLimitTx } from "./type-limits.js";
import { listPausedTypesTx, pauseTaskTypeTx, resumeTaskTypeTx } from "./type-pauses.js";
import { readWorkerTx } from "./worker-lease.js";
import { listWorkerMetricsTx } from "./worker-metrics.js";
import { heartbeatTx, listWorkersTx, registerWorkerTx, requestDrainTx, transitionWorkerTx } from "./workers.js";

export interface SqliteStoreOptions {
  /** The database file; several processes may share it. */
  path: string;
  /** How long SQLite itself waits for another process's write lock before a retry (see busy.ts). Default 1000 ms. */
  busyTimeoutMs?: number;
  /** Defaults to `<repo>/drizzle/store`. */
  migrationsFolder?: string;
}

/**
 * The embedded backend: every port method is one transaction on a shared SQLite file. Each
 * method body lives with its concept (tasks, locks, workers, memory, events, settings);
 * this class only opens transactions around them.
 */
export class SqliteStore implements CoordinationStore {
  readonly backend = "sqlite" as const;
  /** A local write is cheap: a running task's lines show within a second. */
  readonly taskLogFlushMs = 1000;
  /** One file, one writer at a time: a committed claim is seen by the next read. */
  readonly claimVisibilityMs = 0;
  readonly path: string;
  private readonly sqlite: Database.Database;
  private readonly ctx: TxContext;
  /** Commits made through this connection; `PRAGMA data_version` only counts other connections'. */
  private ownCommits = 0;
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    const { sqlite, db } = openConnection({
      path: options.path,
      busyTimeoutMs: options.busyTimeoutMs ?? 1000,
      migrationsFolder: options.migrationsFolder,
    });
    this.sqlite = sqlite;
    this.ctx = {
      sqlite,
      db,
      statements: new StatementCache(sqlite),
      clock: new StoreClock(clockReferencePath(options.path)),
    };
  }

  private async write<T>(fn: (tx: Tx) => T): Promise<T> {
    const result = await writeTransaction(this.ctx, fn);
    this.ownCommits += 1;
    return result;
  }

  private read<T>(fn: (tx: Tx) => T): Promise<T> {
    return readTransaction(this.ctx, fn);
  }

  async now(): Promise<number> {
    return this.ctx.clock.now(this.ctx.statements);
  }

  /**
   * `PRAGMA data_version` changes whenever another connection (any process) commits to the
   * file, and reading it touches no table, so a worker can check it every few tens of ms
   * and poll the tasks table only when something was written. Our own commits are counted
   * here, since data_version leaves them out.
   */
  async changeMarker(): Promise<string> {
    const version = this.ctx.statements.get("PRAGMA data_version").pluck().get() as number;
    return `${version}:${this.ownCommits}`;
  }

  /**
   * Every commit by any process appends to the `-wal` file, which the kernel reports to a
   * watch on the file's directory (inotify on Linux: no polling, no CPU while nothing is
   * written). The directory is watched rather than the file, so a WAL file that is removed
   * and re-created (the last connection closing) is still seen. Where watching fails the
   * caller's marker checks carry on alone.
   */
  watchChanges(onChange: () => void): () => void {
    if (this.path === ":memory:" || this.path.startsWith("file:")) return () => undefined;
    const wal = `${basename(this.path)}-wal`;
    let watcher: FSWatcher;
    try {
      watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
        if (file === wal) onChange();
      });
    } catch {
      return () => undefined;
    }
    watcher.on("error", () => watcher.close());
    return () => watcher.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sqlite.close();
  }

  registerWorker(registration: WorkerRegistration): Promise<WorkerRecord> {
    return this.write((tx) => registerWorkerTx(tx, registration));
  }

  heartbeat(workerId: string, report: HeartbeatReport): Promise<WorkerRecord> {
    return this.write((tx) => heartbeatTx(tx, workerId, report));
  }

  transitionWorker(
    workerId: string,
    to: WorkerState,
    opts: { expectedFrom?: WorkerState[]; onlyIfLeaseExpired?: boolean; actor: string; reason: string },
  ): Promise<WorkerRecord> {
    return this.write((tx) => transitionWorkerTx(tx, workerId, to, opts));
  }

  requestDrain(workerId: string, actor: string): Promise<WorkerRecord> {
    return this.write((tx) => requestDrainTx(tx, workerId, actor));
  }

  getWorker(workerId: string): Promise<WorkerRecord | null> {
    return this.read((tx) => readWorkerTx(tx, workerId));
  }

  listWorkers(opts?: { includeRemoved?: boolean }): Promise<WorkerRecord[]> {
    return readStatement(this.ctx, (tx) => listWorkersTx(tx, opts));
  }

  listWorkerMetrics(): Promise<WorkerMetricsRecord[]> {
    return this.read((tx) => listWorkerMetricsTx(tx));
  }

  acquireLock(req: { taskId: string; ownerId: string; ttlMs: number; metadata: LockMetadata }): Promise<AcquireResult> {
    return this.write((tx) => acquireLockTx(tx, req));
  }

  releaseLock(taskId: string, token: number): Promise<void> {
    return this.write((tx) => releaseLockTx(tx, taskId, token));
  }

  forceReleaseLock(taskId: string, opts: { actor: string; reason: string }): Promise<Lock | null> {
    return this.write((tx) => forceReleaseLockTx(tx, taskId, opts));
  }

  getLock(taskId: string): Promise<Lock | null> {
    return this.read((tx) => getLockTx(tx, taskId));
  }

  listLocks(): Promise<Lock[]> {
    return this.read((tx) => listLocksTx(tx));
  }

  createTask(task: NewTask, actor: string): Promise<Task> {
    return this.write((tx) => createTaskTx(tx, task, actor));
  }

  getTask(taskId: string): Promise<Task | null> {
    return readStatement(this.ctx, (tx) => getTaskTx(tx, taskId));
  }

  listTasks(filter: TaskFilter): Promise<Page<Task>> {
    return this.read((tx) => listTasksTx(tx, filter));
  }

  listClaimable(opts: { types: string[]; workerId: string; limit: number }): Promise<Task[]> {
    return readStatement(this.ctx, (tx) => listClaimableTx(tx, opts));
  }

  startTask(taskId: string, token: number, workerId: string): Promise<Task> {
    return this.write((tx) => startTaskTx(tx, taskId, token, workerId));
  }

  claimTasks(req: ClaimRequest): Promise<Array<{ task: Task; lock: Lock }>> {
    return this.write((tx) => claimTasksTx(tx, req));
  }

  storeResult(taskId: string, token: number, result: unknown): Promise<Task> {
    return this.write((tx) => storeResultTx(tx, taskId, token, result));
  }

  completeTask(taskId: string, token: number, opts?: { result?: unknown }): Promise<Task> {
    return this.write((tx) => completeTaskTx(tx, taskId, token, opts));
  }

  /** Many completions, one write transaction, each fenced on its own (see completeEachTx). */
  completeTasks(items: readonly CompletionRequest[]): Promise<CompletionOutcome[]> {
    const requests = parseOrThrow(completionsSchema, items, "completions") as CompletionRequest[];
    return this.write((tx) => completeEachTx(tx, requests));
  }

  /**
   * A worker's whole cycle — finish its batch, take the next — as one write transaction, so
   * the write lock is taken once per cycle instead of twice. The claim runs after the
   * completions, exactly as `claimTasks` would (it validates its own input).
   */
  completeAndClaim(req: {
    completions: readonly CompletionRequest[];
    claim: ClaimRequest;
  }): Promise<CompleteAndClaimResult> {
    const requests = parseOrThrow(completionsSchema, req.completions, "completions") as CompletionRequest[];
    return this.write((tx) => {
      const outcomes = completeEachTx(tx, requests);
      return { outcomes, claimed: claimTasksTx(tx, req.claim) };
    });
  }

  failTask(
    taskId: string,
    token: number,
    error: { message: string; retryable: boolean; retryDelayMs: number },
  ): Promise<Task> {
    return this.write((tx) => failTaskTx(tx, taskId, token, error));
  }

  cancelTask(taskId: string, opts: { actor: string; reason: string }): Promise<Task> {
    return this.write((tx) => cancelTaskTx(tx, taskId, opts));
  }

  promoteTask(taskId: string, opts: { actor: string; reason: string }): Promise<Task> {
    return this.write((tx) => promoteTaskTx(tx, taskId, opts));
  }
  editTask(taskId: string, edit: TaskEdit, actor: string): Promise<Task> {
    return this.write((tx) => editTaskTx(tx, taskId, edit, actor));
  }

  requeueTask(
    taskId: string,
    opts: { actor: string; reason: string; pinnedWorkerId?: string | null; resetAttempts?: boolean },
  ): Promise<Task> {
    return this.write((tx) => requeueTaskTx(tx, taskId, opts));
  }

  appendTaskLog(taskId: string, token: number, batch: TaskLogBatch): Promise<void> {
    return this.write((tx) => appendTaskLogTx(tx, taskId, token, batch));
  }

  getTaskLog(taskId: string): Promise<TaskLog | null> {
    return this.read((tx) => getTaskLogTx(tx, taskId));
  }

  memorySet(key: string, value: unknown, writerId: string): Promise<MemoryEntry> {
    return this.write((tx) => memorySetTx(tx, key, value, writerId));
  }

  memoryGet(key: string): Promise<MemoryEntry | null> {
    return readStatement(this.ctx, (tx) => memoryGetTx(tx, key));
  }

  memoryDelete(key: string, writerId: string): Promise<boolean> {
    return this.write((tx) => memoryDeleteTx(tx, key, writerId));
  }

  memoryList(prefix: string): Promise<MemoryEntry[]> {
    return readStatement(this.ctx, (tx) => memoryListTx(tx, prefix));
  }

  appendEvent(event: NewStoreEvent): Promise<StoreEvent> {
    return this.write((tx) => appendEventReturningTx(tx, validateNewEvent(event)));
  }

  readEvents(afterId: number, limit: number): Promise<StoreEvent[]> {
    return this.read((tx) => readEventsTx(tx, afterId, limit));
  }

  pruneEvents(req: PruneEventsRequest): Promise<number> {
    return this.write((tx) => pruneEventsTx(tx, req));
  }

  purgeFinishedTasks(req: PurgeFinishedTasksRequest, archive: TaskArchiveSink): Promise<number> {
    return this.write((tx) => purgeFinishedTasksTx(tx, req, archive));
  }

  pauseTaskType(type: string, actor: string): Promise<TypePause> {
    return this.write((tx) => pauseTaskTypeTx(tx, type, actor));
  }

  resumeTaskType(type: string, actor: string): Promise<boolean> {
    return this.write((tx) => resumeTaskTypeTx(tx, type, actor));
  }

  listPausedTypes(): Promise<TypePause[]> {
    return this.read((tx) => listPausedTypesTx(tx));
  }

  setTaskTypeLimit(type: string, change: TypeLimitChange, actor: string): Promise<TypeLimit | null> {
    return this.write((tx) => setTypeLimitTx(tx, type, change, actor));
  }

  createSchedule(input: NewScheduleInput, actor: string): Promise<Schedule> {
    return this.write((tx) => createScheduleTx(tx, input, actor));
  }
  editSchedule(idOrName: string, edit: ScheduleEdit, actor: string): Promise<Schedule> {
    return this.write((tx) => editScheduleTx(tx, idOrName, edit, actor));
  }
  deleteSchedule(idOrName: string, actor: string): Promise<boolean> {
    return this.write((tx) => deleteScheduleTx(tx, idOrName, actor));
  }
  getSchedule(idOrName: string): Promise<Schedule | null> {
    return this.read((tx) => getScheduleTx(tx, idOrName));
  }
  listSchedules(): Promise<Schedule[]> {
    return this.read((tx) => listSchedulesTx(tx));
  }
  listScheduleRuns(scheduleId: string, limit: number): Promise<ScheduleRun[]> {
    return this.read((tx) => listScheduleRunsTx(tx, scheduleId, limit));
  }
  /** A read first: an idle tick (nothing due) takes no write lock away from the claims. */
  async fireDueSlots(firedBy: string): Promise<ScheduleRun[]> {
    if (!(await this.read((tx) => hasDueSlotTx(tx)))) return [];
    return this.write((tx) => fireDueSlotsTx(tx, firedBy));
  }

  listTaskTypeLimits(): Promise<TypeLimit[]> {
    return this.read((tx) => listTypeLimitsTx(tx));
  }

  getSetting(key: string): Promise<string | null> {
    return this.read((tx) => getSettingTx(tx, key));
  }

  setSetting(key: string, value: string, actor: string): Promise<void> {
    return this.write((tx) => setSettingTx(tx, key, value, actor));
  }

  appendAudit(entry: NewAuditRecord): Promise<AuditRecord> {
    return this.write((tx) => appendAuditTx(tx, entry));
  }

  listAudit(filter: AuditFilter): Promise<AuditRecord[]> {
    return this.read((tx) => listAuditTx(tx, filter));
  }
}

/**
 * `completeTaskTx` makes every check before its first write, so an item refused with a domain
 * error has written nothing and the others go ahead; any other error (the database itself
 * failing) propagates and rolls the whole transaction back.
 */
function completeEachTx(tx: Tx, requests: readonly CompletionRequest[]): CompletionOutcome[] {
  return requests.map((item): CompletionOutcome => {
    try {
      return {
        ok: true,
        task: completeTaskTx(tx, item.taskId, item.token, item.result === undefined ? {} : { result: item.result }),
      };
    } catch (thrown) {
      if (thrown instanceof SentinelError) return { ok: false, error: thrown };
      throw thrown;
    }
  });
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}
