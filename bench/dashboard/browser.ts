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

/**
 * Polls `expression` (source text) in the page until it is truthy and returns its value.
 * Not `page.waitForFunction`: with a string it evaluates inside the page with `eval`, which
 * the dashboard's Content-Security-Policy refuses; `page.evaluate` goes through the DevTools
 * protocol, which the policy does not govern. Every time it waits for is recorded by the page
 * itself, so the polling interval does not enter a figure.
 */
export async function waitForPageValue(
  page: Page,
  expression: string,
  opts: { timeoutMs: number; pollMs: number },
): Promise<unknown> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const value = await page.evaluate(expression);
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(`page value \`${expression}\` not seen within ${opts.timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs));
  }
}
