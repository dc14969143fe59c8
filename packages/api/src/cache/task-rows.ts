import { displayableTask, jsonTextDepth, LIMITS, type Task } from "@sentinel/coordination";
import { sql } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { tasks } from "./schema.js";
import { recordTaskDependencies } from "./task-dependency-rows.js";

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

/**
 * Insert or refresh a task's row; returns whether anything changed. Params or a result beyond
 * the limits are cached as the "too large to display" marker, so no page has to walk them.
 */
export function upsertTask(db: CacheDb, stored: Task): boolean {
  const task = displayableTask(stored);
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
  if (result.changes > 0) recordTaskDependencies(db, task);
  return result.changes > 0;
}

/** A cached record; rows cached before the limits existed are made displayable on the way out. */
export function parseTaskRecord(record: string): Task {
  const parsed = JSON.parse(record) as Task;
  // Records cached before dependencies existed have neither field.
  const task: Task = {
    ...parsed,
    dependsOn: parsed.dependsOn ?? [],
    onDependencyFailure: parsed.onDependencyFailure ?? "cancel",
  };
  // The record wraps params and result one level down.
  return jsonTextDepth(record, LIMITS.jsonDepth + 1) > LIMITS.jsonDepth + 1 ? displayableTask(task) : task;
}
