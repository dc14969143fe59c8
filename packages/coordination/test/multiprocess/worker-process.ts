import { existsSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { join } from "node:path";
import { tempDir } from "@sentinel/test-support";
import { OWNER, REPO, SECRET } from "@sentinel/test-support/emulator";
import type { TempPostgres } from "@sentinel/test-support/postgres";
import { type LaunchedProcess, type LaunchOptions, launchWorker, MINIMAL_ENV } from "@sentinel/test-support/processes";
import { openPostgresStore } from "../../src/store/postgres/index.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";

/** Short intervals for tests: heartbeat 100 ms, stale after 600 ms, checked every 200 ms. */
export const FAST_ENV = {
  HEARTBEAT_INTERVAL_MS: "100",
  STALE_WORKER_THRESHOLD_MS: "600",
  STALE_CHECK_INTERVAL_MS: "200",
  MEMORY_SYNC_INTERVAL_MS: "200",
  WORKER_POLL_INTERVAL_MS: "50",
  LOG_LEVEL: "info",
};

const LIBFAKETIME_CANDIDATES = [
  "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
  "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
  "/usr/lib/faketime/libfaketime.so.1",
];

/**
 * Environment that skews a child's whole clock by `ms` with libfaketime (scripts/bootstrap.sh
 * installs it): the C library's time, so SQLite's `julianday('now')` too, not only JS `Date`.
 */
export function faketimeEnv(ms: number): Record<string, string> {
  const lib = LIBFAKETIME_CANDIDATES.find((path) => existsSync(path));
  if (!lib) throw new Error("libfaketime not found: run scripts/bootstrap.sh (apt-get install faketime)");
  const seconds = Math.round(ms / 1000);
  return { LD_PRELOAD: lib, FAKETIME: `${seconds >= 0 ? "+" : ""}${seconds}s` };
}

export interface SpawnWorkerOptions {
  id: string;
  env: Record<string, string>;
  clockSkewMs?: LaunchOptions["clockSkewMs"];
}

/** A real worker process with FAST_ENV, none of the caller's variables, and its JSON log lines collected. */
export function spawnWorker(opts: SpawnWorkerOptions): LaunchedProcess & { id: string } {
  return launchWorker({
    id: opts.id,
    baseEnv: MINIMAL_ENV,
    env: { ...FAST_ENV, ...opts.env },
    clockSkewMs: opts.clockSkewMs,
    jsonLines: true,
  });
}

export interface TestCluster {
  dir: string;
  dbPath: string;
  configPath: string;
  recordPath: string;
  env: Record<string, string>;
}

/**
 * A command handler appending "<task id> <fencing token> <worker id>" per execution to
 * `recordPath`: an independent count of executions, outside the store.
 */
export function recordHandler(recordPath: string): Record<string, unknown> {
  return {
    command: [
      "/bin/sh",
      "-c",
      'printf "%s %s %s\\n" "$SENTINEL_TASK_ID" "$SENTINEL_FENCING_TOKEN" "$WORKER" >> "$RECORD_FILE"',
    ],
    env: { RECORD_FILE: recordPath, WORKER: "${WORKER_ID}" },
  };
}

/** A worker config in `dir` whose `record` type is the recordHandler, plus `echo`, `sleep` and `extraHandlers`. */
function writeClusterConfig(dir: string, recordPath: string, extraHandlers: Record<string, unknown>): string {
  const configPath = join(dir, "task-sentinel.config.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      handlers: {
        record: recordHandler(recordPath),
        echo: { builtin: "echo" },
        sleep: { builtin: "sleep" },
        ...extraHandlers,
      },
    }),
  );
  return configPath;
}

/** A fresh SQLite database file and the `record` worker config (writeClusterConfig). */
export async function createTestCluster(extraHandlers: Record<string, unknown> = {}): Promise<TestCluster> {
  const dir = tempDir("sentinel-mp").path;
  const dbPath = join(dir, "store.db");
  const recordPath = join(dir, "executions.log");
  const configPath = writeClusterConfig(dir, recordPath, extraHandlers);
  // Create the schema once up front so workers do not race to migrate an empty file.
  await openSqliteStore({ path: dbPath }).close();
  return { dir, dbPath, configPath, recordPath, env: { SENTINEL_SQLITE_PATH: dbPath, SENTINEL_CONFIG: configPath } };
}

export interface PostgresTestCluster extends Omit<TestCluster, "dbPath"> {
  /** The database every worker process of the cluster shares. */
  url: string;
}

/**
 * A fresh database on `server` and the `record` worker config (writeClusterConfig); `env`
 * selects the Postgres backend for worker processes as a deployment would.
 */
export async function createPostgresTestCluster(
  server: TempPostgres,
  extraHandlers: Record<string, unknown> = {},
): Promise<PostgresTestCluster> {
  const dir = tempDir("sentinel-mp-pg").path;
  const recordPath = join(dir, "executions.log");
  const configPath = writeClusterConfig(dir, recordPath, extraHandlers);
  const url = await server.createDatabase();
  // Migrated once up front, so the test's first reads find the schema whichever process starts first.
  await (await openPostgresStore({ url })).close();
  return {
    dir,
    url,
    configPath,
    recordPath,
    env: { SENTINEL_STORE: "postgres", SENTINEL_POSTGRES_URL: url, SENTINEL_CONFIG: configPath },
  };
}

/**
 * GET /health on a fresh connection: the worker's event loop stalls in SQLite's busy waits
 * while the file is locked, so a pooled keep-alive socket may have been closed under us.
 */
export function readHealth(port: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: "/health", agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => {
        try {
          resolve(JSON.parse(body) as Record<string, unknown>);
        } catch {
          reject(new Error(`GET /health answered ${res.statusCode} with ${JSON.stringify(body.slice(0, 200))}`));
        }
      });
    }).on("error", reject);
  });
}

/** A worker configured for the emulator as chaos/backends/github-backend.ts configures them, with `token`. */
export function githubWorkerEnv(url: string, token: string): Record<string, string> {
  const configPath = join(tempDir("sentinel-gh-worker").path, "task-sentinel.config.json");
  writeFileSync(configPath, JSON.stringify({ handlers: { echo: { builtin: "echo" } } }));
  return {
    SENTINEL_CONFIG: configPath,
    SENTINEL_STORE: "github",
    GITHUB_API_URL: url,
    GITHUB_OWNER: OWNER,
    GITHUB_REPO: REPO,
    GITHUB_TOKEN: token,
    SENTINEL_HMAC_SECRET: SECRET,
    SENTINEL_SETTLE_DELAY_MS: "400",
    HEARTBEAT_INTERVAL_MS: "500",
    STALE_WORKER_THRESHOLD_MS: "5000",
    STALE_CHECK_INTERVAL_MS: "1000",
    WORKER_POLL_INTERVAL_MS: "200",
    SENTINEL_GITHUB_SPEND_CHECK: "warn",
    SENTINEL_GITHUB_TUNING: JSON.stringify({
      throttle: { writeMinTimeMs: 0, notificationMinTimeMs: 0, retryBaseMs: 50, retryAfterBaseMs: 100 },
      refreshIntervalMs: 100,
    }),
  };
}
