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
