import type { z } from "zod";
import { ValidationError } from "./errors.js";

/**
 * Parse with a zod schema and turn the first failure into a ValidationError that names the
 * exact field path (e.g. `timeoutMs`, `params.items.0`) and the form that would be accepted.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, root: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue) throw new ValidationError(root, "a valid value", input);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "?";
    throw new ValidationError(joinPath(root, [...issue.path, key]), "no such field (check the spelling)");
  }
  const received = valueAt(input, issue.path);
  throw new ValidationError(
    joinPath(root, issue.path),
    describeExpected(issue),
    received === undefined ? undefined : received,
  );
}

function joinPath(root: string, path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? root : path.map(String).join(".");
}

function describeExpected(issue: z.core.$ZodIssue): string {
  // zod's default messages read "Invalid input: expected number, received string"; keep the useful half.
  const message = issue.message.replace(/^Invalid input: /, "");
  return message.replace(/^Too (small|big): /, "");
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}
