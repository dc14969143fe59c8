import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from "@sentinel/test-support/chromium";
import type { StackMetadata } from "./e2e/support/backend";
import {
  alertWebhook,
  E2E_ALERT_ENV,
  E2E_EMULATOR_READ_LAG_MS,
  E2E_ENV,
  E2E_GITHUB_ENV,
} from "./e2e/support/stack-env";

/**
 * The same specs run three times, against three real stacks with short intervals, each on a
 * fresh data directory: `sqlite` (`scripts/start.ts`: production Next build, control plane,
 * three worker processes on the embedded store), `github` (`scripts/demo-github.ts`: the same
 * stack in GitHub mode over the emulator) and `postgres` (e2e/support/postgres-stack.ts: the
 * same stack on a throwaway PostgreSQL server). All stacks start before the first test (web
 * servers start one after the other, so only the first builds the dashboard); the data
 * directories are chosen once in the runner and inherited by the test workers through the
 * environment, so tests can start extra workers against the right store.
 */
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "sentinel-e2e-"));
process.env.E2E_GITHUB_DATA_DIR ??= mkdtempSync(join(tmpdir(), "sentinel-e2e-github-"));
process.env.E2E_POSTGRES_DATA_DIR ??= mkdtempSync(join(tmpdir(), "sentinel-e2e-postgres-"));
const port = Number(process.env.E2E_PORT ?? 3123);
const githubPort = port + 2;
const emulatorPort = port + 3;
const postgresPort = port + 4;
const sqliteUrl = `http://127.0.0.1:${port}`;
const githubUrl = `http://127.0.0.1:${githubPort}`;
const postgresUrl = `http://127.0.0.1:${postgresPort}`;

const sqliteStack: StackMetadata = { backend: "sqlite", dataDir: process.env.E2E_DATA_DIR };
const githubStack: StackMetadata = {
  backend: "github",
  dataDir: process.env.E2E_GITHUB_DATA_DIR,
  github: { apiUrl: `http://127.0.0.1:${emulatorPort}`, owner: "sentinel-demo", repo: "tasks", env: E2E_GITHUB_ENV },
};

const postgresStack: StackMetadata = { backend: "postgres", dataDir: process.env.E2E_POSTGRES_DATA_DIR };

const stopGracefully = { signal: "SIGTERM", timeout: 20_000 } as const;

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
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1440, height: 900 },
    launchOptions: { executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS },
  },
  projects: [
    { name: "sqlite", use: { baseURL: sqliteUrl }, metadata: sqliteStack },
    {
      name: "github",
      use: { baseURL: githubUrl },
      metadata: githubStack,
      // The README's screenshots show the default (SQLite) stack; its load of ~100 tasks in a
      // minute would also be ~500 GitHub writes, far past what the backend is meant for.
      testIgnore: "**/screenshots.spec.ts",
    },
    // The README's screenshots come from the SQLite stack alone.
    { name: "postgres", use: { baseURL: postgresUrl }, metadata: postgresStack, testIgnore: "**/screenshots.spec.ts" },
  ],
  webServer: [
    {
      command: "node_modules/.bin/tsx scripts/start.ts",
      url: `${sqliteUrl}/health`,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: stopGracefully,
      env: {
        ...E2E_ENV,
        ...E2E_ALERT_ENV,
        SENTINEL_ALERT_WEBHOOK_URL: alertWebhook("sqlite").url,
        PORT: String(port),
        SENTINEL_DATA_DIR: process.env.E2E_DATA_DIR,
      },
    },
    {
      command: "node_modules/.bin/tsx scripts/demo-github.ts",
      url: `${githubUrl}/health`,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: stopGracefully,
      env: {
        ...E2E_ENV,
        ...E2E_GITHUB_ENV,
        ...E2E_ALERT_ENV,
        SENTINEL_ALERT_WEBHOOK_URL: alertWebhook("github").url,
        PORT: String(githubPort),
        SENTINEL_DATA_DIR: process.env.E2E_GITHUB_DATA_DIR,
        EMULATOR_PORT: String(emulatorPort),
        EMULATOR_READ_LAG_MS: E2E_EMULATOR_READ_LAG_MS,
        // The demo holds itself to GitHub's real limits; the e2e stack's 500 ms heartbeats and
        // 100 ms polls would spend a personal token's 5,000 requests in minutes.
        EMULATOR_PRIMARY_LIMIT: "1000000",
        EMULATOR_SECONDARY_LIMIT: "off",
      },
    },
    {
      command: "node_modules/.bin/tsx e2e/support/postgres-stack.ts",
      url: `${postgresUrl}/health`,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: stopGracefully,
      env: {
        ...E2E_ENV,
        ...E2E_ALERT_ENV,
        SENTINEL_ALERT_WEBHOOK_URL: alertWebhook("postgres").url,
        PORT: String(postgresPort),
        SENTINEL_DATA_DIR: process.env.E2E_POSTGRES_DATA_DIR,
      },
    },
  ],
});
