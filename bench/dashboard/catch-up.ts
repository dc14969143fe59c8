import type { TaskState } from "@sentinel/coordination";
import { trpcQuery } from "./trpc-http.js";

interface OverviewCounts {
  workers: { total: number; live: number };
  tasks: Record<TaskState, number>;
  sync: { lastEventId: number };
}

export interface CatchUp {
  elapsedMs: number;
  lastEventId: number;
}

/**
 * Polls the overview until the dashboard shows the whole dataset (every worker, every task
 * state's count), i.e. the syncer has applied the store's event log on top of the history.
 */
export async function waitForDashboardToShow(baseUrl: string, expected: { workers: number; tasks: Record<TaskState, number> }, timeoutMs: number): Promise<CatchUp> {
  const started = performance.now();
  let last: OverviewCounts | null = null;
  while (performance.now() - started < timeoutMs) {
    last = (await trpcQuery<OverviewCounts>(baseUrl, "overview.get", { windowMinutes: 30 })).data;
    const tasksMatch = (Object.keys(expected.tasks) as TaskState[]).every((s) => last!.tasks[s] === expected.tasks[s]);
    if (tasksMatch && last.workers.total === expected.workers) return { elapsedMs: performance.now() - started, lastEventId: last.sync.lastEventId };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the dashboard did not show the dataset within ${timeoutMs} ms: expected ${JSON.stringify(expected)}, last overview ${JSON.stringify(last && { workers: last.workers, tasks: last.tasks })}`);
}
