import { canApplyTaskAction } from "../../../domain/task-transitions.js";
import { describeLimitWait, startsLeft, type TypeLimit, type TypeLoad } from "../../../domain/task-type-limit.js";
import { type ClaimView, lockOf, type TaskView } from "../fold/task-fold.js";
import type { TaskSource } from "../fold/task-source.js";
import type { WorkerView } from "../fold/worker-fold.js";
import type { GithubContext } from "../github-context.js";
import type { ClaimRecord } from "../records/record-schemas.js";
import type { RegistryReader } from "../registry-reader.js";
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
}

/** A limit as the gate reads it: with the time its starts limit began (changes of other fields keep the window). */
export type GateLimit = TypeLimit & { startsSince: number };

/** An unstarted claim this young may be live though its owner's lease looks lapsed (a registry read older than it). */
export function youngClaimMs(settleDelayMs: number): number {
  return 2 * settleDelayMs + 1000;
}

/** The claims of a task that have not started: the locks that may still start it. */
function unstartedClaims(view: TaskView): ClaimView[] {
  if (!canApplyTaskAction("start", view.task.state)) return [];
  return view.openClaims.filter((c) => !c.stored.record.auto && !c.stored.record.start);
}

/**
 * What a type has used of its limit at `position`:
 *
 * - running: every running task of the type, plus each task with a lock below `position`
 *   that may still start it (not started, on a task that can start; live, or too young to
 *   judge by its owner's lease);
 * - starts: every attempt of the type started in the window (`at − intervalMs`, `at`], since
 *   the starts limit began, plus each such lower lock (it may start now).
 *
 * Each claimant checks its own start against this after the settle delay, when every lower
 * claim is visible (the claim protocol's one assumption, docs/github-backend.md). A start
 * that passed counted every lower lock and every start it could see; every later claim
 * counts it (as a lock, then as a running attempt). So racing claimants that have read the
 * limit never put more than `maxRunning` tasks of the type running at once, nor more than
 * `maxStarts` starts in a window. A lock not yet started reserves a place: conservative, as
 * it can only start or go.
 */
export function typeLoadAt(
  limit: GateLimit,
  tasks: Iterable<{ view: TaskView; records: readonly StoredRecord[] }>,
  position: LimitPosition & { now: number; youngMs: number },
): TypeLoad {
  const windowStart =
    limit.intervalMs === null ? null : Math.max(position.at - limit.intervalMs, limit.startsSince - 1);
  let running = 0;
  let recentStarts = 0;
  for (const { view, records } of tasks) {
    const { task } = view;
    if (task.type !== limit.type) continue;
    const lock = unstartedClaims(view).some(
      (c) =>
        c.stored.id < position.claimId && (c === view.holder || position.now - c.lock.acquiredAt < position.youngMs),
    );
    if (task.state === "running" || lock) running += 1;
    if (windowStart === null) continue;
    if (lock) recentStarts += 1;
    for (const stored of records) {
      if (stored.record.k !== "claim" || !view.applied.has(stored.id)) continue;
      const claim = stored as StoredRecord<ClaimRecord>;
      if (!claim.record.auto && !claim.record.start) continue;
      const startedAt = claim.record.start?.at ?? lockOf(task.id, claim).acquiredAt;
      if (startedAt > windowStart) recentStarts += 1;
    }
  }
  return { running, recentStarts };
}

type Folded = ReadonlyArray<{ source: TaskSource; view: TaskView }>;

/** Reads the limits and measures a type's load from folded tasks. */
export class TypeLimitGate {
  private lastWorkers: Map<string, WorkerView> | null = null;

  constructor(
    private readonly ctx: GithubContext,
    private readonly reader: TaskReader,
    private readonly workers: RegistryReader,
    private readonly limits: TypeLimitStore,
  ) {}

  /** The limits in force, by type, as the mirror holds them (callers refresh it first: no request here). */
  byType(): Map<string, GateLimit> {
    return new Map(this.limits.inMirror().map((limit) => [limit.type, limit]));
  }

  /**
   * Every task, folded fresh enough to count a type's load: leases judged by the registry read
   * now (and the owners of the type's locks looked up if unknown), and each issue whose lock
   * has outlived the settle window re-read — a lock its loser deleted is still in a mirror
   * that listed it (deletions never show in `since` lists), and would hold a place for good.
   * Costs one conditional read per such lock, nothing when there is none.
   */
  async fold(limits: Map<string, GateLimit>): Promise<Folded> {
    const workers = await this.workers.views();
    this.lastWorkers = workers;
    let folded = this.reader.foldMirror(workers);
    const now = this.ctx.now();
    const young = youngClaimMs(this.ctx.settleDelayMs());
    const owners = new Set<string>();
    let reread = false;
    for (const { view } of folded) {
      if (!limits.has(view.task.type)) continue;
      for (const claim of unstartedClaims(view)) {
        owners.add(claim.lock.ownerId);
        if (now - claim.lock.acquiredAt < young) continue;
        await this.reader.load(view.task.id);
        reread = true;
      }
    }
    const known = await this.workers.viewsOf(owners, workers);
    if (known !== workers || reread) {
      this.lastWorkers = known;
      folded = this.reader.foldMirror(known);
    }
    return folded;
  }

  /** The load of `limit`'s type at `position` among `folded` tasks. */
  loadAt(limit: GateLimit, folded: Folded, position: LimitPosition): TypeLoad {
    const tasks = folded.map(({ source, view }) => ({
      view,
      records:
        view.task.type === limit.type && limit.intervalMs !== null ? this.ctx.mirror.recordsOf(source.issueNumber) : [],
    }));
    return typeLoadAt(limit, tasks, {
      ...position,
      now: this.ctx.now(),
      youngMs: youngClaimMs(this.ctx.settleDelayMs()),
    });
  }

  /** Every task folded again from the mirror (no request), leases judged as the last `fold` read them. */
  refold(): Folded {
    return this.reader.foldMirror(this.lastWorkers ?? this.workers.cachedViews());
  }

  /**
   * Places left now, type by type: each call takes one and says whether there was one (a type
   * without a limit always has). A claimant posts, and a listing offers, no more of a type
   * than this, so a full type costs no write. `fold` runs once, when a limited type comes up.
   */
  placesLeft(limits: Map<string, GateLimit>, fold: () => Promise<Folded>): (type: string) => Promise<boolean> {
    const left = new Map<string, number>();
    let folded: Promise<Folded> | null = null;
    return async (type) => {
      const limit = limits.get(type);
      if (!limit) return true;
      folded ??= fold();
      const now = { claimId: Number.POSITIVE_INFINITY, at: this.ctx.now() };
      const places = left.get(type) ?? startsLeft(limit, this.loadAt(limit, await folded, now));
      left.set(type, places - 1);
      return places > 0;
    };
  }

  /**
   * The refusal for a start at `position` past the limit, or null when it is within it.
   * `folded` must be read after the settle delay that followed the claim.
   */
  refusal(limit: GateLimit, folded: Folded, position: LimitPosition): string | null {
    const load = this.loadAt(limit, folded, position);
    return startsLeft(limit, load) > 0 ? null : (describeLimitWait(limit, load) ?? "waiting for limit");
  }
}
