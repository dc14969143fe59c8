import { createHmac, timingSafeEqual } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";

/**
 * Where a record lives. Binding the signature to the issue number and the record kind
 * means a valid record copied to another issue (or relabelled as another kind) fails.
 * Task issue bodies are signed before GitHub assigns the number: their scope is "body",
 * and duplicates are resolved by the record's nonce (see task-index).
 */
export interface RecordScope {
  issue: number | "body";
  kind: string;
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
  return canonicalJson({ v: 1, issue: scope.issue, kind: scope.kind, payload });
}
