import type { AcquireResult, Lock, LockMetadata } from "../../domain/lock.js";
import type { NewTask, Page, Task, TaskFilter } from "../../domain/task.js";
import type { TaskView } from "./fold/task-fold.js";
import type { TaskSource } from "./fold/task-source.js";
import type { GithubContext } from "./github-context.js";
import type { AttemptFailure } from "./tasks/attempt-end.js";
import { TaskAttempts } from "./tasks/task-attempts.js";
import { createTask } from "./tasks/task-creation.js";
import { TaskLocks } from "./tasks/task-locks.js";
import { TaskOperatorOps } from "./tasks/task-operator-ops.js";
import { TaskQueries } from "./tasks/task-queries.js";
import { TaskReader } from "./tasks/task-reader.js";
import { TaskWriter } from "./tasks/task-writer.js";
import type { WorkerStore } from "./worker-store.js";

/**
 * Tasks and their locks on GitHub, one part per concern (see ./tasks): reading and
 * listing, locks, the attempt lifecycle, and operator ops. They share one reader and one
 * writer, so the claims this process owns are known to every part.
 */
export class TaskStore {
  private readonly reader: TaskReader;
  private readonly queries: TaskQueries;
  private readonly locks: TaskLocks;
  private readonly attempts: TaskAttempts;
  private readonly operator: TaskOperatorOps;

  constructor(
    private readonly ctx: GithubContext,
    workers: WorkerStore,
  ) {
    this.reader = new TaskReader(ctx, workers);
    const writer = new TaskWriter(ctx, this.reader);
    this.queries = new TaskQueries(ctx, this.reader);
    this.locks = new TaskLocks(ctx, workers, this.reader, writer);
    this.attempts = new TaskAttempts(ctx, workers, this.reader, writer);
    this.operator = new TaskOperatorOps(ctx, this.reader, writer);
  }

  foldAll(): Promise<Array<{ source: TaskSource; view: TaskView }>> {
    return this.reader.foldAll();
  }
  get(taskId: string): Promise<Task | null> {
    return this.queries.get(taskId);
  }
  list(filter: TaskFilter): Promise<Page<Task>> {
    return this.queries.list(filter);
  }
  listClaimable(opts: { types: string[]; workerId: string; limit: number }): Promise<Task[]> {
    return this.queries.listClaimable(opts);
  }
  create(input: NewTask, actor: string): Promise<Task> {
    return createTask(this.ctx, this.reader, input, actor);
  }

  acquire(req: { taskId: string; ownerId: string; ttlMs: number; metadata: LockMetadata }): Promise<AcquireResult> {
    return this.locks.acquire(req);
  }
  release(taskId: string, token: number): Promise<void> {
    return this.locks.release(taskId, token);
  }
  getLock(taskId: string): Promise<Lock | null> {
    return this.locks.getLock(taskId);
  }
  listLocks(): Promise<Lock[]> {
    return this.locks.listLocks();
  }

  start(taskId: string, token: number, workerId: string): Promise<Task> {
    return this.attempts.start(taskId, token, workerId);
  }
  claim(req: {
    workerId: string;
    taskIds: string[];
    metadata: Omit<LockMetadata, "taskType">;
  }): Promise<Array<{ task: Task; lock: Lock }>> {
    return this.attempts.claim(req);
  }
  storeResult(taskId: string, token: number, result: unknown): Promise<Task> {
    return this.attempts.storeResult(taskId, token, result);
  }
  complete(taskId: string, token: number, opts: { result?: unknown } = {}): Promise<Task> {
    return this.attempts.complete(taskId, token, opts);
  }
  fail(taskId: string, token: number, error: AttemptFailure): Promise<Task> {
    return this.attempts.fail(taskId, token, error);
  }

  forceRelease(taskId: string, opts: { actor: string; reason: string }): Promise<Lock | null> {
    return this.operator.forceRelease(taskId, opts);
  }
  cancel(taskId: string, opts: { actor: string; reason: string }): Promise<Task> {
    return this.operator.cancel(taskId, opts);
  }
  requeue(
    taskId: string,
    opts: { actor: string; reason: string; pinnedWorkerId?: string | null; resetAttempts?: boolean },
  ): Promise<Task> {
    return this.operator.requeue(taskId, opts);
  }
  /** Revoke the locks and fail the running attempts a lapsed incarnation of `workerId` still holds. */
  recoverWorker(workerId: string, reason: string): Promise<void> {
    return this.operator.recoverWorker(workerId, reason);
  }
}
