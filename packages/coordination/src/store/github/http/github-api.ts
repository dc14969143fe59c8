import { RequestError } from "@octokit/request-error";
import { checkBody, checkIssueFields } from "../records/github-limits.js";
import { ConditionalReader } from "./conditional-reader.js";
import type { GithubClient } from "./octokit-client.js";
import type { WritePacer } from "./write-pacer.js";

export interface GhIssue {
  number: number;
  id: number;
  title: string;
  body: string;
  state: "open" | "closed";
  labels: string[];
  author: string;
  comments: number;
  createdAt: string;
  updatedAt: string;
}

export interface GhComment {
  id: number;
  issueNumber: number;
  body: string;
  author: string;
  createdAt: string;
  updatedAt: string;
}

interface RawIssue {
  number: number;
  id: number;
  title: string;
  body?: string | null;
  state: string;
  labels: Array<string | { name?: string }>;
  user: { login: string } | null;
  comments: number;
  created_at: string;
  updated_at: string;
  pull_request?: unknown;
}

interface RawComment {
  id: number;
  issue_url: string;
  body?: string;
  user: { login: string } | null;
  created_at: string;
  updated_at: string;
}

/** The handful of REST calls the store makes, typed to what it reads. */
export class GithubApi {
  private readonly reader: ConditionalReader;

  constructor(
    private readonly client: GithubClient,
    private readonly owner: string,
    private readonly repo: string,
    private readonly pacer: WritePacer,
  ) {
    this.reader = new ConditionalReader(client);
  }

  /** Every write goes through the pacer: it waits for room in the store's share and is dated when it finishes. */
  private async paced<T>(kind: "heartbeat" | "other", write: () => Promise<T>): Promise<T> {
    const done = await this.pacer.admit(kind);
    try {
      return await write();
    } finally {
      done();
    }
  }

  /** A write through the pacer, its failure naming `operation`. */
  private pacedWrite<T>(kind: "heartbeat" | "other", operation: string, write: () => Promise<T>): Promise<T> {
    return this.paced(kind, () => withContext(operation, write));
  }

  /** The owner and repo every route of this repository takes. */
  private get repoParams(): { owner: string; repo: string } {
    return { owner: this.owner, repo: this.repo };
  }

  async listIssues(query: { labels: string; state: "open" | "closed" | "all"; since?: string }): Promise<GhIssue[]> {
    const raw = await this.reader.listBySince<RawIssue>(
      "GET /repos/{owner}/{repo}/issues",
      {
        ...this.repoParams,
        labels: query.labels,
        state: query.state,
        sort: "updated",
        direction: "asc",
      },
      query.since,
    );
    return raw.filter((issue) => issue.pull_request === undefined).map(toIssue);
  }

  async listIssueComments(issueNumber: number): Promise<GhComment[]> {
    const raw = await withContext(`list comments of #${issueNumber}`, () =>
      this.reader.listAll<RawComment>("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        ...this.repoParams,
        issue_number: issueNumber,
      }),
    );
    return raw.map(toComment);
  }

  /** Every comment of the repository updated at or after `since`, oldest update first, each once. */
  async listRepoComments(since: string | undefined): Promise<GhComment[]> {
    const raw = await this.reader.listBySince<RawComment>(
      "GET /repos/{owner}/{repo}/issues/comments",
      { ...this.repoParams, sort: "updated", direction: "asc" },
      since,
    );
    return raw.map(toComment);
  }

  async createIssue(input: { title: string; body: string; labels: string[] }): Promise<GhIssue> {
    checkIssueFields(input);
    const response = await this.pacedWrite("other", "create issue", () =>
      this.client.request("POST /repos/{owner}/{repo}/issues", { ...this.repoParams, ...input }),
    );
    return toIssue(response.data as RawIssue);
  }

  async updateIssue(
    issueNumber: number,
    patch: { title?: string; body?: string; state?: "open" | "closed"; labels?: string[] },
  ): Promise<GhIssue> {
    checkIssueFields(patch);
    const response = await this.pacedWrite("other", `update issue #${issueNumber}`, () =>
      this.client.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
        ...this.repoParams,
        issue_number: issueNumber,
        ...patch,
      }),
    );
    return toIssue(response.data as RawIssue);
  }

  /**
   * `body` may be a function: it is called once the pacer admits the write, so a record's
   * signing time is close to GitHub's timestamp for it however long the write waited.
   */
  async createComment(issueNumber: number, body: CommentBody): Promise<GhComment> {
    const response = await this.pacedWrite("other", `comment on #${issueNumber}`, () =>
      this.client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        ...this.repoParams,
        issue_number: issueNumber,
        body: checkedBody(body),
      }),
    );
    return toComment(response.data as RawComment);
  }

  /** `heartbeat`: a registration refresh, budgeted by its interval rather than held by the pacer. */
  async updateComment(commentId: number, body: CommentBody, opts: { heartbeat?: boolean } = {}): Promise<GhComment> {
    const response = await this.pacedWrite(opts.heartbeat ? "heartbeat" : "other", `update comment ${commentId}`, () =>
      this.client.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
        ...this.repoParams,
        comment_id: commentId,
        body: checkedBody(body),
      }),
    );
    return toComment(response.data as RawComment);
  }

  /** Idempotent: a comment that is already gone counts as deleted. */
  async deleteComment(commentId: number): Promise<void> {
    try {
      await this.paced("other", () =>
        this.client.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", {
          ...this.repoParams,
          comment_id: commentId,
        }),
      );
    } catch (error) {
      if (error instanceof RequestError && error.status === 404) return;
      throw error;
    }
  }
}

/** A comment body, or a function that renders it when the write is admitted (see createComment). */
export type CommentBody = string | (() => string);

function checkedBody(body: CommentBody): string {
  const text = typeof body === "function" ? body() : body;
  checkBody(text);
  return text;
}

/** Say which call failed: Octokit's errors name only the HTTP status. Keeps the RequestError (and its status) intact. */
async function withContext<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof RequestError) error.message = `${operation}: ${error.message}`;
    throw error;
  }
}

function toIssue(raw: RawIssue): GhIssue {
  return {
    number: raw.number,
    id: raw.id,
    title: raw.title,
    body: raw.body ?? "",
    state: raw.state === "closed" ? "closed" : "open",
    labels: raw.labels.map((label) => (typeof label === "string" ? label : (label.name ?? ""))).filter(Boolean),
    author: raw.user?.login ?? "",
    comments: raw.comments,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}

function toComment(raw: RawComment): GhComment {
  const issueNumber = Number(raw.issue_url.slice(raw.issue_url.lastIndexOf("/") + 1));
  return {
    id: raw.id,
    issueNumber,
    body: raw.body ?? "",
    author: raw.user?.login ?? "",
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}
