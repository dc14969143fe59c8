import { attemptTokenAfterRevoke, isOutcomeWithinLock, isRunningAttempt } from "../../../domain/fencing.js";
import { isLockLive, type Lock } from "../../../domain/lock.js";
import type { Task } from "../../../domain/task.js";
import { isPinnedElsewhere } from "../../../domain/task-claims.js";
import { isDelayed } from "../../../domain/task-delay.js";
import { canApplyTaskAction } from "../../../domain/task-transitions.js";
import { taskIdOf } from "../records/issue-kinds.js";
import type { AttemptEnd, ClaimRecord, TaskOpRecord } from "../records/record-schemas.js";
import type { StoredRecord } from "../repo-mirror.js";
import type { TaskSource } from "./task-source.js";

export interface ClaimView {
  stored: StoredRecord<ClaimRecord>;
  lock: Lock;
  /** The owner's lease (this incarnation) is live now. */
  leaseLive: boolean;
}

export interface TaskView {
  task: Task;
  /** The live lock: the lowest live claim after the last barrier. */
  holder: ClaimView | null;
  /** Claims after the barrier that have not ended (live or not), lowest first. */
  openClaims: ClaimView[];
  /** Highest id of a record that ended the previous lock (release, end, cancel, requeue, force-release). */
  barrier: number;
  /** The lock's current fencing token: fenced writes must present exactly this. */
  lockSeq: number | null;
  /** Records whose effect took place (their event entries are real). */
  applied: Set<number>;
  /**
   * Attempts (claim ids) whose outcome was written too late to count (see `outcomeInTime`):
   * the claim stays the attempt, but the entries of its ending version are not real.
   */
  lateOutcomes: Set<number>;
}

/** Is this incarnation of the worker holding a live lease right now (by the store clock)? */
export type LeaseCheck = (workerId: string, incarnation: string) => boolean;

/**
 * The task's state is a fold of its signed records in comment-id order: the spec in the
 * issue body, then claims (whose PATCHed phases — start, stored result, end — sit at the
 * claim's position) and operator/monitor ops. A started claim counts only if the task was
 * claimable at its position and it lies after the barrier, so a claim that lost the race
 * can never become an attempt. The lock is judged separately: the lowest claim after the
 * barrier whose TTL and owner lease are live (store clock) holds it. An attempt's outcome
 * counts only if GitHub dated its write inside the lock (`outcomeInTime`).
 */
export function foldTask(source: TaskSource, records: StoredRecord[], now: number, leaseLive: LeaseCheck): TaskView {
  const spec = source.spec;
  const task: Task = {
    id: taskIdOf(source.nonce),
    type: spec.type,
    title: spec.title,
    priority: spec.priority,
    params: spec.params,
    state: "queued",
    attempts: 0,
    maxAttempts: spec.maxAttempts,
    timeoutMs: spec.timeoutMs,
    runAt: spec.runAt ?? source.createdAt + spec.delayMs,
    pinnedWorkerId: spec.pinnedWorkerId,
    affinityKey: spec.affinityKey,
    dependsOn: spec.dependsOn ?? [],
    onDependencyFailure: spec.onDependencyFailure ?? "cancel",
    workerId: null,
    fencingToken: null,
    result: null,
    lastError: null,
    createdAt: source.createdAt,
    updatedAt: source.createdAt,
    startedAt: null,
    finishedAt: null,
  };
  let barrier = 0;
  let lockSeq = 0;
  const applied = new Set<number>();
  const lateOutcomes = new Set<number>();
  const claims: Array<StoredRecord<ClaimRecord>> = [];

  const applyEnd = (end: AttemptEnd): void => {
    if (end.state === "released") return;
    task.updatedAt = Math.max(task.updatedAt, end.at);
    if (end.state === "succeeded") {
      task.state = "succeeded";
      if (end.result !== undefined) task.result = end.result;
      task.finishedAt = end.at;
    } else if (end.state === "failed") {
      task.state = "failed";
      task.lastError = end.error ?? null;
      task.runAt = end.runAt ?? end.at;
    } else {
      task.state = "dead";
      task.lastError = end.error ?? null;
      task.finishedAt = end.at;
    }
  };

  /** Claims below this id were superseded by a claim-and-start that listed them as dead. */
  let floor = 0;
  const isOpen = (claim: StoredRecord<ClaimRecord>): boolean =>
    claim.id > barrier && claim.id > floor && (!claim.record.end || lateOutcomes.has(claim.id));

  for (const [index, stored] of records.entries()) {
    const record = stored.record;
    if (record.k === "claim") {
      const claim = stored as StoredRecord<ClaimRecord>;
      const wins = record.auto
        ? autoClaimWins(claim, task, claims.filter(isOpen), barrier)
        : Boolean(record.start) &&
          stored.id > barrier &&
          canApplyTaskAction("start", task.state) &&
          isDueAt(task, Date.parse(claim.updatedAt));
      claims.push(claim);
      if (wins) {
        applied.add(stored.id);
        lockSeq = Math.max(lockSeq, stored.id);
        if (record.auto) floor = stored.id - 1;
        task.state = "running";
        // A claim-and-start counts the attempt from the winning claim itself; a two-step start wrote its number.
        task.attempts = record.start?.attempt ?? task.attempts + 1;
        task.workerId = record.owner;
        task.fencingToken = stored.id;
        task.startedAt = record.start?.at ?? lockOf(task.id, claim).acquiredAt;
        task.finishedAt = null;
        task.result = null;
        task.updatedAt = Math.max(task.updatedAt, task.startedAt);
        if (record.stored) task.result = record.stored.result;
        if (record.end && !outcomeInTime(task.id, claim, records.slice(index + 1))) lateOutcomes.add(stored.id);
        else if (record.end) applyEnd(record.end);
      }
      if (record.end && stored.id > barrier && !lateOutcomes.has(stored.id)) {
        // Only a holder ends its claim (release/complete check it), so an ended claim was the
        // lock. An outcome on a claim that is not the attempt here (its writer saw it win
        // before an earlier outcome surfaced) did not happen: its entries are not real.
        barrier = stored.id;
        lockSeq = Math.max(lockSeq, stored.id);
        if (wins || record.end.state === "released") applied.add(stored.id);
      }
    } else if (record.k === "op" && record.op === "promote") {
      // Moves only runAt: a claim in flight keeps its place and the fencing token stays.
      if (applyOp(task, stored as StoredRecord<TaskOpRecord>, lockSeq, applyEnd)) applied.add(stored.id);
    } else if (record.k === "op") {
      const op = stored as StoredRecord<TaskOpRecord>;
      if (applyOp(task, op, lockSeq, applyEnd)) applied.add(stored.id);
      // An edit changes only what a queued task will run with: the lock and its claims stand.
      if (op.record.op === "edit") continue;
      if (op.record.op !== "end") lockSeq = stored.id;
      barrier = Math.max(barrier, stored.id);
    }
  }

  const openClaims = claims.filter(isOpen).map((claim) => ({
    stored: claim,
    lock: lockOf(task.id, claim),
    leaseLive: leaseLive(claim.record.owner, claim.record.inc),
  }));
  const holder = openClaims.find((claim) => isLockLive(claim.lock, claim.leaseLive, now)) ?? null;
  if (holder) lockSeq = Math.max(lockSeq, holder.stored.id);
  return { task, holder, openClaims, barrier, lockSeq: lockSeq === 0 ? null : lockSeq, applied, lateOutcomes };
}

/** GitHub dates comments to the whole second. */
export const GITHUB_TIME_RESOLUTION_MS = 1000;

/**
 * A start counts only if GitHub dated it once the task could be due (its runAt): the second
 * GitHub stamped on the claim (a claim-and-start's `created_at`; for a two-step start the
 * claim's `updated_at`, never earlier than the start PATCH) must reach past runAt. Only the
 * server's date is used — never the claimant's own `at` — so no reader folds in a claim that
 * took a delayed task early, whatever the claimant's clock said; at GitHub's whole-second
 * resolution a start may precede runAt by less than a second (docs/flow-control.md).
 */
export function isDueAt(task: Pick<Task, "runAt">, serverDatedAt: number): boolean {
  return serverDatedAt + GITHUB_TIME_RESOLUTION_MS > task.runAt;
}

/**
 * Whether the outcome PATCHed into an attempt's claim was written while its lock was held
 * (domain/fencing.ts, isOutcomeWithinLock), dated by GitHub's `updated_at` of that version.
 * The attempt is taken away by the first later op that ends or revokes it (`created_at`).
 * A release only gives the lock back and is not judged.
 */
function outcomeInTime(taskId: string, claim: StoredRecord<ClaimRecord>, later: StoredRecord[]): boolean {
  if (claim.record.end?.state === "released") return true;
  const revoke = later.find((stored) => stored.record.k === "op" && revokesAttempt(stored.record, claim.id));
  return isOutcomeWithinLock({
    writtenAt: Date.parse(claim.updatedAt),
    resolutionMs: GITHUB_TIME_RESOLUTION_MS,
    expiresAt: lockOf(taskId, claim).expiresAt,
    revokedAt: revoke ? Date.parse(revoke.createdAt) : null,
  });
}

/**
 * Ops that take a running attempt away: an end or recovery of its token, any other op but an
 * edit or a promote (both leave the lock and its fencing token alone; a "Run now" that lands
 * just after a claim must not void that attempt's outcome).
 */
function revokesAttempt(op: TaskOpRecord, token: number): boolean {
  if (op.op === "edit" || op.op === "promote") return false;
  return op.op === "end" || op.op === "recover" ? op.token === token : true;
}

/**
 * Returns whether the op took effect, as the task transition table and fencing rules
 * (domain/) allow at the op's position. Revoking ops move the lock's fencing token to their own id.
 */
function applyOp(
  task: Task,
  stored: StoredRecord<TaskOpRecord>,
  lockSeq: number,
  applyEnd: (end: AttemptEnd) => void,
): boolean {
  const op = stored.record;
  const touch = (): void => {
    task.updatedAt = Math.max(task.updatedAt, op.at);
  };
  switch (op.op) {
    case "cancel":
      if (!canApplyTaskAction("cancel", task.state)) return false;
      task.state = "cancelled";
      task.finishedAt = op.at;
      touch();
      return true;
    case "dependency-failed": {
      // Only a dependent that never started can be doomed (a claim never starts one on a doomed set).
      if (!op.state || !canApplyTaskAction("doom", task.state)) return false;
      task.state = op.state;
      task.lastError = op.reason;
      task.finishedAt = op.at;
      touch();
      return true;
    }
    case "edit":
      if (!canApplyTaskAction("edit", task.state)) return false;
      if (op.priority !== undefined) task.priority = op.priority;
      if (op.params !== undefined) task.params = op.params;
      touch();
      return true;
    case "requeue":
      if (!canApplyTaskAction("requeue", task.state)) return false;
      task.state = "queued";
      task.runAt = op.at;
      task.finishedAt = null;
      if (op.pinnedWorkerId !== undefined) task.pinnedWorkerId = op.pinnedWorkerId;
      if (op.resetAttempts) task.attempts = 0;
      touch();
      return true;
    case "force-release": {
      const handedTo = attemptTokenAfterRevoke(task, lockSeq, stored.id);
      if (handedTo !== task.fencingToken) {
        task.fencingToken = handedTo;
        touch();
      }
      return true;
    }
    case "promote":
      if (!isDelayed(task, op.at)) return false;
      task.runAt = op.at;
      touch();
      return true;
    case "recover":
    case "end":
      if (!op.end || op.token === undefined || !isRunningAttempt(task, op.token)) return false;
      applyEnd(op.end);
      return true;
  }
}

/** Claims sit at their comment's position; `at` (store clock, ms) refines GitHub's whole-second created_at and may not exceed it. */
export function lockOf(taskId: string, claim: StoredRecord<ClaimRecord>): Lock {
  const acquiredAt = Math.min(claim.record.at, Date.parse(claim.createdAt) + 999);
  return {
    taskId,
    ownerId: claim.record.owner,
    token: claim.id,
    acquiredAt,
    expiresAt: acquiredAt + claim.record.ttlMs,
    metadata: { ...claim.record.meta },
  };
}

/**
 * A claim-and-start becomes the attempt by its position alone, so every reader agrees without
 * a start write: it follows the barrier, the task is startable (and not pinned elsewhere)
 * there, and each earlier open claim was read as dead by its author before posting (`over`).
 * A concurrent earlier claim is not in `over`, so of two racing claims only the lower can win.
 */
function autoClaimWins(
  claim: StoredRecord<ClaimRecord>,
  task: Task,
  earlierOpen: Array<StoredRecord<ClaimRecord>>,
  barrier: number,
): boolean {
  if (claim.id <= barrier || !canApplyTaskAction("start", task.state)) return false;
  if (!isDueAt(task, Date.parse(claim.createdAt))) return false;
  if (isPinnedElsewhere(task, claim.record.owner)) return false;
  const over = new Set(claim.record.over ?? []);
  return earlierOpen.every((earlier) => over.has(earlier.id));
}
