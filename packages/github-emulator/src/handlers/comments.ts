import { forbidden, notFound } from "../http-error.js";
import { readPageRequest } from "../pagination.js";
import { canPush } from "../permissions.js";
import { renderComment } from "../render/comment.js";
import type { CommentRecord } from "../state/records.js";
import type { RepoState } from "../state/repo-state.js";
import type { Handler, HandlerContext, HandlerResult } from "./context.js";
import { readNumberParam, requireLatestIssue, requireRepo, requireVisibleIssue } from "./guards.js";
import { pageOf } from "./page.js";
import { checkBodyLength, readQueryEnum, readSince, requireObjectBody, requireString } from "./validation.js";

const RESOURCE = "IssueComment";

export const listIssueComments: Handler = (context) => {
  const repo = requireRepo(context);
  const issue = requireVisibleIssue(context, repo);
  const since = readSince(context.query, RESOURCE);
  const comments = repo.visibleComments(issue.number).filter((comment) => !since || comment.updatedAt >= since);
  return commentPage(context, repo, comments);
};

export const listRepoComments: Handler = (context) => {
  const repo = requireRepo(context);
  const since = readSince(context.query, RESOURCE);
  const sort = readQueryEnum(context.query, "sort", RESOURCE, ["created", "updated"], "created");
  const direction = readQueryEnum(context.query, "direction", RESOURCE, ["asc", "desc"], "asc");
  const sign = direction === "asc" ? 1 : -1;
  const comments = repo
    .visibleComments()
    .filter((comment) => !since || comment.updatedAt >= since)
    .filter((comment) => !repo.visibleIssue(comment.issueNumber)?.deleted)
    .sort((a, b) => sign * (sort === "updated" ? a.updatedAt.localeCompare(b.updatedAt) || a.id - b.id : a.id - b.id));
  const result = commentPage(context, repo, comments);
  churnAfterPage(context, repo, result);
  return result;
};

/** Fault injection: edit the first `pageChurn` comments of a full page once it is served. */
function churnAfterPage(context: HandlerContext, repo: RepoState, result: HandlerResult): void {
  const served = result.body as Array<{ id: number; body: string }>;
  if (context.pageChurn <= 0 || served.length < readPageRequest(context.query).perPage) return;
  for (const comment of served.slice(0, context.pageChurn)) repo.updateComment(comment.id, comment.body);
}

export const createComment: Handler = (context) => {
  const repo = requireRepo(context);
  const issue = requireLatestIssue(context, repo);
  const text = requireString(requireObjectBody(context.body), "body", RESOURCE);
  checkBodyLength(text, RESOURCE);
  if (issue.comments >= context.commentCap) {
    throw forbidden(`Commenting is disabled on issues with more than ${context.commentCap} comments`);
  }
  const comment = repo.createComment(issue.number, text, context.user.login);
  return { status: 201, body: renderComment(context.render, repo, comment) };
};

export const getComment: Handler = (context) => {
  const repo = requireRepo(context);
  const comment = repo.visibleComment(readNumberParam(context, "comment_id"));
  if (!comment || repo.visibleIssue(comment.issueNumber)?.deleted) throw notFound();
  return { status: 200, body: renderComment(context.render, repo, comment), lastModified: comment.updatedAt };
};

export const updateComment: Handler = (context) => {
  const repo = requireRepo(context);
  const comment = requireOwnComment(context, repo);
  const text = requireString(requireObjectBody(context.body), "body", RESOURCE);
  checkBodyLength(text, RESOURCE);
  const updated = repo.updateComment(comment.id, text);
  return { status: 200, body: renderComment(context.render, repo, updated) };
};

export const deleteComment: Handler = (context) => {
  const repo = requireRepo(context);
  const comment = requireOwnComment(context, repo);
  repo.deleteComment(comment.id);
  return { status: 204 };
};

/** Authors may change their own comments; users with push access may change anyone's. */
function requireOwnComment(context: HandlerContext, repo: RepoState): CommentRecord {
  const comment = repo.latestComment(readNumberParam(context, "comment_id"));
  if (!comment || repo.latestIssue(comment.issueNumber)?.deleted) throw notFound();
  const isAuthor = comment.author.toLowerCase() === context.user.login.toLowerCase();
  if (!isAuthor && !canPush(context.user, repo.record)) throw forbidden("Must have push access to repository");
  return comment;
}

function commentPage(context: HandlerContext, repo: RepoState, comments: CommentRecord[]): HandlerResult {
  const page = pageOf(context, repo, comments);
  return {
    status: 200,
    body: page.items.map((comment) => renderComment(context.render, repo, comment)),
    link: page.link,
  };
}
