/** What one chaos run does; `chaosOptions` gives the full run (`pnpm chaos`) or the short one (`pnpm test`). */
export type Backend = "sqlite" | "postgres" | "github";

/** Every backend, in the order `pnpm chaos` runs them and the docs list them. */
export const BACKENDS: readonly Backend[] = ["sqlite", "postgres", "github"];

export interface ChaosOptions {
  backend: Backend;
  /** The full run (`pnpm chaos`) or the short one (`--short`, and `pnpm test`). */
  size: "full" | "short";
  /** Seeds the fault plan, the task mix and the emulator's own fault draws. */
  seed: number;
  /** Worker processes kept running (a killed one is replaced by a new process). */
  workers: number;
  maxTasksPerWorker: number;
  tasks: number;
  /** Share of tasks designed to fail (`fail` handler, 2 attempts): they must end dead, the rest succeeded. */
  failingShare: number;
  /** Run time of a `sleep` task, drawn uniformly. */
  taskMs: { min: number; max: number };
  /** Faults injected one after another; the first ones cover every kind the backend has. */
  faults: number;
  /** Quiet time before each fault, drawn uniformly. */
  faultGapMs: { min: number; max: number };
  /** Clock skew (libfaketime: the whole process) of the first worker slot, for the whole run. */
  skewMs: number;
  /** Longest wait for the queue to drain once the faults are over. */
  drainTimeoutMs: number;
  /**
   * GitHub only: the write budget the workers plan with — the emulator's raised limits, or
   * GitHub's own 80/min and 500/h (stretched heartbeats and leases, as against api.github.com).
   */
  githubBudget: "raised" | "github";
}

/** Slot 0's clock skew unless `--skew-minutes` says otherwise. */
export const DEFAULT_SKEW_MS = 5 * 60_000;

const SQLITE_FULL: Omit<ChaosOptions, "backend" | "seed" | "size"> = {
  workers: 4,
  maxTasksPerWorker: 4,
  tasks: 600,
  failingShare: 0.05,
  taskMs: { min: 50, max: 600 },
  faults: 16,
  faultGapMs: { min: 1500, max: 4000 },
  skewMs: DEFAULT_SKEW_MS,
  drainTimeoutMs: 120_000,
  githubBudget: "raised",
};

/**
 * GitHub runs fewer, longer tasks: every claim and completion is a few HTTP requests, not a
 * transaction. Postgres runs SQLite's plan: one transaction per call, on a server instead of a file.
 */
const FULL: Record<Backend, Omit<ChaosOptions, "backend" | "seed" | "size">> = {
  sqlite: SQLITE_FULL,
  postgres: SQLITE_FULL,
  github: {
    ...SQLITE_FULL,
    workers: 3,
    maxTasksPerWorker: 3,
    tasks: 150,
    taskMs: { min: 100, max: 1500 },
    faults: 12,
    faultGapMs: { min: 2000, max: 5000 },
    drainTimeoutMs: 180_000,
  },
};

/** Small enough for `pnpm test` (each backend in well under a minute on 2 cores), yet every fault kind once. */
const SHORT: Record<Backend, Omit<ChaosOptions, "backend" | "seed" | "size">> = {
  sqlite: {
    ...FULL.sqlite,
    workers: 3,
    tasks: 80,
    faults: 4,
    faultGapMs: { min: 500, max: 1200 },
    drainTimeoutMs: 30_000,
  },
  postgres: {
    ...FULL.postgres,
    workers: 3,
    // Fewer than SQLite: a write holds the server's write lock across round trips, so on a loaded
    // machine the runner's task creation falls behind the plan (docs/reliability.md, Chaos runs).
    tasks: 60,
    faults: 4,
    faultGapMs: { min: 500, max: 1200 },
    drainTimeoutMs: 30_000,
  },
  github: {
    ...FULL.github,
    workers: 2,
    tasks: 24,
    taskMs: { min: 100, max: 600 },
    faults: 5,
    faultGapMs: { min: 500, max: 1200 },
    drainTimeoutMs: 40_000,
  },
};

export function chaosOptions(backend: Backend, seed: number, size: "full" | "short" = "full"): ChaosOptions {
  return { backend, seed, size, ...(size === "full" ? FULL : SHORT)[backend] };
}
