import { isRunningAttempt } from "../../domain/fencing.js";
import type { CoordinationStore } from "../../store/port.js";
import type { ClaimedTask } from "../claimed-task.js";
import { TaskAbortedError } from "../runtime-errors.js";

/** A task this worker is executing or completing. */
interface RunningTask {
  claim: ClaimedTask;
  controller: AbortController;
  done: Promise<void>;
}

/** The tasks this worker holds, by task id: what its capacity, health and graceful stop count. */
export class RunningTasks {
  private readonly tasks = new Map<string, RunningTask>();
  private lastActivity = Number.NEGATIVE_INFINITY;

  /** `onCount`: told the number held after every change (the active-tasks gauge). */
  constructor(private readonly onCount: (count: number) => void) {}

  get size(): number {
    return this.tasks.size;
  }

  /** When a task was last launched or ended (performance.now()); -Infinity before the first. */
  get lastActivityAt(): number {
    return this.lastActivity;
  }

  /** Run a claimed task in the background; `onEnd` once it ended and its slot is free. */
  launch(claim: ClaimedTask, run: (signal: AbortSignal) => Promise<void>, onEnd: () => void): void {
    const controller = new AbortController();
    this.lastActivity = performance.now();
    const done = run(controller.signal).finally(() => {
      this.lastActivity = performance.now();
      this.tasks.delete(claim.task.id);
      this.onCount(this.tasks.size);
      onEnd();
    });
    this.tasks.set(claim.task.id, { claim, controller, done });
    this.onCount(this.tasks.size);
  }

  /** Every running task fails for an immediate retry elsewhere. */
  abortAll(reason: string): void {
    for (const task of this.tasks.values()) task.controller.abort(new TaskAbortedError(reason));
  }

  /** Abort the tasks the store no longer gives us (a monitor may have recovered them while our heartbeat was away). */
  async abortSuperseded(store: CoordinationStore): Promise<void> {
    for (const running of [...this.tasks.values()]) {
      const task = await store.getTask(running.claim.task.id);
      if (!task || !isRunningAttempt(task, running.claim.lock.token)) {
        running.controller.abort(new TaskAbortedError(`task ${running.claim.task.id} now belongs to another attempt`));
      }
    }
  }

  /** Resolves when every task running now has ended, however it ended. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.tasks.values()].map((task) => task.done));
  }
}
