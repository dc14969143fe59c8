import { z } from "zod";

/**
 * The worker's configuration: `task-sentinel.config.json` and the environment variables
 * that override it (README, Configuration). Every object is strict
 * so a misspelt key is reported instead of silently ignored.
 */

export const STRATEGIES = ["round_robin", "least_loaded", "capacity_based", "affinity", "adaptive"] as const;
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export const CONFLICT_POLICIES = ["skip", "wait", "retry"] as const;
export const BUILTIN_HANDLERS = ["noop", "echo", "sleep", "fail"] as const;

const WORKER_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const TASK_TYPE_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** Leaf schemas, shared by the file schema and the environment variable table. */
export const leaf = {
  workerId: z.string().regex(WORKER_ID_RE, "letters, digits, '.', '_', ':' or '-', 1–128 chars"),
  hostname: z.string().min(1).max(255),
  maxConcurrentTasks: int(1, 1000),
  ttlSeconds: int(1, 24 * 3600),
  retryAttempts: int(0, 100),
  retryDelayMs: int(0, 3_600_000),
  intervalMs: int(10, 3_600_000),
  thresholdMs: int(50, 24 * 3_600_000),
  strategy: z.enum(STRATEGIES),
  flag: z.boolean(),
  cacheSize: int(1, 1_000_000),
  port: int(0, 65_535),
  host: z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, "a host name or IP address to bind to"),
  logLevel: z.enum(LOG_LEVELS),
  path: z.string().min(1),
  taskType: z.string().regex(TASK_TYPE_RE, "a task type: lowercase letters, digits, '.', '_' or '-'"),
  nonEmpty: z.string().min(1),
  lifetimeSeconds: int(1, 30 * 24 * 3600),
  startTimeoutMs: int(0, 24 * 3_600_000),
  writesPerMinute: int(1, 1_000_000),
  writesPerHour: int(1, 60_000_000),
  retentionMs: int(0, 3650 * 86_400_000),
  retentionCount: int(0, 1_000_000_000),
};

const lockingSchema = z
  .object({
    /** Upper bound on one attempt's run time; the lock's TTL is the task's own timeoutMs, capped by this. */
    ttlSeconds: leaf.ttlSeconds.default(300),
    retryAttempts: leaf.retryAttempts.default(3),
    retryDelayMs: leaf.retryDelayMs.default(1000),
    /** Accepted so existing config files load; locks expire by the store's clock, so nothing sweeps them. */
    cleanupIntervalMs: leaf.intervalMs.optional(),
    /** What to do when a task's lock is held by someone else: skip it, wait for it, or retry with backoff and jitter. */
    conflictPolicy: z.enum(CONFLICT_POLICIES).default("skip"),
  })
  .strict();

const registrySchema = z
  .object({
    /** A worker refuses to start when this many live workers are already registered. */
    maxWorkers: int(1, 100_000).default(100),
    /** Older spelling of heartbeat.checkIntervalMs; if both are set they must agree. */
    healthCheckIntervalMs: leaf.intervalMs.optional(),
    /** Older spelling of heartbeat.staleThresholdMs; if both are set they must agree. */
    staleThresholdMs: leaf.thresholdMs.optional(),
  })
  .strict();

const heartbeatSchema = z
  .object({
    intervalMs: leaf.intervalMs.default(30_000),
    /** The worker's lease: silent longer than this → STALE, its locks recovered. */
    staleThresholdMs: leaf.thresholdMs.optional(),
    checkIntervalMs: leaf.intervalMs.optional(),
    /** Run a HeartbeatMonitor in this worker (recovery is exactly-once across monitors). */
    recoveryEnabled: leaf.flag.default(true),
  })
  .strict();

const loadBalancerSchema = z
  .object({
    strategy: leaf.strategy.default("least_loaded"),
    affinityEnabled: leaf.flag.default(true),
    /** How often the live strategy setting is re-read from the store. */
    rebalanceIntervalMs: leaf.intervalMs.default(5000),
    /** A task unclaimed this long is open to any eligible worker, whatever the strategy says. */
    graceMs: int(0, 3_600_000).default(2000),
  })
  .strict();

const memorySyncSchema = z
  .object({
    intervalMs: leaf.intervalMs.default(5000),
    conflictResolution: z.literal("last_write_wins").default("last_write_wins"),
    cacheSize: leaf.cacheSize.default(1000),
    namespaces: z
      .array(z.enum(["swarm", "tasks", "workers", "global"]))
      .default(["swarm", "tasks", "workers", "global"]),
  })
  .strict();

const distributedSchema = z
  .object({
    /** false: a lone worker claims every claimable task itself instead of by load-balancer agreement. */
    enabled: leaf.flag.default(true),
    workerId: leaf.workerId.optional(),
    hostname: leaf.hostname.optional(),
    locking: lockingSchema.prefault({}),
    registry: registrySchema.prefault({}),
    heartbeat: heartbeatSchema.prefault({}),
    loadBalancer: loadBalancerSchema.prefault({}),
    memorySync: memorySyncSchema.prefault({}),
  })
  .strict();

const capacitySchema = z
  .object({
    maxConcurrentTasks: leaf.maxConcurrentTasks.default(10),
    cpuCores: int(1, 1024).optional(),
    memoryMb: int(1, 16 * 1024 * 1024).optional(),
    /** Defaults to every type in `handlers`; listing a type with no handler is an error. */
    supportedTaskTypes: z.array(leaf.taskType).optional(),
  })
  .strict();

/**
 * The login's secondary (content-creation) limit, which each store shares with the other live
 * workers on its login and which sets how far heartbeats are stretched. GitHub's are 80/min and
 * 500/h; raise them only where the server's limits are higher (GitHub Enterprise Server with
 * other limits, the emulator).
 */
const githubWriteBudgetSchema = z
  .object({
    perMinute: leaf.writesPerMinute.optional(),
    perHour: leaf.writesPerHour.optional(),
  })
  .strict();

const githubSchema = z
  .object({
    owner: leaf.nonEmpty,
    repo: leaf.nonEmpty,
    apiUrl: z.url().optional(),
    /** Accounts whose comments count as coordination data (invariant 8). */
    allowedAuthors: z.array(leaf.nonEmpty).optional(),
    /** Settle delay before a claimant trusts its claim (GitHub read-after-write lag). */
    settleDelayMs: int(0, 60_000).optional(),
    writeBudget: githubWriteBudgetSchema.optional(),
  })
  .strict();

const storeSchema = z
  .object({
    backend: z.enum(["sqlite", "github", "postgres"]).default("sqlite"),
    sqlitePath: leaf.path.optional(),
    github: githubSchema.optional(),
  })
  .strict();

export const builtinHandlerSchema = z.object({ builtin: z.enum(BUILTIN_HANDLERS) }).strict();
export const commandHandlerSchema = z
  .object({
    /** argv: [executable, ...args]. Spawned without a shell; task data never enters it. */
    command: z.array(z.string().min(1)).min(1),
    timeoutMs: int(100, 24 * 3_600_000).optional(),
    env: z.record(z.string(), z.string()).optional(),
    cwd: leaf.path.optional(),
    maxOutputBytes: int(1024, 64 * 1024 * 1024).optional(),
  })
  .strict();
export const handlerSpecSchema = z.union([builtinHandlerSchema, commandHandlerSchema]);
export type HandlerSpec = z.output<typeof handlerSpecSchema>;
export type CommandHandlerSpec = z.output<typeof commandHandlerSchema>;

const healthSchema = z
  .object({
    /** 0 = an ephemeral port; null = no health server. */
    port: leaf.port.nullable().default(null),
    host: leaf.host.default("127.0.0.1"),
  })
  .strict();

const pollingSchema = z
  .object({
    /** Poll interval while tasks keep coming. */
    busyIntervalMs: int(1, 60_000).default(50),
    /** Poll interval when the last poll found nothing; errors back off from here up to maxBackoffMs. */
    idleIntervalMs: int(1, 600_000).default(1000),
    maxBackoffMs: int(1, 600_000).default(30_000),
  })
  .strict();

/**
 * For workers that should not run forever (a GitHub Actions job, a batch run): both limits
 * end in the ordinary drain, so a task already claimed is finished, never dropped.
 */
const lifetimeSchema = z
  .object({
    /** Drain and exit once nothing has run or been claimed for this long (the queue is empty for this worker); null = never. */
    exitWhenIdleSeconds: leaf.lifetimeSeconds.nullable().default(null),
    /** Drain and exit after this long since start, however busy; null = no limit. */
    maxRunSeconds: leaf.lifetimeSeconds.nullable().default(null),
  })
  .strict();

/** Start-up against a store that is briefly unavailable (runtime/worker/start-retry.ts). */
const startupSchema = z
  .object({
    /** How long start-up keeps retrying transient store errors (5xx, rate limits, network, SQLITE_BUSY); 0 = fail at the first. */
    timeoutMs: leaf.startTimeoutMs.default(180_000),
  })
  .strict();

const DAY_MS = 86_400_000;

/**
 * Finished tasks (succeeded, dead, cancelled) archived to JSON Lines files and deleted from
 * the store by every worker's monitor round (domain/task-retention.ts). SQLite only: on
 * GitHub a finished task's issue is closed, which is its archive.
 */
const retentionSchema = z
  .object({
    /** Archive and delete finished tasks older than this; 0 keeps them whatever their age. */
    finishedTasksMs: leaf.retentionMs.default(30 * DAY_MS),
    /** Keep at most this many finished tasks, the newest (older ones are archived and deleted); 0: no count bound. */
    keepFinishedTasks: leaf.retentionCount.default(0),
    /** Where the archive files go; default: `<database file>.archive/` beside the SQLite file. */
    archiveDir: leaf.path.optional(),
  })
  .strict();

export const DEMO_HANDLERS: Record<string, HandlerSpec> = {
  noop: { builtin: "noop" },
  echo: { builtin: "echo" },
  sleep: { builtin: "sleep" },
  fail: { builtin: "fail" },
};

export const workerConfigFileSchema = z
  .object({
    $schema: z.string().optional(),
    distributed: distributedSchema.prefault({}),
    capacity: capacitySchema.prefault({}),
    store: storeSchema.prefault({}),
    handlers: z.record(leaf.taskType, handlerSpecSchema).optional(),
    health: healthSchema.prefault({}),
    polling: pollingSchema.prefault({}),
    lifetime: lifetimeSchema.prefault({}),
    startup: startupSchema.prefault({}),
    retention: retentionSchema.prefault({}),
    logLevel: leaf.logLevel.default("info"),
  })
  .strict();

export type WorkerConfigFile = z.output<typeof workerConfigFileSchema>;
