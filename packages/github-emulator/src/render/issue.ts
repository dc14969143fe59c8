import { authorAssociation } from "../permissions.js";
import type { IssueRecord } from "../state/records.js";
import type { RepoState } from "../state/repo-state.js";
import { nodeId, type RenderContext, repoApiUrl, repoWebUrl } from "./context.js";
import { renderLabel } from "./label.js";
import { renderReactions } from "./reactions.js";
import { renderLogin } from "./user.js";

export function issueApiUrl(context: RenderContext, repo: RepoState, issueNumber: number): string {
  return `${repoApiUrl(context.urls, repo.record)}/issues/${issueNumber}`;
}

/** The issue as lists show it; `detail` adds what only the single-issue GET carries. */
export function renderIssue(context: RenderContext, repo: RepoState, issue: IssueRecord, detail = false) {
  const { urls, users } = context;
  const url = issueApiUrl(context, repo, issue.number);
  const labels = issue.labels.flatMap((name) => {
    const label = repo.findLabel(name);
    return label ? [renderLabel(urls, repo.record, label)] : [];
  });
  return {
    url,
    repository_url: repoApiUrl(urls, repo.record),
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${repoWebUrl(urls, repo.record)}/issues/${issue.number}`,
    id: issue.id,
    node_id: nodeId("Issue", issue.id),
    number: issue.number,
    title: issue.title,
    user: renderLogin(urls, users, issue.author),
    labels,
    state: issue.state,
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: issue.comments,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: authorAssociation(users.byLogin(issue.author), repo.record),
    active_lock_reason: null,
    sub_issues_summary: { total: 0, completed: 0, percent_completed: 0 },
    body: issue.body,
    ...(detail ? { closed_by: issue.closedBy ? renderLogin(urls, users, issue.closedBy) : null } : {}),
    reactions: renderReactions(url),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: issue.stateReason,
  };
}
