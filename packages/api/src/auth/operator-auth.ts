import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { CacheDb } from "../cache/open-cache.js";
import { type OperatorToken, parseOperatorTokens } from "./operator-tokens.js";
import { readCookie, SESSION_COOKIE, type Session } from "./session-cookie.js";
import { createSessionStore } from "./session-store.js";

export interface OperatorAuthOptions {
  /** Where sessions are kept (the control plane's cache DB). */
  db: CacheDb;
  /** SENTINEL_OPERATOR_TOKEN */
  operatorTokens?: string;
  /** SENTINEL_SESSION_SECRET: keys the stored session hashes; generated when unset (sessions then end with the process). */
  sessionSecret?: string;
  sessionTtlMs?: number;
  /** Add `Secure` to the cookie (serve over HTTPS). */
  secureCookie?: boolean;
  now?: () => number;
}

export type LoginResult = { ok: true; operator: string; setCookie: string; expiresAt: number } | { ok: false };

export interface OperatorAuth {
  /** The generated token when none was configured, for the launcher to print; otherwise null. */
  readonly generatedToken: string | null;
  login(token: string): LoginResult;
  /** Revokes the session the cookie names (server-side: a copy of the cookie stops working too). */
  logout(cookieHeader: string | null | undefined): { setCookie: string };
  sessionFromCookieHeader(header: string | null | undefined): Session | null;
  /** `Authorization: Bearer <operator token>`, for scripts; the same tokens as login. */
  operatorFromBearer(header: string | null | undefined): string | null;
}

const DAY_MS = 24 * 3600_000;

/** Compare digests so neither the length nor the content of a token leaks through timing. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function matchToken(tokens: OperatorToken[], presented: string): OperatorToken | null {
  const presentedDigest = digest(presented);
  let match: OperatorToken | null = null;
  for (const candidate of tokens) {
    if (timingSafeEqual(digest(candidate.token), presentedDigest) && match === null) match = candidate;
  }
  return match;
}

/**
 * Operator login with server-side sessions (the cache DB's operator_sessions): logout deletes
 * the session, and a session whose operator token is no longer configured (rotated) is void
 * — checked on every request and pruned at start.
 */
export function createOperatorAuth(options: OperatorAuthOptions): OperatorAuth {
  const { tokens, generated } = parseOperatorTokens(options.operatorTokens);
  const secret = options.sessionSecret ? Buffer.from(options.sessionSecret) : randomBytes(32);
  const ttlMs = options.sessionTtlMs ?? 7 * DAY_MS;
  const now = options.now ?? Date.now;
  const attributes = `HttpOnly; SameSite=Strict; Path=/${options.secureCookie ? "; Secure" : ""}`;
  const fingerprintOf = (token: string) => createHmac("sha256", secret).update(`token:${token}`).digest("base64url");
  const liveFingerprints = new Set(tokens.map((t) => fingerprintOf(t.token)));
  const sessions = createSessionStore(options.db, secret);
  sessions.prune(now(), [...liveFingerprints]);

  return {
    generatedToken: generated,
    login(token) {
      const match = matchToken(tokens, token);
      if (!match) return { ok: false };
      const expiresAt = now() + ttlMs;
      const id = sessions.create(
        { operator: match.operator, tokenFingerprint: fingerprintOf(match.token), expiresAt },
        now(),
      );
      const setCookie = `${SESSION_COOKIE}=${id}; ${attributes}; Max-Age=${Math.floor(ttlMs / 1000)}; Expires=${new Date(expiresAt).toUTCString()}`;
      return { ok: true, operator: match.operator, setCookie, expiresAt };
    },
    logout(cookieHeader) {
      const id = readCookie(cookieHeader, SESSION_COOKIE);
      if (id) sessions.revoke(id);
      return { setCookie: `${SESSION_COOKIE}=; ${attributes}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT` };
    },
    sessionFromCookieHeader(header) {
      const id = readCookie(header, SESSION_COOKIE);
      const session = id ? sessions.find(id, now()) : null;
      if (!session || !liveFingerprints.has(session.tokenFingerprint)) return null;
      return { operator: session.operator, expiresAt: session.expiresAt };
    },
    operatorFromBearer(header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
      return match?.[1] ? (matchToken(tokens, match[1])?.operator ?? null) : null;
    },
  };
}
