import {
  createComment,
  deleteComment,
  getComment,
  listIssueComments,
  listRepoComments,
  updateComment,
} from "./handlers/comments.js";
import {
  addIssueLabels,
  listIssueLabels,
  removeAllIssueLabels,
  removeIssueLabel,
  setIssueLabels,
} from "./handlers/issue-labels.js";
import { createIssue, getIssue, listIssues, updateIssue } from "./handlers/issues.js";
import { createLabel, getLabel, listLabels } from "./handlers/labels.js";
import { getRepository } from "./handlers/repos.js";
import { getAuthenticatedUser, getRateLimit } from "./handlers/users.js";
import type { RouteDefinition } from "./router.js";

const REPO = "/repos/{owner}/{repo}";
const ISSUE = `${REPO}/issues/{issue_number}`;

export const RATE_LIMIT_PATTERN = "/rate_limit";

export const API_ROUTES: RouteDefinition[] = [
  { method: "GET", pattern: "/user", handler: getAuthenticatedUser },
  { method: "GET", pattern: RATE_LIMIT_PATTERN, handler: getRateLimit },
  { method: "GET", pattern: REPO, handler: getRepository },
  { method: "GET", pattern: `${REPO}/issues`, handler: listIssues },
  { method: "POST", pattern: `${REPO}/issues`, handler: createIssue },
  { method: "GET", pattern: ISSUE, handler: getIssue },
  { method: "PATCH", pattern: ISSUE, handler: updateIssue },
  { method: "GET", pattern: `${ISSUE}/labels`, handler: listIssueLabels },
  { method: "POST", pattern: `${ISSUE}/labels`, handler: addIssueLabels },
  { method: "PUT", pattern: `${ISSUE}/labels`, handler: setIssueLabels },
  { method: "DELETE", pattern: `${ISSUE}/labels`, handler: removeAllIssueLabels },
  { method: "DELETE", pattern: `${ISSUE}/labels/{name}`, handler: removeIssueLabel },
  { method: "GET", pattern: `${REPO}/labels`, handler: listLabels },
  { method: "POST", pattern: `${REPO}/labels`, handler: createLabel },
  { method: "GET", pattern: `${REPO}/labels/{name}`, handler: getLabel },
  { method: "GET", pattern: `${ISSUE}/comments`, handler: listIssueComments },
  { method: "POST", pattern: `${ISSUE}/comments`, handler: createComment },
  { method: "GET", pattern: `${REPO}/issues/comments`, handler: listRepoComments },
  { method: "GET", pattern: `${REPO}/issues/comments/{comment_id}`, handler: getComment },
  { method: "PATCH", pattern: `${REPO}/issues/comments/{comment_id}`, handler: updateComment },
  { method: "DELETE", pattern: `${REPO}/issues/comments/{comment_id}`, handler: deleteComment },
];
