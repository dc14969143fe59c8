import { type CoordinationStore, MEMORY_NAMESPACES, type Task } from "@sentinel/coordination";
import { eq } from "drizzle-orm";
import { replaceLocks } from "../cache/lock-rows.js";
import { replaceNamespace } from "../cache/memory-rows.js";
import type { Cache } from "../cache/open-cache.js";
import { tasks } from "../cache/schema.js";
import { writeSyncValue } from "../cache/sync-state.js";
import { nonTerminalTaskIds } from "../cache/task-queries.js";
import { upsertTask } from "../cache/task-rows.js";
import type { ChangeSet } from "./change-set.js";
import { refreshWorkers } from "./refresh-workers.js";

const PAGE = 500;

/**
 * Repairs what missed events left wrong (GitHub webhooks are not redelivered): the full
 * registry, the live locks, every memory namespace, and every unfinished task. Finished
 * tasks only change through requeue, which makes them unfinished again, so listing the
 * unfinished ones — plus re-reading those the cache still thinks unfinished — covers every
 * drift without paging through the whole history.
 */
export async function reconcile(store: CoordinationStore, cache: Cache, changes: ChangeSet, at: number): Promise<void> {
  await refreshWorkers(store, cache, changes);

  const liveLocks = await store.listLocks();
  changes.addIf(replaceLocks(cache.db, liveLocks), "locks");

  for (const namespace of MEMORY_NAMESPACES) {
    const entries = await store.memoryList(`${namespace}/`);
    cache.sqlite.transaction(() => changes.addIf(replaceNamespace(cache.db, namespace, entries), "memory"))();
  }

  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = await store.listTasks({ states: ["queued", "running", "failed"], limit: PAGE, cursor });
    writeTasks(cache, page.items, changes);
    for (const task of page.items) seen.add(task.id);
    cursor = page.nextCursor;
  } while (cursor);

  const vanished = nonTerminalTaskIds(cache.db).filter((id) => !seen.has(id));
  for (const id of vanished) {
    const task = await store.getTask(id);
    if (task) writeTasks(cache, [task], changes);
    else changes.addIf(cache.db.delete(tasks).where(eq(tasks.id, id)).run().changes > 0, "tasks");
  }
  writeSyncValue(cache.db, "last_reconcile_at", at);
}

function writeTasks(cache: Cache, page: Task[], changes: ChangeSet): void {
  cache.sqlite.transaction(() => {
    for (const task of page) changes.addIf(upsertTask(cache.db, task), "tasks");
  })();
}
