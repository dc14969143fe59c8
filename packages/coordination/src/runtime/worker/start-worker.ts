import { resolveHandlers } from "../../handlers/resolve-handlers.js";
import { HeartbeatMonitor } from "../../heartbeat/heartbeat-monitor.js";
import { startIntervalTask } from "../../interval-task.js";
import { LockManager } from "../../locks/lock-manager.js";
import { MemorySyncManager } from "../../memory/memory-sync-manager.js";
import { startHealthServer } from "../../observability/health-server.js";
import { WorkerRegistry } from "../../registry/worker-registry.js";
import type { CoordinationStore } from "../../store/port.js";
import { connectStore } from "../connect-store.js";
import { releaseWorkerResources } from "./drain-worker.js";
import { sendHeartbeat } from "./heartbeat.js";
import { createTaskLoop } from "./task-loop.js";
import type { WorkerContext } from "./worker-context.js";
import { describeHealth } from "./worker-health.js";
import { describeRegistration, refuseIfClusterFull } from "./worker-registration.js";

/**
 * The seed's "Worker Lifecycle" up to "Ready State": init config → load modules → connect
 * store → register → start heartbeat → subscribe memory → ready, then task processing in the
 * background. A failure on the way releases whatever was started and leaves the worker failed.
 */
export async function startWorker(ctx: WorkerContext): Promise<void> {
  const { config, opts, id, log, metrics } = ctx;
  if (ctx.state !== "new") throw new Error(`worker ${id} was already started (state ${ctx.state})`);
  ctx.state = "starting";
  try {
    // Load modules: handlers from config, then programmatic ones.
    ctx.handlers = resolveHandlers(config.handlers);
    for (const [type, handler] of Object.entries(opts.handlers ?? {})) ctx.handlers.set(type, handler);
    const types = config.capacity.supportedTaskTypes.filter((t) => ctx.handlers.has(t));
    for (const type of Object.keys(opts.handlers ?? {})) if (!types.includes(type)) types.push(type);
    ctx.types = types;

    // Connect to the store.
    let storeDescription = "provided store";
    if (opts.store) ctx.store = opts.store;
    else {
      const connected = await connectStore(config.store, {
        env: opts.env ?? process.env,
        cwd: opts.cwd ?? process.cwd(),
        busyTimeoutMs: Math.min(1000, Math.max(20, Math.floor(config.distributed.heartbeat.staleThresholdMs / 10))),
      });
      ctx.store = connected.store;
      ctx.ownsStore = true;
      storeDescription = connected.description;
    }
    const store = ctx.store;

    if (config.health.port !== null) {
      ctx.healthServer = await startHealthServer({
        port: config.health.port,
        host: config.health.host,
        health: () => describeHealth(ctx),
        registry: metrics.registry,
      });
    }

    // Register.
    const registry = new WorkerRegistry(store);
    ctx.registry = registry;
    await refuseIfClusterFull(ctx, store);
    const record = await registry.register(describeRegistration(ctx, ctx.healthServer?.url ?? null));
    ctx.record = record;
    log.info(
      {
        action: "register",
        result: "registered",
        metadata: {
          state: record.state,
          types,
          max_tasks: config.capacity.maxConcurrentTasks,
          store: storeDescription,
        },
      },
      "worker registered",
    );

    // Start heartbeat.
    // The store may adapt the cadence (GitHub stretches it under budget pressure): the record it returns says how often to beat.
    ctx.heartbeat = startIntervalTask(
      () => sendHeartbeat(ctx),
      () => ctx.record?.heartbeatIntervalMs ?? config.distributed.heartbeat.intervalMs,
    );

    // Subscribe memory.
    const memory = new MemorySyncManager(store, {
      writerId: id,
      cacheSize: config.distributed.memorySync.cacheSize,
      syncIntervalMs: config.distributed.memorySync.intervalMs,
      logger: log,
    });
    ctx.memory = memory;
    ctx.unsubscribe = config.distributed.memorySync.namespaces.map((ns) =>
      memory.subscribe(`${ns}/`, (change) =>
        log.debug(
          { action: "memory.change", metadata: { key: change.key, kind: change.kind, writer: change.writerId } },
          "memory changed",
        ),
      ),
    );
    memory.start();

    ctx.locks = new LockManager(store, {
      conflictPolicy: config.distributed.locking.conflictPolicy,
      retryAttempts: config.distributed.locking.retryAttempts,
      retryDelayMs: config.distributed.locking.retryDelayMs,
      logger: log,
    });

    if (config.distributed.heartbeat.recoveryEnabled) startMonitor(ctx, store);

    const { batcher, loop } = createTaskLoop(ctx, store);
    ctx.batcher = batcher;
    ctx.loop = loop;
    ctx.state = "ready";
    log.info({ action: "ready", result: "ok", metadata: { health: ctx.healthServer?.url ?? null } }, "worker ready");
    loop.start();
  } catch (thrown) {
    ctx.state = "failed";
    await releaseWorkerResources(ctx);
    ctx.resolveStopped();
    throw thrown;
  }
}

/** Every worker also watches the others' heartbeats and recovers a silent worker's work (seed: heartbeat.recoveryEnabled). */
function startMonitor(ctx: WorkerContext, store: CoordinationStore): void {
  const { config, log } = ctx;
  const monitor = new HeartbeatMonitor(store, {
    monitorId: ctx.id,
    staleThresholdMs: config.distributed.heartbeat.staleThresholdMs,
    checkIntervalMs: config.distributed.heartbeat.checkIntervalMs,
    logger: log,
    onReport: (report) => {
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
  ctx.monitor = monitor;
  monitor.start();
}
