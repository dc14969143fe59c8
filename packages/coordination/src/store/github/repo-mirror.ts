import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { RequestError } from "@octokit/request-error";
import { historyHorizon } from "./history-horizon.js";
import type { GhComment, GhIssue, GithubApi } from "./http/github-api.js";
import type { ReadLagTracker } from "./read-lag.js";
import { type IssuePurpose, PURPOSE_LABELS, purposeOf, SENTINEL_LABEL } from "./records/issue-kinds.js";
import type { SentinelRecord } from "./records/record-schemas.js";
import type { TrustFilter, Verdict } from "./trust/trust-filter.js";

export interface StoredRecord<R extends SentinelRecord = SentinelRecord> {
  id: number;
  issue: number;
  author: string;
  createdAt: string;
  updatedAt: string;
  record: R;
}

export interface MirrorIssue {
  issue: GhIssue;
  purpose: IssuePurpose | null;
  /** The signed issue body (task spec), when trusted: the last version this process verified. */
  body: SentinelRecord | null;
  /** The text of that verified body, to put back if it is edited. */
  verifiedText: string | null;
  /** Set while GitHub's body is not the verified one (someone edited it): when that version was written. */
  tamperedAt: string | null;
}

export interface RepoMirrorOptions {
  /** How far back `since` reaches to catch writes that became visible late (≥ the largest read lag tolerated). */
  overlapMs: number;
  /**
   * The periodic deep check: every `everyMs` the lists reach back `windowMs` to 1.5 × `windowMs`
   * (a `since` that moves in steps of half the window, so its pages answer 304 while nothing
   * in it changed): what became visible later than the overlap but within the window is found.
   */
  deepCheck: { everyMs: number; windowMs: number };
  /** How long our own fresh writes are trusted over a read that does not show them yet. */
  ownGraceMs: number;
  refreshIntervalMs: number;
  /** How much closed history a process reads when it opens (see history-horizon.ts). */
  historyWindowMs: number;
  /** The store clock. */
  now: () => number;
}

/** Purposes whose readers read every issue, closed ones included, straight from GitHub. */
const READ_ALL_PURPOSES = ["memory", "settings"] as const;
/**
 * Purposes whose state is folded from the mirror's records, so an issue of them kept at
 * start-up needs all its comments. The events issue only feeds the event log, whose entries
 * before the horizon come with the history (`loadHistory`). Settings issues (pauses, limits,
 * schedules: the newest record of each holds however old it is) are read whole, closed
 * (rotated) ones too — a few issues, read once at start-up.
 */
const MIRRORED_PURPOSES: ReadonlySet<IssuePurpose | null> = new Set(["task", "registry", "settings"]);

/**
 * The process's view of the repository's sentinel issues and their trusted records.
 *
 * Filled cheaply by two conditional `since` lists (issues, and the repository-wide comment
 * list sorted by update) — one request each however many tasks exist, 304 when nothing
 * changed. Each reaches back `overlapMs` (the largest read lag tolerated) before the newest
 * update seen, is paged by a `since` cursor (not page numbers, which skip items when the
 * list changes while it is read), and a version already applied (same id, `updated_at` and
 * body) is skipped. Deleted comments never show up in `since` lists, so decisions that must
 * see deletions (locks, fenced writes) re-read the issue's own comment list (`readIssue`).
 *
 * Opening costs what is open plus a recent window, not the repository's history: the first
 * refresh lists every open issue, then only what was updated after the history horizon
 * (history-horizon.ts), and reads the comments of the older issues it keeps. Closed issues
 * older than that are read on demand (`loadHistory`): a full listing, an old task by id, or
 * events from before the horizon.
 *
 * Our own writes are applied at once and preferred over reads that lag behind them
 * (read-your-writes): a newer `rev` of a record wins, our recent comments survive a read
 * that does not list them yet, and comments we deleted never come back.
 */
export class RepoMirror {
  private readonly issues = new Map<number, MirrorIssue>();
  /** Bumped whenever an issue's entry (number, author, labels, body) is replaced: readers index by it. */
  private issueChanges = 0;
  private readonly records = new Map<number, Map<number, StoredRecord>>();
  private readonly ownRecent = new Map<number, number>();
  private readonly deleted = new Set<number>();
  /** The version of each comment last applied (updated_at and body digest), so re-listed ones are skipped. */
  private readonly applied = new Map<number, string>();
  private maxIssueUpdated = 0;
  private maxCommentUpdated = 0;
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private lastDeepCheck = performance.now();
  private inflight: Promise<void> | null = null;
  private opened = false;
  /** Closed issues last updated before this store-clock time are not read yet (null: all are). */
  private horizonMs: number | null = null;
  /** Issues whose whole comment list has been read (those older than the horizon need it). */
  private readonly complete = new Set<number>();
  private history: Promise<void> | null = null;
  /** Comments served from their last verified version while GitHub holds an edit: id → issue. */
  private readonly edited = new Map<number, number>();

  constructor(
    private readonly api: GithubApi,
    private readonly trust: TrustFilter,
    readonly lag: ReadLagTracker,
    private readonly options: RepoMirrorOptions,
  ) {}

  /** Refresh unless a refresh finished within `refreshIntervalMs`; concurrent callers share one. */
  async refreshIfStale(): Promise<void> {
    if (performance.now() - this.lastRefresh < this.options.refreshIntervalMs) return;
    await this.refresh();
  }

  async refresh(): Promise<void> {
    if (!this.inflight) {
      this.inflight = this.doRefresh().finally(() => {
        this.inflight = null;
      });
    }
    await this.inflight;
  }

  /** The issue's complete comment list, straight from GitHub (reflects deletions). */
  async readIssue(issueNumber: number): Promise<StoredRecord[]> {
    try {
      const requestedAt = performance.now();
      const comments = await this.api.listIssueComments(issueNumber);
      this.lag.noteListed(comments, requestedAt, (write) => write.issue === issueNumber);
      this.replaceIssueComments(issueNumber, comments);
      this.complete.add(issueNumber);
      // The full list is the freshest count there is (GitHub's comment cap is checked against it).
      const entry = this.issues.get(issueNumber);
      if (entry) entry.issue = { ...entry.issue, comments: Math.max(entry.issue.comments, comments.length) };
    } catch (error) {
      // An issue we know of answers 404 while it has not reached the read replicas yet.
      if (!(error instanceof RequestError && error.status === 404 && this.issues.has(issueNumber))) throw error;
    }
    return this.recordsOf(issueNumber);
  }

  issue(issueNumber: number): MirrorIssue | undefined {
    return this.issues.get(issueNumber);
  }

  /** Changes when any issue's entry is replaced (a comment count moving does not count): a cache key. */
  issueVersion(): number {
    return this.issueChanges;
  }

  issuesOf(purpose: IssuePurpose): MirrorIssue[] {
    return [...this.issues.values()]
      .filter((entry) => entry.purpose === purpose)
      .sort((a, b) => a.issue.number - b.issue.number);
  }

  recordsOf(issueNumber: number): StoredRecord[] {
    return [...(this.records.get(issueNumber)?.values() ?? [])].sort((a, b) => a.id - b.id);
  }

  allRecords(): StoredRecord[] {
    return [...this.records.values()].flatMap((map) => [...map.values()]);
  }

  /**
   * A body that fails verification, or that is another record than the one verified before
   * (another task's signed body copied over it), never replaces the last verified body: the
   * task stays as it was signed, and the edit is reported (`trustStats().tampered`).
   */
  noteIssue(issue: GhIssue): MirrorIssue {
    const existing = this.issues.get(issue.number);
    if (existing && Date.parse(existing.issue.updatedAt) > Date.parse(issue.updatedAt)) return existing;
    const verdict = this.trust.check({
      id: issue.number,
      issue: "body",
      author: issue.author,
      body: issue.body,
      createdAt: issue.createdAt,
      updatedAt: issue.updatedAt,
    });
    const purpose = purposeOf(issue.labels);
    const verified = existing?.body ?? null;
    if (existing && verified && !sameRecord(verified, verdict.record)) {
      const entry: MirrorIssue = { ...existing, issue, purpose, tamperedAt: issue.updatedAt };
      this.noteTampered(issue.number, null, issue.author, issue.updatedAt, verdict, true);
      this.issues.set(issue.number, entry);
      this.issueChanges += 1;
      return entry;
    }
    if (!verdict.record && purpose === "task" && verdict.reason !== "author")
      this.noteTampered(issue.number, null, issue.author, issue.updatedAt, verdict, false);
    const entry: MirrorIssue = {
      issue,
      purpose,
      body: verdict.record,
      verifiedText: verdict.record ? issue.body : null,
      tamperedAt: null,
    };
    this.issues.set(issue.number, entry);
    // Every refresh re-lists the issues of its overlap window; the same version again (same
    // updated_at, so the same body and author) changes nothing a reader indexes.
    const same =
      existing?.issue.updatedAt === issue.updatedAt &&
      existing.purpose === purpose &&
      (existing.body === null) === (entry.body === null);
    if (!same) this.issueChanges += 1;
    return entry;
  }

  private noteTampered(
    issue: number,
    comment: number | null,
    author: string,
    at: string,
    verdict: Verdict,
    kept: boolean,
  ): void {
    // A body without a payload (rewritten as plain text) is as unsigned as one without a signature.
    const reason = verdict.record ? "replayed" : verdict.reason === "plain" ? "unsigned" : verdict.reason;
    this.trust.noteTampered({ issue, comment, author, reason, at, kept });
  }

  /** Records served from their last verified version because GitHub holds an edit of them. */
  editedRecords(): StoredRecord[] {
    const kept: StoredRecord[] = [];
    for (const [id, issue] of this.edited) {
      const stored = this.records.get(issue)?.get(id);
      if (stored) kept.push(stored);
      else this.edited.delete(id);
    }
    return kept;
  }

  noteOwnComment(comment: GhComment): StoredRecord | null {
    const isNew = !this.ownRecent.has(comment.id) && !this.records.get(comment.issueNumber)?.has(comment.id);
    this.ownRecent.set(comment.id, performance.now());
    this.lag.noteWrite(comment);
    // Keep the issue's comment count current for rotation, which must act before GitHub's cap.
    if (isNew) this.adjustCommentCount(comment.issueNumber, 1);
    return this.upsertComment(comment, true);
  }

  noteOwnDelete(commentId: number, issueNumber: number): void {
    this.deleted.add(commentId);
    this.lag.forget(commentId);
    if (this.records.get(issueNumber)?.delete(commentId)) this.adjustCommentCount(issueNumber, -1);
  }

  private adjustCommentCount(issueNumber: number, delta: number): void {
    const entry = this.issues.get(issueNumber);
    if (entry) entry.issue = { ...entry.issue, comments: Math.max(0, entry.issue.comments + delta) };
  }

  /** Time before which closed history has not been read, or null once it all has. */
  horizon(): number | null {
    return this.horizonMs;
  }

  /** Read the whole history once (every issue, every comment): for listings that reach past the horizon. */
  async loadHistory(): Promise<void> {
    if (!this.opened) await this.refresh();
    if (this.horizonMs === null) return;
    this.history ??= this.loadAll().catch((error: unknown) => {
      this.history = null;
      throw error;
    });
    await this.history;
  }

  private async doRefresh(): Promise<void> {
    if (this.opened) await this.poll();
    else await this.openFromHorizon();
    this.opened = true;
    this.lastRefresh = performance.now();
  }

  private async poll(): Promise<void> {
    const deep = performance.now() - this.lastDeepCheck >= this.options.deepCheck.everyMs;
    const listed = (
      await this.api.listIssues({
        labels: SENTINEL_LABEL,
        state: "all",
        since: this.sinceFrom(this.maxIssueUpdated, deep),
      })
    ).filter((issue) => this.issues.has(issue.number) || !this.closedBeforeHorizon(issue));
    const fresh = listed.filter((issue) => !this.issues.has(issue.number));
    this.noteListedIssues(listed);
    await this.listComments(this.sinceFrom(this.maxCommentUpdated, deep));
    // An issue older than the horizon that shows up now (reopened, relabelled, deep check) has
    // comments from before it: read them all, or its records would be folded from a part.
    await this.completeOlderThanHorizon(fresh.map((issue) => issue.number));
    if (deep) this.lastDeepCheck = performance.now();
  }

  /**
   * The first refresh: every open issue and the issues whose readers read closed ones too,
   * the registry (its last heartbeat places the horizon), then what changed since the horizon,
   * and the comments of the issues kept that are older than it.
   */
  private async openFromHorizon(): Promise<void> {
    const listed = await this.api.listIssues({ labels: SENTINEL_LABEL, state: "open" });
    for (const purpose of READ_ALL_PURPOSES)
      listed.push(...(await this.api.listIssues({ labels: PURPOSE_LABELS[purpose], state: "closed" })));
    this.noteListedIssues(listed);
    const registry = this.issuesOf("registry").filter((entry) => entry.issue.state === "open");
    for (const entry of registry) await this.readIssue(entry.issue.number);
    const horizon = historyHorizon(
      registry.flatMap((entry) => this.recordsOf(entry.issue.number)),
      this.options.now(),
      this.options.historyWindowMs,
    );
    if (horizon === null) {
      await this.loadAll();
      return;
    }
    this.horizonMs = horizon;
    const since = toSince(horizon);
    this.noteListedIssues(await this.api.listIssues({ labels: SENTINEL_LABEL, state: "all", since }));
    await this.listComments(since);
    // Later polls start at the horizon too, not at the beginning of time.
    this.maxIssueUpdated = Math.max(this.maxIssueUpdated, horizon + this.options.overlapMs);
    this.maxCommentUpdated = Math.max(this.maxCommentUpdated, horizon + this.options.overlapMs);
    await this.completeOlderThanHorizon([...this.issues.keys()]);
  }

  /** Every issue and every comment of the repository: the whole history. */
  private async loadAll(): Promise<void> {
    this.noteListedIssues(await this.api.listIssues({ labels: SENTINEL_LABEL, state: "all" }));
    await this.listComments(undefined);
    this.horizonMs = null;
  }

  private noteListedIssues(issues: GhIssue[]): void {
    for (const issue of issues) {
      this.noteIssue(issue);
      this.maxIssueUpdated = Math.max(this.maxIssueUpdated, Date.parse(issue.updatedAt));
    }
  }

  private async listComments(since: string | undefined): Promise<void> {
    const requestedAt = performance.now();
    const comments = await this.api.listRepoComments(since);
    this.lag.noteListed(comments, requestedAt, (write) => since === undefined || write.updatedAt >= since);
    for (const comment of comments) {
      this.upsertComment(comment, false);
      this.maxCommentUpdated = Math.max(this.maxCommentUpdated, Date.parse(comment.updatedAt));
    }
  }

  /**
   * Read the comment list of each issue created before the horizon whose records the mirror
   * serves (the `since` list only holds its comments updated after it). Closed ones are kept
   * only when they changed after the horizon.
   */
  private async completeOlderThanHorizon(numbers: number[]): Promise<void> {
    const horizon = this.horizonMs;
    if (horizon === null) return;
    for (const number of numbers) {
      const entry = this.issues.get(number);
      if (!entry || this.complete.has(number) || !MIRRORED_PURPOSES.has(entry.purpose)) continue;
      const { issue } = entry;
      if (issue.comments === 0 || Date.parse(issue.createdAt) >= horizon) continue;
      if (this.closedBeforeHorizon(issue) && entry.purpose !== "settings") continue;
      await this.readIssue(number);
    }
  }

  /** History not read yet: the deep check's window may reach past the horizon, and such issues wait for `loadHistory`. */
  private closedBeforeHorizon(issue: GhIssue): boolean {
    return this.horizonMs !== null && issue.state === "closed" && Date.parse(issue.updatedAt) < this.horizonMs;
  }

  /**
   * Reach back `overlapMs` before the newest update seen (or the deep check's window), in
   * whole seconds: the URL stays the same while nothing changes, so the ETag answers 304.
   */
  private sinceFrom(maxUpdated: number, deep: boolean): string | undefined {
    if (maxUpdated <= 0) return undefined;
    let since = Math.floor((maxUpdated - this.options.overlapMs) / 1000) * 1000;
    if (deep) {
      const { windowMs } = this.options.deepCheck;
      const step = Math.max(1000, Math.floor(windowMs / 2000) * 1000);
      since = Math.min(since, Math.floor((maxUpdated - windowMs) / step) * step);
    }
    return toSince(since);
  }

  private replaceIssueComments(issueNumber: number, comments: GhComment[]): void {
    const listed = new Set(comments.map((comment) => comment.id));
    const current = this.records.get(issueNumber);
    if (current) {
      const now = performance.now();
      for (const id of current.keys()) {
        const ownAt = this.ownRecent.get(id);
        const fresh = ownAt !== undefined && now - ownAt < this.options.ownGraceMs;
        if (!listed.has(id) && !fresh) {
          current.delete(id);
          this.applied.delete(id);
        }
      }
    }
    for (const comment of comments) this.upsertComment(comment, false);
  }

  private upsertComment(comment: GhComment, own: boolean): StoredRecord | null {
    if (this.deleted.has(comment.id)) return null;
    const version = `${comment.updatedAt} ${createHash("sha256").update(comment.body).digest("base64")}`;
    if (!own && this.applied.get(comment.id) === version)
      return this.records.get(comment.issueNumber)?.get(comment.id) ?? null;
    this.applied.set(comment.id, version);
    const verdict = this.trust.check({
      id: comment.id,
      issue: comment.issueNumber,
      author: comment.author,
      body: comment.body,
      createdAt: comment.createdAt,
      updatedAt: comment.updatedAt,
    });
    const { record } = verdict;
    let map = this.records.get(comment.issueNumber);
    if (!record) {
      // An edit that fails verification does not undo what this process verified before: it
      // keeps serving that version (a deletion, which GitHub does show, still removes it).
      const previous = map?.get(comment.id);
      if (previous && !own) {
        this.noteTampered(comment.issueNumber, comment.id, comment.author, comment.updatedAt, verdict, true);
        this.edited.set(comment.id, comment.issueNumber);
        return previous;
      }
      map?.delete(comment.id);
      return null;
    }
    if (!map) {
      map = new Map();
      this.records.set(comment.issueNumber, map);
    }
    const existing = map.get(comment.id);
    if (existing && !own && revOf(existing.record) > revOf(record)) return existing;
    const stored: StoredRecord = {
      id: comment.id,
      issue: comment.issueNumber,
      author: comment.author,
      createdAt: comment.createdAt,
      updatedAt: comment.updatedAt,
      record,
    };
    map.set(comment.id, stored);
    this.edited.delete(comment.id);
    return stored;
  }
}

/** A `since` parameter: whole seconds, so the URL stays the same while nothing changes. */
function toSince(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** Whether `next` is the same record as the verified `previous` (one nonce per signed record). */
function sameRecord(previous: SentinelRecord, next: SentinelRecord | null): boolean {
  return next !== null && next.k === previous.k && next.n === previous.n;
}

function revOf(record: SentinelRecord): number {
  return "rev" in record ? record.rev : 0;
}
