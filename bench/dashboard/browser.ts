import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "@playwright/test";
import { CHROMIUM_ARGS } from "@sentinel/test-support/chromium";

export async function launchChromium(executablePath: string): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: install it (apt-get install -y chromium) or set BENCH_CHROMIUM to its path`,
    );
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/**
 * Runs `use` in one tab of a fresh browser context at desktop size, with `initScript` run
 * before any of the page's own scripts; the context is closed afterwards.
 */
export async function withTab<T>(browser: Browser, initScript: string, use: (tab: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const tab = await context.newPage();
    await tab.addInitScript({ content: initScript });
    return await use(tab);
  } finally {
    await context.close();
  }
}
