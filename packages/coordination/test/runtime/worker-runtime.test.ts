import { waitFor } from "@sentinel/test-support";
import { openTempStore } from "@sentinel/test-support/store";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { loadWorkerConfig } from "../../src/config/load-worker-config.js";
import type { HandlerDefinition } from "../../src/handlers/task-handler.js";
import { createLogger } from "../../src/observability/logger.js";
import { createWorker } from "../../src/runtime/create-worker.js";
import { taskInput } from "../../src/store/contract/harness.js";
import type { CoordinationStore } from "../../src/store/port.js";
import { collectingStream } from "./fixtures.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function setup(env: Record<string, string> = {}, handlers: Record<string, HandlerDefinition> = {}) {
  const { dir, path, store, cleanup } = openTempStore("sentinel-runtime");
  const config = loadWorkerConfig({
    cwd: dir,
    env: {
      SENTINEL_SQLITE_PATH: path,
      HEARTBEAT_INTERVAL_MS: "100",
      STALE_WORKER_THRESHOLD_MS: "600",
      STALE_CHECK_INTERVAL_MS: "200",
      WORKER_POLL_INTERVAL_MS: "50",
      WORKER_HEALTH_PORT: "0",
      LOG_LEVEL: "debug",
      ...env,
    },
  });
  const { stream, lines } = collectingStream();
  const logger = createLogger({ level: "debug", component: "worker", workerId: config.workerId, destination: stream });
  const worker = createWorker({ config, store, handlers, logger });
  cleanups.push(async () => {
    await worker.abort("test over");
    await cleanup();
  });
  return { store, worker, config, lines, path };
}

async function finished(store: CoordinationStore, id: string) {
  return waitFor(async () => {
    const t = await store.getTask(id);
    return t && ["succeeded", "dead", "cancelled"].includes(t.state) ? t : null;
  });
}

describe("worker runtime (in process, real SQLite)", () => {
  it("runs tasks end to end: result stored, lock released, log fields, health and metrics", async () => {
    const { store, worker, lines } = setup();
    await worker.start();
    const echo = await store.createTask(
      taskInput({ type: "echo", params: { hello: "world" }, timeoutMs: 5000 }),
      "test",
    );
    const done = await finished(store, echo.id);
    expect(done).toMatchObject({ state: "succeeded", result: { hello: "world" }, workerId: worker.id, attempts: 1 });
    expect(await store.getLock(echo.id)).toBeNull();

    const complete = lines.find((l) => l.action === "task.complete" && l.task_id === echo.id);
    // Per-task success lines are debug (a busy worker logs failures only at info and above).
    expect(complete).toMatchObject({ level: "debug", component: "worker", worker_id: worker.id, result: "succeeded" });
    expect(typeof complete?.duration_ms).toBe("number");
    expect(String(complete?.timestamp)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const health = await (await fetch(`${worker.healthUrl}/health`)).json();
    expect(health).toMatchObject({
      status: "healthy",
      worker_id: worker.id,
      active_tasks: 0,
      capacity: { max: 10, available: 10 },
    });
    expect(typeof health.uptime_seconds).toBe("number");
    expect(new Date(health.last_heartbeat).getTime()).toBeGreaterThan(0);
    const metrics = await (await fetch(`${worker.healthUrl}/metrics`)).text();
    expect(metrics).toMatch(/sentinel_worker_tasks_processed_total\{type="echo",worker_id="[^"]+"\} 1/);
  });

  it("publishes its metrics rollup with its heartbeat: tasks done and failed, busy time, cadence, clock offset", async () => {
    const { store, worker } = setup();
    await worker.start();
    const slept = await store.createTask(taskInput({ type: "sleep", params: { ms: 150 }, timeoutMs: 5000 }), "test");
    const failed = await store.createTask(
      taskInput({ type: "fail", params: { retryable: false }, maxAttempts: 1, timeoutMs: 5000 }),
      "test",
    );
    await finished(store, slept.id);
    await finished(store, failed.id);
    const published = await waitFor(async () => {
      const [record] = await store.listWorkerMetrics();
      return record && record.metrics.tasksSucceeded === 1 && record.metrics.tasksFailed === 1 ? record : null;
    });
    expect(published.workerId).toBe(worker.id);
    expect(published.metrics).toMatchObject({ heartbeatIntervalMs: 100, leaseMs: 600, refused: null, budget: null });
    expect(published.metrics.busyMs).toBeGreaterThanOrEqual(140);
    expect(published.metrics.busyMs).toBeLessThanOrEqual(published.metrics.uptimeMs);
    // One machine: the store's clock is the kernel's, so the offset is a few ms at most.
    expect(Math.abs(published.metrics.clockOffsetMs)).toBeLessThan(1_000);
  });

  it("a handler's ctx.progress and ctx.log reach the task's log while it runs and in full once it ends", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const stages: HandlerDefinition = {
      run: async ({ progress, log }) => {
        log("starting", { rows: 2 });
        progress(0.5, "half way");
        await gate;
        log("warn", "row 2 was slow");
        expect(() => progress(2)).toThrow(/fraction/);
        // As a JavaScript handler (no types) might call it.
        expect(() => (log as (level: string, message: string) => void)("loud", "x")).toThrow(/level/);
        progress(1);
        return { rows: 2 };
      },
    };
    const { store, worker } = setup({}, { stages });
    await worker.start();
    const task = await store.createTask(taskInput({ type: "stages", timeoutMs: 10_000 }), "test");
    // Live: the first flush comes within the store's flush interval, while the handler waits.
    const live = await waitFor(async () => {
      const log = await store.getTaskLog(task.id);
      return log?.progress ? log : null;
    });
    expect((await store.getTask(task.id))?.state).toBe("running");
    expect(live.progress).toMatchObject({ fraction: 0.5, message: "half way", attempt: 1 });
    expect(live.lines.map((line) => line.message)).toEqual(["starting"]);
    release();
    expect(await finished(store, task.id)).toMatchObject({ state: "succeeded", result: { rows: 2 } });
    const log = await store.getTaskLog(task.id);
    expect(log?.lines.map((line) => [line.level, line.message])).toEqual([
      ["info", "starting"],
      ["warn", "row 2 was slow"],
    ]);
    expect(log?.lines[0]?.fields).toEqual({ rows: 2 });
    expect(log?.progress).toMatchObject({ fraction: 1, message: null });
  });

  it("a task that never logs writes nothing to the log", async () => {
    const { store, worker } = setup();
    await worker.start();
    const task = await store.createTask(taskInput({ type: "echo", params: { a: 1 }, timeoutMs: 5000 }), "test");
    await finished(store, task.id);
    expect(await store.getTaskLog(task.id)).toMatchObject({ progress: null, lines: [], updatedAt: null });
    expect((await store.readEvents(0, 1000)).filter((e) => e.kind === "task.log")).toEqual([]);
  });

  it("invalid params fail the task at once (not retried) with the field named", async () => {
    const { store, worker } = setup();
    await worker.start();
    const bad = await store.createTask(taskInput({ type: "sleep", params: { ms: "soon" }, timeoutMs: 5000 }), "test");
    const done = await finished(store, bad.id);
    expect(done.state).toBe("dead");
    expect(done.attempts).toBe(1);
    expect(done.lastError).toContain("params.ms");
  });

  it("params or a result beyond the limits fail the task at once, naming the field and the limit", async () => {
    const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
    const deepResult: HandlerDefinition = { run: async () => JSON.parse(nested(30_000)) };
    const { store, worker, path } = setup({}, { "deep-result": deepResult });
    const poisoned = await store.createTask(taskInput({ type: "echo" }), "test");
    // A row written behind the store's back (an older version, another writer): the limit still holds at execution.
    const raw = new Database(path);
    raw.prepare("UPDATE tasks SET params = ? WHERE id = ?").run(nested(30_000), poisoned.id);
    raw.close();
    const deep = await store.createTask(taskInput({ type: "deep-result" }), "test");
    await worker.start();
    for (const [id, field] of [
      [poisoned.id, "params"],
      [deep.id, "result"],
    ] as const) {
      const done = await finished(store, id);
      expect(done.state).toBe("dead");
      expect(done.attempts).toBe(1);
      expect(done.lastError).toContain(
        `invalid ${field}: expected JSON nested at most 64 levels deep (limit jsonDepth)`,
      );
    }
  });

  it("retries a failing task with backoff until dead", async () => {
    const { store, worker } = setup();
    await worker.start();
    const t = await store.createTask(taskInput({ type: "fail", maxAttempts: 2, timeoutMs: 5000 }), "test");
    const failedOnce = await waitFor(async () => {
      const cur = await store.getTask(t.id);
      return cur?.state === "failed" ? cur : null;
    });
    // retryDelayMs(1) is 1000 ms ± 20 %, judged by the store's clock.
    expect(failedOnce.runAt - failedOnce.updatedAt).toBeGreaterThanOrEqual(790);
    const done = await finished(store, t.id);
    expect(done).toMatchObject({ state: "dead", attempts: 2 });
  });

  it("never runs more than maxConcurrentTasks at once", async () => {
    let running = 0;
    let peak = 0;
    const handlers = {
      slow: {
        run: async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 40));
          running -= 1;
          return null;
        },
      },
    };
    const { store, worker } = setup({ WORKER_MAX_TASKS: "3" }, handlers);
    await worker.start();
    const ids = [];
    for (let i = 0; i < 15; i++)
      ids.push((await store.createTask(taskInput({ type: "slow", maxAttempts: 1, timeoutMs: 5000 }), "test")).id);
    for (const id of ids) expect((await finished(store, id)).state).toBe("succeeded");
    expect(peak).toBe(3);
  });

  it("a completion with a stale fencing token is rejected, logged and counted; the worker carries on", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handlers = {
      gated: {
        run: async () => {
          await gate;
          return "late result";
        },
      },
    };
    const { store, worker, lines } = setup({}, handlers);
    await worker.start();
    const t = await store.createTask(taskInput({ type: "gated", timeoutMs: 5000 }), "test");
    const running = await waitFor(async () =>
      (await store.getTask(t.id))?.state === "running" ? store.getTask(t.id) : null,
    );
    // An operator requeues it (pinned elsewhere so this worker cannot re-take it): our token goes stale.
    await store.requeueTask(t.id, { actor: "operator:test", reason: "test", pinnedWorkerId: "someone-else" });
    release();
    const rejected = await waitFor(() => lines.find((l) => l.result === "rejected_stale_token" && l.task_id === t.id));
    expect(rejected.level).toBe("warn");
    const after = await store.getTask(t.id);
    expect(after?.state).toBe("queued");
    expect(after?.result).toBeNull();
    expect(running?.fencingToken).not.toBeNull();
    expect((await worker.metrics.staleTokenRejections.get()).values).toEqual([
      expect.objectContaining({ value: 1, labels: { reason: "stale_token" } }),
    ]);
    const echo = await store.createTask(
      taskInput({ type: "echo", params: { still: "alive" }, maxAttempts: 1, timeoutMs: 5000 }),
      "test",
    );
    expect((await finished(store, echo.id)).state).toBe("succeeded");
  });

  it("an operator drain stops new work; resumable while tasks run; once idle the worker deregisters", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { store, worker } = setup(
      {},
      {
        gated: {
          run: async () => {
            await gate;
            return "done";
          },
        },
      },
    );
    await worker.start();
    const gated = await queueTask(store, "gated", {});
    await waitFor(async () => (await store.getTask(gated.id))?.state === "running");
    await store.requestDrain(worker.id, "operator:test");
    await waitFor(() => worker.health().status === "draining");
    const queued = await store.createTask(taskInput({ type: "echo", maxAttempts: 1, timeoutMs: 5000 }), "test");
    // A sleep on purpose: proving the task is *not* claimed needs time to pass (eight poll intervals).
    await new Promise((r) => setTimeout(r, 400));
    expect((await store.getTask(queued.id))?.state).toBe("queued");
    await store.transitionWorker(worker.id, "ACTIVE", { actor: "operator:test", reason: "resume" });
    expect((await finished(store, queued.id)).state).toBe("succeeded");
    release();
    expect((await finished(store, gated.id)).state).toBe("succeeded");
    // Drained again with nothing running: DRAINING → REMOVED, like a signalled shutdown.
    await store.requestDrain(worker.id, "operator:test");
    await worker.stopped;
    expect(worker.state).toBe("stopped");
    expect((await store.getWorker(worker.id))?.state).toBe("REMOVED");
  });

  it("drain deregisters: the store shows REMOVED and the health server is gone", async () => {
    const { store, worker } = setup();
    await worker.start();
    const url = worker.healthUrl;
    await worker.drain();
    expect(worker.state).toBe("stopped");
    expect((await store.getWorker(worker.id))?.state).toBe("REMOVED");
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it("after losing its lease it aborts running work and re-registers", async () => {
    const handlers = {
      hang: {
        run: ({ signal }: { signal: AbortSignal }) =>
          new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
      },
    };
    const { store, worker, lines } = setup(
      { HEARTBEAT_INTERVAL_MS: "100" },
      handlers as Record<string, HandlerDefinition>,
    );
    await worker.start();
    const t = await store.createTask(taskInput({ type: "hang", timeoutMs: 60_000 }), "test");
    await waitFor(async () => (await store.getTask(t.id))?.state === "running");
    // An operator retires the worker as if it had been offline: the next heartbeat is refused.
    await store.transitionWorker(worker.id, "STALE", { actor: "operator:test", reason: "test" });
    await store.transitionWorker(worker.id, "OFFLINE", { actor: "operator:test", reason: "test" });
    await waitFor(() => lines.find((l) => l.action === "lease" && l.result === "lost"));
    await waitFor(() => lines.find((l) => l.action === "register" && l.result === "re-registered"));
    await waitFor(async () => (await store.getWorker(worker.id))?.state === "ACTIVE");
    expect(lines.some((l) => l.action === "task.start" && l.task_id === t.id)).toBe(true);
  });
});

describe("logger", () => {
  it("redacts tokens and secret params", () => {
    const { stream, lines } = collectingStream();
    const log = createLogger({ component: "test", workerId: "w1", destination: stream });
    log.info(
      { action: "x", token: "ghp_abc", metadata: { secrets: { apiKey: "k" }, authorization: "Bearer z", fine: 1 } },
      "msg",
    );
    return new Promise<void>((resolve) => {
      log.flush(() => {
        setImmediate(() => {
          const text = JSON.stringify(lines);
          expect(text).not.toContain("ghp_abc");
          expect(text).not.toContain("Bearer z");
          expect(text).not.toContain('"k"');
          expect(lines[0]).toMatchObject({
            component: "test",
            worker_id: "w1",
            action: "x",
            level: "info",
            metadata: { fine: 1 },
          });
          resolve();
        });
      });
    });
  });
});

function queueTask(store: CoordinationStore, type: string, params: Record<string, unknown>) {
  return store.createTask(taskInput({ type, params, maxAttempts: 1, timeoutMs: 10_000 }), "test");
}

async function states(store: CoordinationStore, ids: string[]): Promise<string[]> {
  return Promise.all(ids.map(async (id) => (await store.getTask(id))?.state ?? "missing"));
}

describe("worker lifetime limits", () => {
  it("exit when idle: works through the queue, waits out short gaps, then drains and deregisters", async () => {
    const { store, worker } = setup({ WORKER_EXIT_WHEN_IDLE_SECONDS: "1", WORKER_MAX_TASKS: "2" });
    await worker.start();
    const first = await Promise.all([1, 2, 3, 4].map(() => queueTask(store, "sleep", { ms: 150 })));
    const firstIds = first.map((t) => t.id);
    await waitFor(async () => (await states(store, firstIds)).every((s) => s === "succeeded"));
    // A gap shorter than the idle limit: the worker is still there for the next task.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(worker.state).toBe("ready");
    const late = await queueTask(store, "sleep", { ms: 150 });
    await waitFor(() => worker.state === "stopped", 10_000);
    const lateDone = await store.getTask(late.id);
    expect(lateDone).toMatchObject({ state: "succeeded", workerId: worker.id });
    expect(await states(store, firstIds)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
    expect((await store.getWorker(worker.id))?.state).toBe("REMOVED");
  });

  it("maximum run time: stops claiming, finishes the running task, leaves the rest queued for others", async () => {
    const { store, worker } = setup({ WORKER_MAX_RUN_SECONDS: "1", WORKER_MAX_TASKS: "1" });
    await worker.start();
    const startedAt = performance.now();
    const tasks = await Promise.all([1, 2, 3].map(() => queueTask(store, "sleep", { ms: 1500 })));
    await worker.stopped;
    const ranMs = performance.now() - startedAt;
    const finished = await states(
      store,
      tasks.map((t) => t.id),
    );
    // The one running when the limit struck completed (drain, not abort); nothing else was claimed.
    expect(finished.filter((s) => s === "succeeded")).toHaveLength(1);
    expect(finished.filter((s) => s === "queued")).toHaveLength(2);
    expect(ranMs).toBeGreaterThanOrEqual(1500);
    expect((await store.getWorker(worker.id))?.state).toBe("REMOVED");
  });

  it("with neither limit set, an idle worker keeps running", async () => {
    const { worker } = setup({});
    await worker.start();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(worker.state).toBe("ready");
  });
});
