import { newTaskSchema, type Page, type Task, type TaskFilter, type TaskState } from "../domain/task.js";
import { taskEditSchema } from "../domain/task-edit.js";
import { IllegalTransitionError, NotFoundError, ValidationError } from "../errors.js";
import type { CoordinationStore } from "../store/port.js";
import { parseOrThrow } from "../validation.js";

/** Unknown keys are rejected so a typo ("prioirty") is reported instead of silently ignored. */
const strictNewTaskSchema = newTaskSchema.strict();

const RETRYABLE_STATES: readonly TaskState[] = ["failed", "dead", "cancelled"];

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

  /** A queued task's new priority and/or params; refused once a worker started it. */
  async edit(taskId: string, edit: unknown, actor: string): Promise<Task> {
    return this.store.editTask(taskId, parseOrThrow(taskEditSchema, edit, "edit"), actor);
  }

  /** failed / dead / cancelled → queued now, with a fresh attempt budget. */
  async retry(taskId: string, actor: string): Promise<Task> {
    const task = await this.require(taskId);
    if (!RETRYABLE_STATES.includes(task.state)) throw new IllegalTransitionError("task", taskId, task.state, "queued");
    return this.store.requeueTask(taskId, { actor, reason: "retry requested", resetAttempts: true });
  }

  /** A delayed task runs now (its runAt moves to the store's now); refused for a task that is not delayed. */
  async promote(taskId: string, actor: string, reason = "promoted by operator"): Promise<Task> {
    return this.store.promoteTask(taskId, { actor, reason });
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

  private async require(taskId: string): Promise<Task> {
    const task = await this.store.getTask(taskId);
    if (!task) throw new NotFoundError("task", taskId);
    return task;
  }
}
