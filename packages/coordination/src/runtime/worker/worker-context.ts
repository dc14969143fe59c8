import type { Logger } from "pino";
import { BalancingHistoryRecorder } from "../../balancer/balancing-history.js";
import type { WorkerConfig } from "../../config/load-worker-config.js";
import type { WorkerRecord } from "../../domain/worker.js";
import type { HandlerDefinition } from "../../handlers/task-handler.js";
import type { HeartbeatMonitor } from "../../heartbeat/heartbeat-monitor.js";
import type { IntervalTask } from "../../interval-task.js";
import type { LockManager } from "../../locks/lock-manager.js";
import type { MemorySyncManager } from "../../memory/memory-sync-manager.js";
import type { HealthServer } from "../../observability/health-server.js";
import { createLogger } from "../../observability/logger.js";
import { createWorkerMetrics, type WorkerMetrics } from "../../observability/worker-metrics.js";
import type { WorkerRegistry } from "../../registry/worker-registry.js";
import type { CoordinationStore } from "../../store/port.js";
import type { ClaimedTask } from "../claimed-task.js";
import type { CompletionBatcher } from "../completion-batcher.js";
import type { PollLoop } from "../poll-loop.js";
import type { WorkerOptions, WorkerRuntimeState } from "../worker-options.js";

/** A task this worker is executing or completing. */
export interface RunningTask {
  claim: ClaimedTask;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Everything one worker knows, shared by the files of this folder (lifecycle, heartbeat, claim
 * cycle, health). The parts created by `start()` are null until then, and stay set after a
 * stop so that a late callback finds them closed rather than missing.
 */
export interface WorkerContext {
  readonly opts: WorkerOptions;
  readonly config: WorkerConfig;
  readonly id: string;
  readonly log: Logger;
  readonly metrics: WorkerMetrics;
  readonly history: BalancingHistoryRecorder;
  readonly running: Map<string, RunningTask>;
  readonly startedAtMs: number;
  readonly stopped: Promise<void>;
  readonly resolveStopped: () => void;

  state: WorkerRuntimeState;
  store: CoordinationStore | null;
  /** Connected by the worker itself (from config), so closed by it too. */
  ownsStore: boolean;
  registry: WorkerRegistry | null;
  locks: LockManager | null;
  memory: MemorySyncManager | null;
  monitor: HeartbeatMonitor | null;
  heartbeat: IntervalTask | null;
  loop: PollLoop | null;
  healthServer: HealthServer | null;
  handlers: Map<string, HandlerDefinition>;
  batcher: CompletionBatcher | null;
  /** Task types this worker has handlers for: the only ones it claims. */
  types: string[];
  unsubscribe: Array<() => void>;

  /** The store's change marker as of the start of the last poll (see the loop's watch). */
  seenMarker: string | null;
  record: WorkerRecord | null;
  heartbeatFailures: number;
  storeErrors: number;
  /** Operator drain seen in a heartbeat: no new work; resumable until the running tasks are done, then it deregisters and stops. */
  remoteDraining: boolean;
  recoveringLease: Promise<void> | null;
  drainPromise: Promise<void> | null;
}

export function createWorkerContext(opts: WorkerOptions): WorkerContext {
  const { config } = opts;
  const id = config.workerId;
  const given = opts.logger;
  const log = given
    ? given.bindings().worker_id
      ? given
      : given.child({ worker_id: id })
    : createLogger({ level: config.logLevel, component: "worker", workerId: id });
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  return {
    opts,
    config,
    id,
    log,
    metrics: createWorkerMetrics(id),
    history: new BalancingHistoryRecorder(),
    running: new Map(),
    startedAtMs: performance.now(),
    stopped,
    resolveStopped,
    state: "new",
    store: null,
    ownsStore: false,
    registry: null,
    locks: null,
    memory: null,
    monitor: null,
    heartbeat: null,
    loop: null,
    healthServer: null,
    handlers: new Map(),
    batcher: null,
    types: [],
    unsubscribe: [],
    seenMarker: null,
    record: null,
    heartbeatFailures: 0,
    storeErrors: 0,
    remoteDraining: false,
    recoveringLease: null,
    drainPromise: null,
  };
}

/** Whether the worker takes new work now: ready, not drained by an operator, not re-registering. */
export function isAccepting(ctx: WorkerContext): boolean {
  return ctx.state === "ready" && !ctx.remoteDraining && ctx.recoveringLease === null;
}
