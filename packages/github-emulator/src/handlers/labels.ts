import { notFound, validationFailed } from "../http-error.js";
import { renderLabel } from "../render/label.js";
import type { Handler } from "./context.js";
import { requirePush, requireRepo } from "./guards.js";
import { pageOf } from "./page.js";
import { checkLabelNameLength, optionalString, requireObjectBody, requireString } from "./validation.js";

const RESOURCE = "Label";

export const listLabels: Handler = (context) => {
  const repo = requireRepo(context);
  const page = pageOf(context, repo, repo.labels());
  return {
    status: 200,
    body: page.items.map((label) => renderLabel(context.render.urls, repo.record, label)),
    link: page.link,
  };
};

export const getLabel: Handler = (context) => {
  const repo = requireRepo(context);
  const label = repo.findLabel(context.params.name ?? "");
  if (!label) throw notFound();
  return { status: 200, body: renderLabel(context.render.urls, repo.record, label) };
};

export const createLabel: Handler = (context) => {
  const repo = requireRepo(context);
  requirePush(context, repo);
  const body = requireObjectBody(context.body);
  const name = requireString(body, "name", RESOURCE);
  if (name.trim() === "") throw validationFailed([{ resource: RESOURCE, code: "missing_field", field: "name" }]);
  checkLabelNameLength(name);
  const color = optionalString(body, "color", RESOURCE) ?? undefined;
  if (color !== undefined && !/^#?[0-9a-fA-F]{6}$/.test(color))
    throw validationFailed([{ resource: RESOURCE, code: "invalid", field: "color" }]);
  const description = optionalString(body, "description", RESOURCE);
  if (description && description.length > 100)
    throw validationFailed([{ resource: RESOURCE, code: "invalid", field: "description" }]);
  if (repo.findLabel(name)) throw validationFailed([{ resource: RESOURCE, code: "already_exists", field: "name" }]);
  const label = repo.createLabel({ name, color, description });
  return { status: 201, body: renderLabel(context.render.urls, repo.record, label) };
};
