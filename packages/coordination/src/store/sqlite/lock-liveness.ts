import { and, gt, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import { LEASE_HOLDING_STATES } from "../../domain/worker.js";
import { locks, workers } from "./schema.js";

/**
 * domain/lock.ts `isLockLive` (with domain/worker.ts `isLeaseLive` for the owner) in SQL, for
 * queries that join `locks` with its owner in `workers`: held, TTL not run out, and the
 * owner's lease live (lease-holding state and a heartbeat within leaseMs), all judged at the
 * store-clock instant `now`.
 */
export function lockIsLive(now: number): SQL {
  return and(
    isNotNull(locks.ownerId),
    gt(locks.expiresAt, now),
    inArray(workers.state, [...LEASE_HOLDING_STATES]),
    gt(sql`${workers.lastHeartbeatAt} + ${workers.leaseMs}`, now),
  ) as SQL;
}

/** `lockIsLive` as a 0/1 column (null owner joins give 0). */
export function lockLiveFlag(now: number): SQL<number> {
  return sql<number>`CASE WHEN ${lockIsLive(now)} THEN 1 ELSE 0 END`;
}

/**
 * The same definition as plain SQL for the prepared hot-path statements: `locks` aliased `l`,
 * its owner `workers` aliased `w` (LEFT JOIN), the instant bound as `@now`.
 */
export const LOCK_LIVE_FLAG_SQL =
  `CASE WHEN l.owner_id IS NOT NULL AND l.expires_at > @now ` +
  `AND w.state IN (${LEASE_HOLDING_STATES.map((s) => `'${s}'`).join(", ")}) ` +
  `AND w.last_heartbeat_at + w.lease_ms > @now THEN 1 ELSE 0 END`;
