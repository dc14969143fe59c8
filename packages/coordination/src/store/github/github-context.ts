import { randomBytes } from "node:crypto";
import { ValidationError } from "../../errors.js";
import { IssueFullError, RecordVerificationError } from "./github-errors.js";
import type { BudgetMeter } from "./http/budget-meter.js";
import type { GhIssue, GithubApi } from "./http/github-api.js";
import type { ServerClock } from "./http/server-clock.js";
import type { WritePacer } from "./http/write-pacer.js";
import type { ResolvedGithubStoreOptions } from "./options.js";
import { type IssuePurpose, PURPOSE_LABELS, SENTINEL_LABEL } from "./records/issue-kinds.js";
import { COMMENT_CAP, PAYLOAD_LIMIT } from "./records/limits.js";
import type { EventEntry, SentinelRecord } from "./records/record-schemas.js";
import type { MirrorIssue, RepoMirror, StoredRecord } from "./repo-mirror.js";
import { encodeRecord } from "./trust/record-codec.js";

/** Long-lived records (registrations, claims) keep this many event entries; older ones are dropped. */
const EVENT_HISTORY = 40;

export type NewEventEntry = Omit<EventEntry, "at" | "sat"> & { at?: number };

/** What every part of the GitHub store shares: the API, the mirror, the clock and the record writer. */
export class GithubContext {
  private readonly ensuring = new Map<string, Promise<number>>();

  constructor(
    readonly options: ResolvedGithubStoreOptions,
    readonly api: GithubApi,
    readonly mirror: RepoMirror,
    readonly clock: ServerClock,
    readonly meter: BudgetMeter,
    readonly pacer: WritePacer,
    readonly login: string,
  ) {}

  now(): number {
    return this.clock.now();
  }

  /** Random id of a record (lowercase letters and digits; task ids are built from it). */
  nonce(): string {
    return BigInt(`0x${randomBytes(8).toString("hex")}`)
      .toString(36)
      .padStart(13, "0");
  }

  entry(kind: EventEntry["kind"], fields: Omit<NewEventEntry, "kind">): EventEntry {
    return {
      kind,
      at: fields.at ?? this.now(),
      taskId: fields.taskId,
      workerId: fields.workerId,
      actor: fields.actor,
      data: fields.data,
    };
  }

  /** The settle delay in force: the configured one, raised when a longer read lag was seen (see read-lag.ts). */
  settleDelayMs(): number {
    return this.mirror.lag.settleDelayMs();
  }

  async sleep(ms: number): Promise<void> {
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Post a new signed record on an issue. */
  async post<R extends SentinelRecord>(issue: number, payload: R, humanLine: string): Promise<StoredRecord<R>> {
    // GitHub answers 403 past its cap; rotation keeps shared issues below it, a task issue
    // would need thousands of attempts. Say which issue is full instead of sending.
    const comments = this.mirror.issue(issue)?.issue.comments ?? 0;
    if (comments >= COMMENT_CAP) throw new IssueFullError(issue, comments, COMMENT_CAP);
    this.encode(issue, payload, humanLine); // refuse an oversized record before waiting for budget
    const comment = await this.api.createComment(issue, () => this.encode(issue, payload, humanLine));
    const stored = this.mirror.noteOwnComment(comment);
    if (!stored) throw new RecordVerificationError(`own record on issue #${issue}`);
    return stored as StoredRecord<R>;
  }

  /**
   * Rewrite one of our records (one write instead of delete + new). Event entries of the
   * previous version get that version's server time, so their ids stay what readers saw.
   */
  async patch<R extends SentinelRecord>(
    stored: StoredRecord<R>,
    next: R,
    added: EventEntry[],
    humanLine: string,
    opts: { heartbeat?: boolean } = {},
  ): Promise<StoredRecord<R>> {
    const previous = next.ev.map((entry) => (entry.sat ? entry : { ...entry, sat: stored.updatedAt }));
    let ev = [...previous, ...added];
    let evBase = next.evBase ?? 0;
    if (ev.length > EVENT_HISTORY) {
      evBase += ev.length - EVENT_HISTORY;
      ev = ev.slice(ev.length - EVENT_HISTORY);
    }
    const payload = { ...next, ev, evBase } as R;
    this.encode(stored.issue, payload, humanLine, "", stored.id);
    const comment = await this.api.updateComment(
      stored.id,
      () => this.encode(stored.issue, payload, humanLine, "", stored.id),
      opts,
    );
    const updated = this.mirror.noteOwnComment(comment);
    if (!updated) throw new RecordVerificationError(`own record ${stored.id}, after update,`);
    return updated as StoredRecord<R>;
  }

  async remove(stored: StoredRecord): Promise<void> {
    await this.api.deleteComment(stored.id);
    this.mirror.noteOwnDelete(stored.id, stored.issue);
  }

  /** `comment`: the id of the comment a rewrite is for (it is signed, so the body cannot be moved). */
  encode(issue: number | "body", payload: SentinelRecord, humanLine: string, extra = "", comment?: number): string {
    const body = encodeRecord(
      this.options.hmacSecret,
      { issue, kind: payload.k, comment: comment ?? null, signedAt: this.now() },
      humanLine,
      payload as unknown as Record<string, unknown>,
      extra,
    );
    if (body.length > PAYLOAD_LIMIT)
      throw new ValidationError(
        "payload",
        `a record of at most ${PAYLOAD_LIMIT} characters once encoded (GitHub's body limit is 65,536)`,
        `${body.length} characters`,
      );
    return body;
  }

  /**
   * The newest open issue for a purpose (and title), created if there is none. Two processes
   * racing may both create one; readers read every open issue of the purpose once their issue
   * list shows it (for the registry: registry-reader.ts), so that is harmless.
   */
  async ensureIssue(purpose: Exclude<IssuePurpose, "task">, title: string): Promise<number> {
    const existing = this.currentIssue(purpose, title);
    if (existing) return existing.issue.number;
    const key = `${purpose}:${title}`;
    let pending = this.ensuring.get(key);
    if (!pending) {
      pending = (async () => {
        await this.mirror.refresh();
        const found = this.currentIssue(purpose, title);
        if (found) return found.issue.number;
        const issue = await this.createIssue(
          purpose,
          title,
          `Coordination records of Task Sentinel (${purpose}). Written by the store; please do not edit.`,
        );
        return issue.number;
      })().finally(() => this.ensuring.delete(key));
      this.ensuring.set(key, pending);
    }
    return pending;
  }

  /**
   * GitHub refuses comments past ~2,500 per issue: once the current issue of an append-only
   * purpose (events, settings) reaches `rotateAtComments`, open the next one. Readers read
   * every issue of the purpose, open or closed, so nothing written to the old one is lost.
   */
  async rotateIfFull(purpose: "events" | "settings" | "audit", title: string, issueNumber: number): Promise<void> {
    if (!this.needsRotation(purpose, title, issueNumber)) return;
    const next = await this.createIssue(
      purpose,
      title,
      `Coordination records of Task Sentinel (${purpose}), continuing #${issueNumber}.`,
    );
    this.mirror.noteIssue(
      await this.api.updateIssue(issueNumber, {
        state: "closed",
        body: `Coordination records of Task Sentinel (${purpose}), rotated: continued in #${next.number}.`,
      }),
    );
  }

  /**
   * Whether the issue we just wrote to has reached `rotateAtComments` and is still the
   * newest open issue of its purpose and title (so one rotation opens one successor).
   */
  needsRotation(purpose: Exclude<IssuePurpose, "task">, title: string, issueNumber: number): boolean {
    const entry = this.mirror.issue(issueNumber);
    if (!entry || entry.issue.comments < this.options.rotateAtComments) return false;
    return this.openIssues(purpose, title).at(-1)?.issue.number === issueNumber;
  }

  async createIssue(purpose: IssuePurpose, title: string, body: string, extraLabels: string[] = []): Promise<GhIssue> {
    const issue = await this.api.createIssue({
      title,
      body,
      labels: [SENTINEL_LABEL, PURPOSE_LABELS[purpose], ...extraLabels],
    });
    this.mirror.noteIssue(issue);
    return issue;
  }

  /** Open issues of a purpose written by an allowed author, oldest first. */
  openIssues(purpose: Exclude<IssuePurpose, "task">, title?: string): MirrorIssue[] {
    return this.issuesOf(purpose, title).filter((entry) => entry.issue.state === "open");
  }

  /** Issues of a purpose (open or closed) written by an allowed author, oldest first. */
  issuesOf(purpose: Exclude<IssuePurpose, "task">, title?: string): MirrorIssue[] {
    return this.mirror
      .issuesOf(purpose)
      .filter((entry) => (title === undefined || entry.issue.title === title) && this.isAllowed(entry.issue.author));
  }

  isAllowed(login: string): boolean {
    return this.allowedLower.has(login.toLowerCase());
  }

  private get allowedLower(): Set<string> {
    return new Set((this.options.allowedAuthors ?? [this.login]).map((login) => login.toLowerCase()));
  }

  private currentIssue(purpose: Exclude<IssuePurpose, "task">, title: string): MirrorIssue | undefined {
    return this.openIssues(purpose, title).at(-1);
  }
}
