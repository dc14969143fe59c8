import { shouldRelease } from "../../../domain/fencing.js";
import type { AcquireResult, Lock, LockMetadata } from "../../../domain/lock.js";
import { LeaseLostError, NotFoundError } from "../../../errors.js";
import { parseOrThrow } from "../../../validation.js";
import { acquireSchema, tokenSchema } from "../../port-schemas.js";
import { lockOf } from "../fold/task-fold.js";
import type { GithubContext } from "../github-context.js";
import type { AttemptEnd } from "../records/record-schemas.js";
import type { RegistryReader } from "../registry-reader.js";
import { settleClaims } from "./lock-settle.js";
import type { TaskReader } from "./task-reader.js";
import type { TaskWriter } from "./task-writer.js";

/** Task locks: claim, settle and decide (acquire), release, and reading who holds what. */
export class TaskLocks {
  constructor(
    private readonly ctx: GithubContext,
    private readonly workers: RegistryReader,
    private readonly reader: TaskReader,
    private readonly writer: TaskWriter,
  ) {}

  async acquire(req: {
    taskId: string;
    ownerId: string;
    ttlMs: number;
    metadata: LockMetadata;
  }): Promise<AcquireResult> {
    const { ownerId, ttlMs, metadata } = parseOrThrow(acquireSchema, req, "lock");
    const loaded = await this.reader.require(req.taskId);
    const taskId = loaded.view.task.id;
    const owner = this.workers.requireLiveLease(loaded.workers, ownerId, loaded.now);
    if (loaded.view.holder) return { acquired: false, holder: loaded.view.holder.lock };
    const claim = await this.writer.postClaim(
      loaded.source.issueNumber,
      ownerId,
      owner.registration.record.inc,
      ttlMs,
      metadata,
    );
    const [outcome] = await settleClaims(this.ctx, this.reader, this.writer, [{ taskId, claim }]);
    if (!outcome) throw new NotFoundError("task", taskId);
    // No extra write to announce the win: `lock.acquired` is recorded with the start (the usual next step).
    if (outcome.won) return { acquired: true, lock: lockOf(taskId, outcome.claim) };
    if (!outcome.holder) throw new LeaseLostError(ownerId, "its claim is not live after the settle delay");
    return { acquired: false, holder: outcome.holder };
  }

  release(taskId: string, token: number): Promise<void> {
    return this.writer.exclusively(token, () => this.releaseNow(taskId, token));
  }

  private async releaseNow(taskId: string, token: number): Promise<void> {
    parseOrThrow(tokenSchema, token, "token");
    const { view, now } = await this.reader.require(taskId);
    taskId = view.task.id;
    const claim = view.holder?.stored.id === token ? view.holder : view.openClaims.find((c) => c.stored.id === token);
    if (!shouldRelease({ taskId, token, lockToken: view.lockSeq, held: claim !== undefined }) || !claim) return;
    const end: AttemptEnd = { state: "released", at: now };
    const ev = [
      this.ctx.entry("lock.released", {
        taskId,
        workerId: claim.lock.ownerId,
        actor: claim.lock.ownerId,
        data: { token },
      }),
    ];
    await this.writer.endClaim(taskId, claim.stored, end, ev, claim.lock.ownerId);
  }

  async getLock(taskId: string): Promise<Lock | null> {
    const loaded = await this.reader.load(taskId);
    return loaded?.view.holder?.lock ?? null;
  }

  async listLocks(): Promise<Lock[]> {
    await this.ctx.mirror.refresh();
    const workers = await this.workers.views();
    const locks: Lock[] = [];
    for (const { view } of this.reader.foldMirror(workers)) {
      if (!view.holder) continue;
      const fresh = await this.reader.load(view.task.id);
      if (fresh?.view.holder) locks.push(fresh.view.holder.lock);
    }
    return locks.sort((a, b) => a.token - b.token);
  }
}
