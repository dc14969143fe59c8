import { forbidden, HttpError, notFound } from "../http-error.js";
import { canPush, canRead } from "../permissions.js";
import type { IssueRecord } from "../state/records.js";
import type { RepoState } from "../state/repo-state.js";
import type { HandlerContext } from "./context.js";

export function requireRepo(context: HandlerContext): RepoState {
  const { owner = "", repo: name = "" } = context.params;
  const repo = context.state.repo(owner, name);
  // GitHub hides private repositories from non-collaborators behind a plain 404.
  if (!repo || !canRead(context.user, repo.record)) throw notFound();
  return repo;
}

export function requirePush(context: HandlerContext, repo: RepoState): void {
  if (!canPush(context.user, repo.record)) throw forbidden("Must have push access to repository");
}

export function readNumberParam(context: HandlerContext, name: string): number {
  const text = context.params[name] ?? "";
  if (!/^\d+$/.test(text)) throw notFound();
  return Number(text);
}

/** Reads see the replica: a just-written issue may still be missing here. */
export function requireVisibleIssue(context: HandlerContext, repo: RepoState): IssueRecord {
  return checkIssue(repo.visibleIssue(readNumberParam(context, "issue_number")));
}

/** Writes go to the primary, which has every acknowledged write. */
export function requireLatestIssue(context: HandlerContext, repo: RepoState): IssueRecord {
  return checkIssue(repo.latestIssue(readNumberParam(context, "issue_number")));
}

function checkIssue(issue: IssueRecord | undefined): IssueRecord {
  if (!issue) throw notFound();
  if (issue.deleted) throw new HttpError(410, "This issue was deleted");
  return issue;
}
