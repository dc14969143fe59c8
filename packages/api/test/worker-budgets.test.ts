import { type CoordinationStore, newTaskSchema } from "@sentinel/coordination";
import { createLogger, createWorker, loadWorkerConfig, type Worker } from "@sentinel/coordination/runtime";
import { tempDir, waitFor } from "@sentinel/test-support";
import { withStranger } from "@sentinel/test-support/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { createCaller } from "../src/root.js";
import { type ControlPlane, createControlPlane } from "../src/server/index.js";
import { OPERATOR_TOKEN, openHarness, registration } from "./fixtures.js";

const setup = withStranger();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function controlPlaneOver(store: CoordinationStore, env: Record<string, string> = {}): ControlPlane {
  const dir = tempDir("sentinel-api-budgets");
  const cp = createControlPlane({
    store,
    dataDir: dir.path,
    env: { SENTINEL_OPERATOR_TOKEN: OPERATOR_TOKEN, SENTINEL_SESSION_SECRET: "s".repeat(40), ...env },
    startSyncer: true,
    sync: { pollIntervalMs: 50, workersRefreshMs: 100, reconcileIntervalMs: 60_000 },
  });
  cleanups.push(async () => {
    await cp.close();
    dir.remove();
  });
  return cp;
}

async function startWorker(workerId: string): Promise<Worker> {
  const store = await setup().openPeer();
  const dir = tempDir(`sentinel-${workerId}`);
  const config = loadWorkerConfig({
    cwd: dir.path,
    env: {
      WORKER_ID: workerId,
      HEARTBEAT_INTERVAL_MS: "200",
      STALE_WORKER_THRESHOLD_MS: "5000",
      WORKER_POLL_INTERVAL_MS: "50",
      WORKER_HEALTH_PORT: "0",
    },
  });
  const worker = createWorker({ config, store, logger: createLogger({ level: "silent", component: "worker" }) });
  cleanups.push(async () => {
    await worker.abort("test over");
    dir.remove();
  });
  await worker.start();
  return worker;
}

describe("workers.budgets: every process's budget and health", () => {
  it("returns what two GitHub workers published with their heartbeats, and the control plane's own budget", async () => {
    const { store } = setup();
    const cp = controlPlaneOver(store);
    const viewer = createCaller(cp.createContext({ headers: new Headers() }));
    await startWorker("gh-w1");
    await startWorker("gh-w2");
    await store.createTask(newTaskSchema.parse({ type: "noop" }), "operator:test");
    const workerIds = ["gh-w1", "gh-w2"];

    const budgets = await waitFor(
      async () => {
        const b = await viewer.workers.budgets({ workerIds });
        const done = b.workers.reduce((sum, w) => sum + w.tasksSucceeded, 0);
        // A heartbeat's metrics are taken before its own write: the second heartbeat's report counts the first.
        const reportedBeat = b.workers.every((w) => (w.budget?.requests.writes ?? 0) >= 2);
        return b.workers.length === 2 && done === 1 && reportedBeat && b.controlPlane.budget ? b : null;
      },
      { timeoutMs: 15_000, what: "both workers' metrics (after a heartbeat) and the finished task" },
    );
    expect(budgets.workers.map((w) => w.workerId)).toEqual(workerIds);
    for (const w of budgets.workers) {
      expect(w.heartbeatIntervalMs).toBeGreaterThanOrEqual(200);
      expect(w.budget?.primary.limit).toBe(5_000);
      expect(w.budget?.runway.runsOutInMs).not.toBeNull();
      expect(w.refused).toEqual({ total: 0, byReason: {} });
      expect(Math.abs(w.clockOffsetMs)).toBeLessThan(5_000);
    }
    expect(budgets.limits).toMatchObject({ primaryPerHour: 5_000, secondaryPerMinute: 80, secondaryPerHour: 500 });
    expect(budgets.controlPlane.budget?.requests.reads).toBeGreaterThan(0);
  });

  it("the settings page shows the deployment's projected GitHub spend and what the check warns about", async () => {
    const { store } = setup();
    const cp = controlPlaneOver(store, {
      SENTINEL_STORE: "github",
      GITHUB_TOKEN: "ghp_listed-only",
      GITHUB_OWNER: "acme",
      GITHUB_REPO: "tasks",
      SENTINEL_HMAC_SECRET: "h".repeat(32),
      SENTINEL_GITHUB_WORKERS_PER_TOKEN: "3",
    });
    const viewer = createCaller(cp.createContext({ headers: new Headers() }));
    const { spendCheck } = await viewer.settings.get();
    // Three workers and the control plane on a 5,000/hour token, idle: 3 × 587 + 520 (docs/benchmarks.md).
    expect(spendCheck?.projection.idle.charged).toBe(2_281);
    expect(spendCheck?.mode).toBe("refuse");
    expect(spendCheck?.problems.map((p) => `${p.level} ${p.key}`)).toEqual(["warning HEARTBEAT_INTERVAL_MS"]);
  });

  it("on SQLite: the workers' metrics without a GitHub budget", async () => {
    const h = openHarness();
    cleanups.push(() => h.close());
    await h.store.registerWorker(registration("w-local"));
    const metrics = {
      tasksSucceeded: 2,
      tasksFailed: 0,
      busyMs: 40,
      uptimeMs: 1_000,
      heartbeatIntervalMs: 30_000,
      leaseMs: 120_000,
      clockOffsetMs: 0,
      refused: null,
      budget: null,
    };
    await h.store.heartbeat("w-local", { activeTasks: 0, metrics });
    await h.cp.syncer.reconcileNow();
    const budgets = await h.anonymous.workers.budgets({ workerIds: ["w-local", "w-unknown"] });
    expect(budgets.workers).toEqual([expect.objectContaining({ workerId: "w-local", ...metrics })]);
    expect(budgets.controlPlane.budget).toBeNull();
  });
});
