import { requireLiveLease } from "../../domain/worker-rules.js";
import { foldWorkers, type WorkerView } from "./fold/worker-fold.js";
import type { GithubContext } from "./github-context.js";
import type { StoredRecord } from "./repo-mirror.js";

/**
 * The worker registry as read from the registry issues: what the worker store writes to and
 * the task side judges leases by. Reads only, so both sides can be built on it.
 */
export class RegistryReader {
  constructor(private readonly ctx: GithubContext) {}

  /**
   * The registry, read from GitHub (conditional GETs, 304 when unchanged), from the registry
   * issues this process knows: the hot paths (heartbeats, lease checks) use it.
   */
  async views(): Promise<Map<string, WorkerView>> {
    if (this.ctx.openIssues("registry").length === 0) await this.ctx.mirror.refreshIfStale();
    return this.readKnownIssues();
  }

  /**
   * Every worker, from every open registry issue: the issue list is refreshed first (at most
   * once per refresh interval), so a registry issue opened after the ones this process knows
   * (two first registrations racing, a rotation) is found. Listings use it.
   */
  async allViews(): Promise<Map<string, WorkerView>> {
    await this.ctx.mirror.refreshIfStale();
    return this.readKnownIssues();
  }

  /**
   * `known` (or `views`), or `allViews` when one of `workerIds` is not in them: a worker registered on an
   * issue this process has not listed yet is looked for before it is judged absent (its
   * lease dead, its record not found). Costs nothing more while every id is known.
   */
  async viewsOf(workerIds: Iterable<string>, known?: Map<string, WorkerView>): Promise<Map<string, WorkerView>> {
    const views = known ?? (await this.views());
    for (const workerId of workerIds) if (!views.has(workerId)) return this.allViews();
    return views;
  }

  /** The registry as the mirror last saw it (no request). */
  cachedViews(): Map<string, WorkerView> {
    return foldWorkers(
      this.ctx.openIssues("registry").flatMap((entry) => this.ctx.mirror.recordsOf(entry.issue.number)),
    );
  }

  private async readKnownIssues(): Promise<Map<string, WorkerView>> {
    const records: StoredRecord[] = [];
    for (const entry of this.ctx.openIssues("registry"))
      records.push(...(await this.ctx.mirror.readIssue(entry.issue.number)));
    return foldWorkers(records);
  }

  /** The worker's view, if it may take locks now (domain/worker-rules.ts: requireLiveLease). */
  requireLiveLease(views: Map<string, WorkerView>, workerId: string, now: number): WorkerView {
    const view = views.get(workerId);
    requireLiveLease(view?.record, workerId, now);
    // requireLiveLease has refused a worker the registry does not hold.
    return view as WorkerView;
  }
}
