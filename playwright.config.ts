import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";
import { E2E_ENV } from "./e2e/support/stack-env";

/**
 * The suite runs against the real stack (`scripts/start.ts`: production Next build, control
 * plane, three worker processes) on a fresh data directory with short intervals. The data
 * directory is chosen once in the runner and inherited by the test workers through the
 * environment, so tests can start extra workers against the same store.
 */
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "sentinel-e2e-"));
const port = Number(process.env.E2E_PORT ?? 3123);
process.env.E2E_BASE_URL ??= `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [["list"]],
  use: {
    baseURL: process.env.E2E_BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: "node_modules/.bin/tsx scripts/start.ts",
    url: `${process.env.E2E_BASE_URL}/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    env: {
      ...E2E_ENV,
      PORT: String(port),
      SENTINEL_DATA_DIR: process.env.E2E_DATA_DIR,
    },
  },
});
