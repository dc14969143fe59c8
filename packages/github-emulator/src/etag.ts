import { createHash } from "node:crypto";

/**
 * Weak ETag over the body and the credential: GitHub's ETags are reported to change with
 * the Authorization header, so a client rotating tokens must not rely on old ETags.
 */
export function computeEtag(body: string, token: string): string {
  const hash = createHash("sha256").update(token).update("\n").update(body).digest("hex");
  return `W/"${hash}"`;
}

/** Weak comparison (RFC 9110 §8.8.3.2) against an If-None-Match list. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = stripWeak(etag);
  return header.split(",").some((candidate) => {
    const value = candidate.trim();
    return value === "*" || stripWeak(value) === opaque;
  });
}

export function isNotModifiedSince(header: string | undefined, lastModifiedMs: number | undefined): boolean {
  if (!header || lastModifiedMs === undefined) return false;
  const since = Date.parse(header);
  return Number.isFinite(since) && Math.floor(lastModifiedMs / 1000) * 1000 <= since;
}

function stripWeak(value: string): string {
  return value.startsWith("W/") ? value.slice(2) : value;
}
