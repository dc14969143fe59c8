/**
 * Environment shared by the stack under test and by the extra workers tests start: short
 * intervals so a crash is detected in seconds, a known operator token, no demo tasks.
 */
export const E2E_OPERATOR_TOKEN = "e2e-operator-token-0123456789abcdef";

export const E2E_ENV = {
  SENTINEL_OPERATOR_TOKEN: E2E_OPERATOR_TOKEN,
  SENTINEL_DEMO_TASKS: "0",
  GITHUB_WEBHOOK_SECRET: "e2e-webhook-secret",
  HEARTBEAT_INTERVAL_MS: "500",
  STALE_WORKER_THRESHOLD_MS: "3000",
  STALE_CHECK_INTERVAL_MS: "500",
  WORKER_POLL_INTERVAL_MS: "100",
  LOG_LEVEL: "warn",
} as const;

/**
 * On top of E2E_ENV for the GitHub project (the stack, and every worker a test starts):
 * a 150 ms settle delay above the emulator's read lag, the syncer polling as often as the
 * SQLite one would, and the GitHub client's spacing, write budget and heartbeat stretching
 * off — 500 ms heartbeats are far above what a real GitHub budget allows; they are here for
 * test speed, so the spend check (which would refuse them on a real token) only warns.
 */
export const E2E_GITHUB_ENV = {
  SENTINEL_SETTLE_DELAY_MS: "150",
  // A running task's log is written every second instead of every 15 s, so a test sees it live in time.
  SENTINEL_TASK_LOG_FLUSH_MS: "1000",
  SENTINEL_GITHUB_TUNING: JSON.stringify({
    throttle: { writeMinTimeMs: 0, notificationMinTimeMs: 0 },
    refreshIntervalMs: 100,
    batchWindowMs: 50,
    maxHeartbeatStretch: 1,
    // The emulator runs without secondary limits here; the stores' budget follows it.
    writeBudget: { perMinute: 100_000, perHour: 10_000_000 },
  }),
  SENTINEL_GITHUB_SPEND_CHECK: "warn",
  SENTINEL_SYNC_POLL_MS: "250",
  SENTINEL_SYNC_WORKERS_MS: "500",
  SENTINEL_SYNC_RECONCILE_MS: "10000",
} as const;

/** The emulator's read lag in the GitHub project: present, and below the settle delay. */
export const E2E_EMULATOR_READ_LAG_MS = "50";

/**
 * Where each stack's control plane sends alerts: a receiver the alerts spec starts on the
 * port after the SQLite stack's (E2E_PORT + 1, otherwise unused), one path per stack. Until
 * a spec listens there, deliveries fail and are retried (quickly: SENTINEL_ALERT_RETRY_BASE_MS).
 */
export function alertWebhook(backend: "sqlite" | "github" | "postgres"): { port: number; path: string; url: string } {
  const port = Number(process.env.E2E_PORT ?? 3123) + 1;
  const path = `/hooks/${backend}/e2e-secret-path`;
  return { port, path, url: `http://127.0.0.1:${port}${path}` };
}

export const E2E_ALERT_ENV = {
  SENTINEL_ALERT_RESOLVE_AFTER_MS: "1000",
  SENTINEL_ALERT_RETRY_BASE_MS: "500",
  SENTINEL_ALERT_WEBHOOK_SECRET: "e2e-alert-signing-secret",
} as const;
