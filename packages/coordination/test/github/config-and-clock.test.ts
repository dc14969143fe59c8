import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fastStoreOptions, startStoreEmulator } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { ConfigError, ValidationError } from "../../src/errors.js";
import { lockMeta, registration, taskInput } from "../../src/store/contract/harness.js";
import { githubStoreOptionsFromEnv, openGithubStore } from "../../src/store/github/index.js";

const PEM = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----";
const APP_ENV = {
  GITHUB_APP_ID: "12",
  GITHUB_APP_PRIVATE_KEY: PEM.replace(/\n/g, "\\n"),
  GITHUB_APP_INSTALLATION_ID: "34",
};

const ENV = {
  GITHUB_TOKEN: "t",
  GITHUB_OWNER: "acme",
  GITHUB_REPO: "tasks",
  SENTINEL_HMAC_SECRET: "0123456789abcdef-secret",
};

describe("GitHub store configuration", () => {
  it("reads the environment and names the variable at fault", () => {
    expect(
      githubStoreOptionsFromEnv({
        ...ENV,
        SENTINEL_ALLOWED_AUTHORS: "bot, alice",
        GITHUB_API_URL: "https://ghe.example/api/v3",
        SENTINEL_TASK_LOG_FLUSH_MS: "5000",
      }),
    ).toMatchObject({
      taskLogFlushMs: 5000,
      token: "t",
      owner: "acme",
      allowedAuthors: ["bot", "alice"],
      baseUrl: "https://ghe.example/api/v3",
    });
    const failures: Array<[Record<string, string>, string]> = [
      [{ ...ENV, GITHUB_TOKEN: "" }, "GITHUB_TOKEN"],
      [{ ...ENV, GITHUB_REPO: " " }, "GITHUB_REPO"],
      [{ ...ENV, SENTINEL_HMAC_SECRET: "short" }, "SENTINEL_HMAC_SECRET"],
      [{ ...ENV, GITHUB_API_URL: "not a url" }, "GITHUB_API_URL"],
      [{ ...ENV, SENTINEL_ALLOWED_AUTHORS: " , " }, "SENTINEL_ALLOWED_AUTHORS"],
      [{ ...ENV, SENTINEL_SETTLE_DELAY_MS: "soon" }, "SENTINEL_SETTLE_DELAY_MS"],
      [{ ...ENV, SENTINEL_TASK_LOG_FLUSH_MS: "50" }, "SENTINEL_TASK_LOG_FLUSH_MS"],
      [{ ...ENV, SENTINEL_TASK_LOG_FLUSH_MS: "often" }, "SENTINEL_TASK_LOG_FLUSH_MS"],
      [{ ...ENV, GITHUB_TOKEN: "", GITHUB_APP_ID: "12" }, "GITHUB_APP_PRIVATE_KEY"],
      [{ ...ENV, ...APP_ENV, GITHUB_APP_ID: "twelve" }, "GITHUB_APP_ID"],
      [{ ...ENV, ...APP_ENV, GITHUB_APP_INSTALLATION_ID: "" }, "GITHUB_APP_INSTALLATION_ID"],
      [
        { ...ENV, GITHUB_APP_ID: "12", GITHUB_APP_PRIVATE_KEY_FILE: "/nonexistent/key.pem" },
        "GITHUB_APP_PRIVATE_KEY_FILE",
      ],
    ];
    for (const [env, key] of failures) {
      let caught: unknown;
      try {
        githubStoreOptionsFromEnv(env);
      } catch (error) {
        caught = error;
      }
      expect(caught, key).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).key).toBe(key);
    }
  });

  it("reads GitHub App credentials (key inline with \\n escapes, or from a file) and the login", () => {
    const dir = mkdtempSync(join(tmpdir(), "sentinel-app-key-"));
    const file = join(dir, "key.pem");
    writeFileSync(file, PEM);
    const app = { appId: 12, privateKey: PEM, installationId: 34 };
    expect(githubStoreOptionsFromEnv({ ...ENV, GITHUB_TOKEN: "", ...APP_ENV })).toMatchObject({ app });
    const { GITHUB_APP_PRIVATE_KEY: _inline, ...withoutKey } = APP_ENV;
    const fromFile = githubStoreOptionsFromEnv({ ...ENV, ...withoutKey, GITHUB_APP_PRIVATE_KEY_FILE: file });
    expect(fromFile).toMatchObject({ app });
    expect(fromFile.token).toBeUndefined();
    expect(githubStoreOptionsFromEnv({ ...ENV, SENTINEL_LOGIN: "my-app[bot]" }).login).toBe("my-app[bot]");
    expect(githubStoreOptionsFromEnv({ ...ENV, GITHUB_ACTIONS: "true" }).integrationLogin).toBe("github-actions[bot]");
  });

  it("rejects bad options naming the field", async () => {
    await expect(
      openGithubStore({
        ...ENV,
        token: "t",
        owner: "acme",
        repo: "tasks",
        hmacSecret: "0123456789abcdef",
        settleDelayMs: -1,
      }),
    ).rejects.toMatchObject({
      constructor: ValidationError,
      field: "settleDelayMs",
    });
  });
});

describe("GitHub store clock", () => {
  it("follows the server's clock, not the local one: a server 10 minutes ahead changes nothing", async () => {
    const emulator = await startStoreEmulator({ clock: { offsetMs: 10 * 60_000 } });
    try {
      const store = await openGithubStore(fastStoreOptions(emulator, "bot-token"));
      const now = await store.now();
      expect(Math.abs(now - emulator.clock.now())).toBeLessThan(250);
      expect(now - Date.now()).toBeGreaterThan(9 * 60_000);
      const worker = await store.registerWorker(registration("w-a", { leaseMs: 5000, heartbeatIntervalMs: 1000 }));
      expect(Math.abs(worker.lastHeartbeatAt - emulator.clock.now())).toBeLessThan(1000);
      const task = await store.createTask(taskInput(), "operator:test");
      const lock = await store.acquireLock({ taskId: task.id, ownerId: "w-a", ttlMs: 2000, metadata: lockMeta() });
      expect(lock.acquired).toBe(true);
      expect(await store.getLock(task.id)).not.toBeNull();
      await store.close();
    } finally {
      await emulator.close();
    }
  });
});
