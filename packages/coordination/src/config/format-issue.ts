import type { z } from "zod";

/** A zod issue as "what would have been accepted", for ConfigError's `expected`. */
export function describeExpected(issue: z.core.$ZodIssue, received: unknown): string {
  const got = received === undefined ? "" : ` (got ${JSON.stringify(received)})`;
  switch (issue.code) {
    case "invalid_type":
      return `${issue.expected}${got}`;
    case "too_small":
      return `${issue.origin === "array" ? "an array with at least" : issue.origin === "string" ? "a string of at least" : "a value ≥"} ${String(issue.minimum)}${issue.origin === "array" ? " items" : issue.origin === "string" ? " chars" : ""}${got}`;
    case "too_big":
      return `${issue.origin === "array" ? "an array with at most" : issue.origin === "string" ? "a string of at most" : "a value ≤"} ${String(issue.maximum)}${issue.origin === "array" ? " items" : issue.origin === "string" ? " chars" : ""}${got}`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${got}`;
    case "invalid_format":
      return `${issue.message}${got}`;
    case "invalid_key": {
      const inner = issue.issues[0];
      return `a key that is ${inner ? inner.message : "valid"}${got}`;
    }
    case "invalid_union":
      return `a built-in handler {"builtin": "noop"|"echo"|"sleep"|"fail"} or a command handler {"command": ["/path/to/bin", "arg", …], "timeoutMs"?, "env"?, "cwd"?}${got}`;
    default:
      return `${issue.message}${got}`;
  }
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
