import { LEASE_HOLDING_STATES } from "../../domain/worker.js";

/**
 * domain/lock.ts `isLockLive` (with domain/worker.ts `isLeaseLive` for the owner) in SQL, for
 * queries that join `locks` aliased `l` with its owner `workers` aliased `w` (JOIN or LEFT
 * JOIN): held, TTL not run out, and the owner's lease live (lease-holding state and a
 * heartbeat within leaseMs), all judged at the transition's instant.
 *
 * How to use: the caller picks the placeholder that carries `await tx.now()` in its values
 * (the text uses it twice, which Postgres allows):
 *
 *   const READ = `SELECT …, ${lockLiveFlagSql("$2")} AS live
 *     FROM locks l LEFT JOIN workers w ON w.id = l.owner_id WHERE l.task_id = $1`;
 *   const [row] = await tx.values(READ, [taskId, await tx.now()]); // live: row[k] === 1
 *
 * - `lockLiveSql(p)`: the bare condition, parenthesised. With a LEFT JOIN it can be NULL (an
 *   owner without a worker row), so use it as is in WHERE (NULL = not live), never negated.
 * - `lockLiveFlagSql(p)`: the drop-in for SQLite's LOCK_LIVE_FLAG_SQL, an integer 1/0 (NULL
 *   counts as 0), so `=== 1` and `… = 0` ("not live") read as they did there.
 */
export function lockLiveSql(nowParam: string): string {
  return (
    `(l.owner_id IS NOT NULL AND l.expires_at > ${nowParam} ` +
    `AND w.state IN (${LEASE_HOLDING_STATES.map((s) => `'${s}'`).join(", ")}) ` +
    `AND w.last_heartbeat_at + w.lease_ms > ${nowParam})`
  );
}

/** `lockLiveSql` as a 1/0 integer column (null owner joins give 0). */
export function lockLiveFlagSql(nowParam: string): string {
  return `CASE WHEN ${lockLiveSql(nowParam)} THEN 1 ELSE 0 END`;
}
