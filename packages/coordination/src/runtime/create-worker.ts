import type { WorkerHealth } from "../observability/health-server.js";
import type { WorkerMetrics } from "../observability/worker-metrics.js";
import { WorkerAlreadyStartedError } from "./runtime-errors.js";
import { drainWorker } from "./worker/drain-worker.js";
import { type StartedWorker, startWorker } from "./worker/start-worker.js";
import { createWorkerCore } from "./worker/worker-core.js";
import { describeHealth } from "./worker/worker-health.js";
import type { WorkerOptions, WorkerRuntimeState } from "./worker-options.js";

export interface Worker {
  readonly id: string;
  readonly state: WorkerRuntimeState;
  /** Where GET /health and /metrics are served, once started (null when disabled). */
  readonly healthUrl: string | null;
  readonly metrics: WorkerMetrics;
  /** The start-up lifecycle up to ready, then task processing in the background. */
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
 * heartbeat → subscribe memory → ready → process tasks. The parts
 * live in ./worker: worker-core (what a worker is before it starts), start-worker (builds
 * the started worker, up to ready), task-loop and claim-cycle (claim → execute → complete),
 * heartbeat (lease, operator drain, lost lease), drain-worker (graceful stop),
 * worker-health. The local clock only schedules timers; every expiry and staleness
 * judgement is the store's.
 */
export function createWorker(opts: WorkerOptions): Worker {
  const core = createWorkerCore(opts);
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  // The lifecycle's three one-shot steps: each is taken once and its promise shared.
  let starting: Promise<StartedWorker> | null = null;
  let started: StartedWorker | null = null;
  let draining: Promise<void> | null = null;
  // A stop during start-up ends its wait for an unavailable store.
  const startAbort = new AbortController();

  const drain = (): Promise<void> => {
    startAbort.abort();
    draining ??= (async () => {
      // A drain during start waits for it: a half-started worker is released by its failed start.
      const ready = await (starting ?? Promise.resolve(null)).catch(() => null);
      await drainWorker(core, ready);
      resolveStopped();
    })();
    return draining;
  };

  const start = async (): Promise<void> => {
    const { state } = core.status;
    if (state !== "new") throw new WorkerAlreadyStartedError(core.id, state);
    starting = startWorker(core, drain, startAbort.signal);
    try {
      started = await starting;
    } catch (thrown) {
      resolveStopped();
      throw thrown;
    }
  };

  return {
    id: core.id,
    get state() {
      return core.status.state;
    },
    get healthUrl() {
      return started?.healthUrl ?? null;
    },
    metrics: core.metrics,
    start,
    drain,
    stop: drain,
    async abort(reason: string) {
      core.running.abortAll(reason);
      await drain();
    },
    health: () => describeHealth(core),
    nudge: () => started?.loop.nudge(),
    stopped,
  };
}
