import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Task } from "@sentinel/coordination";
import type { GithubStore } from "@sentinel/coordination/github";
import { type Emulator, startEmulator } from "@sentinel/github-emulator";
import { findFreePort, waitFor } from "@sentinel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_GITHUB_ENV } from "../../e2e/support/stack-env.js";
import { checkInvariants } from "../../packages/coordination/test/multiprocess/invariants.js";
import { buildImage } from "../build-image.js";
import { parseDockerfile } from "./support/dockerfile.js";
import { clusterObjects, KUBERNETES_DIR, type Manifest } from "./support/kustomize.js";
import { type Container, containerEnv, containerOf, find, probePort } from "./support/pod-env.js";
import { httpGet, type Pod, startPod, tail } from "./support/pods.js";
import { openProducer } from "./support/producer.js";
import { taskInput } from "./support/tasks.js";

/**
 * The worker Deployment of the example overlay, run as its pods would run: the image's build
 * (deploy/build-image.ts) in a temporary directory standing for /app, the container's
 * command, the image's ENV, then the ConfigMap and Secret and the pod's own fields, against
 * the GitHub emulator holding the overlay's repository. What differs from a cluster, and why:
 * - GITHUB_API_URL: the emulator instead of api.github.com;
 * - WORKER_HEALTH_PORT: a free port per pod, as all pods share this host's network;
 * - heartbeat 0.5 s / lease 4 s instead of 30 s / 120 s, so recovering a killed pod takes
 *   seconds, not minutes;
 * - SENTINEL_GITHUB_TUNING: the e2e suite's, with the GitHub client's write spacing and budget
 *   off (this emulator enforces no secondary limit; the real budget is docs/deploy.md's
 *   capacity model), and SENTINEL_GITHUB_SPEND_CHECK=warn: the start-up spend check rightly
 *   refuses 0.5 s heartbeats on a real token's 5,000 requests/hour.
 * Not tested here: the container user (no container runtime on this machine).
 */
const OVERLAY = join(KUBERNETES_DIR, "overlays/example");
const BOT = { login: "sentinel-bot", token: "pod-spec-bot-token" };
const SECRETS = { GITHUB_TOKEN: BOT.token, SENTINEL_HMAC_SECRET: "pod-spec-hmac-secret-0123456789" };
const FAST_CLUSTER = {
  HEARTBEAT_INTERVAL_MS: "500",
  STALE_WORKER_THRESHOLD_MS: "4000",
  STALE_CHECK_INTERVAL_MS: "500",
  SENTINEL_GITHUB_TUNING: E2E_GITHUB_ENV.SENTINEL_GITHUB_TUNING,
  SENTINEL_GITHUB_SPEND_CHECK: E2E_GITHUB_ENV.SENTINEL_GITHUB_SPEND_CHECK,
};

let workDir: string;
let appDir: string;
let emulator: Emulator;
let producer: GithubStore;
let objects: Manifest[];
let container: Container;
let imageEnv: Record<string, string>;
let graceSeconds: number;
const pods: Pod[] = [];
let podCounter = 0;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "sentinel-pod-spec-"));
  appDir = join(workDir, "app");
  await buildImage({ outDir: appDir, workerOnly: true, log: () => undefined });
  objects = clusterObjects(OVERLAY);
  const deployment = find(objects, "Deployment", "task-sentinel-worker");
  container = containerOf(deployment, "worker");
  graceSeconds = (deployment.spec as { template: { spec: { terminationGracePeriodSeconds: number } } }).template.spec
    .terminationGracePeriodSeconds;
  imageEnv = parseDockerfile().final.env;
  const config = find(objects, "ConfigMap", "task-sentinel-config").data as Record<string, string>;
  emulator = await startEmulator({
    users: [BOT],
    repos: [`${config.GITHUB_OWNER}/${config.GITHUB_REPO}`],
    secondaryRateLimit: false,
  });
  producer = await openProducer(emulator, {
    token: BOT.token,
    owner: config.GITHUB_OWNER as string,
    repo: config.GITHUB_REPO as string,
    hmacSecret: SECRETS.SENTINEL_HMAC_SECRET,
  });
}, 60_000);

afterAll(async () => {
  for (const pod of pods)
    if (pod.process.exitCode === null && pod.process.signalCode === null) pod.process.kill("SIGKILL");
  await producer?.close();
  await emulator?.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** A new pod of the Deployment: a ReplicaSet-style name, the image's ENV, then the pod spec's environment. */
async function startWorkerPod(): Promise<Pod> {
  podCounter += 1;
  const name = `task-sentinel-worker-6d5f7c9b8-p${podCounter}`;
  const healthPort = await findFreePort();
  const specEnv = containerEnv(objects, container, { podName: name, nodeName: "node-a", secrets: SECRETS });
  const dataDir = join(workDir, name);
  mkdirSync(dataDir, { recursive: true });
  const pod = startPod({
    name,
    command: container.command,
    env: {
      ...imageEnv,
      ...specEnv,
      ...FAST_CLUSTER,
      GITHUB_API_URL: emulator.url,
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

/** Both probes as the kubelet sends them (path and port from the manifest); resolves once both answer 200. */
async function probesPass(pod: Pod): Promise<void> {
  for (const probe of [container.readinessProbe, container.livenessProbe]) {
    if (!probe) throw new Error("the worker container has no readiness or liveness probe");
    expect(probePort(container, probe)).toBe(Number(imageEnv.WORKER_HEALTH_PORT));
    await waitFor(
      async () => {
        if (pod.process.exitCode !== null) throw new Error(`${pod.name} exited: ${tail(pod)}`);
        const answer = await httpGet(pod.healthPort, probe.httpGet.path).catch(() => null);
        return answer?.status === 200;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }
}

async function activeTasks(pod: Pod): Promise<number> {
  const answer = await httpGet(pod.healthPort, "/health");
  return (answer.body as { active_tasks: number }).active_tasks;
}

/** SIGTERM as the kubelet sends it; resolves with the time to exit and the exit code. */
async function terminate(pod: Pod): Promise<{ seconds: number; code: number | null }> {
  const sentAt = performance.now();
  pod.process.kill("SIGTERM");
  const exit = await pod.exited;
  return { seconds: (exit.at - sentAt) / 1000, code: exit.code };
}

function createSleepTasks(count: number, ms: number): Promise<Task[]> {
  return Promise.all(
    Array.from({ length: count }, () => producer.createTask(taskInput("sleep", { ms }), "pod-spec-test")),
  );
}

describe("the worker Deployment, run as its pods (built image, container command, ConfigMap + Secret, GitHub emulator)", () => {
  it("passes its probes, scales 3 → 1 → 3 with SIGTERM (drain) and a SIGKILL (recovery), and every task succeeds as fencing allows", async () => {
    const ids: string[] = [];
    const first = await Promise.all([startWorkerPod(), startWorkerPod(), startWorkerPod()]);
    await Promise.all(first.map(probesPass));
    const [keep, stopA, stopB] = first as [Pod, Pod, Pod];

    // Scale in 3 → 1 while both leaving pods hold tasks: they drain, finish them, exit 0.
    const wave1 = await createSleepTasks(18, 2500);
    ids.push(...wave1.map((t) => t.id));
    await waitFor(async () => (await activeTasks(stopA)) > 0 && (await activeTasks(stopB)) > 0, {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const [exitA, exitB] = await Promise.all([
      terminate(stopA),
      (async () => {
        const exit = terminate(stopB);
        // A draining pod stays live and ready for its probes, so the kubelet lets it finish.
        const path = container.livenessProbe?.httpGet.path ?? "/health";
        await waitFor(
          async () => {
            const probe = await httpGet(stopB.healthPort, path);
            expect(probe.status).toBe(200);
            return (probe.body as { status: string }).status === "draining";
          },
          { timeoutMs: 5000, intervalMs: 20 },
        );
        return exit;
      })(),
    ]);
    for (const exit of [exitA, exitB]) {
      expect(exit.code).toBe(0);
      expect(exit.seconds).toBeLessThan(graceSeconds);
    }

    // One pod left: it takes the next wave alone.
    const wave2 = await createSleepTasks(8, 200);
    ids.push(...wave2.map((t) => t.id));

    // Scale out 1 → 3, then one new pod dies without draining (the kubelet's SIGKILL after the
    // grace period, or a node loss): the others recover its tasks once its lease runs out.
    const added = await Promise.all([startWorkerPod(), startWorkerPod()]);
    await Promise.all(added.map(probesPass));
    const [victim, survivor] = added as [Pod, Pod];
    const wave3 = await createSleepTasks(18, 2000);
    ids.push(...wave3.map((t) => t.id));
    await waitFor(async () => (await activeTasks(victim)) > 0, { timeoutMs: 30_000, intervalMs: 100 });
    victim.process.kill("SIGKILL");
    await victim.exited;

    const done = await waitFor(
      async () => {
        const tasks = await Promise.all(ids.map((id) => producer.getTask(id)));
        return tasks.every((t) => t && ["succeeded", "dead", "cancelled"].includes(t.state)) ? tasks : null;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const report = await checkInvariants(producer, ids, null);
    expect(done.map((t) => t?.state)).toEqual(ids.map(() => "succeeded"));
    // The killed pod's tasks were retried elsewhere: a later attempt, a larger fencing token.
    const retried = report.tasks.filter((t) => t.attempts > 1);
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.every((t) => t.workerId !== victim.name)).toBe(true);
    // Draining pods finished what they held: no task of theirs needed a second attempt.
    const drainedWorkers = new Set([stopA.name, stopB.name]);
    expect(report.tasks.filter((t) => drainedWorkers.has(t.workerId ?? "") && t.attempts > 1)).toEqual([]);
    expect(report.successesByWorker[stopA.name] ?? 0).toBeGreaterThan(0);
    expect(report.successesByWorker[stopB.name] ?? 0).toBeGreaterThan(0);

    const [exitKeep, exitSurvivor] = await Promise.all([terminate(keep), terminate(survivor)]);
    expect([exitKeep.code, exitSurvivor.code]).toEqual([0, 0]);
    const seconds = [exitA, exitB, exitKeep, exitSurvivor].map((e) => e.seconds.toFixed(2));
    // Reported for docs/deploy.md (SIGTERM → exit next to terminationGracePeriodSeconds).
    console.log(
      `pod-spec: SIGTERM → exit ${seconds.join(" s, ")} s (tasks of 2.5 s in flight for the first two); grace ${graceSeconds} s; ` +
        `${ids.length} tasks, ${retried.length} retried after the SIGKILL`,
    );
  }, 120_000);
});
