import { createHmac, randomBytes } from "node:crypto";
import { and, eq, gt, lte, notInArray, or } from "drizzle-orm";
import type { CacheDb } from "../cache/open-cache.js";
import { operatorSessions } from "../cache/schema.js";

export interface StoredSession {
  operator: string;
  tokenFingerprint: string;
  expiresAt: number;
}

export interface SessionStore {
  /** A new session; returns the random id that goes in the cookie. */
  create(session: StoredSession, now: number): string;
  /** The live session a cookie value names, or null (unknown, revoked or expired). */
  find(id: string, now: number): StoredSession | null;
  revoke(id: string): void;
  /** Drop expired sessions and those whose operator token is no longer configured; returns how many. */
  prune(now: number, liveFingerprints: readonly string[]): number;
}

/** Sessions in the cache DB, keyed by an HMAC of their id (the id itself is only in the cookie). */
export function createSessionStore(db: CacheDb, secret: Buffer): SessionStore {
  const hashOf = (id: string) => createHmac("sha256", secret).update(`session:${id}`).digest("base64url");
  return {
    create(session, now) {
      const id = randomBytes(32).toString("base64url");
      db.insert(operatorSessions)
        .values({ idHash: hashOf(id), createdAt: now, ...session })
        .run();
      return id;
    },
    find(id, now) {
      const row = db
        .select()
        .from(operatorSessions)
        .where(and(eq(operatorSessions.idHash, hashOf(id)), gt(operatorSessions.expiresAt, now)))
        .get();
      return row ? { operator: row.operator, tokenFingerprint: row.tokenFingerprint, expiresAt: row.expiresAt } : null;
    },
    revoke(id) {
      db.delete(operatorSessions)
        .where(eq(operatorSessions.idHash, hashOf(id)))
        .run();
    },
    prune(now, liveFingerprints) {
      return db
        .delete(operatorSessions)
        .where(
          or(
            lte(operatorSessions.expiresAt, now),
            notInArray(operatorSessions.tokenFingerprint, [...liveFingerprints]),
          ),
        )
        .run().changes;
    },
  };
}
