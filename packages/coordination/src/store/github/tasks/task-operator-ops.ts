import { setTimeout as delay } from "node:timers/promises";
import { failureEventKind, failureOutcome, lapsedIncarnationFailure } from "../../../domain/attempt-failure.js";
import type { Lock } from "../../../domain/lock.js";
import type { Task } from "../../../domain/task.js";
import { assertPromotable } from "../../../domain/task-delay.js";
import { dependencyDoomedRequeue } from "../../../domain/task-dependencies.js";
import { describeEdit, type TaskEdit, taskEditSchema } from "../../../domain/task-edit.js";
import { assertTaskAction, canApplyTaskAction } from "../../../domain/task-transitions.js";
import { IllegalTransitionError } from "../../../errors.js";
import { parseOrThrow } from "../../../validation.js";
import { operatorSchema, requeueSchema } from "../../port-schemas.js";
import type { TaskView } from "../fold/task-fold.js";
import type { GithubContext } from "../github-context.js";
import { toJsonValue } from "../json-value.js";
import { taskIdOf } from "../records/issue-kinds.js";
import type { EventEntry } from "../records/record-schemas.js";
import { failureEnd } from "./attempt-end.js";
import type { DependencyStates } from "./dependency-states.js";
import { MAX_PARAMS_CHARS } from "./task-creation.js";
import type { TaskReader } from "./task-reader.js";
import type { TaskWriter } from "./task-writer.js";

/**
 * What operators and monitors do to a task from outside its attempt: force-release,
 * cancel, requeue, and recovering a lapsed worker's tasks. Each is an op comment that
 * revokes the current lock by its position in the fold.
 */
export class TaskOperatorOps {
  constructor(
    private readonly ctx: GithubContext,
    private readonly reader: TaskReader,
    private readonly writer: TaskWriter,
    private readonly dependencies: DependencyStates,
  ) {}

  async forceRelease(taskId: string, opts: { actor: string; reason: string }): Promise<Lock | null> {
    const { actor, reason } = parseOrThrow(operatorSchema, opts, "options");
    const { view } = await this.reader.require(taskId);
    taskId = view.task.id;
    await this.writer.postOp(taskId, {
      op: "force-release",
      actor,
      reason,
      ev: this.revokeEntries(taskId, view, actor, reason),
    });
    return view.holder?.lock ?? null;
  }

  async cancel(taskId: string, opts: { actor: string; reason: string }): Promise<Task> {
    const { actor, reason } = parseOrThrow(operatorSchema, opts, "options");
    const { view } = await this.reader.require(taskId);
    taskId = view.task.id;
    const from = view.task.state;
    assertTaskAction(taskId, "cancel", from);
    const ev = [
      ...this.revokeEntries(taskId, view, actor, `task cancelled: ${reason}`),
      this.ctx.entry("task.cancelled", { taskId, workerId: view.task.workerId, actor, data: { from, reason } }),
    ];
    await this.writer.postOp(taskId, { op: "cancel", actor, reason, ev });
    return this.relabelled(taskId);
  }

  async requeue(
    taskId: string,
    opts: { actor: string; reason: string; pinnedWorkerId?: string | null; resetAttempts?: boolean },
  ): Promise<Task> {
    const { actor, reason, pinnedWorkerId, resetAttempts } = parseOrThrow(requeueSchema, opts, "options");
    const { view } = await this.reader.require(taskId);
    taskId = view.task.id;
    const from = view.task.state;
    assertTaskAction(taskId, "requeue", from);
    const status = await this.dependencies.statusOf(view.task);
    if (status.kind === "doomed") throw dependencyDoomedRequeue(taskId, from, status);
    const ev: EventEntry[] = [
      ...this.revokeEntries(taskId, view, actor, `task requeued: ${reason}`),
      this.ctx.entry("task.requeued", {
        taskId,
        workerId: view.task.workerId,
        actor,
        data: { from, reason, resetAttempts: resetAttempts ?? false },
      }),
    ];
    if (pinnedWorkerId !== undefined && pinnedWorkerId !== view.task.pinnedWorkerId) {
      ev.push(
        this.ctx.entry("task.pinned", {
          taskId,
          workerId: pinnedWorkerId,
          actor,
          data: { pinnedWorkerId, previous: view.task.pinnedWorkerId },
        }),
      );
    }
    await this.writer.postOp(taskId, {
      op: "requeue",
      actor,
      reason,
      ev,
      ...(pinnedWorkerId === undefined ? {} : { pinnedWorkerId }),
      ...(resetAttempts ? { resetAttempts } : {}),
    });
    return this.relabelled(taskId);
  }

  /**
   * Edit a queued task: one `edit` op, then the issue read back after a settle delay — the
   * fold applies the op only if the task was still queued at its position, so an edit that
   * lost the race to a claim is refused here (IllegalTransitionError) and changes nothing.
   */
  async edit(taskId: string, input: TaskEdit, actor: string): Promise<Task> {
    const edit = parseOrThrow(taskEditSchema, input, "edit");
    parseOrThrow(operatorSchema.shape.actor, actor, "actor");
    const { view } = await this.reader.require(taskId);
    taskId = view.task.id;
    assertTaskAction(taskId, "edit", view.task.state, "edited");
    const params = edit.params === undefined ? undefined : toJsonValue(edit.params, "params", MAX_PARAMS_CHARS);
    const change = describeEdit(view.task, edit);
    const ev = [this.ctx.entry("task.edited", { taskId, workerId: null, actor, data: change })];
    const posted = await this.writer.postOp(taskId, {
      op: "edit",
      actor,
      reason: "edited by operator",
      ev,
      ...(edit.priority === undefined ? {} : { priority: edit.priority }),
      ...(params === undefined ? {} : { params }),
    });
    await delay(this.ctx.settleDelayMs());
    const fresh = await this.reader.require(taskId);
    if (!fresh.view.applied.has(posted.id))
      throw new IllegalTransitionError("task", taskId, fresh.view.task.state, "edited");
    await this.writer.mirrorLabels(fresh.view.task);
    return fresh.view.task;
  }

  /**
   * A waiting dependent whose dependency ended dead or cancelled ends by its policy: one op
   * whose position decides, like a cancel's (the fold applies it only to a task that has not
   * started). Several workers may see the same doomed set and post it; the first one counts.
   */
  async dependencyFailed(
    taskId: string,
    outcome: { state: "cancelled" | "dead"; reason: string; dependency: string },
    actor: string,
  ): Promise<void> {
    const loaded = await this.reader.load(taskId);
    if (!loaded || !canApplyTaskAction("doom", loaded.view.task.state)) return;
    const { task } = loaded.view;
    const ev = [
      ...this.revokeEntries(task.id, loaded.view, actor, outcome.reason),
      this.ctx.entry(outcome.state === "dead" ? "task.dead" : "task.cancelled", {
        taskId: task.id,
        workerId: null,
        actor,
        data: { from: task.state, reason: outcome.reason, dependency: outcome.dependency },
      }),
    ];
    await this.writer.postOp(task.id, {
      op: "dependency-failed",
      actor,
      reason: outcome.reason,
      state: outcome.state,
      dependency: outcome.dependency,
      ev,
    });
    await this.relabelled(task.id);
  }

  /** Bring a delayed task's runAt forward to now (domain/task-delay.ts); one op comment, the lock untouched. */
  async promote(taskId: string, opts: { actor: string; reason: string }): Promise<Task> {
    const { actor, reason } = parseOrThrow(operatorSchema, opts, "options");
    const { view } = await this.reader.require(taskId);
    taskId = view.task.id;
    assertPromotable(view.task, this.ctx.now());
    const ev = [
      this.ctx.entry("task.promoted", { taskId, workerId: null, actor, data: { runAt: view.task.runAt, reason } }),
    ];
    const posted = await this.writer.postOp(taskId, { op: "promote", actor, reason, ev });
    // As for an edit: the fold applies the op only if the task was still delayed at its
    // position; a worker that claimed first (its claim may surface only after the settle
    // delay) wins, and the promote is refused here instead of reported as done.
    await delay(this.ctx.settleDelayMs());
    const fresh = await this.reader.require(taskId);
    if (!fresh.view.applied.has(posted.id))
      throw new IllegalTransitionError("task", taskId, `${fresh.view.task.state} (not delayed)`, "promoted");
    return fresh.view.task;
  }

  /** Revoke the locks and fail the running attempts a lapsed incarnation of `workerId` still holds. */
  async recoverWorker(workerId: string, reason: string): Promise<void> {
    for (const { source, view } of await this.reader.foldAll()) {
      const holdsLock = view.openClaims.some((claim) => claim.lock.ownerId === workerId);
      const running = view.task.state === "running" && view.task.workerId === workerId;
      if (!holdsLock && !running) continue;
      const taskId = taskIdOf(source.nonce);
      const fresh = await this.reader.load(taskId);
      if (!fresh) continue;
      const task = fresh.view.task;
      if (task.state === "running" && task.workerId === workerId && task.fencingToken !== null) {
        const now = this.ctx.now();
        const outcome = failureOutcome(task, lapsedIncarnationFailure(reason), now);
        const end = failureEnd(outcome, now);
        const ev = [
          this.ctx.entry("lock.force_released", {
            taskId,
            workerId,
            actor: workerId,
            data: { token: task.fencingToken, reason },
          }),
          this.ctx.entry(failureEventKind(outcome), {
            taskId,
            workerId,
            actor: workerId,
            data: { attempt: task.attempts, maxAttempts: task.maxAttempts, error: end.error, retryable: true },
          }),
        ];
        await this.writer.postOp(taskId, { op: "recover", token: task.fencingToken, end, actor: workerId, reason, ev });
      } else if (fresh.view.openClaims.some((claim) => claim.lock.ownerId === workerId)) {
        await this.writer.postOp(taskId, {
          op: "force-release",
          actor: workerId,
          reason,
          ev: this.revokeEntries(taskId, fresh.view, workerId, reason),
        });
      }
    }
  }

  /** The task after our op (read-your-writes), with its labels brought in line. */
  private async relabelled(taskId: string): Promise<Task> {
    const after = this.reader.refold(taskId);
    await this.writer.mirrorLabels(after);
    return after;
  }

  /** The event of revoking the current holder's lock, if there is one. */
  private revokeEntries(taskId: string, view: TaskView, actor: string, reason: string): EventEntry[] {
    const holder = view.holder;
    if (!holder) return [];
    return [
      this.ctx.entry("lock.force_released", {
        taskId,
        workerId: holder.lock.ownerId,
        actor,
        data: { token: holder.lock.token, reason },
      }),
    ];
  }
}
