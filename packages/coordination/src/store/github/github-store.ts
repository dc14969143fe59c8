import type { AuditFilter, AuditRecord, NewAuditRecord } from "../../domain/audit.js";
import type { NewStoreEvent, StoreEvent } from "../../domain/events.js";
import type { AcquireResult, Lock, LockMetadata } from "../../domain/lock.js";
import type { MemoryEntry } from "../../domain/memory.js";
import type { NewScheduleInput, Schedule, ScheduleEdit, ScheduleRun } from "../../domain/schedule.js";
import type { NewTask, Page, Task, TaskFilter } from "../../domain/task.js";
import type { TaskEdit } from "../../domain/task-edit.js";
import type { TaskLog, TaskLogBatch } from "../../domain/task-log.js";
import type { TypeLimit, TypeLimitChange } from "../../domain/task-type-limit.js";
import type { TypePause } from "../../domain/task-type-pause.js";
import type { WorkerRecord, WorkerRegistration, WorkerState } from "../../domain/worker.js";
import type { WorkerMetricsRecord } from "../../domain/worker-metrics.js";
import type { ClaimRequest, CoordinationStore, HeartbeatReport } from "../port.js";
import type { AuditStore } from "./audit-store.js";
import type { EventLog } from "./event-log.js";
import type { GithubContext } from "./github-context.js";
import type { BudgetSnapshot, EffectiveSource } from "./http/budget-meter.js";
import type { MemoryStore } from "./memory-store.js";
import type { GithubScheduleStore } from "./schedule-store.js";
import type { SettingsStore } from "./settings-store.js";
import type { TaskLogs } from "./task-logs.js";
import type { TaskAttempts } from "./tasks/task-attempts.js";
import { createTask } from "./tasks/task-creation.js";
import type { TaskLocks } from "./tasks/task-locks.js";
import type { TaskOperatorOps } from "./tasks/task-operator-ops.js";
import type { TaskQueries } from "./tasks/task-queries.js";
import type { TaskReader } from "./tasks/task-reader.js";
import type { TrustFilter, TrustStats } from "./trust/trust-filter.js";
import type { TypeLimitStore } from "./type-limit-store.js";
import type { TypePauseStore } from "./type-pause-store.js";
import type { WorkerStore } from "./worker-store.js";

/**
 * The parts of the GitHub store, each built whole from the ones it needs (see index.ts).
 * The task parts share one reader and one writer, so the claims this process owns are
 * known to every part.
 */
export interface GithubStoreParts {
  ctx: GithubContext;
  trust: TrustFilter;
  /** The budget facts held outside the meter (the pacer's share, the last heartbeat written). */
  effective: EffectiveSource;
  workers: WorkerStore;
  /** Tasks, one part per concern (see ./tasks): reading, listing, locks, the attempt lifecycle, operator ops. */
  taskReader: TaskReader;
  queries: TaskQueries;
  locks: TaskLocks;
  attempts: TaskAttempts;
  operator: TaskOperatorOps;
  logs: TaskLogs;
  memory: MemoryStore;
  events: EventLog;
  settings: SettingsStore;
  audit: AuditStore;
  pauses: TypePauseStore;
  limits: TypeLimitStore;
  schedules: GithubScheduleStore;
}

/** The CoordinationStore port over a GitHub repository; each area lives in its own module. */
export class GithubStore implements CoordinationStore {
  readonly backend = "github" as const;
  private closed = false;

  constructor(private readonly parts: GithubStoreParts) {}

  /** The login this store writes as. */
  get login(): string {
    return this.parts.ctx.login;
  }

  /** Requests spent, by kind, and the rate-limit state (see docs/github-backend.md). */
  budget(): BudgetSnapshot {
    return this.parts.ctx.meter.snapshot(this.parts.effective);
  }

  /** Comments refused as coordination data (invariant 8), by reason. */
  trustStats(): TrustStats {
    return this.parts.trust.snapshot();
  }

  /**
   * Issues written for people, not as coordination records (alert notices): labelled
   * `label` only — never `sentinel`, so the mirror and the task fold do not read them — paced
   * and counted like every other write. `find` looks for an open one whose body holds
   * `marker`, so a retried open does not make a second issue.
   */
  async findNoticeIssue(label: string, marker: string): Promise<number | null> {
    const open = await this.parts.ctx.api.listIssues({ labels: label, state: "open" });
    return open.find((issue) => issue.body.includes(marker))?.number ?? null;
  }
  async openNoticeIssue(input: { title: string; body: string; label: string }): Promise<number> {
    const issue = await this.parts.ctx.api.createIssue({ title: input.title, body: input.body, labels: [input.label] });
    return issue.number;
  }
  /** Comment then close (two writes); closing an issue already closed is harmless. */
  async closeNoticeIssue(issueNumber: number, comment: string): Promise<void> {
    await this.parts.ctx.api.createComment(issueNumber, comment);
    await this.parts.ctx.api.updateIssue(issueNumber, { state: "closed" });
  }

  /** Each flush is a PATCH of the attempt's Logs comment: few and paced (options.taskLogFlushMs). */
  get taskLogFlushMs(): number {
    return this.parts.ctx.options.taskLogFlushMs;
  }

  /**
   * A task reaches another worker's view after the read lag (settleDelayMs, the lag the store
   * assumes) and that worker's next mirror refresh; the assignee's claim waits for its write
   * spacing, then reaches the others the same way.
   */
  get claimVisibilityMs(): number {
    const { settleDelayMs, refreshIntervalMs, throttle } = this.parts.ctx.options;
    return 2 * (settleDelayMs + refreshIntervalMs) + throttle.writeMinTimeMs;
  }

  async now(): Promise<number> {
    return this.parts.ctx.now();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.parts.memory.flush(), this.parts.events.flush()]);
  }

  registerWorker(registration: WorkerRegistration): Promise<WorkerRecord> {
    return this.parts.workers.register(registration);
  }
  heartbeat(workerId: string, report: HeartbeatReport): Promise<WorkerRecord> {
    return this.parts.workers.heartbeat(workerId, report);
  }
  transitionWorker(
    workerId: string,
    to: WorkerState,
    opts: { expectedFrom?: WorkerState[]; onlyIfLeaseExpired?: boolean; actor: string; reason: string },
  ): Promise<WorkerRecord> {
    return this.parts.workers.transition(workerId, to, opts);
  }
  requestDrain(workerId: string, actor: string): Promise<WorkerRecord> {
    return this.parts.workers.requestDrain(workerId, actor);
  }
  getWorker(workerId: string): Promise<WorkerRecord | null> {
    return this.parts.workers.get(workerId);
  }
  listWorkers(opts?: { includeRemoved?: boolean }): Promise<WorkerRecord[]> {
    return this.parts.workers.list(opts?.includeRemoved ?? false);
  }
  listWorkerMetrics(): Promise<WorkerMetricsRecord[]> {
    return this.parts.workers.listMetrics();
  }

  acquireLock(req: { taskId: string; ownerId: string; ttlMs: number; metadata: LockMetadata }): Promise<AcquireResult> {
    return this.parts.locks.acquire(req);
  }
  releaseLock(taskId: string, token: number): Promise<void> {
    return this.parts.locks.release(taskId, token);
  }
  forceReleaseLock(taskId: string, opts: { actor: string; reason: string }): Promise<Lock | null> {
    return this.parts.operator.forceRelease(taskId, opts);
  }
  getLock(taskId: string): Promise<Lock | null> {
    return this.parts.locks.getLock(taskId);
  }
  listLocks(): Promise<Lock[]> {
    return this.parts.locks.listLocks();
  }

  createTask(task: NewTask, actor: string): Promise<Task> {
    return createTask(this.parts.ctx, this.parts.taskReader, task, actor);
  }
  getTask(taskId: string): Promise<Task | null> {
    return this.parts.queries.get(taskId);
  }
  listTasks(filter: TaskFilter): Promise<Page<Task>> {
    return this.parts.queries.list(filter);
  }
  listClaimable(opts: { types: string[]; workerId: string; limit: number }): Promise<Task[]> {
    return this.parts.queries.listClaimable(opts);
  }
  startTask(taskId: string, token: number, workerId: string): Promise<Task> {
    return this.parts.attempts.start(taskId, token, workerId);
  }
  claimTasks(req: ClaimRequest): Promise<Array<{ task: Task; lock: Lock }>> {
    return this.parts.attempts.claim(req);
  }
  storeResult(taskId: string, token: number, result: unknown): Promise<Task> {
    return this.parts.attempts.storeResult(taskId, token, result);
  }
  completeTask(taskId: string, token: number, opts?: { result?: unknown }): Promise<Task> {
    return this.parts.attempts.complete(taskId, token, opts ?? {});
  }
  failTask(
    taskId: string,
    token: number,
    error: { message: string; retryable: boolean; retryDelayMs: number },
  ): Promise<Task> {
    return this.parts.attempts.fail(taskId, token, error);
  }
  cancelTask(taskId: string, opts: { actor: string; reason: string }): Promise<Task> {
    return this.parts.operator.cancel(taskId, opts);
  }
  editTask(taskId: string, edit: TaskEdit, actor: string): Promise<Task> {
    return this.parts.operator.edit(taskId, edit, actor);
  }
  requeueTask(
    taskId: string,
    opts: { actor: string; reason: string; pinnedWorkerId?: string | null; resetAttempts?: boolean },
  ): Promise<Task> {
    return this.parts.operator.requeue(taskId, opts);
  }

  promoteTask(taskId: string, opts: { actor: string; reason: string }): Promise<Task> {
    return this.parts.operator.promote(taskId, opts);
  }

  appendTaskLog(taskId: string, token: number, batch: TaskLogBatch, opts?: { final?: boolean }): Promise<void> {
    return this.parts.logs.append(taskId, token, batch, opts?.final ?? false);
  }
  getTaskLog(taskId: string): Promise<TaskLog | null> {
    return this.parts.logs.get(taskId);
  }

  memorySet(key: string, value: unknown, writerId: string): Promise<MemoryEntry> {
    return this.parts.memory.set(key, value, writerId);
  }
  memoryGet(key: string): Promise<MemoryEntry | null> {
    return this.parts.memory.get(key);
  }
  memoryDelete(key: string, writerId: string): Promise<boolean> {
    return this.parts.memory.delete(key, writerId);
  }
  memoryList(prefix: string): Promise<MemoryEntry[]> {
    return this.parts.memory.list(prefix);
  }

  appendEvent(event: NewStoreEvent): Promise<StoreEvent> {
    return this.parts.events.append(event);
  }
  readEvents(afterId: number, limit: number): Promise<StoreEvent[]> {
    return this.parts.events.read(afterId, limit);
  }
  pauseTaskType(type: string, actor: string): Promise<TypePause> {
    return this.parts.pauses.pause(type, actor);
  }
  resumeTaskType(type: string, actor: string): Promise<boolean> {
    return this.parts.pauses.resume(type, actor);
  }
  listPausedTypes(): Promise<TypePause[]> {
    return this.parts.pauses.list();
  }
  setTaskTypeLimit(type: string, change: TypeLimitChange, actor: string): Promise<TypeLimit | null> {
    return this.parts.limits.set(type, change, actor);
  }
  listTaskTypeLimits(): Promise<TypeLimit[]> {
    return this.parts.limits.list();
  }
  createSchedule(input: NewScheduleInput, actor: string): Promise<Schedule> {
    return this.parts.schedules.create(input, actor);
  }
  editSchedule(idOrName: string, edit: ScheduleEdit, actor: string): Promise<Schedule> {
    return this.parts.schedules.edit(idOrName, edit, actor);
  }
  deleteSchedule(idOrName: string, actor: string): Promise<boolean> {
    return this.parts.schedules.delete(idOrName, actor);
  }
  getSchedule(idOrName: string): Promise<Schedule | null> {
    return this.parts.schedules.get(idOrName);
  }
  listSchedules(): Promise<Schedule[]> {
    return this.parts.schedules.list();
  }
  listScheduleRuns(scheduleId: string, limit: number): Promise<ScheduleRun[]> {
    return this.parts.schedules.runs(scheduleId, limit);
  }
  fireDueSlots(firedBy: string): Promise<ScheduleRun[]> {
    return this.parts.schedules.fireDueSlots(firedBy);
  }
  getSetting(key: string): Promise<string | null> {
    return this.parts.settings.get(key);
  }
  setSetting(key: string, value: string, actor: string): Promise<void> {
    return this.parts.settings.set(key, value, actor);
  }

  appendAudit(entry: NewAuditRecord): Promise<AuditRecord> {
    return this.parts.audit.append(entry);
  }

  listAudit(filter: AuditFilter): Promise<AuditRecord[]> {
    return this.parts.audit.list(filter);
  }
}
