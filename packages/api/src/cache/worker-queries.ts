import {
  ACCEPTING_STATES,
  LEASE_HOLDING_STATES,
  WORKER_STATES,
  type WorkerRecord,
  type WorkerState,
} from "@sentinel/coordination";
import { and, asc, count, desc, eq, gte, inArray, lte, ne, type SQL, sql } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { heartbeats, workerEvents, workers } from "./schema.js";
import { parseWorkerRecord } from "./worker-rows.js";

export function listCachedWorkers(db: CacheDb): WorkerRecord[] {
  return db
    .select({ record: workers.record })
    .from(workers)
    .orderBy(asc(workers.id))
    .all()
    .map((r) => parseWorkerRecord(r.record));
}

export function getCachedWorker(db: CacheDb, workerId: string): WorkerRecord | null {
  const row = db.select({ record: workers.record }).from(workers).where(eq(workers.id, workerId)).get();
  return row ? parseWorkerRecord(row.record) : null;
}

export interface HeartbeatPoint {
  at: number;
  activeTasks: number;
  state: string;
  /** Until when it was known to be the newest beat (see the heartbeats table). */
  seenUntil: number | null;
}

/** Heartbeats in [from, to], oldest first; the newest `limit` when there are more. */
export function heartbeatsBetween(
  db: CacheDb,
  workerId: string,
  from: number,
  to: number,
  limit: number,
): HeartbeatPoint[] {
  return db
    .select({
      at: heartbeats.at,
      activeTasks: heartbeats.activeTasks,
      state: heartbeats.state,
      seenUntil: heartbeats.seenUntil,
    })
    .from(heartbeats)
    .where(and(eq(heartbeats.workerId, workerId), gte(heartbeats.at, from), lte(heartbeats.at, to)))
    .orderBy(desc(heartbeats.at))
    .limit(limit)
    .all()
    .reverse();
}

export interface WorkerEventPoint {
  at: number;
  kind: string;
  actor: string;
  data: Record<string, unknown>;
}

export function workerEventsBetween(
  db: CacheDb,
  workerId: string,
  from: number,
  to: number,
  limit: number,
): WorkerEventPoint[] {
  return db
    .select({ at: workerEvents.at, kind: workerEvents.kind, actor: workerEvents.actor, data: workerEvents.data })
    .from(workerEvents)
    .where(and(eq(workerEvents.workerId, workerId), gte(workerEvents.at, from), lte(workerEvents.at, to)))
    .orderBy(desc(workerEvents.at))
    .limit(limit)
    .all()
    .reverse()
    .map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
}

/** SQL twin of `isLeaseLive` (leaseMs lives in the record JSON). */
function leaseLiveSql(now: number): SQL {
  return sql`(${inArray(workers.state, [...LEASE_HOLDING_STATES])} AND ${now} < ${workers.lastHeartbeatAt} + json_extract(${workers.record}, '$.leaseMs'))`;
}

export interface WorkerPageOptions {
  now: number;
  /** Only these states; null: every state but REMOVED unless includeRemoved. */
  states: WorkerState[] | null;
  includeRemoved: boolean;
  /** Case-insensitive substring of the id or the hostname. */
  search: string | null;
  /** Only workers that list this task type. */
  supportsType: string | null;
  leaseLiveOnly: boolean;
  offset: number;
  limit: number;
}

export interface WorkerPage {
  items: WorkerRecord[];
  /** Workers matching the filter, over all pages. */
  total: number;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** One page of workers ordered by id, filtered in SQL so a thousand-worker registry is never parsed whole. */
export function pageCachedWorkers(db: CacheDb, options: WorkerPageOptions): WorkerPage {
  const conditions: SQL[] = [];
  if (options.states) conditions.push(inArray(workers.state, options.states));
  else if (!options.includeRemoved) conditions.push(ne(workers.state, "REMOVED"));
  if (options.search) {
    const pattern = `%${escapeLike(options.search.toLowerCase())}%`;
    conditions.push(
      sql`(lower(${workers.id}) LIKE ${pattern} ESCAPE '\\' OR lower(${workers.hostname}) LIKE ${pattern} ESCAPE '\\')`,
    );
  }
  if (options.supportsType)
    conditions.push(
      sql`EXISTS (SELECT 1 FROM json_each(${workers.record}, '$.supportedTaskTypes') WHERE value = ${options.supportsType})`,
    );
  if (options.leaseLiveOnly) conditions.push(leaseLiveSql(options.now));
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const total = db.select({ n: count() }).from(workers).where(where).get()?.n ?? 0;
  const items = db
    .select({ record: workers.record })
    .from(workers)
    .where(where)
    .orderBy(asc(workers.id))
    .limit(options.limit)
    .offset(options.offset)
    .all()
    .map((r) => parseWorkerRecord(r.record));
  return { items, total };
}

export interface WorkerSummary {
  total: number;
  leaseLive: number;
  byState: Record<WorkerState, number>;
  /** Slots in use / offered by workers holding a live lease. */
  capacity: { used: number; total: number };
}

/** Counts and capacity over the whole registry in two aggregate queries. */
export function summariseCachedWorkers(db: CacheDb, now: number): WorkerSummary {
  const byState = Object.fromEntries(WORKER_STATES.map((s) => [s, 0])) as Record<WorkerState, number>;
  for (const row of db.select({ state: workers.state, n: count() }).from(workers).groupBy(workers.state).all()) {
    if (row.state in byState) byState[row.state as WorkerState] = row.n;
  }
  const live = db
    .select({
      n: count(),
      used: sql<number>`coalesce(sum(${workers.activeTasks}), 0)`,
      slots: sql<number>`coalesce(sum(${workers.maxConcurrency}), 0)`,
    })
    .from(workers)
    .where(leaseLiveSql(now))
    .get();
  const total = Object.entries(byState).reduce((sum, [state, n]) => (state === "REMOVED" ? sum : sum + n), 0);
  return { total, leaseLive: live?.n ?? 0, byState, capacity: { used: live?.used ?? 0, total: live?.slots ?? 0 } };
}

/** Live workers, busiest first (by share of slots in use), for the overview's capacity panel. */
export function busiestLiveWorkers(db: CacheDb, now: number, limit: number): WorkerRecord[] {
  return db
    .select({ record: workers.record })
    .from(workers)
    .where(leaseLiveSql(now))
    .orderBy(
      desc(sql`cast(${workers.activeTasks} AS real) / max(${workers.maxConcurrency}, 1)`),
      desc(workers.activeTasks),
      asc(workers.id),
    )
    .limit(limit)
    .all()
    .map((r) => parseWorkerRecord(r.record));
}

/** Task types that some worker in an accepting state supports; with `leaseLiveAt`, only workers whose lease is live then. */
export function supportedTaskTypes(db: CacheDb, leaseLiveAt: number | null = null): string[] {
  const live = leaseLiveAt === null ? sql`1` : leaseLiveSql(leaseLiveAt);
  return db
    .all<{ type: string }>(
      sql`SELECT DISTINCT j.value AS type FROM ${workers}, json_each(${workers.record}, '$.supportedTaskTypes') AS j WHERE ${inArray(workers.state, [...ACCEPTING_STATES])} AND ${live} ORDER BY type`,
    )
    .map((r) => r.type);
}
