import type { LockMetadata } from "../../../domain/lock.js";
import { isTerminal, type Task } from "../../../domain/task.js";
import { NotFoundError } from "../../../errors.js";
import type { GithubContext } from "../github-context.js";
import { boundedLabel } from "../records/github-limits.js";
import { PURPOSE_LABELS, SENTINEL_LABEL } from "../records/issue-kinds.js";
import type { AttemptEnd, ClaimRecord, EventEntry, LogPart, TaskOpRecord } from "../records/record-schemas.js";
import type { StoredRecord } from "../repo-mirror.js";
import { claimLogRoom, fitInto } from "../task-logs.js";
import { ClaimQueue } from "./claim-queue.js";
import type { TaskReader } from "./task-reader.js";

/**
 * The records a task's issue gets from this process: claim comments (posted, PATCHed,
 * deleted), op comments, and the issue's labels.
 */
export class TaskWriter {
  /**
   * Claim comments this process posted and has not ended. Only these are PATCHed in place:
   * workers usually share one login, so the comment's author cannot tell whose claim it is,
   * and two processes PATCHing one comment would overwrite each other. Anyone else ends an
   * attempt with an op comment, ordered by id and confirmed after the settle delay.
   */
  private readonly ownClaims = new Set<number>();
  private readonly queue = new ClaimQueue();

  constructor(
    private readonly ctx: GithubContext,
    private readonly reader: TaskReader,
  ) {}

  /**
   * Run a fenced write of the claim `token` (fence check included) after this process's
   * earlier fenced writes of the same claim have finished, so the fence sees their effect.
   */
  exclusively<T>(token: number, write: () => Promise<T>): Promise<T> {
    return this.queue.run(token, write);
  }

  /** Whether this process posted the claim and has not ended it (only then may it PATCH it). */
  owns(claimId: number): boolean {
    return this.ownClaims.has(claimId);
  }

  async postClaim(
    issueNumber: number,
    ownerId: string,
    inc: string,
    ttlMs: number,
    meta: LockMetadata,
    autoStart?: { over: number[]; ev: EventEntry[] },
  ): Promise<StoredRecord<ClaimRecord>> {
    const payload: ClaimRecord = {
      k: "claim",
      n: this.ctx.nonce(),
      at: this.ctx.now(),
      ev: autoStart?.ev ?? [],
      owner: ownerId,
      ttlMs,
      inc,
      meta,
      rev: 0,
    };
    if (autoStart) Object.assign(payload, { auto: true, over: autoStart.over });
    const posted = await this.ctx.post(
      issueNumber,
      payload,
      claimLine(payload, autoStart ? "claims and starts this task" : "claims this task"),
    );
    this.ownClaims.add(posted.id);
    return posted;
  }

  /** PATCH one of our claims (callers check `owns` first and report a stale token otherwise). */
  async patchClaim(claim: StoredRecord<ClaimRecord>, next: ClaimRecord, ev: EventEntry[], what: string): Promise<void> {
    await this.ctx.patch(claim, next, ev, claimLine(next, what));
  }

  async deleteClaim(claim: StoredRecord<ClaimRecord>): Promise<void> {
    this.ownClaims.delete(claim.id);
    await this.ctx.remove(claim);
  }

  /**
   * End a claim: PATCH it into its outcome if it is ours — with the attempt's final log, when
   * one is held, in the room the rest of the record leaves — otherwise post an `end` op.
   */
  async endClaim(
    taskId: string,
    claim: StoredRecord<ClaimRecord>,
    end: AttemptEnd,
    ev: EventEntry[],
    actor: string,
    log?: LogPart,
  ): Promise<void> {
    if (this.ownClaims.has(claim.id)) {
      const ended: ClaimRecord = { ...claim.record, end, rev: claim.record.rev + 1 };
      const next: ClaimRecord = log ? { ...ended, log: fitInto(log, claimLogRoom(ended)) } : ended;
      await this.patchClaim(claim, next, ev, end.state === "released" ? "released the lock" : `finished: ${end.state}`);
      this.ownClaims.delete(claim.id);
      return;
    }
    await this.postOp(taskId, { op: "end", token: claim.id, end, actor, reason: end.state, ev });
  }

  async postOp(taskId: string, fields: Omit<TaskOpRecord, "k" | "n" | "at">): Promise<StoredRecord<TaskOpRecord>> {
    const issue = this.reader.issueOf(taskId);
    if (issue === null) throw new NotFoundError("task", taskId);
    const payload: TaskOpRecord = { k: "op", n: this.ctx.nonce(), at: this.ctx.now(), ...fields };
    return this.ctx.post(issue, payload, `sentinel: ${fields.op} by ${fields.actor}: ${fields.reason}`);
  }

  /** Labels and open/closed mirror the state for people browsing the repository (best effort; the records are the truth). */
  async mirrorLabels(task: Task): Promise<void> {
    const issue = this.reader.issueOf(task.id);
    if (issue === null) return;
    const labels = [
      SENTINEL_LABEL,
      PURPOSE_LABELS.task,
      boundedLabel("type:", task.type),
      `priority:${task.priority}`,
      `state:${task.state}`,
    ];
    const closed = isTerminal(task.state);
    try {
      const updated = await this.ctx.api.updateIssue(issue, { labels, state: closed ? "closed" : "open" });
      this.ctx.mirror.noteIssue(updated);
    } catch (error) {
      this.ctx.options.log?.("warn", "could not mirror task state to issue labels", {
        task: task.id,
        error: (error as Error).message,
      });
    }
  }
}

function claimLine(claim: ClaimRecord, what: string): string {
  return `sentinel: worker \`${claim.owner}\` ${what}`;
}
