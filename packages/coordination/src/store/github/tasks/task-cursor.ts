import { ValidationError } from "../../../errors.js";

/** A listing cursor: the last issue number of the previous page, opaque to callers. */
export function encodeCursor(issueNumber: number): string {
  return Buffer.from(JSON.stringify({ n: issueNumber }), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { n?: unknown };
    if (typeof parsed.n === "number" && Number.isInteger(parsed.n)) return parsed.n;
  } catch {
    // reported as the validation error below
  }
  throw new ValidationError("cursor", "a nextCursor value returned by listTasks", cursor);
}
