import { isTerminal, type Page, type Task, type TaskFilter, type TaskState } from "../../../domain/task.js";
import { compareClaimOrder, isClaimableBy } from "../../../domain/task-claims.js";
import { dependencyFailureOutcome } from "../../../domain/task-dependencies.js";
import { parseOrThrow } from "../../../validation.js";
import { claimableSchema, filterSchema } from "../../port-schemas.js";
import type { GithubContext } from "../github-context.js";
import type { TypePauseStore } from "../type-pause-store.js";
import type { DependencyStates } from "./dependency-states.js";
import { decodeCursor, encodeCursor } from "./task-cursor.js";
import type { TaskIssueRepair } from "./task-issue-repair.js";
import type { TaskOperatorOps } from "./task-operator-ops.js";
import type { TaskReader } from "./task-reader.js";
import type { TypeLimitGate } from "./type-limit-gate.js";

/** Reading tasks: one task fresh from GitHub, listings folded from the mirror. */
export class TaskQueries {
  constructor(
    private readonly ctx: GithubContext,
    private readonly reader: TaskReader,
    private readonly repair: TaskIssueRepair,
    private readonly pauses: TypePauseStore,
    private readonly limits: TypeLimitGate,
    private readonly dependencies: DependencyStates,
    private readonly operator: TaskOperatorOps,
  ) {}

  async get(taskId: string): Promise<Task | null> {
    return (await this.reader.load(taskId))?.view.task ?? null;
  }

  async list(filter: TaskFilter): Promise<Page<Task>> {
    const f = parseOrThrow(filterSchema, filter, "filter");
    const after = f.cursor ? decodeCursor(f.cursor) : null;
    const search = f.search?.toLowerCase();
    // Finished tasks older than the history horizon are not read at start-up (their issues are closed).
    if (!f.states || f.states.some(isTerminal)) await this.ctx.mirror.loadHistory();
    // Newest first (by issue number); the cursor is the last issue number of the previous page.
    const folded = await this.reader.foldAll();
    await this.repair.run(folded);
    const matches = folded
      .map(({ source, view }) => ({ number: source.issueNumber, task: view.task }))
      .filter(({ task }) => !f.states || f.states.includes(task.state))
      .filter(({ task }) => !f.types || f.types.includes(task.type))
      .filter(({ task }) => !f.workerId || task.workerId === f.workerId)
      .filter(
        ({ task }) =>
          !search ||
          [task.id, task.title, task.type, JSON.stringify(task.params)].some((text) =>
            text.toLowerCase().includes(search),
          ),
      )
      .sort((a, b) => b.number - a.number)
      .filter(({ number }) => after === null || number < after);
    const page = matches.slice(0, f.limit);
    const last = page.at(-1);
    return {
      items: page.map(({ task }) => task),
      nextCursor: matches.length > f.limit && last ? encodeCursor(last.number) : null,
    };
  }

  async listClaimable(opts: { types: string[]; workerId: string; limit: number }): Promise<Task[]> {
    const { types, workerId, limit } = parseOrThrow(claimableSchema, opts, "options");
    if (types.length === 0) return [];
    const now = this.ctx.now();
    const worker = { id: workerId, supportedTaskTypes: types };
    const folded = await this.reader.foldAll();
    await this.repair.run(folded);
    const pauses = await this.pauses.list();
    const known = new Map(folded.map(({ view }) => [view.task.id, view.task]));
    const candidates: Array<{ number: number; task: Task }> = [];
    for (const { source, view } of folded) {
      if (!isClaimableBy(view.task, worker, now, pauses)) continue;
      const status = await this.dependencies.statusOf(view.task, known);
      if (status.kind === "doomed") await this.settleDoomed(view.task, status, workerId);
      if (status.kind !== "satisfied") continue;
      if (view.holder) {
        // A loser's claim is deleted, but deletions never appear in `since` lists: re-read
        // the issue when an unstarted claim has outlived the settle window.
        if (
          view.holder.stored.record.start ||
          view.applied.has(view.holder.stored.id) ||
          now - view.holder.lock.acquiredAt < 2 * this.ctx.settleDelayMs() + 1000
        )
          continue;
        const fresh = await this.reader.load(view.task.id);
        if (!fresh || fresh.view.holder || !isClaimableBy(fresh.view.task, worker, now, pauses)) continue;
        candidates.push({ number: source.issueNumber, task: fresh.view.task });
      } else {
        candidates.push({ number: source.issueNumber, task: view.task });
      }
    }
    const limits = this.limits.byType();
    const hasPlace = this.limits.placesLeft(limits, () => this.limits.fold(limits));
    const offered: Task[] = [];
    for (const { task } of candidates.sort((a, b) => compareClaimOrder(a.task, b.task) || a.number - b.number)) {
      if (offered.length >= limit) break;
      if (await hasPlace(task.type)) offered.push(task);
    }
    return offered;
  }

  /**
   * A dependent this worker could run whose dependency ended dead or cancelled: the poll that
   * sees it ends it by its policy (GitHub has no transaction to do it in the dependency's own
   * end, docs/flow-control.md). A failure here must not stop the poll: the next one retries.
   */
  private async settleDoomed(
    task: Task,
    doomed: { dependency: string; state: TaskState },
    workerId: string,
  ): Promise<void> {
    const outcome = dependencyFailureOutcome(task.onDependencyFailure, doomed);
    try {
      await this.operator.dependencyFailed(task.id, { ...outcome, dependency: doomed.dependency }, workerId);
    } catch (error) {
      this.ctx.options.log?.("warn", "could not end a task whose dependency failed", {
        task: task.id,
        error: (error as Error).message,
      });
    }
  }
}
