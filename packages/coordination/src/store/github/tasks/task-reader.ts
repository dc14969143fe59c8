import type { Task } from "../../../domain/task.js";
import { NotFoundError } from "../../../errors.js";
import { foldTask, type TaskView } from "../fold/task-fold.js";
import type { TaskSource } from "../fold/task-source.js";
import { leaseCheckFrom, type WorkerView } from "../fold/worker-fold.js";
import type { GithubContext } from "../github-context.js";
import { taskNonceOf } from "../records/issue-kinds.js";
import type { RegistryReader } from "../registry-reader.js";

export interface LoadedTask {
  source: TaskSource;
  view: TaskView;
  workers: Map<string, WorkerView>;
  now: number;
}

/**
 * Finding and folding tasks. Decisions (acquire, start, fenced writes) use `load`, which
 * reads the task's issue and the registry straight from GitHub (conditional GETs);
 * listings use `foldAll`, which folds the mirror.
 */
export class TaskReader {
  /**
   * The sources by nonce, rebuilt only when the mirror's issues changed: every task action
   * looks its task up, and rebuilding every source for each lookup made that O(tasks).
   */
  private index: { version: number; byNonce: Map<string, TaskSource> } | null = null;

  constructor(
    private readonly ctx: GithubContext,
    private readonly workers: RegistryReader,
  ) {}

  /** Trusted task issues, one per nonce (a duplicated create keeps the lowest number). */
  sources(): TaskSource[] {
    return [...this.sourcesByNonce().values()];
  }

  private sourcesByNonce(): Map<string, TaskSource> {
    const version = this.ctx.mirror.issueVersion();
    if (this.index?.version !== version) this.index = { version, byNonce: this.buildSources() };
    return this.index.byNonce;
  }

  private buildSources(): Map<string, TaskSource> {
    const byNonce = new Map<string, TaskSource>();
    for (const entry of this.ctx.mirror.issuesOf("task")) {
      const body = entry.body;
      if (body?.k !== "task" || !this.ctx.isAllowed(entry.issue.author)) continue;
      const source: TaskSource = {
        issueNumber: entry.issue.number,
        nonce: body.n,
        spec: body.spec,
        createdAt: Math.max(body.at, Date.parse(entry.issue.createdAt)),
        issueId: entry.issue.id,
        issueCreatedAt: entry.issue.createdAt,
        events: body.ev,
      };
      const seen = byNonce.get(body.n);
      if (!seen || seen.issueNumber > source.issueNumber) byNonce.set(body.n, source);
    }
    return byNonce;
  }

  /** The task of an issue (duplicates of a create share its nonce: see taskIdOf). */
  sourceOfIssue(issueNumber: number): TaskSource | null {
    const entry = this.ctx.mirror.issue(issueNumber);
    const nonce = entry?.body?.k === "task" ? entry.body.n : null;
    return nonce === null ? null : this.sourceByNonce(nonce);
  }

  /** The issue holding a task's records. */
  issueOf(taskId: string): number | null {
    return this.cachedSource(taskId)?.issueNumber ?? null;
  }

  /** Fresh read of one task: its issue's comments and the registry, straight from GitHub. */
  async load(taskId: string): Promise<LoadedTask | null> {
    const source = await this.resolve(taskId);
    if (!source) return null;
    const [records, known] = await Promise.all([this.ctx.mirror.readIssue(source.issueNumber), this.workers.views()]);
    const now = this.ctx.now();
    const view = foldTask(source, records, now, leaseCheckFrom(known, now));
    // A claimant this process does not know may be registered on a registry issue it has not
    // listed yet: look there before judging its lease dead (and its claim free to take over).
    const workers = await this.workers.viewsOf(
      view.openClaims.map((claim) => claim.stored.record.owner),
      known,
    );
    if (workers === known) return { source, view, workers, now };
    return { source, view: foldTask(source, records, now, leaseCheckFrom(workers, now)), workers, now };
  }

  async require(taskId: string): Promise<LoadedTask> {
    const loaded = await this.load(taskId);
    if (!loaded) throw new NotFoundError("task", taskId);
    return loaded;
  }

  /** Fold one task from the mirror right after our own write (read-your-writes; no request). */
  refold(taskId: string): Task {
    return this.refoldView(taskId).task;
  }

  /** The whole fold of one task from the mirror (no request): its lock's token as well as the task. */
  refoldView(taskId: string): TaskView {
    const source = this.cachedSource(taskId);
    if (!source) throw new NotFoundError("task", taskId);
    const workers = this.workers.cachedViews();
    const now = this.ctx.now();
    return foldTask(source, this.ctx.mirror.recordsOf(source.issueNumber), now, leaseCheckFrom(workers, now));
  }

  /** Fold every task from the mirror (no per-task requests). */
  async foldAll(): Promise<Array<{ source: TaskSource; view: TaskView }>> {
    await this.ctx.mirror.refreshIfStale();
    return this.foldMirror(this.workers.cachedViews());
  }

  /** Fold every task from the mirror as it is, judging leases by `workers`. */
  foldMirror(workers: Map<string, WorkerView>): Array<{ source: TaskSource; view: TaskView }> {
    const now = this.ctx.now();
    const lease = leaseCheckFrom(workers, now);
    return this.sources().map((source) => ({
      source,
      view: foldTask(source, this.ctx.mirror.recordsOf(source.issueNumber), now, lease),
    }));
  }

  private cachedSource(taskId: string): TaskSource | null {
    const nonce = taskNonceOf(taskId);
    return nonce === null ? null : this.sourceByNonce(nonce);
  }

  private sourceByNonce(nonce: string): TaskSource | null {
    return this.sourcesByNonce().get(nonce) ?? null;
  }

  /**
   * The task of an id, refreshing the mirror once if another process created it, then reading
   * the history if it is older than what was read at start-up (an id names no issue number).
   */
  private async resolve(taskId: string): Promise<TaskSource | null> {
    const nonce = taskNonceOf(taskId);
    if (nonce === null) return null;
    const known = this.sourceByNonce(nonce);
    if (known) return known;
    await this.ctx.mirror.refresh();
    const created = this.sourceByNonce(nonce);
    if (created || this.ctx.mirror.horizon() === null) return created;
    await this.ctx.mirror.loadHistory();
    return this.sourceByNonce(nonce);
  }
}
