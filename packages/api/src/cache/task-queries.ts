import type { Page, Task, TaskState } from "@sentinel/coordination";
import { and, count, desc, eq, gte, inArray, type SQL, sql } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { taskCounts, tasks } from "./schema.js";
import { parseTaskRecord } from "./task-rows.js";

export interface CachedTaskFilter {
  states?: TaskState[];
  types?: string[];
  workerId?: string;
  search?: string;
  /** Only tasks whose runAt is after this store-clock time (delayed ones, for a bulk promote). */
  runsAfter?: number;
}

/** The trigram index needs three characters; shorter searches fall back to a scan. */
const MIN_INDEXED_SEARCH = 3;

function filterConditions(filter: CachedTaskFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.states?.length) conditions.push(inArray(tasks.state, filter.states));
  if (filter.types?.length) conditions.push(inArray(tasks.type, filter.types));
  if (filter.workerId) conditions.push(eq(tasks.workerId, filter.workerId));
  // Not indexed: a bulk promote's count and selection only, after the state index narrowed it to queued tasks.
  if (filter.runsAfter !== undefined)
    conditions.push(sql`json_extract(${tasks.record}, '$.runAt') > ${filter.runsAfter}`);
  const search = filter.search?.trim().toLowerCase();
  if (search) {
    if (search.length >= MIN_INDEXED_SEARCH) {
      const phrase = `"${search.replaceAll('"', '""')}"`;
      conditions.push(sql`${tasks}.rowid IN (SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH ${phrase})`);
    } else {
      const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conditions.push(sql`${tasks.searchText} LIKE ${pattern} ESCAPE '\\'`);
    }
  }
  return conditions;
}

interface Cursor {
  createdAt: number;
  id: string;
}

function encodeCursor(task: Pick<Task, "createdAt" | "id">): string {
  return Buffer.from(JSON.stringify([task.createdAt, task.id])).toString("base64url");
}

/** Returns null for a cursor this server did not issue (treated as invalid input by the router). */
export function decodeCursor(cursor: string): Cursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "string")
      return { createdAt: value[0], id: value[1] };
  } catch {
    return null;
  }
  return null;
}

/** Newest first, keyset-paginated on (created_at, id). Exposed so tests can EXPLAIN it. */
export function taskPageQuery(db: CacheDb, filter: CachedTaskFilter, opts: { limit: number; cursor?: Cursor | null }) {
  const conditions = filterConditions(filter);
  if (opts.cursor)
    conditions.push(sql`(${tasks.createdAt}, ${tasks.id}) < (${opts.cursor.createdAt}, ${opts.cursor.id})`);
  return db
    .select({ record: tasks.record })
    .from(tasks)
    .where(and(...conditions))
    .orderBy(desc(tasks.createdAt), desc(tasks.id))
    .limit(opts.limit + 1);
}

export function listTaskPage(
  db: CacheDb,
  filter: CachedTaskFilter,
  opts: { limit: number; cursor?: Cursor | null },
): Page<Task> {
  const rows = taskPageQuery(db, filter, opts).all();
  const items = rows.slice(0, opts.limit).map((row) => parseTaskRecord(row.record));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > opts.limit && last ? encodeCursor(last) : null };
}

export function countTasks(db: CacheDb, filter: CachedTaskFilter): number {
  if (countsCover(filter)) return countFromCountsQuery(db, filter).get()?.n ?? 0;
  return (
    db
      .select({ n: count() })
      .from(tasks)
      .where(and(...filterConditions(filter)))
      .get()?.n ?? 0
  );
}

/** Fields the trigger-kept counts (schema.ts `taskCounts`) can answer; any other set field needs the rows. */
const COUNTED_FIELDS = new Set<string>(["states", "types"]);

function countsCover(filter: CachedTaskFilter): boolean {
  return Object.entries(filter).every(
    ([field, value]) =>
      value === undefined || COUNTED_FIELDS.has(field) || (field === "search" && String(value).trim() === ""),
  );
}

/** Exposed so tests can compare it with a count of the rows. */
export function countFromCountsQuery(db: CacheDb, filter: Pick<CachedTaskFilter, "states" | "types">) {
  const conditions: SQL[] = [];
  if (filter.states?.length) conditions.push(inArray(taskCounts.state, filter.states));
  if (filter.types?.length) conditions.push(inArray(taskCounts.type, filter.types));
  return db
    .select({ n: sql<number>`coalesce(sum(${taskCounts.n}), 0)` })
    .from(taskCounts)
    .where(and(...conditions));
}

export function taskIdsMatching(db: CacheDb, filter: CachedTaskFilter, limit: number): string[] {
  return db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(...filterConditions(filter)))
    .orderBy(desc(tasks.createdAt), desc(tasks.id))
    .limit(limit)
    .all()
    .map((r) => r.id);
}

export function getCachedTask(db: CacheDb, taskId: string): Task | null {
  const row = db.select({ record: tasks.record }).from(tasks).where(eq(tasks.id, taskId)).get();
  return row ? parseTaskRecord(row.record) : null;
}

/** Exposed so tests can compare it with a count of the rows: per state, from the trigger-kept counts. */
export function taskStateCountsQuery(db: CacheDb) {
  return db
    .select({ state: taskCounts.state, n: sql<number>`sum(${taskCounts.n})` })
    .from(taskCounts)
    .groupBy(taskCounts.state);
}

export function taskStateCounts(db: CacheDb): Record<TaskState, number> {
  const counts: Record<TaskState, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, dead: 0, cancelled: 0 };
  for (const row of taskStateCountsQuery(db).all()) counts[row.state as TaskState] = row.n;
  return counts;
}

/** Exposed so tests can EXPLAIN it: types with work waiting (queued or awaiting retry). */
export function waitingTypesQuery(db: CacheDb) {
  return db
    .select({ type: tasks.type, n: count() })
    .from(tasks)
    .where(inArray(tasks.state, ["queued", "failed"]))
    .groupBy(tasks.type);
}

export function waitingTypes(db: CacheDb): Array<{ type: string; n: number }> {
  return waitingTypesQuery(db).all();
}

/** Per type, tasks still dead that went dead (their last update) at or after `since` (store clock). */
export function deadSinceByType(db: CacheDb, since: number): Array<{ type: string; n: number }> {
  return deadSinceByTypeQuery(db, since).all();
}

/**
 * Exposed so tests can EXPLAIN it: a range of the (state, updated_at, type) index — the dead
 * tasks of the window only. Through the (state, type) index it read every dead task (≈ 75 ms
 * at 1,000,000 tasks).
 */
export function deadSinceByTypeQuery(db: CacheDb, since: number) {
  return db
    .select({ type: tasks.type, n: count() })
    .from(tasks)
    .where(and(eq(tasks.state, "dead"), gte(tasks.updatedAt, since)))
    .groupBy(tasks.type)
    .orderBy(tasks.type);
}

/** Running tasks by type (the per-type limits' counts). */
export function runningTypes(db: CacheDb): Array<{ type: string; n: number }> {
  return db
    .select({ type: tasks.type, n: count() })
    .from(tasks)
    .where(eq(tasks.state, "running"))
    .groupBy(tasks.type)
    .all();
}

/** Non-terminal task ids the cache believes in (reconcile re-reads those the store no longer lists). */
export function nonTerminalTaskIds(db: CacheDb): string[] {
  return db
    .select({ id: tasks.id })
    .from(tasks)
    .where(inArray(tasks.state, ["queued", "running", "failed"]))
    .all()
    .map((r) => r.id);
}
