import { isLockLive, type Lock } from "../../../domain/lock.js";
import type { TaskView } from "../fold/task-fold.js";
import type { GithubContext } from "../github-context.js";
import type { ClaimRecord } from "../records/record-schemas.js";
import type { StoredRecord } from "../repo-mirror.js";
import type { TaskReader } from "./task-reader.js";
import type { TaskWriter } from "./task-writer.js";

export interface SettleOutcome {
  taskId: string;
  /** Our claim (if a retried POST left a duplicate that won, the duplicate). */
  claim: StoredRecord<ClaimRecord>;
  won: boolean;
  holder: Lock | null;
  view: TaskView | null;
}

/**
 * The second half of the claim protocol. GitHub gives no compare-and-swap on comments and
 * its reads may lag writes, so after posting claims a claimant waits the settle delay —
 * chosen larger than the read-after-write lag — and re-reads each task: if the lowest live
 * claim after the last barrier is its own, it holds the lock (its comment id is the fencing
 * token); otherwise it deletes its claim. One settle wait covers a whole batch.
 *
 * Safety rests on one assumption, written down in docs/github-backend.md: every claim
 * posted before ours is visible to our re-read (visibility lag ≤ settle delay). If a lower
 * claim surfaces later, two claimants can both believe they won.
 */
export async function settleClaims(
  ctx: GithubContext,
  reader: TaskReader,
  writer: TaskWriter,
  posted: Array<{ taskId: string; claim: StoredRecord<ClaimRecord> }>,
): Promise<SettleOutcome[]> {
  if (posted.length === 0) return [];
  await ctx.sleep(ctx.settleDelayMs());
  const outcomes: SettleOutcome[] = [];
  for (const { taskId, claim } of posted) {
    const loaded = await reader.load(taskId);
    const ours = (loaded?.view.openClaims ?? [])
      .filter((c) => c.stored.record.n === claim.record.n)
      .map((c) => c.stored);
    if (!ours.some((c) => c.id === claim.id)) ours.push(claim);
    // Our own claim is judged as of the moment we made it (lease checked just before, TTL
    // starting then), like an atomic acquire. If the lease or TTL ran out meanwhile the lock
    // is dead for every other reader and our fenced writes fail, so this cannot create a
    // second live holder.
    const now = loaded?.now ?? 0;
    const view = loaded?.view ?? null;
    let kept: StoredRecord<ClaimRecord> | null;
    if (claim.record.auto) {
      // Claim-and-start: the fold decides which claim is the attempt; we won if it is ours
      // and still holds the lock (if our lease lapsed meanwhile, withdrawing undoes the start).
      const attempt =
        view?.task.state === "running"
          ? ours.find((c) => c.id === view.task.fencingToken && view.applied.has(c.id))
          : undefined;
      kept = attempt && view?.holder?.stored.id === attempt.id ? attempt : null;
    } else {
      const first = (view?.openClaims ?? []).find(
        (c) => c.stored.record.n === claim.record.n || isLockLive(c.lock, c.leaseLive, now),
      );
      kept = first !== undefined && first.stored.record.n === claim.record.n ? first.stored : null;
    }
    const won = kept !== null;
    for (const duplicate of ours) if (duplicate.id !== kept?.id) await writer.deleteClaim(duplicate);
    // A withdrawn claim of ours is no holder to report.
    const holder = view?.holder && (won || view.holder.stored.record.n !== claim.record.n) ? view.holder.lock : null;
    outcomes.push({ taskId, claim: kept ?? claim, won, holder, view });
  }
  return outcomes;
}
