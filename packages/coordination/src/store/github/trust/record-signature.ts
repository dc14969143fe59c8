import { createHmac, timingSafeEqual } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";

/**
 * Where and when a record was written. Binding the issue number and the record kind means a
 * valid record copied to another issue (or relabelled as another kind) fails. Binding the
 * comment id (for rewrites of an existing comment) means a body cannot be moved to another
 * comment; binding the signing time (the writer's store clock) lets a reader refuse a body
 * put back long after it was written (see trust-filter.ts). Task issue bodies are signed
 * before GitHub assigns the number: their scope is "body", and duplicates are resolved by the
 * record's nonce (see task-reader).
 */
export interface RecordScope {
  issue: number | "body";
  kind: string;
  /** The comment a rewrite (PATCH) is for; null for a new comment or an issue body. */
  comment: number | null;
  /** Store-clock milliseconds at which the body was signed. */
  signedAt: number;
}

export function signRecord(secret: string, scope: RecordScope, payload: unknown): string {
  return createHmac("sha256", secret).update(signedText(scope, payload)).digest("hex");
}

/** Constant-time comparison of the presented signature with the expected one. */
export function verifyRecord(secret: string, scope: RecordScope, payload: unknown, signature: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  const expected = Buffer.from(signRecord(secret, scope, payload), "hex");
  return timingSafeEqual(expected, Buffer.from(signature, "hex"));
}

function signedText(scope: RecordScope, payload: unknown): string {
  return canonicalJson({
    v: 2,
    issue: scope.issue,
    kind: scope.kind,
    comment: scope.comment,
    t: scope.signedAt,
    payload,
  });
}
