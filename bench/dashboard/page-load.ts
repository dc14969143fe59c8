import type { Browser, Request } from "@playwright/test";
import { waitForPageValue, withTab } from "./browser.js";
import { type ReadyCondition, readyObserverScript } from "./dom-probes.js";

export interface DashboardPage {
  label: string;
  /** Path and query, as an operator's bookmark would have it. */
  path: string;
  /** What "the data is rendered" means on this page. */
  ready: ReadyCondition[];
}

export interface PageLoad {
  /** Navigation start → every ready condition holds (ms, page clock). */
  readyMs: number;
  domContentLoadedMs: number | null;
}

export interface PageLoads {
  page: DashboardPage;
  /** First load in a fresh browser context: nothing cached. */
  cold: PageLoad;
  /** Further full navigations in the same context: scripts and styles come from the browser cache. */
  warm: PageLoad[];
  /** The tRPC query requests (URLs) the first load made, for replaying over plain HTTP. */
  dataRequests: string[];
}

const LOAD_TIMEOUT_MS = 60_000;
const READ_TIMINGS = `(() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return { readyMs: window.__benchReadyAt, domContentLoadedMs: nav ? nav.domContentLoadedEventEnd : null };
})()`;

/** Full page loads (not client-side route changes), each timed by the page itself from navigation start. */
export async function measurePageLoads(
  browser: Browser,
  baseUrl: string,
  page: DashboardPage,
  warmLoads: number,
): Promise<PageLoads> {
  return withTab(browser, readyObserverScript(page.ready), async (tab) => {
    const dataRequests: string[] = [];
    const record = (request: Request) => {
      const { pathname } = new URL(request.url());
      if (request.method() === "GET" && pathname.startsWith("/api/trpc/") && pathname !== "/api/trpc/live")
        dataRequests.push(request.url());
    };
    tab.on("request", record);
    const loads: PageLoad[] = [];
    for (let i = 0; i <= warmLoads; i++) {
      if (i === 1) tab.off("request", record);
      await tab.goto(`${baseUrl}${page.path}`, { waitUntil: "commit" });
      await waitForPageValue(tab, "window.__benchReadyAt !== undefined", { timeoutMs: LOAD_TIMEOUT_MS, pollMs: 20 });
      loads.push((await tab.evaluate(READ_TIMINGS)) as PageLoad);
    }
    const [cold, ...warm] = loads;
    return { page, cold: cold!, warm, dataRequests };
  });
}
