import { HttpError } from "../http-error.js";
import { renderLabel } from "../render/label.js";
import type { IssueRecord } from "../state/records.js";
import type { RepoState } from "../state/repo-state.js";
import type { Handler, HandlerContext, HandlerResult } from "./context.js";
import { requireLatestIssue, requirePush, requireRepo, requireVisibleIssue } from "./guards.js";
import { pageOf } from "./page.js";
import { readLabelNames } from "./validation.js";

const RESOURCE = "Label";

export const listIssueLabels: Handler = (context) => {
  const repo = requireRepo(context);
  const issue = requireVisibleIssue(context, repo);
  const page = pageOf(context, repo, issue.labels);
  return { status: 200, body: renderNames(context, repo, page.items), link: page.link };
};

export const addIssueLabels: Handler = (context) =>
  changeLabels(context, (issue, names) => [...issue.labels, ...names.filter((name) => !hasLabel(issue.labels, name))]);

export const setIssueLabels: Handler = (context) => changeLabels(context, (_issue, names) => names);

export const removeAllIssueLabels: Handler = (context) => {
  const repo = requireRepo(context);
  const issue = requireLatestIssue(context, repo);
  requirePush(context, repo);
  repo.updateIssue(issue.number, { labels: [] }, context.user.login);
  return { status: 204 };
};

export const removeIssueLabel: Handler = (context) => {
  const repo = requireRepo(context);
  const issue = requireLatestIssue(context, repo);
  requirePush(context, repo);
  const name = context.params.name ?? "";
  if (!hasLabel(issue.labels, name)) throw new HttpError(404, "Label does not exist");
  const updated = repo.updateIssue(
    issue.number,
    { labels: issue.labels.filter((label) => label.toLowerCase() !== name.toLowerCase()) },
    context.user.login,
  );
  return { status: 200, body: renderNames(context, repo, updated.labels) };
};

function changeLabels(
  context: HandlerContext,
  compute: (issue: IssueRecord, names: string[]) => string[],
): HandlerResult {
  const repo = requireRepo(context);
  const issue = requireLatestIssue(context, repo);
  requirePush(context, repo);
  const names = readLabelNames(context.body, RESOURCE);
  const updated = repo.updateIssue(issue.number, { labels: compute(issue, names) }, context.user.login);
  return { status: 200, body: renderNames(context, repo, updated.labels) };
}

function hasLabel(labels: string[], name: string): boolean {
  return labels.some((label) => label.toLowerCase() === name.toLowerCase());
}

function renderNames(context: HandlerContext, repo: RepoState, names: string[]) {
  return names.flatMap((name) => {
    const label = repo.findLabel(name);
    return label ? [renderLabel(context.render.urls, repo.record, label)] : [];
  });
}
