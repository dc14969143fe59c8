/**
 * What the Actions worker pool costs on the GITHUB_TOKEN's primary budget, measured over the
 * GitHub emulator with the workflow's own settings (its `env`, its matrix): requests GitHub
 * would charge (200 reads and writes; 304s are free) to start the pool, per minute while it
 * idles, and to drain it. docs/deploy.md's budget figure comes from this, run by hand:
 *
 *   node --import tsx deploy/measure-actions-budget.ts [idle-minutes]
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "@sentinel/github-emulator";
import { findFreePort } from "@sentinel/test-support";
import { countsOf } from "../bench/github/emulated-github.js";
import { buildImage } from "./build-image.js";
import { httpGet, startPod } from "./test/support/pods.js";
import { jobEnv, readWorkflow } from "./test/support/workflow.js";

const idleMinutes = Number(process.argv[2] ?? "5");
const TOKEN = "actions-job-token";
const { job } = readWorkflow();
const workDir = mkdtempSync(join(tmpdir(), "sentinel-actions-budget-"));
const appDir = join(workDir, "app");
await buildImage({ outDir: appDir, workerOnly: true, log: () => undefined });
const emulator = await startEmulator({
  users: [{ login: "github-actions[bot]", token: TOKEN, integration: true }],
  repos: ["acme/tasks"],
  secondaryRateLimit: false,
});
const charged = () => {
  const c = countsOf(emulator.stats());
  return c.reads + c.writes;
};
try {
  const pods = await Promise.all(
    job.strategy.matrix.worker.map(async (n) => {
      const healthPort = await findFreePort();
      const dataDir = join(workDir, `data-${n}`);
      mkdirSync(dataDir);
      const context: Record<string, string> = {
        "github.token": TOKEN,
        "github.repository_owner": "acme",
        "github.event.repository.name": "tasks",
        "secrets.SENTINEL_HMAC_SECRET": "budget-measure-hmac-secret",
        "secrets.SENTINEL_TASK_AUTHORS": "",
        "github.run_id": "1",
        "github.run_attempt": "1",
        "matrix.worker": String(n),
      };
      const env: Record<string, string> = {
        ...jobEnv(job, context),
        GITHUB_API_URL: emulator.url,
        WORKER_HEALTH_PORT: String(healthPort),
      };
      delete env.WORKER_EXIT_WHEN_IDLE_SECONDS;
      return startPod({
        name: `w${n}`,
        command: ["node", "/app/worker.mjs"],
        env,
        appDir,
        dataDir,
        logDir: workDir,
        healthPort,
      });
    }),
  );
  for (const pod of pods)
    for (;;) {
      if ((await httpGet(pod.healthPort, "/health").catch(() => null))?.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  const startup = charged();
  emulator.resetStats();
  await new Promise((resolve) => setTimeout(resolve, idleMinutes * 60_000));
  const idle = charged();
  const idleCounts = countsOf(emulator.stats());
  emulator.resetStats();
  for (const pod of pods) pod.process.kill("SIGTERM");
  await Promise.all(pods.map((pod) => pod.exited));
  const drain = charged();
  const workers = pods.length;
  const perWorkerHour = (idle / workers) * (60 / idleMinutes);
  process.stdout.write(
    `${JSON.stringify(
      {
        workers,
        idleMinutes,
        startupPerWorker: startup / workers,
        idlePerWorkerHour: perWorkerHour,
        idleBreakdown: idleCounts,
        drainPerWorker: drain / workers,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await emulator.close();
  rmSync(workDir, { recursive: true, force: true });
}
