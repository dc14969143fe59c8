import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { type AccessToken, hashAccessToken, type Role } from "@sentinel/coordination";
import type { CacheDb } from "../cache/open-cache.js";
import { parseOperatorTokens, type TokenIdentity } from "./operator-tokens.js";
import { readCookie, SESSION_COOKIE, type Session } from "./session-cookie.js";
import { createSessionStore } from "./session-store.js";

export interface OperatorAuthOptions {
  /** Where sessions are kept (the control plane's cache DB). */
  db: CacheDb;
  /** SENTINEL_OPERATOR_TOKEN: the bootstrap (admin) tokens. */
  operatorTokens?: string;
  /** SENTINEL_SESSION_SECRET: keys the stored session hashes; generated when unset (sessions then end with the process). */
  sessionSecret?: string;
  sessionTtlMs?: number;
  /** Add `Secure` to the cookie (serve over HTTPS). */
  secureCookie?: boolean;
  now?: () => number;
}

export type LoginResult =
  | { ok: true; operator: string; role: Role; setCookie: string; expiresAt: number }
  | { ok: false };

/** Who a request acts as: the token's name and role. */
export interface Caller {
  operator: string;
  role: Role;
}

export interface OperatorAuth {
  /** The generated token when none was configured, for the launcher to print; otherwise null. */
  readonly generatedToken: string | null;
  login(token: string): LoginResult;
  /** Revokes the session the cookie names (server-side: a copy of the cookie stops working too). */
  logout(cookieHeader: string | null | undefined): { setCookie: string };
  sessionFromCookieHeader(header: string | null | undefined): (Session & { role: Role }) | null;
  /** `Authorization: Bearer <token>`, for scripts; the same tokens as login. */
  operatorFromBearer(header: string | null | undefined): Caller | null;
  /**
   * The store's named tokens as last read (token-refresh.ts). Sessions of a token that is no
   * longer there, or whose secret changed (rotated), are deleted here and refused from now on.
   */
  setStoredTokens(tokens: readonly AccessToken[]): void;
  /** Every token accepted now (bootstrap and stored), without secrets. */
  listTokens(): TokenIdentity[];
}

const DAY_MS = 24 * 3600_000;
/** Expired sessions are refused on read; their rows go within this long even while no token changes. */
const EXPIRED_PRUNE_MS = 3600_000;

function matchToken(tokens: readonly TokenIdentity[], presented: string): TokenIdentity | null {
  // Compare digests in constant time, over every token, so neither which token nor its length leaks.
  const presentedHash = Buffer.from(hashAccessToken(presented), "hex");
  let match: TokenIdentity | null = null;
  for (const candidate of tokens) {
    if (timingSafeEqual(Buffer.from(candidate.hash, "hex"), presentedHash) && match === null) match = candidate;
  }
  return match;
}

/**
 * Login with server-side sessions (the cache DB's operator_sessions): logout deletes the
 * session, and a session whose token is no longer accepted (bootstrap token rotated, stored
 * token revoked or rotated) is void — checked on every request, pruned when the tokens change.
 * A session's role is its token's role now, not at login.
 */
export function createOperatorAuth(options: OperatorAuthOptions): OperatorAuth {
  const { tokens: bootstrap, generated } = parseOperatorTokens(options.operatorTokens);
  const secret = options.sessionSecret ? Buffer.from(options.sessionSecret) : randomBytes(32);
  const ttlMs = options.sessionTtlMs ?? 7 * DAY_MS;
  const now = options.now ?? Date.now;
  const attributes = `HttpOnly; SameSite=Strict; Path=/${options.secureCookie ? "; Secure" : ""}`;
  const fingerprintOf = (hash: string) => createHmac("sha256", secret).update(`token:${hash}`).digest("base64url");
  const sessions = createSessionStore(options.db, secret);
  let accepted: TokenIdentity[] = bootstrap;
  let byFingerprint = new Map(accepted.map((t) => [fingerprintOf(t.hash), t]));
  // The refresh hands over the tokens every second; the sessions table is pruned only when the
  // accepted set changed (a revoked or rotated token's sessions go at once), and at most
  // hourly otherwise, which is enough for expired rows (find() refuses them anyway).
  let prunedFor: string | null = null;
  let prunedAt = Number.NEGATIVE_INFINITY;

  return {
    generatedToken: generated,
    login(token) {
      const match = matchToken(accepted, token);
      if (!match) return { ok: false };
      const expiresAt = now() + ttlMs;
      const id = sessions.create(
        { operator: match.name, tokenFingerprint: fingerprintOf(match.hash), expiresAt },
        now(),
      );
      const setCookie = `${SESSION_COOKIE}=${id}; ${attributes}; Max-Age=${Math.floor(ttlMs / 1000)}; Expires=${new Date(expiresAt).toUTCString()}`;
      return { ok: true, operator: match.name, role: match.role, setCookie, expiresAt };
    },
    logout(cookieHeader) {
      const id = readCookie(cookieHeader, SESSION_COOKIE);
      if (id) sessions.revoke(id);
      return { setCookie: `${SESSION_COOKIE}=; ${attributes}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT` };
    },
    sessionFromCookieHeader(header) {
      const id = readCookie(header, SESSION_COOKIE);
      const session = id ? sessions.find(id, now()) : null;
      const token = session ? byFingerprint.get(session.tokenFingerprint) : undefined;
      if (!session || !token) return null;
      return { operator: token.name, role: token.role, expiresAt: session.expiresAt };
    },
    operatorFromBearer(header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
      const token = match?.[1] ? matchToken(accepted, match[1]) : null;
      return token ? { operator: token.name, role: token.role } : null;
    },
    setStoredTokens(stored) {
      const reserved = new Set(bootstrap.map((t) => t.name));
      accepted = [
        ...bootstrap,
        ...stored.filter((t) => !reserved.has(t.name)).map((t): TokenIdentity => ({ ...t, source: "store" })),
      ];
      byFingerprint = new Map(accepted.map((t) => [fingerprintOf(t.hash), t]));
      const live = [...byFingerprint.keys()].sort();
      const key = live.join(" ");
      if (key === prunedFor && now() - prunedAt < EXPIRED_PRUNE_MS) return;
      sessions.prune(now(), live);
      prunedFor = key;
      prunedAt = now();
    },
    listTokens() {
      return accepted.map((t) => ({ ...t }));
    },
  };
}
