import { isLeaseLive } from "../../domain/worker.js";
import { foldWorkers, heartbeatAt, type WorkerView } from "./fold/worker-fold.js";
import type { GithubContext } from "./github-context.js";
import type { WorkerRecordPayload } from "./records/record-schemas.js";
import type { StoredRecord } from "./repo-mirror.js";

/**
 * Closing registry issues left behind by a rotation. Readers of the registry read its open
 * issues only (a worker's registration moves to the current issue on its next write), so
 * an older issue is closed only once dropping it changes nothing they see — every worker
 * folds to the same record without it:
 *
 * - a worker whose registration is still there and whose lease is live is waited for (it
 *   moves on its next heartbeat); closing earlier would make a live worker invisible;
 * - a worker whose lease has lapsed (STALE, OFFLINE, REMOVED, or silent) may never write
 *   again: its folded record (state, heartbeat time, incarnation, ops applied so far) is
 *   carried to the current issue as a copy, which ties with the original on heartbeat time
 *   (the original, lower id, wins while both are read) and is PATCHed like any registration
 *   when the worker comes back;
 * - an op there that a worker's registration elsewhere has not absorbed yet keeps the issue
 *   open until that worker's next write absorbs it.
 *
 * Best effort: runs after a registration write while more than one registry issue is open,
 * decides from the mirror first (no request while something still has to move), and logs
 * instead of throwing.
 */
export async function retireRotatedRegistries(ctx: GithubContext, current: number): Promise<void> {
  for (const old of ctx.openIssues("registry")) {
    if (old.issue.number >= current) continue;
    try {
      await retire(ctx, old.issue.number, current);
    } catch (error) {
      ctx.options.log?.("warn", "could not close a rotated registry issue", {
        issue: old.issue.number,
        error: (error as Error).message,
      });
    }
  }
}

async function retire(ctx: GithubContext, old: number, current: number): Promise<void> {
  if (plan(ctx, old, cachedRecords(ctx)) === null) return;
  // The decision to write is taken on a fresh read of every open registry issue.
  const records: StoredRecord[] = [];
  for (const entry of ctx.openIssues("registry")) records.push(...(await ctx.mirror.readIssue(entry.issue.number)));
  const carry = plan(ctx, old, records);
  if (carry === null) return;
  for (const view of carry)
    await ctx.post(
      current,
      carriedRegistration(ctx, view),
      `sentinel: worker \`${view.record.id}\` carried over from #${old} (${view.record.state})`,
    );
  if (plan(ctx, old, cachedRecords(ctx))?.length !== 0) return;
  const body = `Worker registry of Task Sentinel, rotated: continued in #${current}. Closed once no live worker was registered here.`;
  ctx.mirror.noteIssue(await ctx.api.updateIssue(old, { state: "closed", body }));
}

function cachedRecords(ctx: GithubContext): StoredRecord[] {
  return ctx.openIssues("registry").flatMap((entry) => ctx.mirror.recordsOf(entry.issue.number));
}

/** The workers to carry over before `old` can close (empty: close now), or null while it must stay open. */
function plan(ctx: GithubContext, old: number, records: StoredRecord[]): WorkerView[] | null {
  const all = foldWorkers(records);
  const rest = foldWorkers(records.filter((stored) => stored.issue !== old));
  const now = ctx.now();
  const carry: WorkerView[] = [];
  for (const [id, view] of all) {
    if (sameRecord(view, rest.get(id))) continue;
    if (view.registration.issue !== old || isLeaseLive(view.record, now)) return null;
    carry.push(view);
  }
  return carry;
}

function sameRecord(a: WorkerView, b: WorkerView | undefined): boolean {
  return (
    b !== undefined &&
    a.registration.record.inc === b.registration.record.inc &&
    JSON.stringify(a.record) === JSON.stringify(b.record)
  );
}

/** The worker's folded record as a registration of its own (same heartbeat time, ops absorbed). */
function carriedRegistration(ctx: GithubContext, view: WorkerView): WorkerRecordPayload {
  const original = view.registration;
  return {
    ...original.record,
    n: ctx.nonce(),
    at: heartbeatAt(original),
    state: view.record.state,
    stateChangedAt: view.record.stateChangedAt,
    drainRequested: view.record.drainRequested,
    basis: view.lastOpId,
    // Event ids keep the second they were first seen in (see GithubContext.patch).
    ev: original.record.ev.map((entry) => (entry.sat ? entry : { ...entry, sat: original.updatedAt })),
  };
}
