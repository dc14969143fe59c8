import type { Task, TaskState } from "../../../domain/task.js";
import { type DependencyState, type DependencyStatus, dependencyStatus } from "../../../domain/task-dependencies.js";
import type { GithubContext } from "../github-context.js";
import type { TaskReader } from "./task-reader.js";

/**
 * The states of a dependent's dependencies as this process can see them on GitHub. A
 * dependency's success counts once it has been visible for a settle delay past its outcome:
 * GitHub's reads lag its writes, and an outcome written too late for its lock is refused by
 * the fold once the op that revoked the attempt shows up (fencing.ts), so a success younger
 * than that could still turn out not to be one. A success past that is final (a succeeded
 * task is never requeued), so it is remembered and never read again.
 */
export class DependencyStates {
  private readonly succeeded = new Set<string>();

  constructor(
    private readonly ctx: GithubContext,
    private readonly reader: TaskReader,
  ) {}

  /**
   * `known`: tasks folded from the mirror this round (a listing has them all at hand); else
   * the mirror is folded for each dependency, and one missing from it — e.g. an old finished
   * task past the mirror's history horizon — is read from GitHub.
   */
  async statusOf(task: Pick<Task, "dependsOn">, known?: ReadonlyMap<string, Task>): Promise<DependencyStatus> {
    if (task.dependsOn.length === 0) return { kind: "satisfied" };
    const states: DependencyState[] = [];
    for (const id of task.dependsOn) states.push({ id, state: await this.stateOf(id, known) });
    return dependencyStatus(states);
  }

  private async stateOf(id: string, known?: ReadonlyMap<string, Task>): Promise<TaskState | null> {
    if (this.succeeded.has(id)) return "succeeded";
    const dependency = known?.get(id) ?? this.fromMirror(id) ?? (await this.reader.load(id))?.view.task ?? null;
    if (!dependency) return null;
    if (dependency.state !== "succeeded") return dependency.state;
    const settledAt = (dependency.finishedAt ?? dependency.updatedAt) + this.ctx.settleDelayMs();
    // Not settled yet: it waits, like a dependency not seen at all.
    if (this.ctx.now() < settledAt) return null;
    this.succeeded.add(id);
    return "succeeded";
  }

  /** The dependency folded from this process's mirror (no request), if the mirror holds it. */
  private fromMirror(id: string): Task | null {
    return this.reader.issueOf(id) === null ? null : this.reader.refold(id);
  }
}
