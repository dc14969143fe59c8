import { toGitHubTimestamp } from "../clock.js";
import { MissingRecordError } from "../emulator-errors.js";
import type { CommentRecord, IssueRecord, IssueState, IssueStateReason, LabelRecord, RepoRecord } from "./records.js";
import { VersionedTable } from "./versioned-table.js";

export interface IdCounters {
  repo: number;
  issue: number;
  comment: number;
  label: number;
}

export interface RepoEnvironment {
  ids: IdCounters;
  now(): number;
  /** Milliseconds until a write made now reaches the read replicas. */
  readLagMs(): number;
  changed(): void;
}

export interface RepoSnapshot {
  record: RepoRecord;
  nextIssueNumber: number;
  labels: LabelRecord[];
  issues: IssueRecord[];
  comments: CommentRecord[];
}

export interface NewIssue {
  title: string;
  body: string | null;
  labels: string[];
  author: string;
}

export interface IssuePatch {
  title?: string;
  body?: string | null;
  state?: IssueState;
  stateReason?: IssueStateReason | null;
  labels?: string[];
}

const DEFAULT_LABEL_COLOR = "ededed";

/**
 * One repository's issues, comments and labels. Writes go to the "primary" at once;
 * reads through the `visible*` verbs see them only after the write's replica lag.
 */
export class RepoState {
  private nextIssueNumber = 1;
  private readonly labelsByName = new Map<string, LabelRecord>();
  private readonly issues = new VersionedTable<IssueRecord>();
  private readonly commentsByIssue = new Map<number, VersionedTable<CommentRecord>>();
  private readonly issueOfComment = new Map<number, number>();

  constructor(
    readonly record: RepoRecord,
    private readonly env: RepoEnvironment,
  ) {}

  get fullName(): string {
    return `${this.record.owner}/${this.record.name}`;
  }

  labels(): LabelRecord[] {
    return [...this.labelsByName.values()];
  }

  findLabel(name: string): LabelRecord | undefined {
    return this.labelsByName.get(name.toLowerCase());
  }

  createLabel(input: { name: string; color?: string; description?: string | null }): LabelRecord {
    const label: LabelRecord = {
      id: this.env.ids.label++,
      name: input.name,
      color: (input.color ?? DEFAULT_LABEL_COLOR).replace(/^#/, "").toLowerCase(),
      description: input.description ?? null,
    };
    this.labelsByName.set(label.name.toLowerCase(), label);
    this.env.changed();
    return label;
  }

  /** GitHub creates unknown labels when they are put on an issue; returns canonical names. */
  ensureLabels(names: string[]): string[] {
    const canonical: string[] = [];
    for (const name of names) {
      const label = this.findLabel(name) ?? this.createLabel({ name });
      if (!canonical.includes(label.name)) canonical.push(label.name);
    }
    return canonical;
  }

  createIssue(input: NewIssue): IssueRecord {
    const timestamp = this.timestamp();
    const issue: IssueRecord = {
      id: this.env.ids.issue++,
      number: this.nextIssueNumber++,
      title: input.title,
      body: input.body,
      state: "open",
      stateReason: null,
      labels: this.ensureLabels(input.labels),
      author: input.author,
      comments: 0,
      createdAt: timestamp,
      updatedAt: timestamp,
      closedAt: null,
      closedBy: null,
      deleted: false,
    };
    this.writeIssue(issue, this.visibleAt());
    return issue;
  }

  latestIssue(issueNumber: number): IssueRecord | undefined {
    return this.issues.latest(issueNumber);
  }

  visibleIssue(issueNumber: number): IssueRecord | undefined {
    return this.issues.visible(issueNumber, this.env.now());
  }

  visibleIssues(): IssueRecord[] {
    return this.issues.visibleValues(this.env.now()).filter((issue) => !issue.deleted);
  }

  updateIssue(issueNumber: number, patch: IssuePatch, actor: string): IssueRecord {
    const current = this.requireLatestIssue(issueNumber);
    const next: IssueRecord = { ...current, updatedAt: this.timestamp() };
    if (patch.title !== undefined) next.title = patch.title;
    if (patch.body !== undefined) next.body = patch.body;
    if (patch.labels !== undefined) next.labels = this.ensureLabels(patch.labels);
    applyStateChange(next, current, patch, actor);
    this.writeIssue(next, this.visibleAt());
    return next;
  }

  /** Issues can only be deleted through GitHub's UI or GraphQL; afterwards REST answers 410. */
  deleteIssue(issueNumber: number): void {
    const current = this.requireLatestIssue(issueNumber);
    this.writeIssue({ ...current, deleted: true }, this.visibleAt());
  }

  createComment(issueNumber: number, body: string, author: string): CommentRecord {
    const issue = this.requireLatestIssue(issueNumber);
    const timestamp = this.timestamp();
    const comment: CommentRecord = {
      id: this.env.ids.comment++,
      issueNumber,
      body,
      author,
      createdAt: timestamp,
      updatedAt: timestamp,
    };
    const visibleAt = this.visibleAt();
    this.commentTable(issueNumber).put(comment.id, comment, visibleAt, this.env.now());
    this.issueOfComment.set(comment.id, issueNumber);
    // A new comment bumps the issue's counter and updated_at, in the same replicated write.
    this.writeIssue({ ...issue, comments: issue.comments + 1, updatedAt: timestamp }, visibleAt);
    return comment;
  }

  latestComment(commentId: number): CommentRecord | undefined {
    const issueNumber = this.issueOfComment.get(commentId);
    return issueNumber === undefined ? undefined : this.commentsByIssue.get(issueNumber)?.latest(commentId);
  }

  visibleComment(commentId: number): CommentRecord | undefined {
    const issueNumber = this.issueOfComment.get(commentId);
    return issueNumber === undefined
      ? undefined
      : this.commentsByIssue.get(issueNumber)?.visible(commentId, this.env.now());
  }

  /** Visible comments of one issue, or of the whole repository, ascending by id. */
  visibleComments(issueNumber?: number): CommentRecord[] {
    const now = this.env.now();
    if (issueNumber !== undefined) return this.commentsByIssue.get(issueNumber)?.visibleValues(now) ?? [];
    const all = [...this.commentsByIssue.values()].flatMap((table) => table.visibleValues(now));
    return all.sort((a, b) => a.id - b.id);
  }

  updateComment(commentId: number, body: string): CommentRecord {
    const current = this.latestComment(commentId);
    if (!current) throw new MissingRecordError(`comment ${commentId} does not exist in ${this.fullName}`);
    const next: CommentRecord = { ...current, body, updatedAt: this.timestamp() };
    this.commentTable(current.issueNumber).put(commentId, next, this.visibleAt(), this.env.now());
    this.env.changed();
    return next;
  }

  deleteComment(commentId: number): void {
    const current = this.latestComment(commentId);
    if (!current) throw new MissingRecordError(`comment ${commentId} does not exist in ${this.fullName}`);
    const visibleAt = this.visibleAt();
    this.commentTable(current.issueNumber).put(commentId, undefined, visibleAt, this.env.now());
    const issue = this.latestIssue(current.issueNumber);
    if (issue) this.writeIssue({ ...issue, comments: Math.max(0, issue.comments - 1) }, visibleAt);
    this.env.changed();
  }

  snapshot(): RepoSnapshot {
    return {
      record: this.record,
      nextIssueNumber: this.nextIssueNumber,
      labels: this.labels(),
      issues: this.issues.latestValues(),
      comments: [...this.commentsByIssue.values()].flatMap((table) => table.latestValues()).sort((a, b) => a.id - b.id),
    };
  }

  /** Loads persisted rows as already replicated. */
  restore(snapshot: RepoSnapshot): void {
    this.nextIssueNumber = snapshot.nextIssueNumber;
    for (const label of snapshot.labels) this.labelsByName.set(label.name.toLowerCase(), label);
    for (const issue of snapshot.issues) this.issues.put(issue.number, issue, 0, 0);
    for (const comment of snapshot.comments) {
      this.commentTable(comment.issueNumber).put(comment.id, comment, 0, 0);
      this.issueOfComment.set(comment.id, comment.issueNumber);
    }
  }

  private requireLatestIssue(issueNumber: number): IssueRecord {
    const issue = this.latestIssue(issueNumber);
    if (!issue) throw new MissingRecordError(`issue #${issueNumber} does not exist in ${this.fullName}`);
    return issue;
  }

  private writeIssue(issue: IssueRecord, visibleAt: number): void {
    this.issues.put(issue.number, issue, visibleAt, this.env.now());
    this.env.changed();
  }

  private commentTable(issueNumber: number): VersionedTable<CommentRecord> {
    let table = this.commentsByIssue.get(issueNumber);
    if (!table) {
      table = new VersionedTable<CommentRecord>();
      this.commentsByIssue.set(issueNumber, table);
    }
    return table;
  }

  private timestamp(): string {
    return toGitHubTimestamp(this.env.now());
  }

  private visibleAt(): number {
    return this.env.now() + this.env.readLagMs();
  }
}

function applyStateChange(next: IssueRecord, current: IssueRecord, patch: IssuePatch, actor: string): void {
  const state = patch.state ?? current.state;
  if (state === "closed" && current.state === "open") {
    next.state = "closed";
    next.closedAt = next.updatedAt;
    next.closedBy = actor;
    next.stateReason = patch.stateReason ?? "completed";
  } else if (state === "open" && current.state === "closed") {
    next.state = "open";
    next.closedAt = null;
    next.stateReason = "reopened";
  } else if (patch.stateReason !== undefined && state === "closed") {
    next.stateReason = patch.stateReason;
  }
}
