import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "@sentinel/coordination/sqlite";
import { findFreePort, waitFor } from "@sentinel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage } from "../build-image.js";
import { parseDockerfile } from "./support/dockerfile.js";
import { httpGet, startPod, tail } from "./support/pods.js";
import { taskInput } from "./support/tasks.js";

/**
 * The worker half of the image: deploy/build-image.ts into a temporary /app, then the
 * Dockerfile's default command with the image's ENV — the "single worker" deployment
 * (embedded SQLite under /data, here a temporary directory).
 */
let workDir: string;
let appDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "sentinel-image-"));
  appDir = join(workDir, "app");
  await buildImage({ outDir: appDir, workerOnly: true, log: () => undefined });
}, 60_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("the image build (deploy/build-image.ts, run by the Dockerfile)", () => {
  it("is what the Dockerfile runs, into the directory its runtime stage copies and runs from", () => {
    const { runs, final } = parseDockerfile();
    expect(runs).toContain("node --import tsx deploy/build-image.ts /app");
    expect(final.cmd).toEqual(["node", "/app/worker.mjs"]);
    expect(final.user).toBe("node");
    expect(final.env.SENTINEL_DATA_DIR).toBe("/data");
  });

  it("ships the worker bundle, the stores' migrations and only the native module it cannot bundle", () => {
    expect(existsSync(join(appDir, "worker.mjs"))).toBe(true);
    // Beside the bundle, where the bundled command handler looks for it.
    expect(existsSync(join(appDir, "group-reaper.mjs"))).toBe(true);
    expect(readdirSync(join(appDir, "node_modules")).sort()).toEqual([
      "better-sqlite3",
      "bindings",
      "file-uri-to-path",
    ]);
    expect(existsSync(join(appDir, "node_modules/better-sqlite3/build/Release/better_sqlite3.node"))).toBe(true);
    // Each store's migrations beside the bundle, where the bundled store looks for them (the
    // Postgres client itself is plain JavaScript, inside worker.mjs: postgres-pod-spec.test.ts runs it).
    for (const store of ["store", "postgres"])
      expect(existsSync(join(appDir, "drizzle", store, "meta/_journal.json")), `drizzle/${store}`).toBe(true);
  });

  it("runs as a single worker on the embedded store: healthy, runs a task, drains on SIGTERM", async () => {
    const { final } = parseDockerfile();
    const dataDir = join(workDir, "data");
    mkdirSync(dataDir);
    const healthPort = await findFreePort();
    const pod = startPod({
      name: "single-worker",
      command: final.cmd,
      env: { ...final.env, WORKER_HEALTH_PORT: String(healthPort), WORKER_HEALTH_HOST: "127.0.0.1", LOG_LEVEL: "warn" },
      appDir,
      dataDir,
      logDir: workDir,
      healthPort,
    });
    try {
      await waitFor(
        async () => {
          if (pod.process.exitCode !== null) throw new Error(`worker exited: ${tail(pod)}`);
          return (await httpGet(healthPort, "/health").catch(() => null))?.status === 200;
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      const store = openSqliteStore({ path: join(dataDir, "sentinel.db") });
      try {
        const task = await store.createTask(taskInput("echo", { from: "image" }, 1), "image-test");
        const done = await waitFor(async () => {
          const t = await store.getTask(task.id);
          return t?.state === "succeeded" ? t : null;
        });
        expect(done).toMatchObject({ result: { from: "image" } });
      } finally {
        await store.close();
      }
      pod.process.kill("SIGTERM");
      expect((await pod.exited).code).toBe(0);
    } finally {
      if (pod.process.exitCode === null) pod.process.kill("SIGKILL");
    }
  });
});
