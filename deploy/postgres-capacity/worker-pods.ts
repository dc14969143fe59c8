import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { openPostgresStore } from "@sentinel/coordination/postgres";
import { findFreePort, waitFor } from "@sentinel/test-support";
import { parseDockerfile } from "../test/support/dockerfile.js";
import { clusterObjects, KUBERNETES_DIR } from "../test/support/kustomize.js";
import { containerEnv, containerOf, find } from "../test/support/pod-env.js";
import { type Pod, startPod } from "../test/support/pods.js";
import { taskInput } from "../test/support/tasks.js";
import { monitorDatabase } from "./database-monitor.js";
import { pgClient } from "./pg-client.js";

export interface DrainRun {
  tasksPerSecond: number;
  /** Write transactions while the pods ran (registrations, claims, completions, heartbeats, deregistrations), per task. */
  writesPerTask: number;
  /** The most connections the pods held at once: their pools, and their LISTEN connections. */
  peakPool: number;
  peakListen: number;
  /** How fast one process with 8 concurrent loops created the backlog (one write each). */
  createdPerSecond: number;
}

/**
 * `pods` pods of the Postgres overlay's worker Deployment — the built image at `appDir`, the
 * container's command and the image's ENV, ConfigMap and Secret — drain `backlog` noop tasks
 * created beforehand on the database at `url`. Only the health port differs (one per pod).
 */
export async function drainWithPods(
  url: string,
  opts: { appDir: string; workDir: string; pods: number; backlog: number },
): Promise<DrainRun> {
  const producer = await openPostgresStore({ url });
  const createdAt = performance.now();
  let toCreate = opts.backlog;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (toCreate > 0) {
        toCreate -= 1;
        await producer.createTask(taskInput("noop", {}, 1), "measure");
      }
    }),
  );
  const createdPerSecond = opts.backlog / ((performance.now() - createdAt) / 1000);
  await producer.close();

  const objects = clusterObjects(join(KUBERNETES_DIR, "overlays/postgres"));
  const container = containerOf(find(objects, "Deployment", "task-sentinel-worker"), "worker");
  const monitor = await monitorDatabase(url);
  const pods = await Promise.all(
    Array.from({ length: opts.pods }, async (_, i) => {
      // Named after the run's database, so every run's pods (and log files) are its own.
      const name = `task-sentinel-worker-${new URL(url).pathname.slice(1)}-${i}`;
      const healthPort = await findFreePort();
      const dataDir = join(opts.workDir, name);
      mkdirSync(dataDir);
      const secrets = { SENTINEL_POSTGRES_URL: url };
      return startPod({
        name,
        command: container.command,
        env: {
          ...parseDockerfile().final.env,
          ...containerEnv(objects, container, { podName: name, nodeName: "node-a", secrets }),
          WORKER_HEALTH_PORT: String(healthPort),
        },
        appDir: opts.appDir,
        dataDir,
        logDir: opts.workDir,
        healthPort,
      });
    }),
  );
  let seconds: number;
  try {
    seconds = await drainSeconds(url, pods);
  } finally {
    for (const pod of pods) pod.process.kill("SIGTERM");
    await Promise.all(pods.map((pod) => pod.exited));
  }
  const peaks = monitor.peakConnections();
  const { writeTransactions } = await monitor.stop();
  return {
    tasksPerSecond: opts.backlog / seconds,
    writesPerTask: writeTransactions / opts.backlog,
    peakPool: peaks["task-sentinel"] ?? 0,
    peakListen: peaks["task-sentinel-listen"] ?? 0,
    createdPerSecond,
  };
}

/** Waits until every task has succeeded; the span from the first start to the last finish, by the server's clock. */
async function drainSeconds(url: string, pods: Pod[]): Promise<number> {
  const client = pgClient(url, "measure-drain");
  await client.connect();
  try {
    await waitFor(
      async () => {
        const dead = pods.find((p) => p.process.exitCode !== null);
        if (dead) throw new Error(`${dead.name} exited early (see ${dead.logFile})`);
        const { rows } = await client.query<{ open: number }>(
          "SELECT count(*)::int AS open FROM tasks WHERE state <> 'succeeded'",
        );
        return rows[0]?.open === 0;
      },
      { timeoutMs: 600_000, intervalMs: 200 },
    );
    const { rows } = await client.query<{ span: string }>(
      "SELECT (max(finished_at) - min(started_at))::text AS span FROM tasks",
    );
    return Number(rows[0]?.span) / 1000;
  } finally {
    await client.end();
  }
}
