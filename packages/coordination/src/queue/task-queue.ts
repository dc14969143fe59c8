import { isTerminal, newTaskSchema, type Page, type Task, type TaskFilter, type TaskState } from "../domain/task.js";
import { IllegalTransitionError, NotFoundError, SentinelError, ValidationError } from "../errors.js";
import type { CoordinationStore } from "../store/port.js";
import { parseOrThrow } from "../validation.js";

/** Unknown keys are rejected so a typo ("prioirty") is reported instead of silently ignored. */
const strictNewTaskSchema = newTaskSchema.strict();

const RETRYABLE_STATES: readonly TaskState[] = ["failed", "dead", "cancelled"];

export type BulkAction = "retry" | "cancel";

export interface BulkRequest {
  /** Which tasks; `cursor` and `limit` are ignored (a bulk action covers every match). */
  filter: Omit<TaskFilter, "cursor" | "limit">;
  action: BulkAction;
  actor: string;
  /** Count only, change nothing: the dashboard's confirmation step. */
  dryRun: boolean;
}

export interface BulkResult {
  action: BulkAction;
  dryRun: boolean;
  /** Tasks the action applies to (the number shown before confirming). */
  matched: number;
  /** Tasks actually changed (0 on a dry run). */
  applied: number;
  /** Matched tasks that changed state before the action reached them. */
  skipped: number;
}

/** Producer and operator side of the task lifecycle. Every method is one store transition per task. */
export class TaskQueue {
  constructor(private readonly store: CoordinationStore) {}

  /** Validated with `newTaskSchema`; a bad field gives a ValidationError naming its path. */
  async create(input: unknown, actor: string): Promise<Task> {
    return this.store.createTask(parseOrThrow(strictNewTaskSchema, input, "task"), actor);
  }

  async get(taskId: string): Promise<Task | null> {
    return this.store.getTask(taskId);
  }

  async list(filter: TaskFilter = {}): Promise<Page<Task>> {
    return this.store.listTasks(filter);
  }

  async cancel(taskId: string, actor: string, reason = "cancelled by operator"): Promise<Task> {
    return this.store.cancelTask(taskId, { actor, reason });
  }

  /** failed / dead / cancelled → queued now, with a fresh attempt budget. */
  async retry(taskId: string, actor: string): Promise<Task> {
    const task = await this.require(taskId);
    if (!RETRYABLE_STATES.includes(task.state)) throw new IllegalTransitionError("task", taskId, task.state, "queued");
    return this.store.requeueTask(taskId, { actor, reason: "retry requested", resetAttempts: true });
  }

  /** Back to queued now from running, failed, dead or cancelled (a running attempt's token goes stale). */
  async requeue(taskId: string, actor: string, reason = "requeued by operator"): Promise<Task> {
    return this.store.requeueTask(taskId, { actor, reason });
  }

  /**
   * Pin to a worker (null: any worker) and requeue; the store releases the lock, so the old
   * holder's fencing token is stale and its late writes are rejected.
   */
  async reassign(taskId: string, workerId: string | null, actor: string): Promise<Task> {
    const task = await this.require(taskId);
    if (task.state === "succeeded") throw new IllegalTransitionError("task", taskId, task.state, "queued");
    if (workerId !== null) {
      const worker = await this.store.getWorker(workerId);
      if (!worker || worker.state === "REMOVED") throw new NotFoundError("worker", workerId);
      if (!worker.supportedTaskTypes.includes(task.type)) {
        throw new ValidationError("workerId", `a worker that supports task type ${task.type}`, workerId);
      }
    }
    const reason = workerId === null ? "reassigned to any worker" : `reassigned to ${workerId}`;
    return this.store.requeueTask(taskId, { actor, reason, pinnedWorkerId: workerId });
  }

  /** Retry or cancel every task matching the filter; `dryRun` only counts. */
  async bulk(request: BulkRequest): Promise<BulkResult> {
    const applicable = (state: TaskState): boolean =>
      request.action === "retry" ? RETRYABLE_STATES.includes(state) : !isTerminal(state);
    const matches = (await this.listAll(request.filter)).filter((t) => applicable(t.state));
    const result: BulkResult = {
      action: request.action,
      dryRun: request.dryRun,
      matched: matches.length,
      applied: 0,
      skipped: 0,
    };
    if (request.dryRun) return result;
    for (const task of matches) {
      try {
        if (request.action === "retry") await this.retry(task.id, request.actor);
        else await this.cancel(task.id, request.actor, "bulk cancel");
        result.applied += 1;
      } catch (thrown) {
        if (!(thrown instanceof SentinelError)) throw thrown;
        result.skipped += 1;
      }
    }
    return result;
  }

  private async listAll(filter: BulkRequest["filter"]): Promise<Task[]> {
    const out: Task[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<Task> = await this.store.listTasks({ ...filter, limit: 500, cursor });
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  private async require(taskId: string): Promise<Task> {
    const task = await this.store.getTask(taskId);
    if (!task) throw new NotFoundError("task", taskId);
    return task;
  }
}
