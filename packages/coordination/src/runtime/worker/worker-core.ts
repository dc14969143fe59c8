import type { Logger } from "pino";
import { BalancingHistoryRecorder } from "../../balancer/balancing-history.js";
import type { WorkerConfig } from "../../config/load-worker-config.js";
import { createLogger } from "../../observability/logger.js";
import { createWorkerMetrics, type WorkerMetrics } from "../../observability/worker-metrics.js";
import type { WorkerOptions } from "../worker-options.js";
import { BusyClock } from "./busy-clock.js";
import { RunningTasks } from "./running-tasks.js";
import { createWorkerStatus, type WorkerStatus } from "./worker-status.js";

/** What a worker is from the moment it is created, before it touches a store: the parts every file of this folder shares. */
export interface WorkerCore {
  readonly opts: WorkerOptions;
  readonly config: WorkerConfig;
  readonly id: string;
  readonly log: Logger;
  readonly metrics: WorkerMetrics;
  readonly history: BalancingHistoryRecorder;
  readonly startedAtMs: number;
  readonly status: WorkerStatus;
  readonly running: RunningTasks;
  /** Time with at least one task running (published in the heartbeat's metrics). */
  readonly busy: BusyClock;
}

export function createWorkerCore(opts: WorkerOptions): WorkerCore {
  const { config } = opts;
  const id = config.workerId;
  const given = opts.logger;
  const log = given
    ? given.bindings().worker_id
      ? given
      : given.child({ worker_id: id })
    : createLogger({ level: config.logLevel, component: "worker", workerId: id });
  const metrics = createWorkerMetrics(id);
  const busy = new BusyClock();
  return {
    opts,
    config,
    id,
    log,
    metrics,
    history: new BalancingHistoryRecorder(),
    startedAtMs: performance.now(),
    status: createWorkerStatus(),
    running: new RunningTasks((count) => {
      metrics.activeTasks.set(count);
      busy.count(count);
    }),
    busy,
  };
}
