import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CoordinationStore } from "@sentinel/coordination";
import { findFreePort, waitFor } from "@sentinel/test-support";
import { startTempPostgres, type TempPostgres } from "@sentinel/test-support/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStoreFromEnv } from "../../packages/coordination/src/store/open-store.js";
import { checkInvariants } from "../../packages/coordination/test/multiprocess/invariants.js";
import { buildImage } from "../build-image.js";
import { parseDockerfile } from "./support/dockerfile.js";
import { clusterObjects, KUBERNETES_DIR, type Manifest } from "./support/kustomize.js";
import { type Container, containerEnv, containerOf, find, probePort } from "./support/pod-env.js";
import { httpGet, IMAGE_APP_DIR, type Pod, startPod, tail } from "./support/pods.js";
import { taskInput } from "./support/tasks.js";

/**
 * The Postgres overlay's worker Deployment run as its pods would run: the image's build
 * (deploy/build-image.ts, --worker-only) in a temporary directory standing for /app, the
 * container's command, the image's ENV, the ConfigMap, the Secret holding only
 * SENTINEL_POSTGRES_URL, against a throwaway PostgreSQL server. The pods start before anything
 * else touches the database, so they migrate it with the migrations the image ships (there is
 * no repository above the build directory to fall back on). Changed from the manifests: a free
 * health port per pod, as all pods share this host's network.
 */
const OVERLAY = join(KUBERNETES_DIR, "overlays/postgres");

let workDir: string;
let appDir: string;
let server: TempPostgres;
let secrets: { SENTINEL_POSTGRES_URL: string };
let objects: Manifest[];
let container: Container;
let graceSeconds: number;
let producer: CoordinationStore | null = null;
const pods: Pod[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "sentinel-postgres-pods-"));
  appDir = join(workDir, "app");
  await buildImage({ outDir: appDir, workerOnly: true, log: () => undefined });
  server = await startTempPostgres();
  secrets = { SENTINEL_POSTGRES_URL: await server.createDatabase() };
  objects = clusterObjects(OVERLAY);
  const deployment = find(objects, "Deployment", "task-sentinel-worker");
  container = containerOf(deployment, "worker");
  graceSeconds = (deployment.spec as { template: { spec: { terminationGracePeriodSeconds: number } } }).template.spec
    .terminationGracePeriodSeconds;
}, 60_000);

afterAll(async () => {
  for (const pod of pods)
    if (pod.process.exitCode === null && pod.process.signalCode === null) pod.process.kill("SIGKILL");
  await producer?.close();
  await server?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

async function startWorkerPod(index: number): Promise<Pod> {
  const name = `task-sentinel-worker-5f6d8b7c4-pg${index}`;
  const healthPort = await findFreePort();
  const dataDir = join(workDir, name);
  mkdirSync(dataDir);
  const pod = startPod({
    name,
    command: container.command,
    env: {
      ...parseDockerfile().final.env,
      ...containerEnv(objects, container, { podName: name, nodeName: "node-a", secrets }),
      WORKER_HEALTH_PORT: String(healthPort),
    },
    appDir,
    dataDir,
    logDir: workDir,
    healthPort,
  });
  pods.push(pod);
  return pod;
}

async function probesPass(pod: Pod): Promise<void> {
  for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe]) {
    if (!probe) throw new Error("the worker container lacks a startup, readiness or liveness probe");
    expect(probePort(container, probe)).toBe(8080);
    await waitFor(
      async () => {
        if (pod.process.exitCode !== null) throw new Error(`${pod.name} exited: ${tail(pod)}`);
        return (await httpGet(pod.healthPort, probe.httpGet.path).catch(() => null))?.status === 200;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }
}

async function activeTasks(pod: Pod): Promise<number> {
  return ((await httpGet(pod.healthPort, "/health")).body as { active_tasks: number }).active_tasks;
}

/**
 * The control plane's way into the store (openStoreFromEnv) with its container's environment,
 * the migrations folder it names mapped from /app to the build directory (or replaced).
 */
function openAsControlPlane(migrationsDir?: string): ReturnType<typeof openStoreFromEnv> {
  const controlPlane = containerOf(find(objects, "Deployment", "task-sentinel-control-plane"), "control-plane");
  const env = containerEnv(objects, controlPlane, { podName: "cp", nodeName: "node-a", secrets });
  const named = env.SENTINEL_POSTGRES_MIGRATIONS_DIR ?? "";
  expect(named.startsWith(`${IMAGE_APP_DIR}/`)).toBe(true);
  const inBuild = join(appDir, named.slice(IMAGE_APP_DIR.length));
  return openStoreFromEnv({ env: { ...env, SENTINEL_POSTGRES_MIGRATIONS_DIR: migrationsDir ?? inBuild } });
}

describe("the Postgres overlay's worker Deployment, run as its pods (built image, ConfigMap + Secret, a real Postgres server)", () => {
  it("migrates the database from the image, passes its probes, runs every task once, and drains on SIGTERM", async () => {
    const [first, second] = [await startWorkerPod(1), await startWorkerPod(2)] as [Pod, Pod];
    await Promise.all([probesPass(first), probesPass(second)]);

    // The control plane joins with the migrations folder its manifest names, in the built image.
    const opened = await openAsControlPlane();
    producer = opened.store;
    expect(opened.description).toMatch(/^postgres /);
    const tasks = await Promise.all(
      Array.from({ length: 24 }, (_, i) => opened.store.createTask(taskInput("sleep", { ms: 800 + i }), "pod-test")),
    );
    const ids = tasks.map((t) => t.id);
    await waitFor(async () => (await activeTasks(second)) > 0, { timeoutMs: 30_000, intervalMs: 50 });

    // Scale in: the pod told to stop finishes what it holds and exits 0 within its grace period.
    const sentAt = performance.now();
    second.process.kill("SIGTERM");
    const exit = await second.exited;
    expect(exit.code).toBe(0);
    expect((exit.at - sentAt) / 1000).toBeLessThan(graceSeconds);

    const done = await waitFor(
      async () => {
        const all = await Promise.all(ids.map((id) => opened.store.getTask(id)));
        return all.every((t) => t && ["succeeded", "dead", "cancelled"].includes(t.state)) ? all : null;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(done.map((t) => t?.state)).toEqual(ids.map(() => "succeeded"));
    const report = await checkInvariants(opened.store, ids, null);
    expect(report.tasks.filter((t) => t.attempts > 1)).toEqual([]);
    expect(report.successesByWorker[first.name] ?? 0).toBeGreaterThan(0);
    expect(report.successesByWorker[second.name] ?? 0).toBeGreaterThan(0);

    first.process.kill("SIGTERM");
    expect((await first.exited).code).toBe(0);
  }, 120_000);

  it("the control plane's migrations folder is the one it is told (an empty one is refused)", async () => {
    const empty = join(workDir, "no-migrations");
    mkdirSync(empty);
    await expect(openAsControlPlane(empty)).rejects.toThrow(/_journal\.json|migrations/);
  });
});
