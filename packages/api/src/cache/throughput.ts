import { asc, gte, sql } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { throughputMinute } from "./schema.js";

export const MINUTE_MS = 60_000;

export function countFinishedAttempt(db: CacheDb, at: number, outcome: "succeeded" | "failed"): void {
  const minute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
  const column = outcome === "succeeded" ? throughputMinute.succeeded : throughputMinute.failed;
  db.insert(throughputMinute)
    .values({ minute, succeeded: outcome === "succeeded" ? 1 : 0, failed: outcome === "failed" ? 1 : 0 })
    .onConflictDoUpdate({ target: throughputMinute.minute, set: { [outcome]: sql`${column} + 1` } })
    .run();
}

export interface ThroughputPoint {
  minute: number;
  succeeded: number;
  failed: number;
}

/** One point per minute for the `minutes` minutes ending at `now`, zero-filled. */
export function throughputSeries(db: CacheDb, now: number, minutes: number): ThroughputPoint[] {
  const last = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const first = last - (minutes - 1) * MINUTE_MS;
  const rows = db
    .select()
    .from(throughputMinute)
    .where(gte(throughputMinute.minute, first))
    .orderBy(asc(throughputMinute.minute))
    .all();
  const byMinute = new Map(rows.map((r) => [r.minute, r]));
  const series: ThroughputPoint[] = [];
  for (let minute = first; minute <= last; minute += MINUTE_MS) {
    const row = byMinute.get(minute);
    series.push({ minute, succeeded: row?.succeeded ?? 0, failed: row?.failed ?? 0 });
  }
  return series;
}
