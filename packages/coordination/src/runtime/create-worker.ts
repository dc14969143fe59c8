import { BalancingHistoryRecorder } from "../balancer/balancing-history.js";
import { planClaims } from "../balancer/plan-claims.js";
import { getStrategy } from "../balancer/strategies.js";
import { readStrategy } from "../balancer/strategy-setting.js";
import type { StrategyName } from "../balancer/types.js";
import type { MemoryEntry } from "../domain/memory.js";
import type { Task } from "../domain/task.js";
import { ACCEPTING_STATES, isLeaseLive, type WorkerRecord, type WorkerRegistration } from "../domain/worker.js";
import { coerceError, LeaseLostError } from "../errors.js";
import type { HandlerDefinition } from "../handlers/task-handler.js";
import { resolveHandlers } from "../handlers/resolve-handlers.js";
import { HeartbeatMonitor } from "../heartbeat/heartbeat-monitor.js";
import { LockManager } from "../locks/lock-manager.js";
import { MemorySyncManager } from "../memory/memory-sync-manager.js";
import type { WorkerHealth } from "../observability/health-server.js";
import { startHealthServer, type HealthServer } from "../observability/health-server.js";
import { createLogger } from "../observability/logger.js";
import { createWorkerMetrics, type WorkerMetrics } from "../observability/worker-metrics.js";
import { WorkerRegistry } from "../registry/worker-registry.js";
import type { CoordinationStore } from "../store/port.js";
import type { ClaimedTask } from "./claimed-task.js";
import { connectStore } from "./connect-store.js";
import { startIntervalTask, type IntervalTask } from "./interval-task.js";
import { createCompletionBatcher, type CompletionBatcher, type PendingCompletion } from "./completion-batcher.js";
import { createPollLoop, type PollLoop, type TickResult } from "./poll-loop.js";
import { runTask } from "./run-task.js";
import { TaskAbortedError } from "./runtime-errors.js";
import { acquireTasks } from "./steps/acquire-tasks.js";
import { getTasks } from "./steps/get-tasks.js";
import type { WorkerOptions, WorkerRuntimeState } from "./worker-options.js";

/** How often an idle worker checks the store's change marker; bounds claim latency under light load. */
const WATCH_INTERVAL_MS = 20;
/** How long a finished task waits for others (still executing) to share its completion transaction. */
const COMPLETION_FLUSH_MS = 2;
/** How long a batch handed to the loop (to complete and claim in one transaction) may wait for it. */
const COMPLETION_HANDOFF_MS = 20;

export interface Worker {
  readonly id: string;
  readonly state: WorkerRuntimeState;
  /** Where GET /health and /metrics are served, once started (null when disabled). */
  readonly healthUrl: string | null;
  readonly metrics: WorkerMetrics;
  /** The seed's lifecycle up to "Ready State", then task processing in the background. */
  start(): Promise<void>;
  /** Graceful: take no new work, finish running tasks, deregister (REMOVED), release resources. */
  drain(): Promise<void>;
  /** Same as drain(). */
  stop(): Promise<void>;
  /** Forced: abort running tasks (they fail for an immediate retry elsewhere), then drain. */
  abort(reason: string): Promise<void>;
  health(): WorkerHealth;
  /** Poll for work now. */
  nudge(): void;
  /** Resolves when the worker has stopped, however that came about. */
  readonly stopped: Promise<void>;
}

interface InFlight {
  claim: ClaimedTask;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * A headless worker: init config → load modules → connect store → register → start
 * heartbeat → subscribe memory → ready → process tasks (seed "Worker Lifecycle"), as a small
 * loop over the step functions in ./steps. The local clock only schedules timers; every
 * expiry and staleness judgement is the store's.
 */
export function createWorker(opts: WorkerOptions): Worker {
  const { config } = opts;
  const id = config.workerId;
  const given = opts.logger;
  const log = given ? (given.bindings().worker_id ? given : given.child({ worker_id: id })) : createLogger({ level: config.logLevel, component: "worker", workerId: id });
  const metrics = createWorkerMetrics(id);
  const history = new BalancingHistoryRecorder();
  // TASK_AFFINITY_ENABLED=false: strategies still see performance, but no "who ran this last".
  const withoutAffinity = { lastWorkerFor: () => null, performanceOf: (workerId: string) => history.performanceOf(workerId) };
  const inFlight = new Map<string, InFlight>();
  const startedAtMs = performance.now();

  let state: WorkerRuntimeState = "new";
  let store: CoordinationStore | null = null;
  let ownsStore = false;
  let registry: WorkerRegistry | null = null;
  let locks: LockManager | null = null;
  let memory: MemorySyncManager | null = null;
  let monitor: HeartbeatMonitor | null = null;
  let heartbeat: IntervalTask | null = null;
  let loop: PollLoop | null = null;
  let healthServer: HealthServer | null = null;
  let handlers = new Map<string, HandlerDefinition>();
  let batcher: CompletionBatcher | null = null;
  /** The store's change marker as of the start of the last poll (see the loop's watch). */
  let seenMarker: string | null = null;
  let types: string[] = [];
  let unsubscribe: Array<() => void> = [];

  let record: WorkerRecord | null = null;
  let heartbeatFailures = 0;
  let storeErrors = 0;
  /** Operator drain seen in a heartbeat: no new work; resumable until the running tasks are done, then it deregisters and stops. */
  let remoteDraining = false;
  let recoveringLease: Promise<void> | null = null;
  let strategy: { name: StrategyName; readAt: number } | null = null;
  let drainPromise: Promise<void> | null = null;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });

  const accepting = () => state === "ready" && !remoteDraining && recoveringLease === null;

  const registration = (healthUrl: string | null): WorkerRegistration => ({
    id,
    hostname: config.hostname,
    pid: process.pid,
    version: opts.version ?? process.env.npm_package_version ?? "0.0.0",
    maxConcurrency: config.capacity.maxConcurrentTasks,
    supportedTaskTypes: types,
    cpuCores: config.capacity.cpuCores,
    memoryMb: config.capacity.memoryMb,
    labels: opts.labels ?? {},
    heartbeatIntervalMs: config.distributed.heartbeat.intervalMs,
    leaseMs: config.distributed.heartbeat.staleThresholdMs,
    healthUrl: healthUrl ? `${healthUrl}/health` : null,
  });

  // ── heartbeat ────────────────────────────────────────────────────────────────────
  const beat = async (): Promise<void> => {
    if (!store) return;
    try {
      const previous = record;
      const next = await store.heartbeat(id, { activeTasks: inFlight.size });
      record = next;
      if (heartbeatFailures > 0) log.info({ action: "heartbeat", result: "recovered", metadata: { failures: heartbeatFailures } }, "heartbeat recovered");
      heartbeatFailures = 0;
      // Judged on store timestamps only: a gap longer than the lease means a monitor may have
      // recovered our tasks, so check that we still own what we run.
      if (previous && next.lastHeartbeatAt - previous.lastHeartbeatAt > next.leaseMs) await abortSuperseded();
      noticeDrainState(next);
    } catch (thrown) {
      const error = coerceError(thrown);
      if (error instanceof LeaseLostError) {
        await recoverLease(error);
        return;
      }
      heartbeatFailures += 1;
      metrics.heartbeatFailures.inc();
      log.warn({ action: "heartbeat", result: "failed", metadata: { error: error.message, consecutive: heartbeatFailures } }, "heartbeat failed");
    }
  };

  const noticeDrainState = (worker: WorkerRecord) => {
    if (state !== "ready") return;
    if (worker.state === "DRAINING" && !remoteDraining) {
      remoteDraining = true;
      log.info({ action: "drain", result: "requested", metadata: { running: inFlight.size } }, "drain requested: taking no new tasks");
    } else if (ACCEPTING_STATES.includes(worker.state) && remoteDraining) {
      remoteDraining = false;
      log.info({ action: "drain", result: "resumed" }, "resumed: taking tasks again");
      loop?.nudge();
    }
    // The seed's DRAINING → REMOVED: once idle, an operator drain ends like a signalled one.
    if (remoteDraining && worker.state === "DRAINING" && inFlight.size === 0) void drain();
  };

  /** OFFLINE/REMOVED by a monitor: our tokens are stale, so stop the work and start over with a fresh registration. */
  const recoverLease = (error: LeaseLostError): Promise<void> => {
    recoveringLease ??= (async () => {
      metrics.heartbeatFailures.inc();
      log.warn({ action: "lease", result: "lost", metadata: { error: error.message, aborting: inFlight.size } }, "lease lost: aborting running tasks and re-registering");
      abortAll("lease lost");
      await Promise.allSettled([...inFlight.values()].map((f) => f.done));
      if (state === "ready" && store) {
        record = await store.registerWorker(registration(healthServer?.url ?? null));
        log.info({ action: "register", result: "re-registered", metadata: { state: record.state } }, "re-registered after losing the lease");
      }
    })()
      .catch((thrown) => log.error({ action: "register", result: "failed", metadata: { error: coerceError(thrown).message } }, "re-registration failed; will retry on the next heartbeat"))
      .finally(() => {
        recoveringLease = null;
        loop?.nudge();
      });
    return recoveringLease;
  };

  const abortSuperseded = async () => {
    if (!store) return;
    for (const flight of [...inFlight.values()]) {
      const task = await store.getTask(flight.claim.task.id);
      if (!task || task.state !== "running" || task.fencingToken !== flight.claim.lock.token) {
        flight.controller.abort(new TaskAbortedError(`task ${flight.claim.task.id} now belongs to another attempt`));
      }
    }
  };

  const abortAll = (reason: string) => {
    for (const flight of inFlight.values()) flight.controller.abort(new TaskAbortedError(reason));
  };

  // ── the loop ─────────────────────────────────────────────────────────────────────
  const currentStrategy = async (s: CoordinationStore): Promise<StrategyName> => {
    const now = performance.now();
    if (!strategy || now - strategy.readAt >= config.distributed.loadBalancer.rebalanceIntervalMs) {
      strategy = { name: await readStrategy(s, config.distributed.loadBalancer.strategy), readAt: now };
    }
    return strategy.name;
  };

  /** `held`: the tasks we still hold once the completions in hand are written. */
  const balance = async (s: CoordinationStore, tasks: Task[], held: number): Promise<Task[]> => {
    const [name, workers, now] = await Promise.all([currentStrategy(s), s.listWorkers(), s.now()]);
    // Our own load is known exactly here; the registry copy is a heartbeat old.
    const view = workers.map((w) => (w.id === id ? { ...w, activeTasks: held } : w));
    const plan = planClaims({
      selfId: id,
      tasks,
      workers: view,
      strategy: getStrategy(name),
      graceMs: config.distributed.loadBalancer.graceMs,
      now,
      history: config.distributed.loadBalancer.affinityEnabled ? history : withoutAffinity,
    });
    const byId = new Map(tasks.map((t) => [t.id, t]));
    return plan.claim.map((taskId) => byId.get(taskId)).filter((t): t is Task => t !== undefined);
  };

  /**
   * One claim cycle. Completions the batcher handed over are written in the same transaction
   * as the next claim (`completeAndClaim`), so a busy worker takes the write lock once per
   * cycle; their slots count as free for that claim, since they are done either way.
   */
  const tick = async (): Promise<TickResult> => {
    const s = store;
    const completions = batcher?.take() ?? [];
    if (!s || !locks || !accepting()) {
      await batcher?.flush(completions);
      return "paused";
    }
    const held = inFlight.size - completions.length;
    const freeSlots = config.capacity.maxConcurrentTasks - held;
    if (freeSlots <= 0) return "full";
    try {
      // Taken before the claim query, so a change committed while it runs still wakes the watch.
      if (s.changeMarker) seenMarker = await s.changeMarker();
      const tasks = await getTasks({
        store: s,
        workerId: id,
        types,
        freeSlots,
        balance: config.distributed.enabled ? (candidates) => balance(s, candidates, held) : null,
      });
      if (tasks.length === 0 || !accepting()) {
        await batcher?.flush(completions.splice(0));
        return "idle";
      }
      const { claimed, lost } = await claimWithCompletions(s, tasks, completions);
      if (lost > 0) metrics.lockConflicts.inc(lost);
      // One read of the shared `global/` context for the whole batch instead of one per task.
      const sharedGlobal = claimed.length > 1 ? (memory as MemorySyncManager).list("global/") : undefined;
      sharedGlobal?.catch(() => undefined);
      for (const claim of claimed) launch(s, claim, sharedGlobal);
      storeErrors = 0;
      return claimed.length > 0 ? "busy" : "idle";
    } catch (thrown) {
      // A failed poll or claim is no reason to lose finished work: the completions go on their own.
      await batcher?.flush(completions);
      throw thrown;
    }
  };

  /** Claim `tasks`, writing `completions` (emptied here once settled) in the same transaction when the store can. */
  const claimWithCompletions = async (s: CoordinationStore, tasks: Task[], completions: PendingCompletion[]): Promise<{ claimed: ClaimedTask[]; lost: number }> => {
    const l = locks as LockManager;
    if (completions.length > 0 && s.completeAndClaim && config.distributed.locking.conflictPolicy === "skip") {
      const batch = completions.splice(0);
      let result: Awaited<ReturnType<NonNullable<CoordinationStore["completeAndClaim"]>>>;
      try {
        result = await s.completeAndClaim({
          completions: batch.map((c) => c.request),
          claim: { workerId: id, taskIds: tasks.map((t) => t.id), metadata: { hostname: config.hostname, pid: process.pid } },
        });
      } catch (thrown) {
        // Nothing was written. The claim may be what failed (a lost lease): complete on our own, then report it.
        await batcher?.flush(batch);
        throw thrown;
      }
      batcher?.settle(batch, result.outcomes);
      const claimed = result.claimed.map(({ task, lock }) => ({ task, lock, handle: l.adopt(lock) }));
      return { claimed, lost: tasks.length - claimed.length };
    }
    await batcher?.flush(completions.splice(0));
    return acquireTasks({ store: s, locks: l, workerId: id, hostname: config.hostname, pid: process.pid, tasks, policy: config.distributed.locking.conflictPolicy });
  };

  /** The loop takes a ready completion batch on its next tick, unless it takes no work now. */
  const handCompletionsToLoop = (): boolean => {
    if (!loop || !accepting()) return false;
    loop.nudge();
    return true;
  };

  const launch = (s: CoordinationStore, claim: ClaimedTask, sharedGlobal?: Promise<MemoryEntry[]>) => {
    const controller = new AbortController();
    const deps = {
      store: s,
      memory: memory as MemorySyncManager,
      handlers,
      metrics,
      log,
      history,
      workerId: id,
      maxRunMs: config.distributed.locking.ttlSeconds * 1000,
      complete: (batcher as CompletionBatcher).complete,
    };
    const done = runTask(deps, claim, controller.signal, sharedGlobal).finally(() => {
      inFlight.delete(claim.task.id);
      metrics.activeTasks.set(inFlight.size);
      loop?.nudge();
    });
    inFlight.set(claim.task.id, { claim, controller, done });
    metrics.activeTasks.set(inFlight.size);
  };

  // ── lifecycle ────────────────────────────────────────────────────────────────────
  const start = async (): Promise<void> => {
    if (state !== "new") throw new Error(`worker ${id} was already started (state ${state})`);
    state = "starting";
    try {
      // Load modules: handlers from config, then programmatic ones.
      handlers = resolveHandlers(config.handlers);
      for (const [type, handler] of Object.entries(opts.handlers ?? {})) handlers.set(type, handler);
      types = config.capacity.supportedTaskTypes.filter((t) => handlers.has(t));
      for (const type of Object.keys(opts.handlers ?? {})) if (!types.includes(type)) types.push(type);

      // Connect to the store.
      let storeDescription = "provided store";
      if (opts.store) store = opts.store;
      else {
        const connected = await connectStore(config.store, {
          env: opts.env ?? process.env,
          cwd: opts.cwd ?? process.cwd(),
          busyTimeoutMs: Math.min(1000, Math.max(20, Math.floor(config.distributed.heartbeat.staleThresholdMs / 10))),
        });
        store = connected.store;
        ownsStore = true;
        storeDescription = connected.description;
      }
      const s = store;

      if (config.health.port !== null) {
        healthServer = await startHealthServer({ port: config.health.port, host: config.health.host, health, registry: metrics.registry });
      }

      // Register.
      registry = new WorkerRegistry(s);
      await refuseIfClusterFull(s);
      record = await registry.register(registration(healthServer?.url ?? null));
      log.info({ action: "register", result: "registered", metadata: { state: record.state, types, max_tasks: config.capacity.maxConcurrentTasks, store: storeDescription } }, "worker registered");

      // Start heartbeat.
      // The store may adapt the cadence (GitHub stretches it under budget pressure): the record it returns says how often to beat.
      heartbeat = startIntervalTask(beat, () => record?.heartbeatIntervalMs ?? config.distributed.heartbeat.intervalMs);

      // Subscribe memory.
      memory = new MemorySyncManager(s, { writerId: id, cacheSize: config.distributed.memorySync.cacheSize, syncIntervalMs: config.distributed.memorySync.intervalMs, logger: log });
      unsubscribe = config.distributed.memorySync.namespaces.map((ns) =>
        (memory as MemorySyncManager).subscribe(`${ns}/`, (change) => log.debug({ action: "memory.change", metadata: { key: change.key, kind: change.kind, writer: change.writerId } }, "memory changed")),
      );
      memory.start();

      locks = new LockManager(s, {
        conflictPolicy: config.distributed.locking.conflictPolicy,
        retryAttempts: config.distributed.locking.retryAttempts,
        retryDelayMs: config.distributed.locking.retryDelayMs,
        logger: log,
      });

      if (config.distributed.heartbeat.recoveryEnabled) {
        monitor = new HeartbeatMonitor(s, {
          monitorId: id,
          staleThresholdMs: config.distributed.heartbeat.staleThresholdMs,
          checkIntervalMs: config.distributed.heartbeat.checkIntervalMs,
          logger: log,
          onReport: (report) => {
            if (report.markedStale.length + report.markedOffline.length + report.timedOutTasks.length > 0) {
              log.warn({ action: "monitor", result: "recovered", metadata: { stale: report.markedStale, offline: report.markedOffline, recovered: report.recoveredTasks.length, released_locks: report.releasedLocks.length, timed_out: report.timedOutTasks.length } }, "heartbeat monitor recovered failed work");
            }
          },
        });
        monitor.start();
      }

      const handsOff = s.completeAndClaim !== undefined && config.distributed.locking.conflictPolicy === "skip";
      batcher = createCompletionBatcher(s, {
        maxBatch: config.capacity.maxConcurrentTasks,
        flushDelayMs: COMPLETION_FLUSH_MS,
        held: () => inFlight.size,
        // While the worker takes work, its loop writes the batch together with the next claim.
        ...(handsOff ? { handOff: handCompletionsToLoop, handOffTimeoutMs: COMPLETION_HANDOFF_MS } : {}),
      });
      const changeMarker = s.changeMarker?.bind(s);
      loop = createPollLoop({
        tick,
        busyIntervalMs: config.polling.busyIntervalMs,
        idleIntervalMs: config.polling.idleIntervalMs,
        maxBackoffMs: config.polling.maxBackoffMs,
        // With a change marker (SQLite: PRAGMA data_version) an idle worker sees new work within
        // WATCH_INTERVAL_MS at the cost of one pragma read; without one it keeps the busy
        // interval for an idle interval's length after its last claim, then slows down.
        ...(changeMarker
          ? { watch: { intervalMs: WATCH_INTERVAL_MS, changed: async () => (await changeMarker()) !== seenMarker } }
          : { lingerMs: config.polling.idleIntervalMs }),
        onError: (thrown, consecutive) => {
          storeErrors = consecutive;
          metrics.storeErrors.inc({ step: "poll" });
          log.warn({ action: "poll", result: "error", metadata: { error: coerceError(thrown).message, consecutive } }, "polling for tasks failed; backing off");
        },
      });
      state = "ready";
      log.info({ action: "ready", result: "ok", metadata: { health: healthServer?.url ?? null } }, "worker ready");
      loop.start();
    } catch (thrown) {
      state = "failed";
      await release();
      resolveStopped();
      throw thrown;
    }
  };

  const refuseIfClusterFull = async (s: CoordinationStore) => {
    const [workers, now] = await Promise.all([s.listWorkers(), s.now()]);
    const live = workers.filter((w) => w.id !== id && isLeaseLive(w, now)).length;
    if (live >= config.distributed.registry.maxWorkers) {
      throw new Error(`cluster already has ${live} live workers (distributed.registry.maxWorkers = ${config.distributed.registry.maxWorkers})`);
    }
  };

  const drain = (): Promise<void> => {
    drainPromise ??= (async () => {
      if (state === "new" || state === "failed" || state === "stopped") {
        state = "stopped";
        resolveStopped();
        return;
      }
      state = "draining";
      log.info({ action: "drain", result: "started", metadata: { running: inFlight.size } }, "draining: finishing running tasks, taking no new ones");
      await loop?.stop();
      if (store && registry) {
        await registry.updateStatus(id, "DRAINING", id, "shutting down").catch((thrown) =>
          log.debug({ action: "drain", metadata: { error: coerceError(thrown).message } }, "could not mark DRAINING (already draining or stale)"),
        );
      }
      // The heartbeat keeps running meanwhile: running tasks need a live lease.
      await Promise.allSettled([...inFlight.values()].map((f) => f.done));
      await recoveringLease;
      state = "stopping";
      await heartbeat?.stop();
      heartbeat = null;
      if (registry) {
        try {
          const removed = await registry.deregister(id, id);
          log.info({ action: "deregister", result: removed.state }, "worker deregistered");
        } catch (thrown) {
          log.warn({ action: "deregister", result: "failed", metadata: { error: coerceError(thrown).message } }, "could not deregister; the heartbeat monitor will retire this worker");
        }
      }
      await release();
      state = "stopped";
      log.info({ action: "stop", result: "stopped", metadata: { uptime_seconds: Math.round((performance.now() - startedAtMs) / 1000) } }, "worker stopped");
      resolveStopped();
    })();
    return drainPromise;
  };

  const release = async () => {
    for (const off of unsubscribe) off();
    unsubscribe = [];
    await loop?.stop();
    await heartbeat?.stop();
    await monitor?.stop();
    await memory?.stop();
    await healthServer?.close();
    healthServer = null;
    if (ownsStore) await store?.close();
  };

  const health = (): WorkerHealth => {
    const max = config.capacity.maxConcurrentTasks;
    const base = {
      worker_id: id,
      uptime_seconds: Math.round((performance.now() - startedAtMs) / 1000),
      active_tasks: inFlight.size,
      capacity: { max, available: accepting() ? Math.max(0, max - inFlight.size) : 0 },
      last_heartbeat: record ? new Date(record.lastHeartbeatAt).toISOString() : null,
      state: record?.state ?? "NEW",
    };
    if (state === "new" || state === "starting") return { ...base, status: "starting" };
    if (state === "stopped" || state === "failed" || state === "stopping") return { ...base, status: "stopped" };
    if (state === "draining" || remoteDraining) return { ...base, status: "draining" };
    if (heartbeatFailures > 0) return { ...base, status: "degraded", reason: `${heartbeatFailures} consecutive heartbeat failure(s)` };
    if (recoveringLease) return { ...base, status: "degraded", reason: "lease lost; re-registering" };
    if (storeErrors > 0) return { ...base, status: "degraded", reason: `${storeErrors} consecutive store error(s) while polling` };
    return { ...base, status: "healthy" };
  };

  return {
    id,
    get state() {
      return state;
    },
    get healthUrl() {
      return healthServer?.url ?? null;
    },
    metrics,
    start,
    drain,
    stop: drain,
    async abort(reason: string) {
      abortAll(reason);
      await drain();
    },
    health,
    nudge: () => loop?.nudge(),
    stopped,
  };
}
