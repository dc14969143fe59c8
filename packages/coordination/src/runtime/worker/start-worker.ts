import { processEnv } from "../../env.js";
import { resolveHandlers } from "../../handlers/resolve-handlers.js";
import type { HandlerDefinition } from "../../handlers/task-handler.js";
import { HeartbeatMonitor } from "../../heartbeat/heartbeat-monitor.js";
import { type IntervalTask, startIntervalTask } from "../../interval-task.js";
import { LockClient } from "../../locks/lock-client.js";
import { MemorySyncManager } from "../../memory/memory-sync-manager.js";
import { startHealthServer } from "../../observability/health-server.js";
import { WorkerRegistry } from "../../registry/worker-registry.js";
import { workerTaskRetention } from "../../retention/worker-retention.js";
import { startScheduleRunner } from "../../schedules/schedule-runner.js";
import type { CoordinationStore } from "../../store/port.js";
import { connectStore } from "../connect-store.js";
import type { PollLoop } from "../poll-loop.js";
import { sendHeartbeat } from "./heartbeat.js";
import { IdleClock } from "./idle-clock.js";
import { startLifetimeLimits } from "./lifetime.js";
import { ReleaseStack } from "./release-stack.js";
import { guardGithubSpend } from "./spend-guard.js";
import { type StartRetry, startRetry } from "./start-retry.js";
import { createTaskLoop } from "./task-loop.js";
import type { WorkerCore } from "./worker-core.js";
import { describeHealth } from "./worker-health.js";
import { describeRegistration, refuseIfClusterFull } from "./worker-registration.js";

/** A worker that reached "Ready State": what its stop and its public face need. Built whole by startWorker. */
export interface StartedWorker {
  readonly registry: WorkerRegistry;
  /** Where GET /health and /metrics are served (null when disabled). */
  readonly healthUrl: string | null;
  readonly heartbeat: IntervalTask;
  readonly loop: PollLoop;
  /** Stops every timer and server it started, newest first, and closes the store if the worker opened it. */
  release(): Promise<void>;
}

/**
 * The worker's start-up lifecycle up to ready: init config → load modules → connect
 * store → register → start heartbeat → subscribe memory → ready, then task processing in the
 * background. Each part is built from the parts before it; a failure on the way releases
 * whatever was started and leaves the worker failed. Connect and register wait out transient
 * store errors (start-retry.ts) until startup.timeoutMs or until `signal` says stop.
 */
export async function startWorker(
  core: WorkerCore,
  drain: () => Promise<void>,
  signal: AbortSignal,
): Promise<StartedWorker> {
  const { config, log, status } = core;
  status.state = "starting";
  const releases = new ReleaseStack();
  try {
    const { handlers, types } = loadHandlers(core);
    // Up before the store, so /health answers "starting" while start-up waits for the store.
    const healthServer =
      config.health.port === null
        ? null
        : await startHealthServer({
            port: config.health.port,
            host: config.health.host,
            health: () => describeHealth(core),
            registry: core.metrics.registry,
          });
    if (healthServer) releases.push(() => healthServer.close());
    const healthUrl = healthServer?.url ?? null;
    const untilStoreAnswers = startRetry({ log, timeoutMs: config.startup.timeoutMs, signal });
    const { store, description } = await openStore(core, releases, untilStoreAnswers);

    // Register.
    const registry = new WorkerRegistry(store);
    const registration = describeRegistration(core, types, healthUrl);
    const record = await untilStoreAnswers("register", async () => {
      await refuseIfClusterFull(core, store);
      return registry.register(registration);
    });
    status.record = record;
    log.info(
      {
        action: "register",
        result: "registered",
        metadata: {
          state: record.state,
          types,
          max_tasks: config.capacity.maxConcurrentTasks,
          store: description,
        },
      },
      "worker registered",
    );

    const memory = new MemorySyncManager(store, {
      writerId: core.id,
      cacheSize: config.distributed.memorySync.cacheSize,
      syncIntervalMs: config.distributed.memorySync.intervalMs,
      logger: log,
    });
    const locks = new LockClient(store, {
      conflictPolicy: config.distributed.locking.conflictPolicy,
      retryAttempts: config.distributed.locking.retryAttempts,
      retryDelayMs: config.distributed.locking.retryDelayMs,
    });
    const idleClock = new IdleClock();
    const loop = createTaskLoop({ core, store, memory, locks, handlers, types, idleClock });

    // Start heartbeat.
    // The store may adapt the cadence (GitHub stretches it under budget pressure): the record it returns says how often to beat.
    const heartbeat = startIntervalTask(
      () => sendHeartbeat({ core, store, registration, loop, drain }),
      () => status.record?.heartbeatIntervalMs ?? config.distributed.heartbeat.intervalMs,
    );
    releases.push(() => heartbeat.stop());

    // Subscribe memory.
    const unsubscribe = config.distributed.memorySync.namespaces.map((ns) =>
      memory.subscribe(`${ns}/`, (change) =>
        log.debug(
          { action: "memory.change", metadata: { key: change.key, kind: change.kind, writer: change.writerId } },
          "memory changed",
        ),
      ),
    );
    memory.start();
    releases.push(() => {
      for (const off of unsubscribe) off();
      return memory.stop();
    });

    if (config.distributed.heartbeat.recoveryEnabled) {
      const monitor = startMonitor(core, store);
      releases.push(() => monitor.stop());
    }

    const scheduler = startScheduleRunner(store, {
      firedBy: core.id,
      onFired: (runs) =>
        log.info(
          {
            action: "schedule.fired",
            result: "ok",
            metadata: { slots: runs.map((r) => [r.scheduleId, r.slotAt, r.taskId]) },
          },
          "fired schedule slots",
        ),
      onError: (error) =>
        log.warn(
          { action: "schedule.fire", result: "error", metadata: { error: String(error) } },
          "schedule tick failed",
        ),
    });
    if (scheduler) releases.push(() => scheduler.stop());

    status.state = "ready";
    log.info({ action: "ready", result: "ok", metadata: { health: healthUrl } }, "worker ready");
    loop.start();
    releases.push(() => loop.stop());
    const lifetime = startLifetimeLimits(core, idleClock, drain);
    if (lifetime) releases.push(() => lifetime.stop());
    return { registry, healthUrl, heartbeat, loop, release: () => releases.releaseAll() };
  } catch (thrown) {
    status.state = "failed";
    await releases.releaseAll();
    throw thrown;
  }
}

/** Load modules: handlers from config, then programmatic ones (which override). Only types with a handler are claimed. */
function loadHandlers(core: WorkerCore): { handlers: Map<string, HandlerDefinition>; types: string[] } {
  const { config, opts } = core;
  const handlers = resolveHandlers(config.handlers);
  for (const [type, handler] of Object.entries(opts.handlers ?? {})) handlers.set(type, handler);
  const types = config.capacity.supportedTaskTypes.filter((t) => handlers.has(t));
  for (const type of Object.keys(opts.handlers ?? {})) if (!types.includes(type)) types.push(type);
  return { handlers, types };
}

/**
 * SQLite's busy_timeout for a worker. better-sqlite3 waits it out synchronously, so it is how
 * long one store call may hold the worker's only event loop (heartbeats, lease renewals,
 * /health answers). The store's own retries (busy.ts) wait asynchronously beyond it, so a
 * long write lock costs a few retries, not a frozen worker: with 1 s here, several loops'
 * calls took turns blocking and a /health answer waited a minute behind them.
 */
function workerBusyTimeoutMs(staleThresholdMs: number): number {
  return Math.min(100, Math.max(20, Math.floor(staleThresholdMs / 10)));
}

/** The given store (the embedder closes it), or one connected from config (closed with the worker). */
async function openStore(
  core: WorkerCore,
  releases: ReleaseStack,
  untilStoreAnswers: StartRetry,
): Promise<{ store: CoordinationStore; description: string }> {
  const { config, opts } = core;
  if (opts.store) return { store: opts.store, description: "provided store" };
  const env = opts.env ?? processEnv();
  guardGithubSpend(core, env);
  const connected = await untilStoreAnswers("connect", () =>
    connectStore(config.store, {
      env,
      cwd: opts.cwd ?? process.cwd(),
      busyTimeoutMs: workerBusyTimeoutMs(config.distributed.heartbeat.staleThresholdMs),
    }),
  );
  releases.push(() => connected.store.close());
  return connected;
}

/** Every worker also watches the others' heartbeats and recovers a silent worker's work (unless heartbeat.recoveryEnabled is false). */
function startMonitor(core: WorkerCore, store: CoordinationStore): HeartbeatMonitor {
  const { config, log } = core;
  const retention = workerTaskRetention(config.retention, store);
  const monitor = new HeartbeatMonitor(store, {
    monitorId: core.id,
    staleThresholdMs: config.distributed.heartbeat.staleThresholdMs,
    checkIntervalMs: config.distributed.heartbeat.checkIntervalMs,
    ...(retention ? { taskRetention: retention } : {}),
    logger: log,
    onReport: (report) => {
      // A round goes on past what fails (one worker, one task, retention): each failure is here.
      if (report.errors.length > 0)
        log.warn(
          { action: "monitor", result: "error", metadata: { errors: report.errors } },
          "heartbeat monitor round had failures",
        );
      if (report.purgedTasks > 0)
        log.info(
          {
            action: "retention",
            result: "purged",
            metadata: { tasks: report.purgedTasks, archive_dir: retention?.archiveDir },
          },
          "archived and deleted finished tasks",
        );
      if (report.markedStale.length + report.markedOffline.length + report.timedOutTasks.length > 0) {
        log.warn(
          {
            action: "monitor",
            result: "recovered",
            metadata: {
              stale: report.markedStale,
              offline: report.markedOffline,
              recovered: report.recoveredTasks.length,
              released_locks: report.releasedLocks.length,
              timed_out: report.timedOutTasks.length,
            },
          },
          "heartbeat monitor recovered failed work",
        );
      }
    },
  });
  monitor.start();
  return monitor;
}
