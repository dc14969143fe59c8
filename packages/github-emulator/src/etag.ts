import { createHash } from "node:crypto";

/**
 * ETag over the body and the credential: GitHub's ETags are reported to change with the
 * Authorization header, so a client rotating tokens must not rely on old ETags. GitHub's
 * ETag is strong (`"<64 hex>"`, as recorded in @octokit/fixtures) and arrives weakened
 * (`W/"…"`) when the response is compressed, which is what fetch-based clients such as
 * Octokit ask for; the emulator does not compress but sends the form such a client sees.
 */
export function computeEtag(body: string, token: string, weak: boolean): string {
  const hash = createHash("sha256").update(token).update("\n").update(body).digest("hex");
  return weak ? `W/"${hash}"` : `"${hash}"`;
}

/** Whether the client accepts a compressed response (and so gets GitHub's weakened ETag). */
export function acceptsCompression(acceptEncoding: string | undefined): boolean {
  return /\b(gzip|br|deflate)\b/i.test(acceptEncoding ?? "");
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
