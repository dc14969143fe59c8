import { createHash } from "node:crypto";
import { ValidationError } from "../../../errors.js";
import { BODY_LIMIT, LABEL_LIMIT, TITLE_LIMIT } from "./limits.js";

/** Length of the hash that keeps two long values that share a prefix on different labels. */
const LABEL_HASH_CHARS = 8;

/**
 * `prefix + value` as a label GitHub accepts: unchanged when it fits in 50 characters,
 * otherwise the value's head, `~` and a short hash of the whole value — still readable, and
 * distinct for distinct values. Labels are only for people browsing; nothing reads them back.
 */
export function boundedLabel(prefix: string, value: string): string {
  const full = `${prefix}${value}`;
  if (full.length <= LABEL_LIMIT) return full;
  const hash = createHash("sha256").update(value).digest("hex").slice(0, LABEL_HASH_CHARS);
  const head = value.slice(0, LABEL_LIMIT - prefix.length - LABEL_HASH_CHARS - 1);
  return `${prefix}${head}~${hash}`;
}

/**
 * GitHub's limits on what the store sends, checked before sending: a request GitHub would
 * refuse with 422 costs budget and says less about what was wrong than this error does.
 */
export function checkIssueFields(fields: { title?: string; body?: string; labels?: string[] }): void {
  if (fields.title !== undefined && fields.title.length > TITLE_LIMIT)
    throw new ValidationError(
      "title",
      `at most ${TITLE_LIMIT} characters (GitHub's limit)`,
      `${fields.title.length} characters`,
    );
  if (fields.body !== undefined) checkBody(fields.body);
  for (const label of fields.labels ?? []) {
    if (label.length > LABEL_LIMIT)
      throw new ValidationError("labels", `names of at most ${LABEL_LIMIT} characters (GitHub's limit)`, label);
  }
}

export function checkBody(body: string): void {
  if (body.length > BODY_LIMIT)
    throw new ValidationError("body", `at most ${BODY_LIMIT} characters (GitHub's limit)`, `${body.length} characters`);
}
