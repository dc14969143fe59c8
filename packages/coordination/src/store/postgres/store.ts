import type pg from "pg";
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
import { completionsSchema } from "../sqlite/completions.js";
import { appendAuditTx, listAuditTx } from "./audit.js";
import { ChangeListener } from "./change-listener.js";
import { claimTasksTx } from "./claims.js";
import { createPool, defaultPostgresMigrationsFolder, migratePostgres } from "./connection.js";
import { pruneEventsTx } from "./event-retention.js";
import { appendEventReturningTx, readEventsTx, validateNewEvent } from "./events.js";
import { acquireLockTx, forceReleaseLockTx, getLockTx, listLocksTx, releaseLockTx } from "./locks.js";
import { memoryDeleteTx, memoryGetTx, memoryListTx, memorySetTx } from "./memory.js";
import { PlannerStatistics } from "./planner-statistics.js";
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
import { appendTaskLogTx, getTaskLogTx } from "./task-logs.js";
import { purgeFinishedTasksTx } from "./task-retention.js";
import {
  cancelTaskTx,
  completeTaskTx,
  editTaskTx,
  failTaskTx,
  type PlannedCompletion,
  planCompletionTx,
  promoteTaskTx,
  readTasksAndLocksTx,
  requeueTaskTx,
  startTaskTx,
  storeResultTx,
  writeCompletionsTx,
} from "./task-transitions.js";
import { createTaskTx, getTaskTx, listClaimableTx, listTasksTx } from "./tasks.js";
import {
  type PgTx,
  readServerNow,
  readStatement,
  readTransaction,
  readWorkCounter,
  writeTransaction,
} from "./transaction.js";
import { listTypeLimitsTx, setTypeLimitTx } from "./type-limits.js";
import { listPausedTypesTx, pauseTaskTypeTx, resumeTaskTypeTx } from "./type-pauses.js";
import { readWorkerTx } from "./worker-lease.js";
import { listWorkerMetricsTx } from "./worker-metrics.js";
import { heartbeatTx, listWorkersTx, registerWorkerTx, requestDrainTx, transitionWorkerTx } from "./workers.js";

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`; several processes on several machines may share it. */
  url: string;
  /** Connections this process keeps at most (default 10). */
  maxConnections?: number;
  /** Defaults to `<repo>/drizzle/postgres`. */
  migrationsFolder?: string;
}

/**
 * The shared-database backend: every port method is one transaction on a Postgres database
 * that workers on any number of machines share. Leases, locks and TTLs are judged by the
 * database server's clock, so machines whose clocks disagree still agree on the store's time.
 * The transitions are the embedded store's, one module per concept; this class only opens
 * transactions around them.
 */
export class PostgresStore implements CoordinationStore {
  readonly backend = "postgres" as const;
  /** A write is one round trip to a server: a running task's lines show within a second. */
  readonly taskLogFlushMs = 1000;
  /** Every read sees every committed write. */
  readonly claimVisibilityMs = 0;
  private readonly listener: ChangeListener;
  private readonly statistics: PlannerStatistics;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    url: string,
  ) {
    this.listener = new ChangeListener({ connectionString: url, application_name: "task-sentinel-listen" });
    this.statistics = new PlannerStatistics(pool);
  }

  /** Connects, migrates the database to the current schema, and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = createPool({
      url: options.url,
      ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
    });
    try {
      await migratePostgres(pool, options.migrationsFolder ?? defaultPostgresMigrationsFolder());
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresStore(pool, options.url);
  }

  /** A transition that leaves the claimable work as it was: no idle worker needs to look. */
  private write<T>(fn: (tx: PgTx) => Promise<T>): Promise<T> {
    return writeTransaction(this.pool, fn, { announce: false });
  }

  /**
   * A transition that may make work claimable — a new or retried task, a released lock or
   * limit slot, a dependency met, a type resumed, a dead worker's tasks recovered: its commit
   * wakes the idle workers (transaction.ts).
   */
  private announce<T>(fn: (tx: PgTx) => Promise<T>): Promise<T> {
    return writeTransaction(this.pool, fn, { announce: true });
  }

  private read<T>(fn: (tx: PgTx) => Promise<T>): Promise<T> {
    return readTransaction(this.pool, fn);
  }

  now(): Promise<number> {
    return readServerNow(this.pool);
  }

  /**
   * The work counter that every transition which may make work claimable moves in its commit
   * (transaction.ts): a heartbeat, a log line or a memory write elsewhere leaves it as it was.
   */
  changeMarker(): Promise<string> {
    return readWorkCounter(this.pool);
  }

  /**
   * The hints (LISTEN/NOTIFY) reach every machine within a round trip and the marker costs
   * one, so an idle worker checks it only once a second, in case a hint was lost.
   */
  readonly changeMarkerIntervalMs = 1000;

  /** LISTEN/NOTIFY: a commit that may make work claimable wakes the subscribers of every store on the database (change-listener.ts). */
  watchChanges(onChange: () => void): () => void {
    return this.listener.subscribe(onChange);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listener.close();
    await this.pool.end();
  }

  registerWorker(registration: WorkerRegistration): Promise<WorkerRecord> {
    return this.announce((tx) => registerWorkerTx(tx, registration));
  }

  heartbeat(workerId: string, report: HeartbeatReport): Promise<WorkerRecord> {
    return this.write((tx) => heartbeatTx(tx, workerId, report));
  }

  transitionWorker(
    workerId: string,
    to: WorkerState,
    opts: { expectedFrom?: WorkerState[]; onlyIfLeaseExpired?: boolean; actor: string; reason: string },
  ): Promise<WorkerRecord> {
    return this.announce((tx) => transitionWorkerTx(tx, workerId, to, opts));
  }

  requestDrain(workerId: string, actor: string): Promise<WorkerRecord> {
    return this.write((tx) => requestDrainTx(tx, workerId, actor));
  }

  getWorker(workerId: string): Promise<WorkerRecord | null> {
    return this.read((tx) => readWorkerTx(tx, workerId));
  }

  listWorkers(opts?: { includeRemoved?: boolean }): Promise<WorkerRecord[]> {
    return readStatement(this.pool, (tx) => listWorkersTx(tx, opts));
  }

  listWorkerMetrics(): Promise<WorkerMetricsRecord[]> {
    return this.read((tx) => listWorkerMetricsTx(tx));
  }

  acquireLock(req: { taskId: string; ownerId: string; ttlMs: number; metadata: LockMetadata }): Promise<AcquireResult> {
    return this.write((tx) => acquireLockTx(tx, req));
  }

  releaseLock(taskId: string, token: number): Promise<void> {
    return this.announce((tx) => releaseLockTx(tx, taskId, token));
  }

  forceReleaseLock(taskId: string, opts: { actor: string; reason: string }): Promise<Lock | null> {
    return this.announce((tx) => forceReleaseLockTx(tx, taskId, opts));
  }

  getLock(taskId: string): Promise<Lock | null> {
    return this.read((tx) => getLockTx(tx, taskId));
  }

  listLocks(): Promise<Lock[]> {
    return this.read((tx) => listLocksTx(tx));
  }

  createTask(task: NewTask, actor: string): Promise<Task> {
    return this.announce((tx) => createTaskTx(tx, task, actor));
  }

  getTask(taskId: string): Promise<Task | null> {
    return readStatement(this.pool, (tx) => getTaskTx(tx, taskId));
  }

  listTasks(filter: TaskFilter): Promise<Page<Task>> {
    return this.read((tx) => listTasksTx(tx, filter));
  }

  listClaimable(opts: { types: string[]; workerId: string; limit: number }): Promise<Task[]> {
    if (!this.closed) this.statistics.refreshIfStale();
    return readStatement(this.pool, (tx) => listClaimableTx(tx, opts));
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
    return this.announce((tx) => completeTaskTx(tx, taskId, token, opts));
  }

  /** Many completions, one write transaction, each fenced on its own (see completeEachTx). */
  completeTasks(items: readonly CompletionRequest[]): Promise<CompletionOutcome[]> {
    const requests = parseOrThrow(completionsSchema, items, "completions") as CompletionRequest[];
    return this.announce((tx) => completeEachTx(tx, requests));
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
    return this.announce(async (tx) => {
      const outcomes = await completeEachTx(tx, requests);
      return { outcomes, claimed: await claimTasksTx(tx, req.claim) };
    });
  }

  failTask(
    taskId: string,
    token: number,
    error: { message: string; retryable: boolean; retryDelayMs: number },
  ): Promise<Task> {
    return this.announce((tx) => failTaskTx(tx, taskId, token, error));
  }

  cancelTask(taskId: string, opts: { actor: string; reason: string }): Promise<Task> {
    return this.announce((tx) => cancelTaskTx(tx, taskId, opts));
  }

  promoteTask(taskId: string, opts: { actor: string; reason: string }): Promise<Task> {
    return this.announce((tx) => promoteTaskTx(tx, taskId, opts));
  }
  editTask(taskId: string, edit: TaskEdit, actor: string): Promise<Task> {
    return this.announce((tx) => editTaskTx(tx, taskId, edit, actor));
  }

  requeueTask(
    taskId: string,
    opts: { actor: string; reason: string; pinnedWorkerId?: string | null; resetAttempts?: boolean },
  ): Promise<Task> {
    return this.announce((tx) => requeueTaskTx(tx, taskId, opts));
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
    return readStatement(this.pool, (tx) => memoryGetTx(tx, key));
  }

  memoryDelete(key: string, writerId: string): Promise<boolean> {
    return this.write((tx) => memoryDeleteTx(tx, key, writerId));
  }

  memoryList(prefix: string): Promise<MemoryEntry[]> {
    return readStatement(this.pool, (tx) => memoryListTx(tx, prefix));
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
    return this.announce((tx) => resumeTaskTypeTx(tx, type, actor));
  }

  listPausedTypes(): Promise<TypePause[]> {
    return this.read((tx) => listPausedTypesTx(tx));
  }

  setTaskTypeLimit(type: string, change: TypeLimitChange, actor: string): Promise<TypeLimit | null> {
    return this.announce((tx) => setTypeLimitTx(tx, type, change, actor));
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
    return this.announce((tx) => fireDueSlotsTx(tx, firedBy));
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
async function completeEachTx(tx: PgTx, requests: readonly CompletionRequest[]): Promise<CompletionOutcome[]> {
  const ids = requests.map((item) => item.taskId);
  if (requests.length < 2 || new Set(ids).size !== ids.length) return completeOneByOneTx(tx, requests);
  // Every item a different task (a worker's batch is): one read for all, each item checked and
  // its events recorded in order, then the rows of those that passed in two statements.
  const known = await readTasksAndLocksTx(tx, ids);
  const outcomes: CompletionOutcome[] = [];
  const planned: PlannedCompletion[] = [];
  for (const item of requests) {
    try {
      const opts = item.result === undefined ? {} : { result: item.result };
      const completion = await planCompletionTx(tx, item.taskId, item.token, opts, known.get(item.taskId));
      planned.push(completion);
      outcomes.push({ ok: true, task: completion.task });
    } catch (thrown) {
      if (thrown instanceof SentinelError) outcomes.push({ ok: false, error: thrown });
      else throw thrown;
    }
  }
  await writeCompletionsTx(tx, planned);
  return outcomes;
}

/** A task named twice: each item reads its task after the previous item's write. */
async function completeOneByOneTx(tx: PgTx, requests: readonly CompletionRequest[]): Promise<CompletionOutcome[]> {
  const outcomes: CompletionOutcome[] = [];
  for (const item of requests) {
    try {
      const opts = item.result === undefined ? {} : { result: item.result };
      outcomes.push({ ok: true, task: await completeTaskTx(tx, item.taskId, item.token, opts) });
    } catch (thrown) {
      if (thrown instanceof SentinelError) outcomes.push({ ok: false, error: thrown });
      else throw thrown;
    }
  }
  return outcomes;
}

export function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  return PostgresStore.open(options);
}
