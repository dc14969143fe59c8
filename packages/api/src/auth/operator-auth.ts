import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { type OperatorToken, parseOperatorTokens } from "./operator-tokens.js";
import { readCookie, SESSION_COOKIE, type Session, signSession, verifySession } from "./session-cookie.js";

export interface OperatorAuthOptions {
  /** SENTINEL_OPERATOR_TOKEN */
  operatorTokens?: string;
  /** SENTINEL_SESSION_SECRET; generated when unset (sessions then end with the process). */
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
  logout(): { setCookie: string };
  sessionFromCookieHeader(header: string | null | undefined): Session | null;
  /** `Authorization: Bearer <operator token>`, for scripts; the same tokens as login. */
  operatorFromBearer(header: string | null | undefined): string | null;
}

const DAY_MS = 24 * 3600_000;

/** Compare digests so neither the length nor the content of a token leaks through timing. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function matchToken(tokens: OperatorToken[], presented: string): string | null {
  const presentedDigest = digest(presented);
  let match: string | null = null;
  for (const candidate of tokens) {
    if (timingSafeEqual(digest(candidate.token), presentedDigest) && match === null) match = candidate.operator;
  }
  return match;
}

export function createOperatorAuth(options: OperatorAuthOptions = {}): OperatorAuth {
  const { tokens, generated } = parseOperatorTokens(options.operatorTokens);
  const secret = options.sessionSecret ? Buffer.from(options.sessionSecret) : randomBytes(32);
  const ttlMs = options.sessionTtlMs ?? 7 * DAY_MS;
  const now = options.now ?? Date.now;
  const attributes = `HttpOnly; SameSite=Strict; Path=/${options.secureCookie ? "; Secure" : ""}`;

  return {
    generatedToken: generated,
    login(token) {
      const operator = matchToken(tokens, token);
      if (!operator) return { ok: false };
      const expiresAt = now() + ttlMs;
      const value = signSession(secret, { operator, expiresAt });
      const setCookie = `${SESSION_COOKIE}=${value}; ${attributes}; Max-Age=${Math.floor(ttlMs / 1000)}; Expires=${new Date(expiresAt).toUTCString()}`;
      return { ok: true, operator, setCookie, expiresAt };
    },
    logout: () => ({
      setCookie: `${SESSION_COOKIE}=; ${attributes}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`,
    }),
    sessionFromCookieHeader(header) {
      const value = readCookie(header, SESSION_COOKIE);
      return value ? verifySession(secret, value, now()) : null;
    },
    operatorFromBearer(header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
      return match?.[1] ? matchToken(tokens, match[1]) : null;
    },
  };
}
