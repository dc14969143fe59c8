import { forbidden, validationFailed } from "../http-error.js";
import { canPush } from "../permissions.js";
import { renderIssue } from "../render/issue.js";
import type { IssueRecord, IssueStateReason } from "../state/records.js";
import type { IssuePatch } from "../state/repo-state.js";
import type { Handler } from "./context.js";
import { requireLatestIssue, requireRepo, requireVisibleIssue } from "./guards.js";
import { pageOf } from "./page.js";
import {
  checkBodyLength,
  checkTitleLength,
  type JsonObject,
  optionalEnum,
  optionalString,
  readLabelNames,
  readQueryEnum,
  readSince,
  requireObjectBody,
  requireString,
} from "./validation.js";

const RESOURCE = "Issue";
const STATE_REASONS: readonly IssueStateReason[] = ["completed", "not_planned", "duplicate", "reopened"];

export const listIssues: Handler = (context) => {
  const repo = requireRepo(context);
  const { query } = context;
  const state = readQueryEnum(query, "state", RESOURCE, ["open", "closed", "all"], "open");
  const sort = readQueryEnum(query, "sort", RESOURCE, ["created", "updated", "comments"], "created");
  const direction = readQueryEnum(query, "direction", RESOURCE, ["asc", "desc"], "desc");
  const since = readSince(query, RESOURCE);
  const wanted = (query.get("labels") ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const creator = query.get("creator")?.toLowerCase();

  const issues = repo
    .visibleIssues()
    .filter((issue) => state === "all" || issue.state === state)
    .filter((issue) => !since || issue.updatedAt >= since)
    .filter((issue) => !creator || issue.author.toLowerCase() === creator)
    .filter((issue) => wanted.every((name) => issue.labels.some((label) => label.toLowerCase() === name)))
    .sort(compareIssues(sort, direction));
  const page = pageOf(context, repo, issues);
  return {
    status: 200,
    body: page.items.map((issue) => renderIssue(context.render, repo, issue)),
    link: page.link,
  };
};

export const createIssue: Handler = (context) => {
  const repo = requireRepo(context);
  const body = requireObjectBody(context.body);
  const title = requireString(body, "title", RESOURCE);
  if (title.trim() === "") throw missingTitle();
  checkTitleLength(title, RESOURCE);
  const text = optionalString(body, "body", RESOURCE) ?? null;
  checkBodyLength(text, RESOURCE);
  const labels = body.labels === undefined || body.labels === null ? [] : readLabelNames(body.labels, RESOURCE);
  // GitHub silently drops labels set by users without push access.
  const allowedLabels = canPush(context.user, repo.record) ? labels : [];
  const issue = repo.createIssue({ title, body: text, labels: allowedLabels, author: context.user.login });
  return { status: 201, body: renderIssue(context.render, repo, issue, true) };
};

export const getIssue: Handler = (context) => {
  const repo = requireRepo(context);
  const issue = requireVisibleIssue(context, repo);
  return { status: 200, body: renderIssue(context.render, repo, issue, true), lastModified: issue.updatedAt };
};

export const updateIssue: Handler = (context) => {
  const repo = requireRepo(context);
  const issue = requireLatestIssue(context, repo);
  const pusher = canPush(context.user, repo.record);
  const isAuthor = issue.author.toLowerCase() === context.user.login.toLowerCase();
  if (!pusher && !isAuthor) throw forbidden("Must have push access to repository");
  const patch = readIssuePatch(requireObjectBody(context.body));
  if (!pusher) delete patch.labels;
  const updated = repo.updateIssue(issue.number, patch, context.user.login);
  return { status: 200, body: renderIssue(context.render, repo, updated, true) };
};

function readIssuePatch(body: JsonObject): IssuePatch {
  const patch: IssuePatch = {};
  if (body.title !== undefined) {
    const title = requireString(body, "title", RESOURCE);
    if (title.trim() === "") throw missingTitle();
    checkTitleLength(title, RESOURCE);
    patch.title = title;
  }
  if (body.body !== undefined) {
    patch.body = optionalString(body, "body", RESOURCE) ?? null;
    checkBodyLength(patch.body, RESOURCE);
  }
  const state = optionalEnum(body, "state", RESOURCE, ["open", "closed"] as const);
  if (state) patch.state = state;
  const stateReason = optionalEnum(body, "state_reason", RESOURCE, STATE_REASONS);
  if (stateReason !== undefined) patch.stateReason = stateReason;
  if (body.labels !== undefined && body.labels !== null) patch.labels = readLabelNames(body.labels, RESOURCE);
  return patch;
}

function missingTitle() {
  return validationFailed([{ resource: RESOURCE, code: "missing_field", field: "title" }]);
}

function compareIssues(sort: "created" | "updated" | "comments", direction: "asc" | "desc") {
  const sign = direction === "asc" ? 1 : -1;
  const key = (issue: IssueRecord): string | number =>
    sort === "updated" ? issue.updatedAt : sort === "comments" ? issue.comments : issue.createdAt;
  return (a: IssueRecord, b: IssueRecord): number => {
    const [left, right] = [key(a), key(b)];
    const order = left < right ? -1 : left > right ? 1 : a.number - b.number;
    return sign * order;
  };
}
