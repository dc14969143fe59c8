/**
 * How the e2e suite (playwright.config.ts) and the dashboard bench (bench/dashboard/browser.ts)
 * launch Chromium, so both measure the same browser setup: headless in a container without a
 * sandbox, shared memory or GPU, and without background traffic of its own.
 */
export const CHROMIUM_EXECUTABLE = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-dev-shm-usage",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
