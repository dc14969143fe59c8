import type { CoordinationStore } from "@sentinel/coordination";
import type { Backend } from "./options.js";

/** Heartbeat, lease and polling of the chaos workers: short, so recovery is measured in seconds. */
export interface WorkerTimings {
  heartbeatMs: number;
  staleMs: number;
  checkMs: number;
  pollMs: number;
}

/** A fault only one backend has (the SQLite file write-locked, the Postgres server restarted, the GitHub API failing). */
export interface StoreFault {
  kind: string;
  /** How long the fault lasts, drawn from this range by the plan. */
  durationMs: { min: number; max: number };
  /** Starts the fault, waits `durationMs`, ends it; returns what was done, for the log. */
  inject(durationMs: number): Promise<string>;
}

/** One backend under chaos: the runner's own connection, what workers need to join, its faults. */
export interface ChaosBackend {
  name: Backend;
  /** The runner's connection: it creates the tasks and reads the history the checks judge. */
  store: CoordinationStore;
  timings: WorkerTimings;
  /** Environment (on top of the timings) every worker process of this backend gets. */
  workerEnv: Record<string, string>;
  faults: readonly StoreFault[];
  /** What the run's figures should say about this backend's setup. */
  setup: string;
  close(): Promise<void>;
}

export function timingEnv(t: WorkerTimings): Record<string, string> {
  return {
    HEARTBEAT_INTERVAL_MS: String(t.heartbeatMs),
    STALE_WORKER_THRESHOLD_MS: String(t.staleMs),
    STALE_CHECK_INTERVAL_MS: String(t.checkMs),
    WORKER_POLL_INTERVAL_MS: String(t.pollMs),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
