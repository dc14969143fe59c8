import { tempDir, waitFor } from "@sentinel/test-support";
import { closedAfterEach, OWNER, REPO, SECRET, TOKENS } from "@sentinel/test-support/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { effectiveGraceMs } from "../../src/balancer/grace.js";
import { loadWorkerConfig } from "../../src/config/load-worker-config.js";
import { createLogger } from "../../src/observability/logger.js";
import { createWorker, type Worker } from "../../src/runtime/create-worker.js";
import { registration, taskInput } from "../../src/store/contract/harness.js";
import type { GithubStore } from "../../src/store/github/index.js";

/**
 * Idle workers on one token over an emulator with GitHub's read lag (1 s ± ¼), stores at
 * production timings (settle delay, mirror refresh, write spacing), tasks from a producer on
 * its own token: the scenario of `pnpm demo:github`, in one process.
 */
const opened = closedAfterEach();
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.abort("test over")));
});

const COMMENT_POST = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const COMMENT_DELETE = "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}";
const DEFAULT_GRACE_MS = 2000;

async function cluster(workerIds: string[]) {
  const emulator = await opened.emulator({ faults: { readLagMs: 1000, readLagJitterMs: 250 } });
  const open = (token: string) =>
    opened.store({
      token,
      owner: OWNER,
      repo: REPO,
      baseUrl: emulator.url,
      hmacSecret: SECRET,
      allowedAuthors: ["sentinel-bot", "bob"],
    });
  const producer: GithubStore = await open(TOKENS.bob);
  const dir = tempDir("sentinel-claim-race");
  for (const id of workerIds) {
    const store = await open(TOKENS.bot);
    const config = loadWorkerConfig({ cwd: dir.path, env: { WORKER_ID: id, WORKER_HEALTH_PORT: "0" } });
    const logger = createLogger({ level: "silent", component: "worker", workerId: id });
    const worker = createWorker({ config, store, logger });
    workers.push(worker);
    await worker.start();
  }
  return { emulator, producer };
}

async function succeeded(producer: GithubStore, taskId: string) {
  return waitFor(
    async () => {
      const task = await producer.getTask(taskId);
      return task?.state === "succeeded" ? task : null;
    },
    { timeoutMs: 30_000, intervalMs: 500, what: `task ${taskId} succeeded` },
  );
}

describe("idle workers sharing one token on a lagging GitHub", () => {
  it("post one claim comment per task, not one per worker", async () => {
    const { emulator, producer } = await cluster(["w-0", "w-1", "w-2"]);
    emulator.resetStats();
    const TASKS = 5;
    for (let i = 0; i < TASKS; i++) {
      const task = await producer.createTask(taskInput({ type: "echo", params: { i } }), "test");
      await succeeded(producer, task.id);
    }
    const { byRoute } = emulator.stats();
    const total = (route: string) => Object.values(byRoute[route] ?? {}).reduce((a, b) => a + b, 0);
    // The only comments posted are claims (an echo ends long before its first log flush); a
    // losing claim is deleted. Before the grace covered the store's lag: 13 posts, 8 deletes.
    expect(total(COMMENT_POST) / TASKS).toBeLessThanOrEqual(1.5);
    expect(total(COMMENT_DELETE)).toBeLessThanOrEqual(Math.floor(TASKS / 2));
  }, 120_000);

  it("a task whose assignee never claims it is taken by another once the grace has passed", async () => {
    const { producer } = await cluster(["w-z"]);
    // w-a has a live lease and room, and sorts first: the shared strategy gives it every task.
    await producer.registerWorker(registration("w-a", { supportedTaskTypes: ["echo"] }));
    const task = await producer.createTask(taskInput({ type: "echo" }), "test");
    const done = await succeeded(producer, task.id);
    expect(done.workerId).toBe("w-z");
    const grace = effectiveGraceMs(DEFAULT_GRACE_MS, producer.claimVisibilityMs);
    expect(done.startedAt).not.toBeNull();
    expect((done.startedAt ?? 0) - done.runAt).toBeGreaterThan(grace);
  }, 60_000);
});
