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

// One line per variable: how its string converts, its name, the config key it sets and its schema.
const binding =
  (parse: EnvBinding["parse"]) =>
  (name: string, key: string, schema: z.ZodType): EnvBinding => ({ name, key, schema, parse });
const int = binding("int");
const bool = binding("bool");
const text = binding("string");

export const ENV_BINDINGS: readonly EnvBinding[] = [
  text("WORKER_ID", "distributed.workerId", leaf.workerId),
  text("WORKER_HOSTNAME", "distributed.hostname", leaf.hostname),
  int("WORKER_MAX_TASKS", "capacity.maxConcurrentTasks", leaf.maxConcurrentTasks),
  int("LOCK_TTL_SECONDS", "distributed.locking.ttlSeconds", leaf.ttlSeconds),
  int("LOCK_RETRY_ATTEMPTS", "distributed.locking.retryAttempts", leaf.retryAttempts),
  int("LOCK_RETRY_DELAY_MS", "distributed.locking.retryDelayMs", leaf.retryDelayMs),
  int("HEARTBEAT_INTERVAL_MS", "distributed.heartbeat.intervalMs", leaf.intervalMs),
  int("STALE_WORKER_THRESHOLD_MS", "distributed.heartbeat.staleThresholdMs", leaf.thresholdMs),
  int("STALE_CHECK_INTERVAL_MS", "distributed.heartbeat.checkIntervalMs", leaf.intervalMs),
  text("LOAD_BALANCE_STRATEGY", "distributed.loadBalancer.strategy", leaf.strategy),
  bool("TASK_AFFINITY_ENABLED", "distributed.loadBalancer.affinityEnabled", leaf.flag),
  int("MEMORY_SYNC_INTERVAL_MS", "distributed.memorySync.intervalMs", leaf.intervalMs),
  int("MEMORY_CACHE_SIZE", "distributed.memorySync.cacheSize", leaf.cacheSize),
  int("WORKER_HEALTH_PORT", "health.port", leaf.port),
  text("WORKER_HEALTH_HOST", "health.host", leaf.host),
  int("WORKER_POLL_INTERVAL_MS", "polling.idleIntervalMs", z.number().int().min(1).max(600_000)),
  int("WORKER_EXIT_WHEN_IDLE_SECONDS", "lifetime.exitWhenIdleSeconds", leaf.lifetimeSeconds),
  int("WORKER_MAX_RUN_SECONDS", "lifetime.maxRunSeconds", leaf.lifetimeSeconds),
  int("SENTINEL_START_TIMEOUT_MS", "startup.timeoutMs", leaf.startTimeoutMs),
  text("LOG_LEVEL", "logLevel", leaf.logLevel),
  text("SENTINEL_STORE", "store.backend", z.enum(["sqlite", "github", "postgres"])),
  text("SENTINEL_SQLITE_PATH", "store.sqlitePath", leaf.path),
  int("SENTINEL_RETENTION_MS", "retention.finishedTasksMs", leaf.retentionMs),
  int("SENTINEL_RETENTION_KEEP", "retention.keepFinishedTasks", leaf.retentionCount),
  text("SENTINEL_ARCHIVE_DIR", "retention.archiveDir", leaf.path),
  text("GITHUB_OWNER", "store.github.owner", leaf.nonEmpty),
  text("GITHUB_REPO", "store.github.repo", leaf.nonEmpty),
  text("GITHUB_API_URL", "store.github.apiUrl", z.url()),
  int("SENTINEL_GITHUB_WRITES_PER_MINUTE", "store.github.writeBudget.perMinute", leaf.writesPerMinute),
  int("SENTINEL_GITHUB_WRITES_PER_HOUR", "store.github.writeBudget.perHour", leaf.writesPerHour),
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
