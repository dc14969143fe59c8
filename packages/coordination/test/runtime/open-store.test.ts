import { join } from "node:path";
import type { Emulator } from "@sentinel/github-emulator";
import { tempDir, waitFor } from "@sentinel/test-support";
import { startStoreEmulator } from "@sentinel/test-support/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run-cli.js";
import { describePostgresUrl, loadWorkerConfig } from "../../src/config/load-worker-config.js";
import { ConfigError } from "../../src/errors.js";
import { createWorker } from "../../src/runtime/create-worker.js";
import { openStoreFromConfig, openStoreFromEnv, storeConfigFromEnv } from "../../src/store/open-store.js";
import { silentLog } from "./fixtures.js";

const SECRET = "open-store-test-secret-0123456789";
const FAST = JSON.stringify({
  throttle: { writeMinTimeMs: 0, notificationMinTimeMs: 0, retryBaseMs: 5, retryAfterBaseMs: 5 },
  refreshIntervalMs: 0,
  batchWindowMs: 5,
  eventVisibilityMarginMs: 0,
});

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startStoreEmulator();
});
afterAll(() => emulator.close());

function githubEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    SENTINEL_STORE: "github",
    GITHUB_TOKEN: "bot-token",
    GITHUB_OWNER: "acme",
    GITHUB_REPO: "tasks",
    GITHUB_API_URL: emulator.url,
    SENTINEL_HMAC_SECRET: SECRET,
    SENTINEL_SETTLE_DELAY_MS: "30",
    SENTINEL_GITHUB_TUNING: FAST,
    ...overrides,
  };
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (thrown) {
    if (thrown instanceof ConfigError) return thrown;
    throw thrown;
  }
  throw new Error("expected a ConfigError");
}

async function asyncConfigError(promise: Promise<unknown>): Promise<ConfigError> {
  const thrown = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  if (thrown instanceof ConfigError) return thrown;
  throw new Error(`expected a ConfigError, got ${String(thrown)}`);
}

describe("store selection from the environment (control plane)", () => {
  it("picks SQLite by default, GitHub when the GITHUB_* trio is set or SENTINEL_STORE says so", () => {
    expect(storeConfigFromEnv({})).toEqual({ backend: "sqlite", sqlitePath: null });
    expect(storeConfigFromEnv({ SENTINEL_SQLITE_PATH: "/tmp/x.db" })).toEqual({
      backend: "sqlite",
      sqlitePath: "/tmp/x.db",
    });
    const implicit = storeConfigFromEnv({
      GITHUB_TOKEN: "t",
      GITHUB_OWNER: "o",
      GITHUB_REPO: "r",
      SENTINEL_HMAC_SECRET: SECRET,
    });
    expect(implicit).toMatchObject({ backend: "github", owner: "o", repo: "r" });
    expect(
      storeConfigFromEnv({ SENTINEL_STORE: "sqlite", GITHUB_TOKEN: "t", GITHUB_OWNER: "o", GITHUB_REPO: "r" }).backend,
    ).toBe("sqlite");
  });

  it("names the variable at fault", () => {
    expect(configError(() => storeConfigFromEnv({ SENTINEL_STORE: "mysql" })).key).toBe("SENTINEL_STORE");
    expect(configError(() => storeConfigFromEnv({ SENTINEL_STORE: "github" })).key).toBe("GITHUB_TOKEN");
    expect(
      configError(() => storeConfigFromEnv({ SENTINEL_STORE: "github", GITHUB_TOKEN: "t", GITHUB_OWNER: "o" })).key,
    ).toBe("GITHUB_REPO");
    expect(
      configError(() =>
        storeConfigFromEnv({
          SENTINEL_STORE: "github",
          GITHUB_TOKEN: "t",
          GITHUB_OWNER: "o",
          GITHUB_REPO: "r",
          SENTINEL_HMAC_SECRET: "short",
        }),
      ).key,
    ).toBe("SENTINEL_HMAC_SECRET");
  });

  it("picks Postgres from SENTINEL_POSTGRES_URL or a postgres:// DATABASE_URL, never naming the password", () => {
    const url = "postgres://sentinel:s3cret@db.internal:5432/tasks";
    expect(storeConfigFromEnv({ SENTINEL_POSTGRES_URL: url })).toEqual({ backend: "postgres", url });
    expect(storeConfigFromEnv({ DATABASE_URL: url })).toEqual({ backend: "postgres", url });
    // A DATABASE_URL meant for another database does not select Postgres.
    expect(storeConfigFromEnv({ DATABASE_URL: "mysql://u:p@h/db" })).toEqual({ backend: "sqlite", sqlitePath: null });
    // The GitHub trio keeps its precedence; SENTINEL_STORE decides when both are set.
    expect(
      storeConfigFromEnv({ SENTINEL_STORE: "postgres", SENTINEL_POSTGRES_URL: url, DATABASE_URL: "x" }).backend,
    ).toBe("postgres");
    expect(configError(() => storeConfigFromEnv({ SENTINEL_STORE: "postgres" })).key).toBe("SENTINEL_POSTGRES_URL");
    const wrongScheme = configError(() =>
      storeConfigFromEnv({ SENTINEL_STORE: "postgres", SENTINEL_POSTGRES_URL: "mysql://u:s3cret@h/db" }),
    );
    expect(wrongScheme.key).toBe("SENTINEL_POSTGRES_URL");
    expect(wrongScheme.message).not.toContain("s3cret");
    expect(describePostgresUrl(url)).toBe("sentinel@db.internal:5432/tasks");
  });

  it("the worker config selects Postgres the same way, with the URL only from the environment", () => {
    const dir = tempDir("open-store-pg");
    try {
      const url = "postgresql://w@127.0.0.1:5999/fleet";
      expect(loadWorkerConfig({ env: { SENTINEL_POSTGRES_URL: url }, cwd: dir.path, argv: [] }).store).toEqual({
        backend: "postgres",
        url,
      });
      const missing = configError(() =>
        loadWorkerConfig({ env: { SENTINEL_STORE: "postgres" }, cwd: dir.path, argv: [] }),
      );
      expect(missing.key).toBe("SENTINEL_POSTGRES_URL");
    } finally {
      dir.remove();
    }
  });

  it("opens the GitHub store over HTTP as the token's login, and SQLite at the given path", async () => {
    const github = await openStoreFromEnv({ env: githubEnv() });
    expect(github.store.backend).toBe("github");
    expect(github.description).toBe(`github acme/tasks at ${emulator.url} as sentinel-bot`);
    await github.store.close();
    const path = join(tempDir("sentinel-runtime").path, "s.db");
    const sqlite = await openStoreFromEnv({ env: { SENTINEL_SQLITE_PATH: path } });
    expect(sqlite.store.backend).toBe("sqlite");
    expect(sqlite.description).toBe(`sqlite ${path}`);
    await sqlite.store.close();
  });
});

describe("store selection from the worker config", () => {
  it("refuses bad GitHub settings naming the key: secret, settle delay, tuning, authors", async () => {
    const config = (env: NodeJS.ProcessEnv) => loadWorkerConfig({ env, cwd: tempDir("sentinel-runtime").path }).store;
    expect((await asyncConfigError(openStoreFromConfig(config(githubEnv({ SENTINEL_HMAC_SECRET: "" }))))).key).toBe(
      "SENTINEL_HMAC_SECRET",
    );
    const env = (overrides: NodeJS.ProcessEnv) => githubEnv(overrides);
    expect(
      (await asyncConfigError(openStoreFromConfig(config(env({})), { env: env({ SENTINEL_SETTLE_DELAY_MS: "soon" }) })))
        .key,
    ).toBe("SENTINEL_SETTLE_DELAY_MS");
    expect(
      (
        await asyncConfigError(
          openStoreFromConfig(config(env({})), { env: env({ SENTINEL_GITHUB_TUNING: "{not json" }) }),
        )
      ).key,
    ).toBe("SENTINEL_GITHUB_TUNING");
    const unknownKey = await asyncConfigError(
      openStoreFromConfig(config(env({})), { env: env({ SENTINEL_GITHUB_TUNING: '{"token":"x"}' }) }),
    );
    expect(unknownKey.key).toBe("SENTINEL_GITHUB_TUNING");
    expect(
      (await asyncConfigError(openStoreFromConfig(config(env({})), { env: env({ SENTINEL_ALLOWED_AUTHORS: " , " }) })))
        .key,
    ).toBe("SENTINEL_ALLOWED_AUTHORS");
  });

  it("a worker selected by SENTINEL_STORE=github runs a task created through the CLI, which reads the same repository", async () => {
    const env = githubEnv({
      WORKER_ID: "gh-open-store-w1",
      HEARTBEAT_INTERVAL_MS: "200",
      STALE_WORKER_THRESHOLD_MS: "3000",
      WORKER_POLL_INTERVAL_MS: "50",
    });
    const cwd = tempDir("sentinel-runtime").path;
    const out: string[] = [];
    const cli = (...args: string[]) =>
      runCli([...args, "--json"], { env, cwd, out: (t) => out.push(t), err: (t) => out.push(t) });

    expect(await cli("task", "create", "echo", "--params", '{"message":"over github"}')).toBe(0);
    const created = JSON.parse(out.pop() as string) as { id: string; state: string };
    expect(created.state).toBe("queued");

    const worker = createWorker({ config: loadWorkerConfig({ env, cwd }), env, cwd, logger: silentLog });
    await worker.start();
    try {
      const done = await waitFor(
        async () => {
          expect(await cli("task", "show", created.id)).toBe(0);
          const task = JSON.parse(out.pop() as string) as { state: string; workerId: string | null };
          return task.state === "succeeded" ? task : null;
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      expect(done.workerId).toBe("gh-open-store-w1");
      expect(await cli("workers")).toBe(0);
      const workers = JSON.parse(out.pop() as string) as Array<{ id: string; state: string }>;
      expect(workers.find((w) => w.id === "gh-open-store-w1")?.state).toMatch(/ACTIVE|BUSY/);
    } finally {
      await worker.stop();
    }
  });
});
