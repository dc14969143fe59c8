import type { CoordinationStore, TaskState } from "@sentinel/coordination";
import { trpcQuery } from "./trpc-http.js";

interface OverviewCounts {
  workers: { total: number; live: number };
  tasks: Record<TaskState, number>;
  sync: { lastEventId: number };
}

export interface CatchUp {
  elapsedMs: number;
  /** The store's last event when the fill ended; the syncer had applied it by then. */
  storeEventId: number;
}

const PAGE = 5_000;

/** The id of the newest event in the store's log, read forward through the port. */
export async function lastStoreEventId(store: CoordinationStore): Promise<number> {
  let last = 0;
  for (;;) {
    const events = await store.readEvents(last, PAGE);
    if (events.length === 0) return last;
    last = events[events.length - 1]!.id;
  }
}

/**
 * Polls the overview until the dashboard shows the whole dataset: every worker, every task
 * state's count, and a syncer that has applied the store's event log up to `storeEventId`.
 */
export async function waitForDashboardToShow(
  baseUrl: string,
  expected: { workers: number; tasks: Record<TaskState, number>; storeEventId: number },
  timeoutMs: number,
): Promise<CatchUp> {
  const started = performance.now();
  let last: OverviewCounts | null = null;
  while (performance.now() - started < timeoutMs) {
    last = await trpcQuery<OverviewCounts>(baseUrl, "overview.get", { windowMinutes: 30 });
    const tasksMatch = (Object.keys(expected.tasks) as TaskState[]).every((s) => last!.tasks[s] === expected.tasks[s]);
    if (tasksMatch && last.workers.total === expected.workers && last.sync.lastEventId >= expected.storeEventId) {
      return { elapsedMs: performance.now() - started, storeEventId: expected.storeEventId };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `the dashboard did not show the dataset within ${timeoutMs} ms: expected ${JSON.stringify(expected)}, last overview ${JSON.stringify(last && { workers: last.workers, tasks: last.tasks, sync: last.sync })}`,
  );
}
