import type { Task, TaskState } from "@sentinel/coordination";
import { count, eq, inArray } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { taskDependencies, tasks } from "./schema.js";

/** Dependents listed on a task's page; a fan-out beyond this says how many more there are. */
export const DEPENDENTS_SHOWN = 50;

/**
 * A task's edges, recorded once: dependencies are fixed at creation (domain/task-dependencies.ts),
 * so an edge never changes and a second write of the same task adds nothing.
 */
export function recordTaskDependencies(db: CacheDb, task: Pick<Task, "id" | "dependsOn">): void {
  if (task.dependsOn.length === 0) return;
  db.insert(taskDependencies)
    .values(task.dependsOn.map((dependsOnId) => ({ taskId: task.id, dependsOnId })))
    .onConflictDoNothing()
    .run();
}

export interface GraphNode {
  id: string;
  title: string | null;
  type: string | null;
  /** null: a dependency the cache does not hold (yet). */
  state: TaskState | null;
}

export interface DependencyGraph {
  /** What this task waits for, in the order it was created with. */
  dependencies: GraphNode[];
  /** Tasks that wait for this one, oldest first, at most DEPENDENTS_SHOWN. */
  dependents: GraphNode[];
  moreDependents: number;
}

function nodeOf(id: string, task: Pick<Task, "title" | "type" | "state"> | null): GraphNode {
  return { id, title: task?.title ?? null, type: task?.type ?? null, state: task?.state ?? null };
}

/**
 * The task's neighbourhood for its page's graph: its dependencies (at most 20, read by id) and
 * its dependents through the edge index. An edge whose dependent left the cache (reconcile
 * deletes a task the store no longer has) drops out through the join.
 */
export function dependencyGraph(db: CacheDb, task: Pick<Task, "dependsOn" | "id">): DependencyGraph {
  const columns = { id: tasks.id, title: tasks.title, type: tasks.type, state: tasks.state };
  const known = task.dependsOn.length
    ? new Map(
        db
          .select(columns)
          .from(tasks)
          .where(inArray(tasks.id, task.dependsOn))
          .all()
          .map((row) => [row.id, { ...row, state: row.state as TaskState }]),
      )
    : new Map();
  const dependencies = task.dependsOn.map((id) => nodeOf(id, known.get(id) ?? null));
  const rows = db
    .select(columns)
    .from(taskDependencies)
    .innerJoin(tasks, eq(tasks.id, taskDependencies.taskId))
    .where(eq(taskDependencies.dependsOnId, task.id))
    .orderBy(tasks.createdAt, tasks.id)
    .limit(DEPENDENTS_SHOWN + 1)
    .all();
  const shown = rows.slice(0, DEPENDENTS_SHOWN);
  const moreDependents =
    rows.length > DEPENDENTS_SHOWN
      ? (db
          .select({ n: count() })
          .from(taskDependencies)
          .innerJoin(tasks, eq(tasks.id, taskDependencies.taskId))
          .where(eq(taskDependencies.dependsOnId, task.id))
          .get()?.n ?? 0) - DEPENDENTS_SHOWN
      : 0;
  return {
    dependencies,
    dependents: shown.map((row) => nodeOf(row.id, { ...row, state: row.state as TaskState })),
    moreDependents,
  };
}
