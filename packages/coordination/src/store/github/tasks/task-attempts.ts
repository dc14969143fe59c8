import type { AssignmentDecision } from "../../../domain/assignment-decision.js";
import { type AttemptFailure, failureEventKind, failureOutcome } from "../../../domain/attempt-failure.js";
import { assertAttemptFence, assertStartFence, isRunningAttempt } from "../../../domain/fencing.js";
import type { Lock } from "../../../domain/lock.js";
import type { Task } from "../../../domain/task.js";
import { assertStartableBy, isClaimableBy } from "../../../domain/task-claims.js";
import { assertDue } from "../../../domain/task-delay.js";
import { describeDependencyStatus as describeStatus } from "../../../domain/task-dependencies.js";
import { assertNotPaused } from "../../../domain/task-type-pause.js";
import { acceptsNewWork } from "../../../domain/worker-rules.js";
import {
  DependenciesPendingError,
  NotFoundError,
  StaleFencingTokenError,
  TypeLimitReachedError,
} from "../../../errors.js";
import { parseOrThrow } from "../../../validation.js";
import type { ClaimRequest } from "../../port.js";
import { claimSchema, failureSchema, tokenSchema } from "../../port-schemas.js";
import { type ClaimView, GITHUB_TIME_RESOLUTION_MS, type TaskView } from "../fold/task-fold.js";
import type { GithubContext } from "../github-context.js";
import { toJsonValue } from "../json-value.js";
import type { AttemptEnd, ClaimRecord, EventEntry } from "../records/record-schemas.js";
import type { StoredRecord } from "../repo-mirror.js";

/** GitHub claims stay at 100 tasks a batch: each posts one comment per task before its settle delay. */
const githubClaimSchema = claimSchema.extend({ taskIds: claimSchema.shape.taskIds.max(100) });

import type { RegistryReader } from "../registry-reader.js";
import type { TaskLogs } from "../task-logs.js";
import type { TypePauseStore } from "../type-pause-store.js";
import { failureEnd } from "./attempt-end.js";
import type { DependencyStates } from "./dependency-states.js";
import { type SettleOutcome, settleClaims } from "./lock-settle.js";
import type { TaskReader } from "./task-reader.js";
import type { TaskWriter } from "./task-writer.js";
import type { GateLimit, TypeLimitGate } from "./type-limit-gate.js";

const MAX_RESULT_CHARS = 24_000;

/** The attempt lifecycle: start (two-step or claim-and-start), store a result, complete, fail. */
export class TaskAttempts {
  constructor(
    private readonly ctx: GithubContext,
    private readonly workers: RegistryReader,
    private readonly reader: TaskReader,
    private readonly writer: TaskWriter,
    private readonly logs: TaskLogs,
    private readonly pauses: TypePauseStore,
    private readonly dependencies: DependencyStates,
    private readonly limits: TypeLimitGate,
  ) {}

  start(taskId: string, token: number, workerId: string): Promise<Task> {
    return this.writer.exclusively(token, () => this.startNow(taskId, token, workerId));
  }

  private async startNow(taskId: string, token: number, workerId: string): Promise<Task> {
    parseOrThrow(tokenSchema, token, "token");
    parseOrThrow(claimSchema.shape.workerId, workerId, "workerId");
    const { view } = await this.reader.require(taskId);
    taskId = view.task.id;
    const liveHolder = view.holder ? { ...view.holder.lock, claim: view.holder } : null;
    const holder = assertStartFence({ taskId, token, lockToken: view.lockSeq, workerId, liveHolder }).claim;
    // A claim-and-start that won is already the running attempt.
    if (view.applied.has(token) && isRunningAttempt(view.task, token)) return view.task;
    assertNotPaused(view.task, await this.pauses.list());
    const status = await this.dependencies.statusOf(view.task);
    if (status.kind !== "satisfied")
      throw new DependenciesPendingError(taskId, view.task.state, describeStatus(status));
    // Our clock is a lower bound of GitHub's; the fold accepts a start GitHub dates within its
    // one-second resolution of runAt (isDueAt), so refuse only what the fold would refuse.
    assertDue(view.task, this.ctx.now() + GITHUB_TIME_RESOLUTION_MS);
    const limit = this.limits.byType().get(view.task.type);
    if (limit) {
      // Every claim below ours was posted before it, longer than a settle delay ago: read them.
      await this.ctx.mirror.refresh();
      const folded = await this.limits.fold(new Map([[limit.type, limit]]));
      const refusal = this.limits.refusal(limit, folded, { claimId: holder.stored.id, at: this.ctx.now() });
      if (refusal) throw new TypeLimitReachedError(taskId, view.task.state, refusal);
    }
    return this.startHeld(taskId, view, holder);
  }

  /**
   * Claim-and-start for a batch: each claim is posted as the attempt-to-be (`auto`), one
   * settle delay covers the batch, and the fold of the re-read decides — the winning claim
   * is the start, so a claimed task costs one write until it ends.
   */
  async claim(req: ClaimRequest): Promise<Array<{ task: Task; lock: Lock }>> {
    const { workerId, taskIds, metadata, decisions } = parseOrThrow(githubClaimSchema, req, "claim");
    const workers = await this.workers.views();
    const owner = this.workers.requireLiveLease(workers, workerId, this.ctx.now());
    if (!acceptsNewWork(owner.record)) return [];
    // Read from the mirror: a pause another process posted within the read lag may not be seen yet (docs/flow-control.md).
    const pauses = await this.pauses.list();
    const limits = this.limits.byType();
    const hasPlace = this.limits.placesLeft(limits, () => this.limits.fold(limits));
    const posted: Array<{ taskId: string; claim: StoredRecord<ClaimRecord> }> = [];
    const locked: Array<{ taskId: string; claim: StoredRecord<ClaimRecord>; limit: GateLimit }> = [];
    for (const taskId of [...new Set(taskIds)]) {
      const loaded = await this.reader.load(taskId);
      if (!loaded) continue;
      const { task } = loaded.view;
      if (loaded.view.holder || !isClaimableBy(task, owner.record, loaded.now, pauses)) continue;
      // Never on a set whose success this process has not seen (dependency-states.ts).
      if ((await this.dependencies.statusOf(task)).kind !== "satisfied") continue;
      if (!(await hasPlace(task.type))) continue;
      const limit = limits.get(task.type);
      if (limit) {
        // A limited type starts in two steps: a lock claim, then, once the claim is settled and
        // its place among the type's claims is known to be within the limit, a start PATCH.
        const claim = await this.writer.postClaim(
          loaded.source.issueNumber,
          workerId,
          owner.registration.record.inc,
          task.timeoutMs,
          {
            ...metadata,
            taskType: task.type,
          },
        );
        locked.push({ taskId, claim, limit });
        continue;
      }
      const over = loaded.view.openClaims.map((open) => open.stored.id);
      // Why this worker: inside the claim record, so it costs no request of its own.
      const decision = decisions?.[taskId];
      const ev = [
        this.ctx.entry("lock.acquired", {
          taskId: task.id,
          workerId,
          actor: workerId,
          data: { expiresAt: loaded.now + task.timeoutMs },
        }),
        this.ctx.entry("task.started", {
          taskId: task.id,
          workerId,
          actor: workerId,
          data: { attempt: task.attempts + 1, ...(decision ? { decision } : {}) },
        }),
      ];
      const claim = await this.writer.postClaim(
        loaded.source.issueNumber,
        workerId,
        owner.registration.record.inc,
        task.timeoutMs,
        { ...metadata, taskType: task.type },
        { over, ev },
      );
      posted.push({ taskId, claim });
    }
    const outcomes = await settleClaims(this.ctx, this.reader, this.writer, [...posted, ...locked]);
    const results: Array<{ task: Task; lock: Lock }> = [];
    const wonLocks: Array<{ outcome: SettleOutcome; limit: GateLimit }> = [];
    for (const outcome of outcomes) {
      if (!outcome.won || !outcome.view?.holder) continue;
      const limit = locked.find((l) => l.taskId === outcome.taskId)?.limit;
      if (limit) wonLocks.push({ outcome, limit });
      else results.push({ task: outcome.view.task, lock: outcome.view.holder.lock });
    }
    if (wonLocks.length > 0) {
      // The settle delay has passed since our claims were posted: every lower claim of the type,
      // on any issue, is visible now. One listing brings them into the mirror.
      await this.ctx.mirror.refresh();
      await this.limits.fold(limits);
      wonLocks.sort((a, b) => a.outcome.claim.id - b.outcome.claim.id);
      for (const { outcome, limit } of wonLocks) {
        const started = await this.startWithinLimit(outcome, limit, decisions?.[outcome.taskId]);
        if (started) results.push(started);
      }
    }
    return results;
  }

  /**
   * The second step of a limited type's claim: start it if its place among the type's claims
   * is within the limit (type-limit-gate.ts), otherwise give the lock back — one write either
   * way, and a release is seen by every mirror (a deleted comment is not).
   */
  private async startWithinLimit(
    outcome: SettleOutcome,
    limit: GateLimit,
    decision: AssignmentDecision | undefined,
  ): Promise<{ task: Task; lock: Lock } | null> {
    const { taskId, claim } = outcome;
    const view = outcome.view;
    const holder = view?.holder;
    if (!view || !holder) return null;
    // Folded again for each: our own starts earlier in the batch count against the next.
    if (this.limits.refusal(limit, this.limits.refold(), { claimId: claim.id, at: this.ctx.now() }) === null) {
      try {
        const task = await this.startHeld(taskId, view, holder, decision);
        if (task.state === "running" && task.fencingToken === claim.id) return { task, lock: holder.lock };
      } catch (error) {
        // One task's failed start must not leave the batch's other won locks unstarted.
        this.ctx.options.log?.("warn", "could not start a claimed task of a limited type", {
          task: taskId,
          error: (error as Error).message,
        });
      }
    }
    await this.giveBack(taskId, claim);
    return null;
  }

  /** Release a lock we won but will not start (best effort: unreleased, it lapses at its TTL). */
  private async giveBack(taskId: string, claim: StoredRecord<ClaimRecord>): Promise<void> {
    try {
      await this.writer.endClaim(taskId, claim, { state: "released", at: this.ctx.now() }, [], claim.record.owner);
    } catch (error) {
      this.ctx.options.log?.("warn", "could not give back a lock past its type's limit; it lapses at its TTL", {
        task: taskId,
        error: (error as Error).message,
      });
    }
  }

  storeResult(taskId: string, token: number, result: unknown): Promise<Task> {
    return this.writer.exclusively(token, () => this.storeResultNow(taskId, token, result));
  }

  private async storeResultNow(taskId: string, token: number, result: unknown): Promise<Task> {
    const value = toJsonValue(result ?? null, "result", MAX_RESULT_CHARS);
    const { view, attempt } = await this.fenceRunning(taskId, token, "result stored");
    taskId = view.task.id;
    const next: ClaimRecord = {
      ...attempt.record,
      stored: { result: value, at: this.ctx.now() },
      rev: attempt.record.rev + 1,
    };
    const ev = [
      this.ctx.entry("task.result_stored", {
        taskId,
        workerId: view.task.workerId,
        actor: view.task.workerId ?? "unknown",
        data: { token },
      }),
    ];
    if (this.writer.owns(attempt.id) && attempt.id === token) {
      await this.writer.patchClaim(attempt, next, ev, "stored a result");
    } else {
      throw new StaleFencingTokenError(taskId, token, attempt.id);
    }
    return this.reader.refold(taskId);
  }

  complete(taskId: string, token: number, opts: { result?: unknown } = {}): Promise<Task> {
    return this.writer.exclusively(token, () => this.completeNow(taskId, token, opts));
  }

  private async completeNow(taskId: string, token: number, opts: { result?: unknown }): Promise<Task> {
    const value = opts.result === undefined ? undefined : toJsonValue(opts.result, "result", MAX_RESULT_CHARS);
    const { view, attempt } = await this.fenceRunning(taskId, token, "succeeded");
    taskId = view.task.id;
    const now = this.ctx.now();
    const end: AttemptEnd = { state: "succeeded", at: now, ...(value === undefined ? {} : { result: value }) };
    const workerId = view.task.workerId;
    const ev = [
      this.ctx.entry("task.succeeded", {
        taskId,
        workerId,
        actor: workerId ?? "unknown",
        data: { token, attempt: view.task.attempts },
      }),
      this.ctx.entry("lock.released", { taskId, workerId, actor: workerId ?? "unknown", data: { token } }),
    ];
    await this.endAttempt(taskId, attempt, token, end, ev, workerId ?? "unknown");
    const done = this.reader.refold(taskId);
    await this.writer.mirrorLabels(done);
    return done;
  }

  fail(taskId: string, token: number, error: AttemptFailure): Promise<Task> {
    return this.writer.exclusively(token, () => this.failNow(taskId, token, error));
  }

  private async failNow(taskId: string, token: number, error: AttemptFailure): Promise<Task> {
    const failure = parseOrThrow(failureSchema, error, "error");
    const { view, attempt } = await this.fenceRunning(taskId, token, "failed");
    taskId = view.task.id;
    const now = this.ctx.now();
    const outcome = failureOutcome(view.task, failure, now);
    const end = failureEnd(outcome, now);
    const workerId = view.task.workerId;
    const ev = [
      this.ctx.entry(failureEventKind(outcome), {
        taskId,
        workerId,
        actor: workerId ?? "unknown",
        data: {
          attempt: view.task.attempts,
          maxAttempts: view.task.maxAttempts,
          error: end.error,
          retryable: failure.retryable,
          ...(end.runAt ? { runAt: end.runAt } : {}),
        },
      }),
      this.ctx.entry("lock.released", { taskId, workerId, actor: workerId ?? "unknown", data: { token } }),
    ];
    await this.endAttempt(taskId, attempt, token, end, ev, workerId ?? "unknown");
    const after = this.reader.refold(taskId);
    if (after.state === "dead") await this.writer.mirrorLabels(after);
    return after;
  }

  private async startHeld(
    taskId: string,
    view: TaskView,
    holder: ClaimView,
    decision?: AssignmentDecision,
  ): Promise<Task> {
    const task = view.task;
    assertStartableBy(task, holder.lock.ownerId);
    const now = this.ctx.now();
    const attempt = task.attempts + 1;
    const claim = holder.stored;
    const next: ClaimRecord = { ...claim.record, start: { at: now, attempt }, rev: claim.record.rev + 1 };
    const owner = holder.lock.ownerId;
    const ev = [
      this.ctx.entry("task.started", {
        taskId,
        workerId: owner,
        actor: owner,
        data: { attempt, token: claim.id, ...(decision ? { decision } : {}) },
      }),
    ];
    if (!claim.record.ev.some((entry) => entry.kind === "lock.acquired")) {
      ev.unshift(
        this.ctx.entry("lock.acquired", {
          taskId,
          workerId: owner,
          actor: owner,
          data: { token: claim.id, expiresAt: holder.lock.expiresAt },
        }),
      );
    }
    if (!this.writer.owns(claim.id)) throw new StaleFencingTokenError(taskId, claim.id, null);
    await this.writer.patchClaim(claim, next, ev, `runs attempt ${attempt}`);
    return this.reader.refold(taskId);
  }

  /** The fence for writes of a running attempt (same rule as every backend). */
  private async fenceRunning(
    taskId: string,
    token: number,
    target: string,
  ): Promise<{ view: TaskView; attempt: StoredRecord<ClaimRecord> }> {
    parseOrThrow(tokenSchema, token, "token");
    const { view } = await this.reader.require(taskId);
    taskId = view.task.id;
    const { state, fencingToken: attemptToken } = view.task;
    assertAttemptFence({ taskId, token, lockToken: view.lockSeq, state, attemptToken, target });
    const attempt = this.attemptClaim(taskId, view);
    return { view, attempt };
  }

  /** The claim comment of the running attempt (the token may have been handed to a revoke op). */
  private attemptClaim(taskId: string, view: TaskView): StoredRecord<ClaimRecord> {
    const issue = this.reader.issueOf(taskId);
    const claims = (issue === null ? [] : this.ctx.mirror.recordsOf(issue)).filter(
      (stored): stored is StoredRecord<ClaimRecord> =>
        stored.record.k === "claim" &&
        (stored.record.start !== undefined || stored.record.auto === true) &&
        view.applied.has(stored.id),
    );
    const attempt = claims.at(-1);
    if (!attempt) throw new NotFoundError("lock", taskId);
    return attempt;
  }

  /**
   * An outcome PATCHed into our claim counts only if GitHub dated it inside the lock and not
   * after an op that took the attempt away (fold/task-fold.ts). Past the TTL we know from
   * GitHub's answer; an op of an earlier second was posted before our PATCH, so it is
   * visible once the read lag has passed: look then. Either way the caller is refused
   * rather than left to report an outcome that did not count.
   */
  private async confirmOwnEnd(taskId: string, token: number): Promise<void> {
    const refused = (view: TaskView): StaleFencingTokenError =>
      new StaleFencingTokenError(taskId, token, view.lockSeq === token ? null : view.lockSeq);
    const counted = (view: TaskView): boolean => view.applied.has(token) && !view.lateOutcomes.has(token);
    const written = this.reader.refoldView(taskId);
    if (!counted(written)) throw refused(written);
    await this.ctx.sleep(this.ctx.settleDelayMs());
    const { view } = await this.reader.require(taskId);
    if (!counted(view)) throw refused(view);
  }

  /**
   * Finish the attempt: PATCH our own claim into the outcome (one write); anyone else (a
   * monitor failing a dead worker's task) posts an `end` op and waits to see it take effect,
   * because a concurrent end by the holder or another monitor may come first in the fold.
   */
  private async endAttempt(
    taskId: string,
    attempt: StoredRecord<ClaimRecord>,
    token: number,
    end: AttemptEnd,
    ev: EventEntry[],
    actor: string,
  ): Promise<void> {
    if (attempt.id === token && this.writer.owns(attempt.id)) {
      await this.writer.endClaim(taskId, attempt, end, ev, actor, this.logs.heldFinal(token));
      this.logs.forget(token);
      await this.confirmOwnEnd(taskId, token);
      return;
    }
    this.logs.forget(token);
    const op = await this.writer.postOp(taskId, { op: "end", token, end, actor, reason: end.state, ev });
    await this.ctx.sleep(this.ctx.settleDelayMs());
    const { view } = await this.reader.require(taskId);
    if (!view.applied.has(op.id))
      throw new StaleFencingTokenError(taskId, token, view.task.state === "running" ? view.lockSeq : null);
  }
}
