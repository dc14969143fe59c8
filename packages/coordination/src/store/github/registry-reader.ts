import { isLeaseLive, LEASE_HOLDING_STATES } from "../../domain/worker.js";
import { LeaseLostError } from "../../errors.js";
import { foldWorkers, type WorkerView } from "./fold/worker-fold.js";
import type { GithubContext } from "./github-context.js";
import type { StoredRecord } from "./repo-mirror.js";

/**
 * The worker registry as read from the registry issues: what the worker store writes to and
 * the task side judges leases by. Reads only, so both sides can be built on it.
 */
export class RegistryReader {
  constructor(private readonly ctx: GithubContext) {}

  /** The registry, read from GitHub (conditional GETs, 304 when unchanged). */
  async views(): Promise<Map<string, WorkerView>> {
    if (this.ctx.openIssues("registry").length === 0) await this.ctx.mirror.refreshIfStale();
    const records: StoredRecord[] = [];
    for (const entry of this.ctx.openIssues("registry"))
      records.push(...(await this.ctx.mirror.readIssue(entry.issue.number)));
    return foldWorkers(records);
  }

  /** The registry as the mirror last saw it (no request). */
  cachedViews(): Map<string, WorkerView> {
    return foldWorkers(
      this.ctx.openIssues("registry").flatMap((entry) => this.ctx.mirror.recordsOf(entry.issue.number)),
    );
  }

  /** Lease-holding check used by lock decisions. */
  requireLiveLease(views: Map<string, WorkerView>, workerId: string, now: number): WorkerView {
    const view = views.get(workerId);
    if (!view) throw new LeaseLostError(workerId, "not registered");
    if (!isLeaseLive(view.record, now)) {
      const holding = LEASE_HOLDING_STATES.includes(view.record.state);
      throw new LeaseLostError(
        workerId,
        holding ? "lease expired (no heartbeat within leaseMs)" : `state ${view.record.state}`,
      );
    }
    return view;
  }
}
