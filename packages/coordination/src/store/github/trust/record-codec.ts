import { jsonTextDepth } from "../../../domain/limits.js";
import { BODY_LIMIT, RECORD_DEPTH_LIMIT } from "../records/limits.js";
import { type RecordScope, signRecord } from "./record-signature.js";

const MARKER = "<!-- sentinel:v1 ";
const BLOCK_RE = /<!-- sentinel:v1 (\{[\s\S]*?\}) -->/g;

export interface RawEnvelope {
  p: unknown;
  sig: unknown;
  /** Signing time (store-clock ms). */
  t: unknown;
  /** The comment id a rewrite was signed for; absent on new comments and issue bodies. */
  c: unknown;
}

export type DecodeOutcome =
  | { ok: true; envelope: RawEnvelope }
  | { ok: false; reason: "none" | "malformed" | "oversized" | "ambiguous" | "tooDeep" };

/**
 * A record as a comment: a short line people can read, then the machine payload in a
 * hidden HTML comment. `<` and `>` inside the JSON are escaped so no value can close
 * the HTML comment early.
 */
export function encodeRecord(
  secret: string,
  scope: RecordScope,
  humanLine: string,
  payload: Record<string, unknown>,
  extra = "",
): string {
  const sig = signRecord(secret, scope, payload);
  const envelope = { p: payload, sig, t: scope.signedAt, ...(scope.comment === null ? {} : { c: scope.comment }) };
  const json = JSON.stringify(envelope).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
  const body = `${humanLine.replace(/<!--|-->/g, "")}${extra ? `\n\n${extra}` : ""}\n\n${MARKER}${json} -->`;
  return body;
}

export function hasRecordMarker(body: string): boolean {
  return body.includes(MARKER);
}

export function decodeRecord(body: string): DecodeOutcome {
  if (!hasRecordMarker(body)) return { ok: false, reason: "none" };
  if (body.length > BODY_LIMIT) return { ok: false, reason: "oversized" };
  const blocks = [...body.matchAll(BLOCK_RE)];
  // Two payloads in one comment means someone appended one: trust neither.
  if (blocks.length > 1) return { ok: false, reason: "ambiguous" };
  const json = blocks[0]?.[1];
  if (!json) return { ok: false, reason: "malformed" };
  // Checked before parsing: everything after (canonical JSON, the schema) recurses per level.
  if (jsonTextDepth(json, RECORD_DEPTH_LIMIT) > RECORD_DEPTH_LIMIT) return { ok: false, reason: "tooDeep" };
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      return { ok: false, reason: "malformed" };
    const { p, sig, t, c } = parsed as Record<string, unknown>;
    return { ok: true, envelope: { p, sig, t, c } };
  } catch {
    return { ok: false, reason: "malformed" };
  }
}
