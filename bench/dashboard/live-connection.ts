import type { Page } from "@playwright/test";

const LIVE_PATH = "/api/trpc/live";

/**
 * Resolves when the page's live-update subscription (SSE) has been answered; start it
 * together with the navigation. The page's own "live" indicator is not used: it shows "connecting…" until the
 * first change event arrives, so on a quiet store it never turns live.
 */
export async function liveConnection(page: Page, timeoutMs: number): Promise<void> {
  const response = await page.waitForResponse((r) => new URL(r.url()).pathname === LIVE_PATH, { timeout: timeoutMs });
  const type = response.headers()["content-type"] ?? "";
  if (!response.ok() || !type.startsWith("text/event-stream"))
    throw new Error(`live subscription answered HTTP ${response.status()} ${type}`);
}
