import type { WorkerHealth } from "../observability/health-server.js";
import type { WorkerMetrics } from "../observability/worker-metrics.js";
import { drainWorker } from "./worker/drain-worker.js";
import { abortRunningTasks } from "./worker/running-tasks.js";
import { startWorker } from "./worker/start-worker.js";
import { createWorkerContext } from "./worker/worker-context.js";
import { describeHealth } from "./worker/worker-health.js";
import type { WorkerOptions, WorkerRuntimeState } from "./worker-options.js";

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

/**
 * A headless worker: init config → load modules → connect store → register → start
 * heartbeat → subscribe memory → ready → process tasks (seed "Worker Lifecycle"). The parts
 * live in ./worker: start-worker (lifecycle up to ready), task-loop and claim-cycle (claim →
 * execute → complete), heartbeat (lease, operator drain, lost lease), drain-worker (graceful
 * stop), worker-health. The local clock only schedules timers; every expiry and staleness
 * judgement is the store's.
 */
export function createWorker(opts: WorkerOptions): Worker {
  const ctx = createWorkerContext(opts);
  const drain = () => drainWorker(ctx);
  return {
    id: ctx.id,
    get state() {
      return ctx.state;
    },
    get healthUrl() {
      return ctx.healthServer?.url ?? null;
    },
    metrics: ctx.metrics,
    start: () => startWorker(ctx),
    drain,
    stop: drain,
    async abort(reason: string) {
      abortRunningTasks(ctx, reason);
      await drain();
    },
    health: () => describeHealth(ctx),
    nudge: () => ctx.loop?.nudge(),
    stopped: ctx.stopped,
  };
}
