import type { AssignmentDecision } from "../domain/assignment-decision.js";
import type { AuditFilter, AuditRecord, NewAuditRecord } from "../domain/audit.js";
import type { EventKind, NewStoreEvent, StoreEvent } from "../domain/events.js";
import type { AcquireResult, Lock, LockMetadata } from "../domain/lock.js";
import type { MemoryEntry } from "../domain/memory.js";
import type { NewScheduleInput, Schedule, ScheduleEdit, ScheduleRun } from "../domain/schedule.js";
import type { NewTask, Page, Task, TaskFilter } from "../domain/task.js";
import type { TaskEdit } from "../domain/task-edit.js";
import type { TaskLog, TaskLogBatch } from "../domain/task-log.js";
import type { PurgeFinishedTasksRequest, TaskArchiveSink } from "../domain/task-retention.js";
import type { TypeLimit, TypeLimitChange } from "../domain/task-type-limit.js";
import type { TypePause } from "../domain/task-type-pause.js";
import type { WorkerRecord, WorkerRegistration, WorkerState } from "../domain/worker.js";
import type { WorkerMetrics, WorkerMetricsRecord } from "../domain/worker-metrics.js";

export type BackendKind = "sqlite" | "github" | "postgres";

/** One completion in a `completeTasks` batch: the arguments of `completeTask`. */
export interface CompletionRequest {
  taskId: string;
  token: number;
  result?: unknown;
}

/** Per item: the succeeded task, or exactly the error `completeTask` would have thrown. */
export type CompletionOutcome = { ok: true; task: Task } | { ok: false; error: Error };

/** What a heartbeat reports: the load, and optionally the worker's metrics rollup (kept as its latest, see `listWorkerMetrics`). */
export interface HeartbeatReport {
  activeTasks: number;
  metrics?: WorkerMetrics;
}

/** The arguments of `claimTasks`. */
export interface ClaimRequest {
  workerId: string;
  taskIds: string[];
  metadata: Omit<LockMetadata, "taskType">;
  /**
   * Why this worker claims each task (balancer/explain-assignment.ts), by task id: stored with
   * the attempt's `task.started` event as `data.decision`, in the claim's own write.
   */
  decisions?: Record<string, AssignmentDecision>;
}

export interface PruneEventsRequest {
  kinds: readonly EventKind[];
  before: number;
  limit: number;
}

/** What `completeAndClaim` did: the completions' outcomes in input order, and what it claimed. */
export interface CompleteAndClaimResult {
  outcomes: CompletionOutcome[];
  claimed: Array<{ task: Task; lock: Lock }>;
}

/**
 * Everything the coordination layer persists, as atomic state transitions. Each method is
 * one transition judged by the store's own clock (invariant 2): callers never pass "now".
 * Services (LockClient, WorkerRegistry, HeartbeatMonitor, MemorySyncManager, TaskQueue)
 * are thin policies over this port; both backends pass the same contract suite
 * (`store/contract`).
 *
 * Fencing (invariant 1): every lock acquisition returns a token strictly greater than every
 * earlier token for that task. A task's `fencingToken` is the token of its current attempt.
 * `startTask`, `storeResult`, `completeTask`, `failTask` and `releaseLock` require the
 * presented token to equal the task's current one and otherwise throw
 * StaleFencingTokenError.
 */
export interface CoordinationStore {
  readonly backend: BackendKind;

  /**
   * The longest a new task may take to reach every worker's view of claimable tasks plus the
   * longest one worker's claim may take to reach the others' (0 where every read sees every
   * committed write). Workers wait this long on top of their grace before taking a task the
   * shared strategy gave to another (balancer/grace.ts).
   */
  readonly claimVisibilityMs: number;

  /** The store's clock, ms since the epoch. */
  now(): Promise<number>;
  close(): Promise<void>;

  // ── Worker registry / leases ──────────────────────────────────────────────────────
  /** NEW → ACTIVE. Re-registering an existing id that is REMOVED or OFFLINE starts a fresh record. */
  registerWorker(registration: WorkerRegistration): Promise<WorkerRecord>;
  /**
   * Renew the lease and report load. STALE → ACTIVE if the heartbeat resumed; ACTIVE ⇄ BUSY
   * follows activeTasks vs capacity. Throws LeaseLostError if the worker is OFFLINE/REMOVED
   * (its locks were recovered; it must stop and re-register). `report.metrics`, if given,
   * replaces the worker's published rollup in the same write (GitHub: the same PATCH of the
   * registration comment, so metrics cost no request of their own). A heartbeat the store
   * skips to save budget (GitHub, low budget, nothing new) does not publish them either.
   */
  heartbeat(workerId: string, report: HeartbeatReport): Promise<WorkerRecord>;
  /**
   * A checked state transition; `expectedFrom` makes it conditional (idempotent monitors).
   * `onlyIfLeaseExpired` makes the store itself judge, in the same transition, that the
   * worker's lease has run out by the store's clock — so a heartbeat that lands between a
   * monitor's read and its write wins, and a live worker is never marked STALE. Either
   * condition failing → IllegalTransitionError, state unchanged.
   */
  transitionWorker(
    workerId: string,
    to: WorkerState,
    opts: { expectedFrom?: WorkerState[]; onlyIfLeaseExpired?: boolean; actor: string; reason: string },
  ): Promise<WorkerRecord>;
  /** Operator drain request (ACTIVE/BUSY → DRAINING happens when the worker acts on it, or here). */
  requestDrain(workerId: string, actor: string): Promise<WorkerRecord>;
  getWorker(workerId: string): Promise<WorkerRecord | null>;
  listWorkers(opts?: { includeRemoved?: boolean }): Promise<WorkerRecord[]>;
  /** Each registered (not REMOVED) worker's latest published metrics, by worker id; workers that published none are left out. */
  listWorkerMetrics(): Promise<WorkerMetricsRecord[]>;

  // ── Locks (one per task) ─────────────────────────────────────────────────────────
  /**
   * Take the task's lock if no live lock exists. A lock is live while now < expiresAt and
   * its owner's lease is live. Never throws on conflict: returns the holder.
   */
  acquireLock(req: { taskId: string; ownerId: string; ttlMs: number; metadata: LockMetadata }): Promise<AcquireResult>;
  /** Owner-only release; stale token → StaleFencingTokenError. Releasing an already released lock with the current token is a no-op. */
  releaseLock(taskId: string, token: number): Promise<void>;
  /** Operator/monitor release regardless of owner. Returns the released lock, if any was live. */
  forceReleaseLock(taskId: string, opts: { actor: string; reason: string }): Promise<Lock | null>;
  /** The live lock, if any. */
  getLock(taskId: string): Promise<Lock | null>;
  /** All live locks. */
  listLocks(): Promise<Lock[]>;

  // ── Tasks ─────────────────────────────────────────────────────────────────────────
  createTask(task: NewTask, actor: string): Promise<Task>;
  getTask(taskId: string): Promise<Task | null>;
  listTasks(filter: TaskFilter): Promise<Page<Task>>;
  /**
   * Claimable tasks for these types, best first (priority desc, then age): state queued or
   * failed with runAt ≤ now, no live lock, not pinned to another worker.
   */
  listClaimable(opts: { types: string[]; workerId: string; limit: number }): Promise<Task[]>;
  /** queued/failed → running with the presented (live) lock token; attempts += 1. */
  startTask(taskId: string, token: number, workerId: string): Promise<Task>;
  /**
   * Batch "get task → acquire lock → start" for the given candidate ids, in one store
   * transaction where the backend has them (this is where SQLite's throughput comes from).
   * Candidates no longer claimable, or locked by someone else, are skipped silently.
   */
  claimTasks(req: ClaimRequest): Promise<Array<{ task: Task; lock: Lock }>>;
  /** Fenced write of the attempt's result (kept on the task). */
  storeResult(taskId: string, token: number, result: unknown): Promise<Task>;
  /**
   * running → succeeded, fenced; stores `result` if given and releases the lock, atomically
   * (the task flow's store result → release lock → mark complete, as one transition).
   */
  completeTask(taskId: string, token: number, opts?: { result?: unknown }): Promise<Task>;
  /**
   * Optional: `completeTask` for many tasks in one store transaction, where the backend has
   * them (SQLite rewards few large write transactions). Each item is fenced and applied on
   * its own — a stale token or a task no longer running refuses only that item, reported in
   * its outcome, in input order. Callers fall back to `completeTask` when it is absent.
   */
  completeTasks?(items: readonly CompletionRequest[]): Promise<CompletionOutcome[]>;
  /**
   * Optional: `completeTasks(completions)` then `claimTasks(claim)` in ONE store transaction
   * — a worker finishes its batch and takes the next in a single round trip (the claim sees
   * the completions). The claim's candidates are the ones the caller planned (assignment by
   * agreement stays the caller's), with `claimTasks`'s skip rules. A refused completion
   * affects only its own outcome; any other failure rejects the whole call and writes
   * nothing. Callers fall back to the two separate calls when it is absent.
   */
  completeAndClaim?(req: {
    completions: readonly CompletionRequest[];
    claim: ClaimRequest;
  }): Promise<CompleteAndClaimResult>;
  /** running → failed (retry at now + retryDelayMs) or dead (attempts exhausted / not retryable), fenced; releases the lock. */
  failTask(
    taskId: string,
    token: number,
    error: { message: string; retryable: boolean; retryDelayMs: number },
  ): Promise<Task>;
  /** Any non-terminal → cancelled; releases its lock (fencing moves on). */
  cancelTask(taskId: string, opts: { actor: string; reason: string }): Promise<Task>;
  /**
   * Back to queued now (from running, failed, dead or cancelled), optionally pinned to a
   * worker (null clears the pin); releases any lock so the old holder's token is stale.
   */
  requeueTask(
    taskId: string,
    opts: { actor: string; reason: string; pinnedWorkerId?: string | null; resetAttempts?: boolean },
  ): Promise<Task>;

  /**
   * A delayed task (queued or awaiting its retry, runAt still ahead) runs now: runAt moves to
   * the store's now; anything else is refused with IllegalTransitionError
   * (domain/task-delay.ts). Its lock is not touched. Records `task.promoted`.
   */
  promoteTask(taskId: string, opts: { actor: string; reason: string }): Promise<Task>;

  /**
   * Change a queued task's priority and/or params (domain/task-edit.ts), refused with
   * IllegalTransitionError once it is no longer queued — decided in the same step as the
   * write (SQLite: its transaction; GitHub: the op's position in the task's fold, read back).
   * Records `task.edited` with the changed fields: priority before and after, params only as
   * size and hash (domain/task-edit.ts `describeEdit`), so a large edit fits one record.
   */
  editTask(taskId: string, edit: TaskEdit, actor: string): Promise<Task>;

  // ── Flow control (domain/task-type-pause.ts) ─────────────────────────────────────
  /**
   * Stop claims of a task type (`*`: every type) until resumed: `listClaimable`, `claimTasks`
   * and `completeAndClaim` skip its tasks; running tasks are not touched and finish. Pausing a
   * paused type keeps the first pause. Records `queue.paused`.
   */
  pauseTaskType(type: string, actor: string): Promise<TypePause>;
  /** Undo a pause of exactly this type (`*` resumes only the whole-queue pause); false if it was not paused. Records `queue.resumed`. */
  resumeTaskType(type: string, actor: string): Promise<boolean>;
  /** The pauses in force, by type. */
  listPausedTypes(): Promise<TypePause[]>;
  /**
   * Optional (both built-in backends, docs/flow-control.md): at most `maxRunning` running
   * tasks of `type` across the cluster and at most `maxStarts` starts in any window of
   * `intervalMs`, decided where the claim is (SQLite: its transaction; GitHub: the claim's
   * place among the type's claims, after the settle delay) — claims past either are
   * skipped, a two-step start is refused with TypeLimitReachedError. A number sets the
   * concurrency limit (keeping a starts limit), an object changes the fields it names (null
   * clears one), `null` clears both (domain/task-type-limit.ts). Records `queue.limit_set`.
   */
  setTaskTypeLimit?(type: string, change: TypeLimitChange, actor: string): Promise<TypeLimit | null>;
  /** Optional, with setTaskTypeLimit: the limits in force, by type. */
  listTaskTypeLimits?(): Promise<TypeLimit[]>;

  // ── Repeating schedules (domain/schedule.ts) ──────────────────────────────────────
  /**
   * Optional (both built-in backends, docs/flow-control.md): schedules that create one task
   * per slot. A schedule is named by its id or its unique name. Records `schedule.created`.
   */
  createSchedule?(input: NewScheduleInput, actor: string): Promise<Schedule>;
  /** Change timing, task, catch-up or `paused`; a resume or new timing never fires slots from before it. Records `schedule.updated`. */
  editSchedule?(idOrName: string, edit: ScheduleEdit, actor: string): Promise<Schedule>;
  /** False if there was none. Records `schedule.deleted`; the tasks it created stay. */
  deleteSchedule?(idOrName: string, actor: string): Promise<boolean>;
  getSchedule?(idOrName: string): Promise<Schedule | null>;
  listSchedules?(): Promise<Schedule[]>;
  /** What each slot created (slot time → task id), newest first. */
  listScheduleRuns?(scheduleId: string, limit: number): Promise<ScheduleRun[]>;
  /**
   * Create the task of every due slot, each slot exactly once across every process that
   * calls this (workers and control planes all do, each on its own tick); the catch-up
   * policy decides which missed slots fire. Returns what this call fired. Records `schedule.fired`.
   */
  fireDueSlots?(firedBy: string): Promise<ScheduleRun[]>;

  // ── Task progress and logs (domain/task-log.ts) ──────────────────────────────────
  /**
   * How often a running attempt should hand over its buffered log lines and progress, in
   * ms: the store's own pace (a local file takes many small writes, a rate-limited API few).
   */
  readonly taskLogFlushMs: number;
  /**
   * Append lines and/or the latest progress of the running attempt, fenced like its other
   * writes (StaleFencingTokenError, or IllegalTransitionError once the task is not running).
   * The task keeps its newest lines within LIMITS.taskLogLines / taskLogChars; older ones
   * are dropped and counted. Each write leaves one `task.log` event for followers.
   * `final` marks the attempt's last batch, sent right before its outcome: a backend may hold
   * it and write it with the outcome (GitHub: in the claim's outcome PATCH, no write of its
   * own), so it is readable once the outcome is recorded.
   */
  appendTaskLog(taskId: string, token: number, batch: TaskLogBatch, opts?: { final?: boolean }): Promise<void>;
  /** The task's progress and kept lines, across its attempts; null for an unknown task. */
  getTaskLog(taskId: string): Promise<TaskLog | null>;

  /**
   * Optional: a value that differs between two calls whenever anything that may change the
   * claimable work was committed to the store in between (by any process; SQLite: any commit
   * at all), and that is cheap enough to read often. Workers use it to wake up for new work
   * without re-running the claim query; backends without such a signal omit it and workers
   * poll on their intervals alone.
   */
  changeMarker?(): Promise<string>;
  /**
   * Optional, with `changeMarker`: how often an idle caller checks the marker between hints
   * (default 20 ms: a local read). A store whose marker costs a network round trip and whose
   * hints are reliable asks for less.
   */
  readonly changeMarkerIntervalMs?: number;
  /**
   * Optional, with `changeMarker`: call `onChange` soon after another process may have
   * committed (a hint, not a promise: it may fire without a change, and a caller still checks
   * the marker on its interval in case a hint is missed). Returns the function that stops it.
   * Lets an idle worker claim new work within a millisecond or two instead of at its next check
   * (runtime/poll-loop.ts subscribes once per loop; hints that keep finding nothing back off to one poll per 20 ms).
   */
  watchChanges?(onChange: () => void): () => void;

  // ── Memory (LWW by store order) ───────────────────────────────────────────────────
  memorySet(key: string, value: unknown, writerId: string): Promise<MemoryEntry>;
  memoryGet(key: string): Promise<MemoryEntry | null>;
  memoryDelete(key: string, writerId: string): Promise<boolean>;
  /** Entries whose key starts with prefix, by key. */
  memoryList(prefix: string): Promise<MemoryEntry[]>;

  // ── Events and settings ───────────────────────────────────────────────────────────
  appendEvent(event: NewStoreEvent): Promise<StoreEvent>;
  /** Events with id > afterId, ascending. */
  readEvents(afterId: number, limit: number): Promise<StoreEvent[]>;
  /**
   * Optional: delete up to `limit` events of `kinds` older than `before` (store clock);
   * returns how many went. For high-volume kinds whose history lives elsewhere (heartbeats:
   * the registry holds the latest, the control plane's cache the timeline). A backend whose
   * log does not grow with them (GitHub heartbeats edit one comment) leaves it out.
   */
  pruneEvents?(req: PruneEventsRequest): Promise<number>;
  /**
   * Optional (domain/task-retention.ts): delete finished tasks the request selects, oldest
   * finished first, with everything the store holds about them (events, log, lock row,
   * dependency edges), handing each batch to `archive` before the delete and recording one
   * `tasks.purged` event. Returns how many went. GitHub leaves it out: a finished task's issue
   * is closed, and a closed issue is its archive.
   */
  purgeFinishedTasks?(req: PurgeFinishedTasksRequest, archive: TaskArchiveSink): Promise<number>;
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string, actor: string): Promise<void>;

  // ── Audit (domain/audit.ts) ──────────────────────────────────────────────────────
  /** Records one operator action; `at` and `id` come from the store (its clock, its order). */
  appendAudit(entry: NewAuditRecord): Promise<AuditRecord>;
  /** Newest first, filtered; GitHub keeps a bounded window (docs/security.md). */
  listAudit(filter: AuditFilter): Promise<AuditRecord[]>;
}
