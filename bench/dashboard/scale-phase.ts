import type { Browser } from "@playwright/test";
import type { TaskState } from "@sentinel/coordination";
import { defaultSqlitePath, openSqliteStore } from "@sentinel/coordination/sqlite";
import { waitForDashboardToShow, type CatchUp } from "./catch-up.js";
import { measureChangeLatency, type ChangeLatency } from "./change-latency.js";
import { taskCounts, workerId } from "./dataset-shape.js";
import { fillCacheHistory, type CacheFill } from "./fill-cache.js";
import { fillStore, type StoreFill } from "./fill-store.js";
import { startHeartbeats, type HeartbeatLoop } from "./heartbeats.js";
import { watchIdlePage, type IdleRefetch } from "./idle-refetch.js";
import type { DashboardBenchOptions } from "./options.js";
import { measurePageLoads, type DashboardPage, type PageLoads } from "./page-load.js";
import { timePageRequest, timeProcedure, type ProcedureCall, type ProcedureTiming } from "./procedure-timing.js";
import { startStack } from "./stack.js";

export interface ScaleResult {
  expected: { workers: number; tasks: Record<TaskState, number> };
  cacheFill: CacheFill;
  storeFill: Omit<StoreFill, "activeTasks">;
  stackStartMs: number;
  catchUp: CatchUp;
  procedures: ProcedureTiming[];
  pageLoads: PageLoads[];
  idle: IdleRefetch;
  latency: ChangeLatency;
  heartbeats: { intervalMs: number; sent: number; late: number; errors: number };
}

const CATCH_UP_TIMEOUT_MS = 180_000;
const FILTERED = { states: ["succeeded" as const], types: ["image.resize"] };
const SEARCH = "cust-42";

export const PROCEDURE_CALLS: ProcedureCall[] = [
  { path: "overview.get", input: { windowMinutes: 30 }, label: "counts, capacity, throughput, alerts" },
  { path: "workers.list", input: { includeRemoved: false }, label: "all workers" },
  { path: "tasks.list", input: { limit: 50 }, label: "first page, no filter" },
  { path: "tasks.count", input: {}, label: "no filter" },
  { path: "tasks.list", input: { ...FILTERED, limit: 50 }, label: "state succeeded + type image.resize" },
  { path: "tasks.count", input: FILTERED, label: "state succeeded + type image.resize" },
  { path: "tasks.list", input: { search: SEARCH, limit: 50 }, label: `search "${SEARCH}"` },
  { path: "tasks.count", input: { search: SEARCH }, label: `search "${SEARCH}"` },
];

const TASKS_READY = [{ selector: '[data-testid^="task-row-"]' }, { selector: '[data-testid="task-count"]', text: "matching" }];

export const DASHBOARD_PAGES: DashboardPage[] = [
  { label: "overview", path: "/", ready: [{ selector: '[data-testid="overview-queue"]' }, { selector: '[data-testid="capacity-by-worker"] tbody tr' }] },
  { label: "tasks, filtered by state + type", path: `/tasks?state=${FILTERED.states[0]}&type=${FILTERED.types[0]}`, ready: TASKS_READY },
  { label: "tasks, searched", path: `/tasks?q=${encodeURIComponent(SEARCH)}`, ready: TASKS_READY },
];

/** Which measured pages asked for a procedure on their first load (read from their requests, so the table follows the pages as they change). */
function pagesRequesting(procedure: string, loads: PageLoads[]): string {
  const pages = loads.filter((l) => l.dataRequests.some((url) => new URL(url).pathname.slice("/api/trpc/".length).split(",").includes(procedure)));
  return pages.length ? pages.map((l) => l.page.label).join("; ") : "none of these pages";
}

const IDLE_PAGE: DashboardPage = { label: "tasks", path: "/tasks", ready: TASKS_READY };

/**
 * 1,000 workers (heartbeating at the seed's cadence throughout) and 100,000 tasks: the
 * unfinished tenth and the workers go through the store port and the syncer, the finished
 * history straight into the cache (see fill-cache.ts). Then the real stack starts on that
 * data directory and the dashboard is measured over HTTP and in Chromium.
 */
export async function runScalePhase(dataDir: string, browser: Browser, options: DashboardBenchOptions, log: (message: string) => void): Promise<ScaleResult> {
  const expected = { workers: options.workers, tasks: taskCounts(options.tasks) };
  const store = openSqliteStore({ path: defaultSqlitePath({ SENTINEL_DATA_DIR: dataDir }) });
  // Started from inside the fill, as soon as the workers exist.
  const background: { heartbeats: HeartbeatLoop | null; errors: number } = { heartbeats: null, errors: 0 };
  try {
    const cacheFill = fillCacheHistory(dataDir, { workers: options.workers, totalTasks: options.tasks, heartbeatIntervalMs: options.heartbeatIntervalMs, now: await store.now() });
    log(`cache history: ${cacheFill.tasks} finished tasks in ${(cacheFill.elapsedMs / 1000).toFixed(1)} s`);

    let activeTasks = new Map<string, number>();
    const storeFill = await fillStore(store, {
      workers: options.workers,
      totalTasks: options.tasks,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      onWorkersRegistered: () => {
        background.heartbeats = startHeartbeats(store, {
          workerIds: Array.from({ length: options.workers }, (_, i) => workerId(i)),
          intervalMs: options.heartbeatIntervalMs,
          activeTasks: (id) => activeTasks.get(id) ?? 0,
          onError: () => void (background.errors += 1),
        });
      },
      log: (message) => log(`store: ${message}`),
    });
    activeTasks = storeFill.activeTasks;
    log(`store: ${storeFill.tasks} tasks and ${storeFill.workers} workers in ${(storeFill.elapsedMs / 1000).toFixed(1)} s`);

    const stack = await startStack(dataDir);
    log(`stack up in ${(stack.startMs / 1000).toFixed(1)} s`);
    try {
      const catchUp = await waitForDashboardToShow(stack.baseUrl, expected, CATCH_UP_TIMEOUT_MS);
      log(`dashboard shows the dataset ${(catchUp.elapsedMs / 1000).toFixed(1)} s after start (${catchUp.lastEventId} store events applied)`);

      const single: Array<Omit<ProcedureTiming, "page">> = [];
      for (const call of PROCEDURE_CALLS) single.push(await timeProcedure(stack.baseUrl, call, options.requests));
      log(`timed ${single.length} tRPC procedures × ${options.requests} requests`);

      const pageLoads: PageLoads[] = [];
      for (const page of DASHBOARD_PAGES) pageLoads.push(await measurePageLoads(browser, stack.baseUrl, page, options.pageLoads));
      log(`timed ${DASHBOARD_PAGES.length} pages × ${options.pageLoads + 1} loads`);
      const procedures: ProcedureTiming[] = single.map((timing) => ({ page: pagesRequesting(timing.procedure, pageLoads), ...timing }));
      for (const load of pageLoads) {
        for (const url of load.dataRequests) procedures.push(await timePageRequest(load.page.label, url, options.requests));
      }

      const idle = await watchIdlePage(browser, stack.baseUrl, IDLE_PAGE, options.idleWatchMs);
      log(`idle tasks page: ${idle.requests} refetches in ${options.idleWatchMs / 1000} s`);

      const latency = await measureChangeLatency(browser, store, { baseUrl: stack.baseUrl, samples: options.latencySamples, log });
      return {
        expected,
        cacheFill,
        storeFill: { tasks: storeFill.tasks, workers: storeFill.workers, elapsedMs: storeFill.elapsedMs },
        stackStartMs: stack.startMs,
        catchUp,
        procedures,
        pageLoads,
        idle,
        latency,
        heartbeats: { intervalMs: options.heartbeatIntervalMs, sent: background.heartbeats?.sent ?? 0, late: background.heartbeats?.late ?? 0, errors: background.errors },
      };
    } finally {
      await stack.stop();
    }
  } finally {
    await background.heartbeats?.stop();
    await store.close();
  }
}
