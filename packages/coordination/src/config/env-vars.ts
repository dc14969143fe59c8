import { z } from "zod";
import { leaf } from "./schema.js";

/**
 * Environment variables (the table in README, Configuration) and the config key each one sets.
 * Environment wins over the file. Values arrive as strings; each is parsed with the
 * same leaf schema the file uses, so the expectation is stated once.
 */
export interface EnvBinding {
  name: string;
  /** Dotted key in the config file this variable overrides. */
  key: string;
  schema: z.ZodType;
  parse: "int" | "bool" | "string";
  secret?: boolean;
}

export const ENV_BINDINGS: readonly EnvBinding[] = [
  { name: "WORKER_ID", key: "distributed.workerId", schema: leaf.workerId, parse: "string" },
  { name: "WORKER_HOSTNAME", key: "distributed.hostname", schema: leaf.hostname, parse: "string" },
  { name: "WORKER_MAX_TASKS", key: "capacity.maxConcurrentTasks", schema: leaf.maxConcurrentTasks, parse: "int" },
  { name: "LOCK_TTL_SECONDS", key: "distributed.locking.ttlSeconds", schema: leaf.ttlSeconds, parse: "int" },
  { name: "LOCK_RETRY_ATTEMPTS", key: "distributed.locking.retryAttempts", schema: leaf.retryAttempts, parse: "int" },
  { name: "LOCK_RETRY_DELAY_MS", key: "distributed.locking.retryDelayMs", schema: leaf.retryDelayMs, parse: "int" },
  { name: "HEARTBEAT_INTERVAL_MS", key: "distributed.heartbeat.intervalMs", schema: leaf.intervalMs, parse: "int" },
  {
    name: "STALE_WORKER_THRESHOLD_MS",
    key: "distributed.heartbeat.staleThresholdMs",
    schema: leaf.thresholdMs,
    parse: "int",
  },
  {
    name: "STALE_CHECK_INTERVAL_MS",
    key: "distributed.heartbeat.checkIntervalMs",
    schema: leaf.intervalMs,
    parse: "int",
  },
  { name: "LOAD_BALANCE_STRATEGY", key: "distributed.loadBalancer.strategy", schema: leaf.strategy, parse: "string" },
  { name: "TASK_AFFINITY_ENABLED", key: "distributed.loadBalancer.affinityEnabled", schema: leaf.flag, parse: "bool" },
  { name: "MEMORY_SYNC_INTERVAL_MS", key: "distributed.memorySync.intervalMs", schema: leaf.intervalMs, parse: "int" },
  { name: "MEMORY_CACHE_SIZE", key: "distributed.memorySync.cacheSize", schema: leaf.cacheSize, parse: "int" },
  { name: "WORKER_HEALTH_PORT", key: "health.port", schema: leaf.port, parse: "int" },
  { name: "WORKER_HEALTH_HOST", key: "health.host", schema: leaf.host, parse: "string" },
  {
    name: "WORKER_POLL_INTERVAL_MS",
    key: "polling.idleIntervalMs",
    schema: z.number().int().min(1).max(600_000),
    parse: "int",
  },
  {
    name: "WORKER_EXIT_WHEN_IDLE_SECONDS",
    key: "lifetime.exitWhenIdleSeconds",
    schema: leaf.lifetimeSeconds,
    parse: "int",
  },
  { name: "WORKER_MAX_RUN_SECONDS", key: "lifetime.maxRunSeconds", schema: leaf.lifetimeSeconds, parse: "int" },
  { name: "LOG_LEVEL", key: "logLevel", schema: leaf.logLevel, parse: "string" },
  { name: "SENTINEL_STORE", key: "store.backend", schema: z.enum(["sqlite", "github"]), parse: "string" },
  { name: "SENTINEL_SQLITE_PATH", key: "store.sqlitePath", schema: leaf.path, parse: "string" },
  { name: "GITHUB_OWNER", key: "store.github.owner", schema: leaf.nonEmpty, parse: "string" },
  { name: "GITHUB_REPO", key: "store.github.repo", schema: leaf.nonEmpty, parse: "string" },
  { name: "GITHUB_API_URL", key: "store.github.apiUrl", schema: z.url(), parse: "string" },
];

/** Strings to typed values before schema validation; a value that cannot convert stays a string so the schema reports it. */
export function convertEnvValue(raw: string, parse: EnvBinding["parse"]): unknown {
  const trimmed = raw.trim();
  if (parse === "int") return /^-?\d+$/.test(trimmed) ? Number(trimmed) : raw;
  if (parse === "bool") {
    if (/^(true|1|yes|on)$/i.test(trimmed)) return true;
    if (/^(false|0|no|off)$/i.test(trimmed)) return false;
    return raw;
  }
  return raw;
}
