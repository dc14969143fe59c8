import { type CoordinationStore, MEMORY_NAMESPACES, type Task, type TaskState } from "@sentinel/coordination";
import { eq } from "drizzle-orm";
import { readFlowControl, writeFlowControl } from "../cache/flow-control.js";
import { replaceLocks } from "../cache/lock-rows.js";
import { replaceNamespace } from "../cache/memory-rows.js";
import type { Cache } from "../cache/open-cache.js";
import { tasks } from "../cache/schema.js";
import { readSyncNumber, writeSyncValue } from "../cache/sync-state.js";
import { nonTerminalTaskIds } from "../cache/task-queries.js";
import { upsertTask } from "../cache/task-rows.js";
import type { ChangeSet } from "./change-set.js";
import { refreshWorkers } from "./refresh-workers.js";

const PAGE = 500;

/**
 * Repairs what missed events left wrong (GitHub webhooks are not redelivered): the full
 * registry, the task-type pauses and limits, the live locks, every memory namespace, and every unfinished task. Finished
 * tasks only change through requeue, which makes them unfinished again, so listing the
 * unfinished ones — plus re-reading those the cache still thinks unfinished — covers every
 * drift without paging through the whole history.
 *
 * Once per cache, the first reconcile lists every task, finished ones included: the event log
 * a new cache follows from 0 may start after them (the GitHub store serves events from its
 * history horizon, docs/github-backend.md, _Start-up cost_), and the dashboard lists them.
 */
export async function reconcile(store: CoordinationStore, cache: Cache, changes: ChangeSet, at: number): Promise<void> {
  await refreshWorkers(store, cache, changes);

  changes.addIf(writeFlowControl(cache.db, await readFlowControl(store)), "queues");

  const liveLocks = await store.listLocks();
  changes.addIf(replaceLocks(cache.db, liveLocks), "locks");

  for (const namespace of MEMORY_NAMESPACES) {
    const entries = await store.memoryList(`${namespace}/`);
    cache.sqlite.transaction(() => changes.addIf(replaceNamespace(cache.db, namespace, entries), "memory"))();
  }

  if (readSyncNumber(cache.db, "tasks_backfilled_at") === 0) {
    await listAllPages(store, {}, (page) => writeTasks(cache, page, changes));
    writeSyncValue(cache.db, "tasks_backfilled_at", at);
  }

  const seen = new Set<string>();
  await listAllPages(store, { states: ["queued", "running", "failed"] }, (page) => {
    writeTasks(cache, page, changes);
    for (const task of page) seen.add(task.id);
  });

  const vanished = nonTerminalTaskIds(cache.db).filter((id) => !seen.has(id));
  for (const id of vanished) {
    const task = await store.getTask(id);
    if (task) writeTasks(cache, [task], changes);
    else changes.addIf(cache.db.delete(tasks).where(eq(tasks.id, id)).run().changes > 0, "tasks");
  }
  writeSyncValue(cache.db, "last_reconcile_at", at);
}

async function listAllPages(
  store: CoordinationStore,
  filter: { states?: TaskState[] },
  onPage: (page: Task[]) => void,
): Promise<void> {
  let cursor: string | null = null;
  do {
    const page = await store.listTasks({ ...filter, limit: PAGE, cursor });
    onPage(page.items);
    cursor = page.nextCursor;
  } while (cursor);
}

function writeTasks(cache: Cache, page: Task[], changes: ChangeSet): void {
  cache.sqlite.transaction(() => {
    for (const task of page) changes.addIf(upsertTask(cache.db, task), "tasks");
  })();
}
