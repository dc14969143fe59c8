import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { RequestError } from "@octokit/request-error";
import type { GhComment, GhIssue, GithubApi } from "./http/github-api.js";
import type { ReadLagTracker } from "./read-lag.js";
import { type IssuePurpose, purposeOf, SENTINEL_LABEL } from "./records/issue-kinds.js";
import type { SentinelRecord } from "./records/record-schemas.js";
import type { TrustFilter } from "./trust/trust-filter.js";

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
  /** The signed issue body (task spec), when trusted. */
  body: SentinelRecord | null;
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
}

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
 * Our own writes are applied at once and preferred over reads that lag behind them
 * (read-your-writes): a newer `rev` of a record wins, our recent comments survive a read
 * that does not list them yet, and comments we deleted never come back.
 */
export class RepoMirror {
  private readonly issues = new Map<number, MirrorIssue>();
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

  noteIssue(issue: GhIssue): MirrorIssue {
    const existing = this.issues.get(issue.number);
    if (existing && Date.parse(existing.issue.updatedAt) > Date.parse(issue.updatedAt)) return existing;
    const body = this.trust.accept({
      id: issue.number,
      issue: "body",
      author: issue.author,
      body: issue.body,
      createdAt: issue.createdAt,
      updatedAt: issue.updatedAt,
    });
    const entry: MirrorIssue = { issue, purpose: purposeOf(issue.labels), body };
    this.issues.set(issue.number, entry);
    return entry;
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

  private async doRefresh(): Promise<void> {
    const deep = performance.now() - this.lastDeepCheck >= this.options.deepCheck.everyMs;
    const issuesSince = this.sinceFrom(this.maxIssueUpdated, deep);
    const issues = await this.api.listIssues({ labels: SENTINEL_LABEL, state: "all", since: issuesSince });
    for (const issue of issues) {
      this.noteIssue(issue);
      this.maxIssueUpdated = Math.max(this.maxIssueUpdated, Date.parse(issue.updatedAt));
    }
    const commentsSince = this.sinceFrom(this.maxCommentUpdated, deep);
    const requestedAt = performance.now();
    const comments = await this.api.listRepoComments(commentsSince);
    this.lag.noteListed(
      comments,
      requestedAt,
      (write) => commentsSince === undefined || write.updatedAt >= commentsSince,
    );
    for (const comment of comments) {
      this.upsertComment(comment, false);
      this.maxCommentUpdated = Math.max(this.maxCommentUpdated, Date.parse(comment.updatedAt));
    }
    this.lastRefresh = performance.now();
    if (deep) this.lastDeepCheck = this.lastRefresh;
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
    return new Date(since).toISOString().replace(".000Z", "Z");
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
    const record = this.trust.accept({
      id: comment.id,
      issue: comment.issueNumber,
      author: comment.author,
      body: comment.body,
      createdAt: comment.createdAt,
      updatedAt: comment.updatedAt,
    });
    let map = this.records.get(comment.issueNumber);
    if (!record) {
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
    return stored;
  }
}

function revOf(record: SentinelRecord): number {
  return "rev" in record ? record.rev : 0;
}
