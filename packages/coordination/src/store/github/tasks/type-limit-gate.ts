import { startsLeft, type TypeLimit, type TypeLoad } from "../../../domain/task-type-limit.js";
import { lockOf, type TaskView } from "../fold/task-fold.js";
import type { TaskSource } from "../fold/task-source.js";
import type { WorkerView } from "../fold/worker-fold.js";
import type { GithubContext } from "../github-context.js";
import type { ClaimRecord } from "../records/record-schemas.js";
import type { StoredRecord } from "../repo-mirror.js";
import type { TypeLimitStore } from "../type-limit-store.js";
import type { TaskReader } from "./task-reader.js";

/**
 * Where a start stands among all claims of its type: GitHub numbers every comment of the
 * repository in one sequence, so "claims with a lower comment id" is the same set for every
 * reader, whichever issue they are on.
 */
export interface LimitPosition {
  /** The start's claim; `Infinity` for "now, after every claim seen". */
  claimId: number;
  /** When it starts (store clock): the end of the starts window it must fit in. */
  at: number;
  /** Its own task, which is not counted against it. */
  taskId: string | null;
}

/**
 * What a type has used of its limit at `position`, counting only claims that come before it:
 *
 * - running: a task of the type whose running attempt, or whose live lock (a claim that may
 *   still start), has a lower comment id;
 * - starts: attempts of the type with a lower claim id that started in the window
 *   (`at − intervalMs`, `at`] and not before the limit was set, plus each lower live lock not
 *   started yet (it may start now).
 *
 * Each claimant checks its own start against this after the settle delay, when every lower
 * claim is visible (the claim protocol's one assumption, docs/github-backend.md). A start
 * that passed counted every lower claim; every later claim counts it (as a lock, then as a
 * running attempt). So however many processes race, no instant has more running tasks of the
 * type than `maxRunning`, and no window more starts than `maxStarts`. A lock not yet started
 * reserves a place: conservative, as it can only start or go.
 */
export function typeLoadAt(
  limit: TypeLimit,
  tasks: Iterable<{ view: TaskView; records: readonly StoredRecord[] }>,
  position: LimitPosition,
): TypeLoad {
  const windowStart = limit.intervalMs === null ? null : position.at - limit.intervalMs;
  let running = 0;
  let recentStarts = 0;
  for (const { view, records } of tasks) {
    const { task } = view;
    if (task.type !== limit.type || task.id === position.taskId) continue;
    const attempt = task.state === "running" ? task.fencingToken : null;
    const lock = view.holder?.stored.id ?? null;
    if ((attempt !== null && attempt < position.claimId) || (lock !== null && lock < position.claimId)) running += 1;
    if (windowStart === null) continue;
    for (const stored of records) {
      if (stored.record.k !== "claim" || stored.id >= position.claimId) continue;
      const claim = stored as StoredRecord<ClaimRecord>;
      if (!view.applied.has(claim.id) || (!claim.record.auto && !claim.record.start)) {
        // A live lock not started yet may start at any moment: it holds a start.
        if (claim.id === lock) recentStarts += 1;
        continue;
      }
      const startedAt = claim.record.start?.at ?? lockOf(task.id, claim).acquiredAt;
      if (startedAt > windowStart && startedAt >= limit.setAt) recentStarts += 1;
    }
  }
  return { running, recentStarts };
}

type Folded = ReadonlyArray<{ source: TaskSource; view: TaskView }>;

/** Reads the limits and measures a type's load from folded tasks (no request of its own). */
export class TypeLimitGate {
  constructor(
    private readonly ctx: GithubContext,
    private readonly reader: TaskReader,
    private readonly limits: TypeLimitStore,
  ) {}

  /** The limits in force, by type, as the mirror holds them (callers have just refreshed it: no request). */
  byType(): Map<string, TypeLimit> {
    return new Map(this.limits.inMirror().map((limit) => [limit.type, limit]));
  }

  /** Every task in the mirror as it is now, leases judged by `workers`. */
  fold(workers: Map<string, WorkerView>): Folded {
    return this.reader.foldMirror(workers);
  }

  /** The load of `limit`'s type at `position` among `folded` tasks. */
  loadAt(limit: TypeLimit, folded: Folded, position: LimitPosition): TypeLoad {
    const tasks = folded.map(({ source, view }) => ({
      view,
      records: view.task.type === limit.type ? this.ctx.mirror.recordsOf(source.issueNumber) : [],
    }));
    return typeLoadAt(limit, tasks, position);
  }

  /** The load now, after every claim among `folded`. */
  loadNow(limit: TypeLimit, folded: Folded): TypeLoad {
    return this.loadAt(limit, folded, { claimId: Number.POSITIVE_INFINITY, at: this.ctx.now(), taskId: null });
  }

  /**
   * Places left now, type by type, as this process sees them: each call takes one and says
   * whether there was one (a type without a limit always has). A claimant posts, and a
   * listing offers, no more of a type than this, so a full type costs no write. `fold` runs
   * at most once, and only if a limited type comes up.
   */
  placesLeft(limits: Map<string, TypeLimit>, fold: () => Folded): (type: string) => boolean {
    const left = new Map<string, number>();
    let folded: Folded | null = null;
    return (type) => {
      const limit = limits.get(type);
      if (!limit) return true;
      folded ??= fold();
      const places = left.get(type) ?? startsLeft(limit, this.loadNow(limit, folded));
      left.set(type, places - 1);
      return places > 0;
    };
  }
}
