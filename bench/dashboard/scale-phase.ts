import type { Browser } from "@playwright/test";
import type { TaskState } from "@sentinel/coordination";
import { defaultSqlitePath, openSqliteStore } from "@sentinel/coordination/sqlite";
import { type CatchUp, lastStoreEventId, waitForDashboardToShow } from "./catch-up.js";
import { type ChangeLatency, measureChangeLatency } from "./change-latency.js";
import { taskCounts, workerId } from "./dataset-shape.js";
import { type CacheFill, fillCacheHistory } from "./fill-cache.js";
import { fillStore, type StoreFill } from "./fill-store.js";
import { type HeartbeatLoop, startHeartbeats } from "./heartbeats.js";
import { type IdleRefetch, watchIdlePage } from "./idle-refetch.js";
import type { DashboardBenchOptions } from "./options.js";
import { type DashboardPage, measurePageLoads, type PageLoads } from "./page-load.js";
import { timePageQueries } from "./page-queries.js";
import type { ProcedureTiming } from "./procedure-timing.js";
import { startStack } from "./stack.js";

export interface ScaleResult {
  expected: { workers: number; tasks: Record<TaskState, number> };
  cacheFill: CacheFill;
  storeFill: StoreFill;
  stackStartMs: number;
  catchUp: CatchUp;
  procedures: ProcedureTiming[];
  pageLoads: PageLoads[];
  idle: IdleRefetch;
  latency: ChangeLatency;
  heartbeats: { intervalMs: number; sent: number; late: number; errors: number };
}

const CATCH_UP_TIMEOUT_MS = 180_000;
const FILTER = { state: "succeeded", type: "image.resize" };
const SEARCH = "cust-42";

const TASKS_READY = [
  { selector: '[data-testid^="task-row-"]' },
  { selector: '[data-testid="task-count"]', text: "matching" },
];

const TASKS_PAGE: DashboardPage = { label: "tasks", path: "/tasks", ready: TASKS_READY };

const DASHBOARD_PAGES: DashboardPage[] = [
  {
    label: "overview",
    path: "/",
    ready: [
      { selector: '[data-testid="overview-queue"]' },
      { selector: '[data-testid="capacity-by-worker"] tbody tr' },
    ],
  },
  TASKS_PAGE,
  {
    label: "tasks, filtered by state + type",
    path: `/tasks?state=${FILTER.state}&type=${FILTER.type}`,
    ready: TASKS_READY,
  },
  { label: "tasks, searched", path: `/tasks?q=${encodeURIComponent(SEARCH)}`, ready: TASKS_READY },
];

/**
 * 1,000 workers (heartbeating at the default 30 s cadence throughout) and 100,000 tasks: the
 * unfinished tenth and the workers go through the store port and the syncer, the finished
 * history straight into the cache (see fill-cache.ts). Then the real stack starts on that
 * data directory and the dashboard is measured over HTTP and in Chromium.
 */
export async function runScalePhase(
  dataDir: string,
  browser: Browser,
  options: DashboardBenchOptions,
  log: (message: string) => void,
): Promise<ScaleResult> {
  const expected = { workers: options.workers, tasks: taskCounts(options.tasks) };
  const store = openSqliteStore({ path: defaultSqlitePath({ SENTINEL_DATA_DIR: dataDir }) });
  // Started from inside the fill, as soon as the workers exist.
  const background: { heartbeats: HeartbeatLoop | null; errors: number } = { heartbeats: null, errors: 0 };
  try {
    const cacheFill = fillCacheHistory(dataDir, {
      workers: options.workers,
      totalTasks: options.tasks,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      now: await store.now(),
    });
    log(`cache history: ${cacheFill.tasks} finished tasks in ${(cacheFill.elapsedMs / 1000).toFixed(1)} s`);

    const activeTasks = new Map<string, number>();
    const storeFill = await fillStore(store, {
      workers: options.workers,
      totalTasks: options.tasks,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      activeTasks,
      onWorkersRegistered: () => {
        background.heartbeats = startHeartbeats(store, {
          workerIds: Array.from({ length: options.workers }, (_, i) => workerId(i)),
          intervalMs: options.heartbeatIntervalMs,
          activeTasks: (id) => activeTasks.get(id) ?? 0,
          onError: () => {
            background.errors += 1;
          },
        });
      },
      log: (message) => log(`store: ${message}`),
    });
    log(
      `store: ${storeFill.tasks} tasks and ${storeFill.workers} workers in ${(storeFill.elapsedMs / 1000).toFixed(1)} s`,
    );

    const storeEventId = await lastStoreEventId(store);
    const stack = await startStack(dataDir);
    log(`stack up in ${(stack.startMs / 1000).toFixed(1)} s`);
    try {
      const catchUp = await waitForDashboardToShow(stack.baseUrl, { ...expected, storeEventId }, CATCH_UP_TIMEOUT_MS);
      log(
        `dashboard shows the dataset ${(catchUp.elapsedMs / 1000).toFixed(1)} s after the server answered (syncer past store event ${storeEventId})`,
      );

      const pageLoads: PageLoads[] = [];
      for (const page of DASHBOARD_PAGES)
        pageLoads.push(await measurePageLoads(browser, stack.baseUrl, page, options.pageLoads));
      log(`timed ${DASHBOARD_PAGES.length} pages × ${options.pageLoads + 1} loads`);
      const procedures = await timePageQueries(pageLoads, options.requests);
      log(`timed ${procedures.length} of the pages' tRPC requests × ${options.requests}`);

      const idle = await watchIdlePage(browser, stack.baseUrl, TASKS_PAGE, options.idleWatchMs);
      log(`idle tasks page: ${idle.requests} refetches in ${options.idleWatchMs / 1000} s`);

      const latency = await measureChangeLatency(browser, store, {
        baseUrl: stack.baseUrl,
        samples: options.latencySamples,
        log,
      });
      return {
        expected,
        cacheFill,
        storeFill,
        stackStartMs: stack.startMs,
        catchUp,
        procedures,
        pageLoads,
        idle,
        latency,
        heartbeats: {
          intervalMs: options.heartbeatIntervalMs,
          sent: background.heartbeats?.sent ?? 0,
          late: background.heartbeats?.late ?? 0,
          errors: background.errors,
        },
      };
    } finally {
      await stack.stop();
    }
  } finally {
    await background.heartbeats?.stop();
    await store.close();
  }
}
