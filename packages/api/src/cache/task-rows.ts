import type { Task } from "@sentinel/coordination";
import { sql } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { tasks } from "./schema.js";

/** What text search matches: id, title, type and the parameters' JSON, lower-cased and bounded. */
export function searchTextOf(task: Task): string {
  let params: string;
  try {
    params = JSON.stringify(task.params) ?? "";
  } catch {
    params = "";
  }
  return `${task.id} ${task.title} ${task.type} ${params}`.toLowerCase().slice(0, 4000);
}

const COLUMNS = [
  "type",
  "title",
  "state",
  "priority",
  "attempts",
  "workerId",
  "pinnedWorkerId",
  "createdAt",
  "updatedAt",
  "searchText",
  "record",
] as const;

/**
 * Prepared once per connection: reconcile writes thousands of rows per pass, and building
 * the statement each time costs more than executing it.
 */
function prepareUpsert(db: CacheDb) {
  const placeholders = Object.fromEntries(["id", ...COLUMNS].map((c) => [c, sql.placeholder(c)]));
  const fromExcluded = Object.fromEntries(COLUMNS.map((c) => [c, sql.raw(`excluded.${tasks[c].name}`)]));
  return db
    .insert(tasks)
    .values(placeholders as unknown as typeof tasks.$inferInsert)
    .onConflictDoUpdate({ target: tasks.id, set: fromExcluded, setWhere: sql`${tasks.record} IS NOT excluded.record` })
    .prepare();
}

const prepared = new WeakMap<CacheDb, ReturnType<typeof prepareUpsert>>();

/** Insert or refresh a task's row; returns whether anything changed. */
export function upsertTask(db: CacheDb, task: Task): boolean {
  let statement = prepared.get(db);
  if (!statement) {
    statement = prepareUpsert(db);
    prepared.set(db, statement);
  }
  const result = statement.run({
    id: task.id,
    type: task.type,
    title: task.title,
    state: task.state,
    priority: task.priority,
    attempts: task.attempts,
    workerId: task.workerId,
    pinnedWorkerId: task.pinnedWorkerId,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    searchText: searchTextOf(task),
    record: JSON.stringify(task),
  });
  return result.changes > 0;
}

export function parseTaskRecord(record: string): Task {
  return JSON.parse(record) as Task;
}
