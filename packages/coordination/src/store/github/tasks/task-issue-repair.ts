import { isTerminal } from "../../../domain/task.js";
import type { TaskView } from "../fold/task-fold.js";
import type { TaskSource } from "../fold/task-source.js";
import type { GithubContext } from "../github-context.js";
import type { SentinelRecord } from "../records/record-schemas.js";
import type { TaskReader } from "./task-reader.js";
import type { TaskWriter } from "./task-writer.js";

/** Record kinds the store posts and never edits: putting one back races no writer. */
const POSTED_ONLY: ReadonlySet<SentinelRecord["k"]> = new Set(["op", "wop", "mem", "events", "setting"]);
const RESTORED_LINE = "sentinel: record put back after someone edited it";

/**
 * Keeps task issues as the signed records say, for processes that open later and read only
 * open issues, recent changes and current bodies (docs/github-backend.md, _Start-up cost_;
 * docs/security.md, _Edited records_):
 *
 * - an issue closed before its task ended (by someone with triage access, or by a requeue
 *   that crashed between its op and reopening the issue) is reopened;
 * - a task body someone edited is put back to the last version this process verified;
 * - so is a comment of a kind the store only ever posts (ops, memory, events, settings),
 *   signed again as a rewrite of that comment: its body as first posted counts only unedited.
 *   Claims and registrations are left to their owners, who PATCH them and would race a restore
 *   (a registration's owner rewrites it with its next heartbeat).
 *
 * Every listing runs it (a worker's claim poll, its monitor's scan of running tasks) on what
 * the mirror already holds; it writes only when someone else changed an issue.
 */
export class TaskIssueRepair {
  /** Issue versions already acted on, so a failed repair is not retried on every poll. */
  private readonly judged = new Set<string>();

  constructor(
    private readonly ctx: GithubContext,
    private readonly reader: TaskReader,
    private readonly writer: TaskWriter,
  ) {}

  async run(folded: Array<{ source: TaskSource; view: TaskView }>): Promise<void> {
    await this.restoreEditedBodies();
    await this.restoreEditedComments();
    // A completion PATCHes its claim before it closes the issue; until the lag has passed the
    // close may be visible before the outcome.
    const settled = this.ctx.now() - this.ctx.options.maxReadLagMs - 1000;
    for (const { source, view } of folded) {
      const issue = this.ctx.mirror.issue(source.issueNumber)?.issue;
      if (issue?.state !== "closed" || isTerminal(view.task.state)) continue;
      if (Date.parse(issue.updatedAt) > settled || !this.firstTime(`closed ${issue.number} ${issue.updatedAt}`))
        continue;
      const fresh = await this.reader.load(view.task.id);
      if (!fresh || isTerminal(fresh.view.task.state)) continue;
      this.ctx.options.log?.("warn", "reopened the issue of an unfinished task", {
        task: view.task.id,
        issue: issue.number,
        state: fresh.view.task.state,
      });
      await this.writer.mirrorLabels(fresh.view.task);
    }
  }

  /** Nothing the store writes edits a task body, so putting the verified one back races no writer of ours. */
  private async restoreEditedBodies(): Promise<void> {
    for (const entry of this.ctx.mirror.issuesOf("task")) {
      const { tamperedAt, verifiedText, issue } = entry;
      if (tamperedAt === null || verifiedText === null || !this.firstTime(`body ${issue.number} ${tamperedAt}`))
        continue;
      try {
        this.ctx.mirror.noteIssue(await this.ctx.api.updateIssue(issue.number, { body: verifiedText }));
        this.ctx.options.log?.("warn", "put back the verified body of an edited task issue", { issue: issue.number });
      } catch (error) {
        this.ctx.options.log?.("warn", "could not put back the body of an edited task issue", {
          issue: issue.number,
          error: (error as Error).message,
        });
      }
    }
  }

  private async restoreEditedComments(): Promise<void> {
    for (const stored of this.ctx.mirror.editedRecords()) {
      const { record } = stored;
      if (!POSTED_ONLY.has(record.k) || !this.firstTime(`comment ${stored.id} ${stored.updatedAt}`)) continue;
      // The entries keep the server time of the version that introduced them, so event ids do not move.
      const payload = {
        ...record,
        ev: record.ev.map((entry) => (entry.sat ? entry : { ...entry, sat: stored.updatedAt })),
      };
      try {
        const comment = await this.ctx.api.updateComment(stored.id, () =>
          this.ctx.encode(stored.issue, payload, RESTORED_LINE, "", stored.id),
        );
        this.ctx.mirror.noteOwnComment(comment);
        this.ctx.options.log?.("warn", "put back an edited record", { issue: stored.issue, id: stored.id });
      } catch (error) {
        this.ctx.options.log?.("warn", "could not put back an edited record", {
          issue: stored.issue,
          id: stored.id,
          error: (error as Error).message,
        });
      }
    }
  }

  private firstTime(version: string): boolean {
    if (this.judged.has(version)) return false;
    this.judged.add(version);
    return true;
  }
}
