import type { Browser } from "@playwright/test";
import { waitForPageValue, withTab } from "./browser.js";
import { readyObserverScript } from "./dom-probes.js";
import { liveConnection } from "./live-connection.js";
import type { DashboardPage } from "./page-load.js";

export interface IdleRefetch {
  path: string;
  watchedMs: number;
  /** tRPC query requests the open page made (batched requests count once). */
  requests: number;
  responseBytes: number;
  /** Procedures requested, with how often. */
  procedures: Record<string, number>;
}

/**
 * Leaves a page open while nobody changes anything but the workers' heartbeats, and counts
 * the refetches its live subscription triggers: what one open dashboard costs the control
 * plane at this cluster size.
 */
export async function watchIdlePage(
  browser: Browser,
  baseUrl: string,
  watched: DashboardPage,
  watchMs: number,
): Promise<IdleRefetch> {
  return withTab(browser, readyObserverScript(watched.ready), async (page) => {
    await Promise.all([liveConnection(page, 60_000), page.goto(`${baseUrl}${watched.path}`)]);
    await waitForPageValue(page, "window.__benchReadyAt !== undefined", { timeoutMs: 60_000, pollMs: 20 });
    const result: IdleRefetch = {
      path: watched.path,
      watchedMs: watchMs,
      requests: 0,
      responseBytes: 0,
      procedures: {},
    };
    let counting = true;
    const sizes: Array<Promise<void>> = [];
    page.on("requestfinished", (request) => {
      const url = new URL(request.url());
      if (!counting || !url.pathname.startsWith("/api/trpc/")) return;
      result.requests += 1;
      for (const procedure of url.pathname.slice("/api/trpc/".length).split(","))
        result.procedures[procedure] = (result.procedures[procedure] ?? 0) + 1;
      sizes.push(
        request.sizes().then((s) => {
          result.responseBytes += s.responseBodySize;
        }),
      );
    });
    await new Promise((r) => setTimeout(r, watchMs));
    counting = false;
    await Promise.all(sizes);
    return result;
  });
}
