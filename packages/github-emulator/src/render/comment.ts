import { authorAssociation } from "../permissions.js";
import type { CommentRecord } from "../state/records.js";
import type { RepoState } from "../state/repo-state.js";
import { nodeId, type RenderContext, repoApiUrl, repoWebUrl } from "./context.js";
import { renderReactions } from "./reactions.js";
import { renderLogin } from "./user.js";

export function renderComment(context: RenderContext, repo: RepoState, comment: CommentRecord) {
  const { urls, users } = context;
  const url = `${repoApiUrl(urls, repo.record)}/issues/comments/${comment.id}`;
  return {
    url,
    html_url: `${repoWebUrl(urls, repo.record)}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${repoApiUrl(urls, repo.record)}/issues/${comment.issueNumber}`,
    id: comment.id,
    node_id: nodeId("IssueComment", comment.id),
    user: renderLogin(urls, users, comment.author),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: authorAssociation(users.byLogin(comment.author), repo.record),
    body: comment.body,
    reactions: renderReactions(url),
    performed_via_github_app: null,
    // Comments are never pinned or minimized here; GitHub sends both keys, null when unset.
    pin: null,
    minimized: null,
  };
}
