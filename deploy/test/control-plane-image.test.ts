import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPostgresStore } from "@sentinel/coordination/postgres";
import { type Emulator, startEmulator } from "@sentinel/github-emulator";
import { findFreePort, waitFor } from "@sentinel/test-support";
import { startTempPostgres, type TempPostgres } from "@sentinel/test-support/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage } from "../build-image.js";
import { parseDockerfile } from "./support/dockerfile.js";
import { clusterObjects, KUBERNETES_DIR, type Manifest } from "./support/kustomize.js";
import { containerEnv, containerOf, find, probePort } from "./support/pod-env.js";
import { httpGet, type Pod, startPod, tail } from "./support/pods.js";
import { taskInput } from "./support/tasks.js";

/**
 * The image's second entry point: the whole build (deploy/build-image.ts, `next build`
 * included unless a current standalone build is there) into a temporary /app, then the
 * control-plane Deployment's command with the image's ENV, the ConfigMap and the Secret,
 * against the GitHub emulator (the example overlay) and a throwaway Postgres server (the
 * Postgres overlay). Changed from the manifests: the emulator's URL and a free port.
 */
const SECRETS = {
  GITHUB_TOKEN: "control-plane-test-token",
  SENTINEL_HMAC_SECRET: "control-plane-test-hmac-secret",
  SENTINEL_OPERATOR_TOKEN: "operator:control-plane-test-operator-token",
  SENTINEL_SESSION_SECRET: "control-plane-test-session-secret-0123456789",
};

let workDir: string;
let emulator: Emulator;
let objects: Manifest[];
let pod: Pod | null = null;
let postgres: TempPostgres | null = null;
let postgresPod: Pod | null = null;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "sentinel-control-plane-"));
  await buildImage({ outDir: join(workDir, "app"), log: () => undefined });
  objects = clusterObjects(join(KUBERNETES_DIR, "overlays/example"));
  const config = find(objects, "ConfigMap", "task-sentinel-config").data as Record<string, string>;
  emulator = await startEmulator({
    users: [{ login: "sentinel-bot", token: SECRETS.GITHUB_TOKEN }],
    repos: [`${config.GITHUB_OWNER}/${config.GITHUB_REPO}`],
    secondaryRateLimit: false,
  });
}, 600_000);

afterAll(async () => {
  for (const started of [pod, postgresPod])
    if (started && started.process.exitCode === null) started.process.kill("SIGKILL");
  await emulator?.close();
  await postgres?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe("the control plane + dashboard entry point of the image", () => {
  it("starts from the built image as its Deployment says, passes its probes, serves the dashboard, stops on SIGTERM within its grace period", async () => {
    const deployment = find(objects, "Deployment", "task-sentinel-control-plane");
    const container = containerOf(deployment, "control-plane");
    const port = await findFreePort();
    const env = {
      ...parseDockerfile().final.env,
      ...containerEnv(objects, container, {
        podName: "task-sentinel-control-plane-0",
        nodeName: "node-a",
        secrets: SECRETS,
      }),
      GITHUB_API_URL: emulator.url,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      // Plain HTTP in this test; the manifest's Secure cookie needs HTTPS in front.
      SENTINEL_SECURE_COOKIE: "false",
    };
    const dataDir = join(workDir, "data");
    mkdirSync(dataDir);
    pod = startPod({
      name: "control-plane",
      command: container.command,
      env,
      appDir: join(workDir, "app"),
      dataDir,
      logDir: workDir,
      healthPort: port,
    });
    const running = pod;
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      if (!probe) throw new Error("the control plane has no readiness or liveness probe");
      expect(probePort(container, probe)).toBe(3000);
      await waitFor(
        async () => {
          if (running.process.exitCode !== null) throw new Error(`control plane exited: ${tail(running, 60)}`);
          return (await httpGet(port, probe.httpGet.path).catch(() => null))?.status === 200;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
    }
    const page = await fetch(`http://127.0.0.1:${port}/tasks`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const asset = html.match(/\/_next\/static\/[^"]+\.js/)?.[0];
    expect(asset).toBeDefined();
    expect((await fetch(`http://127.0.0.1:${port}${asset}`)).status).toBe(200);
    const grace = (deployment.spec as { template: { spec: { terminationGracePeriodSeconds: number } } }).template.spec
      .terminationGracePeriodSeconds;
    const sentAt = performance.now();
    running.process.kill("SIGTERM");
    const exit = await running.exited;
    // Next's server exits 128 + 15 on SIGTERM, the conventional "stopped by SIGTERM".
    expect(exit.code).toBe(143);
    expect((exit.at - sentAt) / 1000).toBeLessThan(grace);
  }, 120_000);

  it("on the Postgres overlay: migrates the Secret's database, reports itself healthy on it, and syncs from it", async () => {
    // The migrations folder its manifest names is mapped into the build like every /app path;
    // that it is the one used is postgres-pod-spec.test.ts's check (here the build machine's
    // repository, which the bundle's module paths point into, would also supply them).
    postgres = await startTempPostgres();
    const url = await postgres.createDatabase();
    const pgObjects = clusterObjects(join(KUBERNETES_DIR, "overlays/postgres"));
    const container = containerOf(find(pgObjects, "Deployment", "task-sentinel-control-plane"), "control-plane");
    const port = await findFreePort();
    const dataDir = join(workDir, "data-postgres");
    mkdirSync(dataDir);
    postgresPod = startPod({
      name: "control-plane-postgres",
      command: container.command,
      env: {
        ...parseDockerfile().final.env,
        ...containerEnv(pgObjects, container, {
          podName: "task-sentinel-control-plane-0",
          nodeName: "node-a",
          secrets: { SENTINEL_POSTGRES_URL: url },
        }),
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        SENTINEL_SECURE_COOKIE: "false",
      },
      appDir: join(workDir, "app"),
      dataDir,
      logDir: workDir,
      healthPort: port,
    });
    const running = postgresPod;
    const health = async () =>
      (await httpGet(port, "/health").catch(() => null))?.body as
        | { status: string; backend: string; sync: { last_event_id: number | null } }
        | undefined;
    // The control plane is the first to touch the database: it migrates it itself.
    const first = await waitFor(
      async () => {
        if (running.process.exitCode !== null) throw new Error(`control plane exited: ${tail(running, 60)}`);
        const body = await health();
        return body?.status === "healthy" ? body : null;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(first.backend).toBe("postgres");
    expect((await fetch(`http://127.0.0.1:${port}/tasks`)).status).toBe(200);
    // A task written to the database by another process reaches the control plane's cache.
    const producer = await openPostgresStore({ url });
    try {
      await producer.createTask(taskInput("echo", { from: "control-plane-test" }), "control-plane-test");
    } finally {
      await producer.close();
    }
    await waitFor(async () => ((await health())?.sync.last_event_id ?? 0) > (first.sync.last_event_id ?? 0), {
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    running.process.kill("SIGTERM");
    expect((await running.exited).code).toBe(143);
  }, 120_000);
});
