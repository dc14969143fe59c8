import { CHROMIUM_EXECUTABLE } from "@sentinel/test-support/chromium";
import { positiveIntEnv } from "../queue-run.js";

export interface DashboardBenchOptions {
  /** Registered workers in the scale phase (the issue asks for 1,000). */
  workers: number;
  /** Tasks in the scale phase (the issue asks for 100,000). */
  tasks: number;
  /** Store-change → DOM samples per kind of change (new task, state change) and phase. */
  latencySamples: number;
  /** Sequential HTTP requests per tRPC procedure (after a few unmeasured warm-up requests). */
  requests: number;
  /** Warm-cache page loads per page (plus one cold load). */
  pageLoads: number;
  /** How long the open tasks page is watched without changes of our own, to count its background refetches. */
  idleWatchMs: number;
  /** The default heartbeat cadence (30 s); the scale phase's workers heartbeat at it throughout. */
  heartbeatIntervalMs: number;
  chromiumPath: string;
}

export function dashboardBenchOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DashboardBenchOptions {
  const int = (name: string, fallback: number): number => positiveIntEnv(name, fallback, env);
  return {
    workers: int("BENCH_DASHBOARD_WORKERS", 1_000),
    tasks: int("BENCH_DASHBOARD_TASKS", 100_000),
    latencySamples: int("BENCH_DASHBOARD_SAMPLES", 30),
    requests: int("BENCH_DASHBOARD_REQUESTS", 40),
    pageLoads: int("BENCH_DASHBOARD_PAGE_LOADS", 10),
    idleWatchMs: int("BENCH_DASHBOARD_IDLE_MS", 10_000),
    heartbeatIntervalMs: int("BENCH_DASHBOARD_HEARTBEAT_MS", 30_000),
    chromiumPath: env.BENCH_CHROMIUM?.trim() || CHROMIUM_EXECUTABLE,
  };
}
