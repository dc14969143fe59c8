import { toGitHubTimestamp } from "../clock.js";
import { problemsParsingJson, validationFailed } from "../http-error.js";
import { BODY_MAX_LENGTH, LABEL_NAME_MAX_LENGTH, TITLE_MAX_LENGTH } from "../options.js";

export type JsonObject = Record<string, unknown>;

export function requireObjectBody(body: unknown): JsonObject {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw problemsParsingJson();
  return body as JsonObject;
}

/** A required string; GitHub also takes numbers for titles. */
export function requireString(body: JsonObject, field: string, resource: string): string {
  const value = body[field];
  if (value === undefined || value === null) throw validationFailed([{ resource, code: "missing_field", field }]);
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") throw validationFailed([{ resource, code: "invalid", field }]);
  return value;
}

export function optionalString(body: JsonObject, field: string, resource: string): string | null | undefined {
  const value = body[field];
  if (value === undefined || value === null) return value;
  if (typeof value !== "string") throw validationFailed([{ resource, code: "invalid", field }]);
  return value;
}

export function optionalEnum<T extends string>(
  body: JsonObject,
  field: string,
  resource: string,
  allowed: readonly T[],
): T | null | undefined {
  const value = body[field];
  if (value === undefined || value === null) return value;
  if (typeof value !== "string" || !allowed.includes(value as T))
    throw validationFailed([{ resource, code: "invalid", field }]);
  return value as T;
}

export function checkBodyLength(text: string | null | undefined, resource: string): void {
  if (typeof text === "string" && text.length > BODY_MAX_LENGTH) {
    throw validationFailed([
      {
        resource,
        code: "custom",
        field: "body",
        message: `body is too long (maximum is ${BODY_MAX_LENGTH} characters)`,
      },
    ]);
  }
}

/** GitHub's model validation: `title is too long (maximum is 256 characters)`. */
export function checkTitleLength(title: string, resource: string): void {
  if (title.length > TITLE_MAX_LENGTH) {
    throw validationFailed([
      {
        resource,
        code: "custom",
        field: "title",
        message: `title is too long (maximum is ${TITLE_MAX_LENGTH} characters)`,
      },
    ]);
  }
}

/** Creating a label by name: GitHub answers its model validation message. */
export function checkLabelNameLength(name: string): void {
  if (name.length > LABEL_NAME_MAX_LENGTH) {
    throw validationFailed([
      {
        resource: "Label",
        code: "custom",
        field: "name",
        message: `name is too long (maximum is ${LABEL_NAME_MAX_LENGTH} characters)`,
      },
    ]);
  }
}

/** Label lists come as names or label objects, bare or wrapped in {labels: [...]}. */
export function readLabelNames(value: unknown, resource: string): string[] {
  const list =
    typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject).labels : value;
  if (typeof list === "string") return [list];
  if (!Array.isArray(list)) throw validationFailed([{ resource, code: "invalid", field: "labels" }]);
  const names = list.map((item) => {
    if (typeof item === "string" && item.length > 0) return item;
    if (typeof item === "object" && item !== null && typeof (item as JsonObject).name === "string")
      return (item as JsonObject).name as string;
    throw validationFailed([{ resource, code: "invalid", field: "labels" }]);
  });
  // Labelling an issue creates missing labels; a name GitHub cannot create is refused by value.
  const tooLong = names.find((name) => name.length > LABEL_NAME_MAX_LENGTH);
  if (tooLong !== undefined)
    throw validationFailed([{ value: tooLong, resource: "Label", field: "name", code: "invalid" }]);
  return names;
}

export function readSince(query: URLSearchParams, resource: string): string | undefined {
  const since = query.get("since");
  if (since === null) return undefined;
  const ms = Date.parse(since);
  if (!Number.isFinite(ms)) throw validationFailed([{ resource, code: "invalid", field: "since" }]);
  return toGitHubTimestamp(ms);
}

export function readQueryEnum<T extends string>(
  query: URLSearchParams,
  field: string,
  resource: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = query.get(field);
  if (value === null) return fallback;
  if (!allowed.includes(value as T)) throw validationFailed([{ resource, code: "invalid", field }]);
  return value as T;
}
