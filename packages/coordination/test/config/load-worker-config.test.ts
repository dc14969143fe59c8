import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadWorkerConfig } from "../../src/config/load-worker-config.js";
import { ConfigError } from "../../src/errors.js";
import { githubOptions } from "../../src/store/open-store.js";

function dirWithConfig(content: unknown): { cwd: string; file: string } {
  const cwd = mkdtempSync(join(tmpdir(), "sentinel-config-"));
  const file = join(cwd, "task-sentinel.config.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return { cwd, file };
}

function emptyDir(): string {
  return mkdtempSync(join(tmpdir(), "sentinel-config-"));
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("zero configuration", () => {
  it("uses embedded SQLite at the default path, the demo handlers and the documented defaults", () => {
    const config = loadWorkerConfig({ env: {}, cwd: emptyDir(), pid: 4242 });
    expect(config.store).toEqual({ backend: "sqlite", sqlitePath: null });
    expect(Object.keys(config.handlers).sort()).toEqual(["echo", "fail", "noop", "sleep"]);
    expect(config.capacity.supportedTaskTypes.sort()).toEqual(["echo", "fail", "noop", "sleep"]);
    expect(config.capacity.maxConcurrentTasks).toBe(10);
    expect(config.distributed.locking).toMatchObject({
      ttlSeconds: 300,
      retryAttempts: 3,
      retryDelayMs: 1000,
      conflictPolicy: "skip",
    });
    expect(config.distributed.heartbeat).toMatchObject({
      intervalMs: 30_000,
      staleThresholdMs: 120_000,
      checkIntervalMs: 60_000,
    });
    expect(config.distributed.loadBalancer).toMatchObject({ strategy: "least_loaded", affinityEnabled: true });
    expect(config.distributed.memorySync).toMatchObject({ intervalMs: 5000, cacheSize: 1000 });
    expect(config.health.port).toBeNull();
    expect(config.configFile).toBeNull();
    expect(config.workerId).toMatch(/^[A-Za-z0-9._-]+-4242-[0-9a-f]{4}$/);
  });

  it("generates a different worker id per process start", () => {
    const a = loadWorkerConfig({ env: {}, cwd: emptyDir() }).workerId;
    const ids = new Set(Array.from({ length: 20 }, () => loadWorkerConfig({ env: {}, cwd: emptyDir() }).workerId));
    expect(ids.size).toBeGreaterThan(1);
    expect(a).toContain(`-${process.pid}-`);
  });
});

describe("file + environment", () => {
  it("reads the config file's shape, and the environment overrides it", () => {
    const { cwd, file } = dirWithConfig({
      distributed: {
        workerId: "from-file",
        heartbeat: { intervalMs: 1000, staleThresholdMs: 5000 },
        loadBalancer: { strategy: "round_robin" },
      },
      capacity: { maxConcurrentTasks: 4 },
      handlers: { resize: { command: ["/usr/bin/convert", "-resize"], timeoutMs: 5000 }, echo: { builtin: "echo" } },
    });
    const config = loadWorkerConfig({ env: { WORKER_MAX_TASKS: "7", LOAD_BALANCE_STRATEGY: "affinity" }, cwd });
    expect(config.configFile).toBe(file);
    expect(config.workerId).toBe("from-file");
    expect(config.capacity.maxConcurrentTasks).toBe(7);
    expect(config.distributed.loadBalancer.strategy).toBe("affinity");
    expect(config.distributed.heartbeat.staleThresholdMs).toBe(5000);
    expect(config.capacity.supportedTaskTypes.sort()).toEqual(["echo", "resize"]);
  });

  it("sets every documented variable", () => {
    const config = loadWorkerConfig({
      cwd: emptyDir(),
      env: {
        WORKER_ID: "w-1",
        WORKER_HOSTNAME: "host-a",
        WORKER_MAX_TASKS: "3",
        LOCK_TTL_SECONDS: "60",
        LOCK_RETRY_ATTEMPTS: "5",
        LOCK_RETRY_DELAY_MS: "20",
        HEARTBEAT_INTERVAL_MS: "100",
        STALE_WORKER_THRESHOLD_MS: "600",
        STALE_CHECK_INTERVAL_MS: "200",
        LOAD_BALANCE_STRATEGY: "capacity_based",
        TASK_AFFINITY_ENABLED: "false",
        MEMORY_SYNC_INTERVAL_MS: "50",
        MEMORY_CACHE_SIZE: "10",
        WORKER_HEALTH_PORT: "0",
        LOG_LEVEL: "warn",
        SENTINEL_SQLITE_PATH: "/tmp/x.db",
      },
    });
    expect(config).toMatchObject({
      workerId: "w-1",
      hostname: "host-a",
      logLevel: "warn",
      store: { backend: "sqlite", sqlitePath: "/tmp/x.db" },
      capacity: { maxConcurrentTasks: 3 },
      health: { port: 0 },
      distributed: {
        locking: { ttlSeconds: 60, retryAttempts: 5, retryDelayMs: 20 },
        heartbeat: { intervalMs: 100, staleThresholdMs: 600, checkIntervalMs: 200 },
        loadBalancer: { strategy: "capacity_based", affinityEnabled: false },
        memorySync: { intervalMs: 50, cacheSize: 10 },
      },
    });
  });

  it("picks the github backend from GITHUB_TOKEN/OWNER/REPO and keeps the token out of the file", () => {
    const config = loadWorkerConfig({
      cwd: emptyDir(),
      env: { GITHUB_TOKEN: "ghp_x", GITHUB_OWNER: "acme", GITHUB_REPO: "tasks" },
    });
    expect(config.store).toMatchObject({ backend: "github", owner: "acme", repo: "tasks", token: "ghp_x" });
  });

  it("raises the GitHub write budget from the file or the environment, which the store then plans with", () => {
    const github = {
      store: { backend: "github", github: { owner: "acme", repo: "tasks", writeBudget: { perMinute: 600 } } },
    };
    const config = loadWorkerConfig({
      cwd: dirWithConfig(github).cwd,
      env: { GITHUB_TOKEN: "ghp_x", SENTINEL_GITHUB_WRITES_PER_HOUR: "20000" },
    });
    expect(config.store).toMatchObject({ backend: "github", writeBudget: { perMinute: 600, perHour: 20_000 } });
    if (config.store.backend !== "github") throw new Error("expected the github backend");
    // A tuning that does not name the budget leaves it as configured.
    const tuning = { SENTINEL_GITHUB_TUNING: '{"refreshIntervalMs":100}' };
    expect(githubOptions({ ...config.store, hmacSecret: "a-secret-of-16-chars" }, tuning).writeBudget).toEqual({
      perMinute: 600,
      perHour: 20_000,
    });
  });

  it("substitutes ${VAR} and ${VAR:-default}, turning whole numeric references into numbers", () => {
    const { cwd } = dirWithConfig({
      distributed: { workerId: "worker-${POD_NAME}", hostname: "${HOST_NAME:-fallback-host}" },
      capacity: { maxConcurrentTasks: "${MAX}" },
    });
    const config = loadWorkerConfig({ cwd, env: { POD_NAME: "pod-7", MAX: "12" } });
    expect(config.workerId).toBe("worker-pod-7");
    expect(config.hostname).toBe("fallback-host");
    expect(config.capacity.maxConcurrentTasks).toBe(12);
  });

  it("names the key whose ${VAR} is not set", () => {
    const { cwd, file } = dirWithConfig({ distributed: { workerId: "${MISSING_VAR}" } });
    const err = configError(() => loadWorkerConfig({ cwd, env: {} }));
    expect(err.key).toBe("distributed.workerId");
    expect(err.expected).toContain("MISSING_VAR");
    expect(err.source).toBe(file);
  });

  it("SENTINEL_CONFIG and --config select the file", () => {
    const { file } = dirWithConfig({ capacity: { maxConcurrentTasks: 2 } });
    expect(loadWorkerConfig({ cwd: emptyDir(), env: { SENTINEL_CONFIG: file } }).capacity.maxConcurrentTasks).toBe(2);
    expect(loadWorkerConfig({ cwd: emptyDir(), env: {}, argv: ["--config", file] }).capacity.maxConcurrentTasks).toBe(
      2,
    );
    const err = configError(() =>
      loadWorkerConfig({ cwd: emptyDir(), env: { SENTINEL_CONFIG: "/nonexistent/x.json" } }),
    );
    expect(err.key).toBe("SENTINEL_CONFIG");
  });
});

describe("bad file values name the key, the file and the expected form", () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ["capacity.maxConcurrentTasks", { capacity: { maxConcurrentTasks: 0 } }, /≥ 1/],
    ["capacity.maxConcurrentTasks", { capacity: { maxConcurrentTasks: "ten" } }, /number/],
    ["capacity.cpuCores", { capacity: { cpuCores: 1.5 } }, /int/],
    ["capacity.memoryMb", { capacity: { memoryMb: -1 } }, /≥ 1/],
    ["capacity.supportedTaskTypes.0", { capacity: { supportedTaskTypes: ["Bad Type"] } }, /task type/],
    ["distributed.enabled", { distributed: { enabled: "yes" } }, /boolean/],
    [
      "store.github.writeBudget.perHour",
      { store: { github: { owner: "o", repo: "r", writeBudget: { perHour: 0.5 } } } },
      /int/,
    ],
    ["distributed.workerId", { distributed: { workerId: "has space" } }, /letters/],
    ["distributed.hostname", { distributed: { hostname: "" } }, /at least 1/],
    ["distributed.locking.ttlSeconds", { distributed: { locking: { ttlSeconds: 0 } } }, /≥ 1/],
    ["distributed.locking.retryAttempts", { distributed: { locking: { retryAttempts: -1 } } }, /≥ 0/],
    ["distributed.locking.retryDelayMs", { distributed: { locking: { retryDelayMs: "1s" } } }, /number/],
    ["distributed.locking.cleanupIntervalMs", { distributed: { locking: { cleanupIntervalMs: 1 } } }, /≥ 10/],
    [
      "distributed.locking.conflictPolicy",
      { distributed: { locking: { conflictPolicy: "fight" } } },
      /"skip", "wait", "retry"/,
    ],
    ["distributed.registry.maxWorkers", { distributed: { registry: { maxWorkers: 0 } } }, /≥ 1/],
    ["distributed.registry.healthCheckIntervalMs", { distributed: { registry: { healthCheckIntervalMs: 0 } } }, /≥ 10/],
    ["distributed.registry.staleThresholdMs", { distributed: { registry: { staleThresholdMs: "x" } } }, /number/],
    ["distributed.heartbeat.intervalMs", { distributed: { heartbeat: { intervalMs: 5 } } }, /≥ 10/],
    ["distributed.heartbeat.staleThresholdMs", { distributed: { heartbeat: { staleThresholdMs: 1 } } }, /≥ 50/],
    ["distributed.heartbeat.checkIntervalMs", { distributed: { heartbeat: { checkIntervalMs: null } } }, /number/],
    ["distributed.heartbeat.recoveryEnabled", { distributed: { heartbeat: { recoveryEnabled: 1 } } }, /boolean/],
    ["distributed.loadBalancer.strategy", { distributed: { loadBalancer: { strategy: "random" } } }, /least_loaded/],
    [
      "distributed.loadBalancer.affinityEnabled",
      { distributed: { loadBalancer: { affinityEnabled: "no" } } },
      /boolean/,
    ],
    [
      "distributed.loadBalancer.rebalanceIntervalMs",
      { distributed: { loadBalancer: { rebalanceIntervalMs: 0 } } },
      /≥ 10/,
    ],
    ["distributed.loadBalancer.graceMs", { distributed: { loadBalancer: { graceMs: -5 } } }, /≥ 0/],
    ["distributed.memorySync.intervalMs", { distributed: { memorySync: { intervalMs: 0 } } }, /≥ 10/],
    [
      "distributed.memorySync.conflictResolution",
      { distributed: { memorySync: { conflictResolution: "first_write_wins" } } },
      /last_write_wins/,
    ],
    ["distributed.memorySync.cacheSize", { distributed: { memorySync: { cacheSize: 0 } } }, /≥ 1/],
    ["distributed.memorySync.namespaces.0", { distributed: { memorySync: { namespaces: ["secrets"] } } }, /"swarm"/],
    ["store.backend", { store: { backend: "redis" } }, /"sqlite", "github"/],
    ["store.sqlitePath", { store: { sqlitePath: "" } }, /at least 1/],
    ["store.github.owner", { store: { github: { repo: "r" } } }, /string/],
    ["store.github.apiUrl", { store: { github: { owner: "o", repo: "r", apiUrl: "not a url" } } }, /URL/i],
    ["handlers.echo", { handlers: { echo: { builtin: "shout" } } }, /built-in handler/],
    ["handlers.run", { handlers: { run: { command: "rm -rf /" } } }, /command handler/],
    ["handlers.Bad Type", { handlers: { "Bad Type": { builtin: "noop" } } }, /task type/],
    ["health.port", { health: { port: 70000 } }, /≤ 65535/],
    ["health.host", { health: { host: "" } }, /host name or IP/],
    ["polling.busyIntervalMs", { polling: { busyIntervalMs: 0 } }, /≥ 1/],
    ["polling.idleIntervalMs", { polling: { idleIntervalMs: "fast" } }, /number/],
    ["polling.maxBackoffMs", { polling: { maxBackoffMs: 0 } }, /≥ 1/],
    ["startup.timeoutMs", { startup: { timeoutMs: -1 } }, /≥ 0/],
    ["logLevel", { logLevel: "loud" }, /"info"/],
  ];
  it.each(cases)("%s", (key, content, expected) => {
    const { cwd, file } = dirWithConfig(content);
    const err = configError(() => loadWorkerConfig({ cwd, env: {} }));
    expect(err.key).toBe(key);
    expect(err.source).toBe(file);
    expect(err.expected).toMatch(expected);
    expect(err.message).toContain(key);
  });

  it("rejects unknown keys, naming them (typo protection)", () => {
    const { cwd } = dirWithConfig({ distributed: { heartbeat: { intervalMS: 100 } }, capcity: {} });
    const err = configError(() => loadWorkerConfig({ cwd, env: {} }));
    expect(err.key).toMatch(/capcity|distributed\.heartbeat\.intervalMS/);
    expect(err.expected).toContain("no such key");
    const nested = dirWithConfig({ distributed: { locking: { ttlSecond: 5 } } });
    expect(configError(() => loadWorkerConfig({ cwd: nested.cwd, env: {} })).key).toBe("distributed.locking.ttlSecond");
  });

  it("rejects invalid JSON and a non-object root", () => {
    expect(configError(() => loadWorkerConfig({ cwd: dirWithConfig("{ not json").cwd, env: {} })).expected).toContain(
      "valid JSON",
    );
    expect(configError(() => loadWorkerConfig({ cwd: dirWithConfig([1, 2]).cwd, env: {} })).key).toBe("(root)");
  });

  it("refuses a config file nested past the depth limit or over the size limit before walking it", () => {
    const deep = `{"labels":${'{"a":'.repeat(30_000)}1${"}".repeat(30_000)}}`;
    const tooDeep = configError(() => loadWorkerConfig({ cwd: dirWithConfig(deep).cwd, env: {} }));
    expect(tooDeep.expected).toBe("JSON nested at most 64 levels deep (limit jsonDepth)");
    const big = JSON.stringify({ logLevel: "info", pad: "x".repeat(2 * 1024 * 1024) });
    expect(configError(() => loadWorkerConfig({ cwd: dirWithConfig(big).cwd, env: {} })).expected).toMatch(
      /^at most 1048576 bytes \(limit configFileBytes/,
    );
  });

  it("rejects a supported type without a handler, and a stale threshold not above the heartbeat interval", () => {
    const a = dirWithConfig({
      capacity: { supportedTaskTypes: ["echo", "resize"] },
      handlers: { echo: { builtin: "echo" } },
    });
    const errA = configError(() => loadWorkerConfig({ cwd: a.cwd, env: {} }));
    expect(errA.key).toBe("capacity.supportedTaskTypes");
    expect(errA.expected).toContain("resize");
    const b = dirWithConfig({ distributed: { heartbeat: { intervalMs: 1000, staleThresholdMs: 1000 } } });
    expect(configError(() => loadWorkerConfig({ cwd: b.cwd, env: {} })).key).toBe(
      "distributed.heartbeat.staleThresholdMs",
    );
    const c = dirWithConfig({
      distributed: { heartbeat: { staleThresholdMs: 5000 }, registry: { staleThresholdMs: 6000 } },
    });
    expect(configError(() => loadWorkerConfig({ cwd: c.cwd, env: {} })).key).toBe(
      "distributed.registry.staleThresholdMs",
    );
    const d = dirWithConfig({ handlers: {} });
    expect(configError(() => loadWorkerConfig({ cwd: d.cwd, env: {} })).key).toBe("handlers");
  });
});

describe("bad environment values name the key, the variable and the expected form", () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ["WORKER_ID", "bad id!", "distributed.workerId", /letters/],
    ["WORKER_HOSTNAME", " ".repeat(0) + "x".repeat(300), "distributed.hostname", /at most 255/],
    ["WORKER_MAX_TASKS", "abc", "capacity.maxConcurrentTasks", /number.*"abc"/],
    ["WORKER_MAX_TASKS", "0", "capacity.maxConcurrentTasks", /≥ 1/],
    ["LOCK_TTL_SECONDS", "-3", "distributed.locking.ttlSeconds", /≥ 1/],
    ["LOCK_RETRY_ATTEMPTS", "many", "distributed.locking.retryAttempts", /number/],
    ["LOCK_RETRY_DELAY_MS", "1.5", "distributed.locking.retryDelayMs", /number/],
    ["HEARTBEAT_INTERVAL_MS", "1", "distributed.heartbeat.intervalMs", /≥ 10/],
    ["STALE_WORKER_THRESHOLD_MS", "10", "distributed.heartbeat.staleThresholdMs", /≥ 50/],
    ["STALE_CHECK_INTERVAL_MS", "x", "distributed.heartbeat.checkIntervalMs", /number/],
    ["LOAD_BALANCE_STRATEGY", "fastest", "distributed.loadBalancer.strategy", /least_loaded/],
    ["TASK_AFFINITY_ENABLED", "maybe", "distributed.loadBalancer.affinityEnabled", /boolean/],
    ["MEMORY_SYNC_INTERVAL_MS", "0", "distributed.memorySync.intervalMs", /≥ 10/],
    ["MEMORY_CACHE_SIZE", "-1", "distributed.memorySync.cacheSize", /≥ 1/],
    ["WORKER_HEALTH_PORT", "99999", "health.port", /≤ 65535/],
    ["WORKER_HEALTH_HOST", " ", "health.host", /host name or IP/],
    ["WORKER_POLL_INTERVAL_MS", "0", "polling.idleIntervalMs", /≥ 1/],
    ["SENTINEL_START_TIMEOUT_MS", "3 minutes", "startup.timeoutMs", /number.*"3 minutes"/],
    ["SENTINEL_START_TIMEOUT_MS", "-5", "startup.timeoutMs", /≥ 0/],
    ["LOG_LEVEL", "verbose", "logLevel", /"debug"/],
    ["SENTINEL_STORE", "mysql", "store.backend", /"postgres"/],
    ["GITHUB_API_URL", "nope", "store.github.apiUrl", /URL/i],
    ["SENTINEL_GITHUB_WRITES_PER_MINUTE", "0", "store.github.writeBudget.perMinute", /≥ 1/],
    ["SENTINEL_GITHUB_WRITES_PER_HOUR", "lots", "store.github.writeBudget.perHour", /number/],
  ];
  it.each(cases)("%s=%s", (name, value, key, expected) => {
    const err = configError(() => loadWorkerConfig({ cwd: emptyDir(), env: { [name]: value } }));
    expect(err.key).toBe(key);
    expect(err.source).toBe(`env ${name}`);
    expect(err.expected).toMatch(expected);
  });

  it("github backend without a token names GITHUB_TOKEN; without owner names it", () => {
    expect(
      configError(() =>
        loadWorkerConfig({ cwd: emptyDir(), env: { SENTINEL_STORE: "github", GITHUB_OWNER: "o", GITHUB_REPO: "r" } }),
      ).key,
    ).toBe("GITHUB_TOKEN");
    expect(
      configError(() => loadWorkerConfig({ cwd: emptyDir(), env: { SENTINEL_STORE: "github", GITHUB_TOKEN: "t" } }))
        .key,
    ).toBe("store.github.owner");
  });
});

describe("start-up timeout (how long start-up waits for an unavailable store)", () => {
  it("defaults to three minutes, and is set from the file or SENTINEL_START_TIMEOUT_MS, the environment winning", () => {
    expect(loadWorkerConfig({ cwd: emptyDir(), env: {} }).startup).toEqual({ timeoutMs: 180_000 });
    const { cwd } = dirWithConfig({ startup: { timeoutMs: 60_000 } });
    expect(loadWorkerConfig({ cwd, env: {} }).startup).toEqual({ timeoutMs: 60_000 });
    expect(loadWorkerConfig({ cwd, env: { SENTINEL_START_TIMEOUT_MS: "0" } }).startup).toEqual({ timeoutMs: 0 });
  });
});

describe("lifetime limits (run until idle, maximum run time)", () => {
  it("default to never, and are set from the file or the environment, the environment winning", () => {
    expect(loadWorkerConfig({ cwd: emptyDir(), env: {} }).lifetime).toEqual({
      exitWhenIdleSeconds: null,
      maxRunSeconds: null,
    });
    const { cwd } = dirWithConfig({ lifetime: { exitWhenIdleSeconds: 60, maxRunSeconds: 3000 } });
    expect(loadWorkerConfig({ cwd, env: {} }).lifetime).toEqual({ exitWhenIdleSeconds: 60, maxRunSeconds: 3000 });
    const fromEnv = loadWorkerConfig({
      cwd,
      env: { WORKER_EXIT_WHEN_IDLE_SECONDS: "30", WORKER_MAX_RUN_SECONDS: "600" },
    });
    expect(fromEnv.lifetime).toEqual({ exitWhenIdleSeconds: 30, maxRunSeconds: 600 });
  });

  it.each([
    ["WORKER_EXIT_WHEN_IDLE_SECONDS", "soon", "lifetime.exitWhenIdleSeconds", /number/],
    ["WORKER_EXIT_WHEN_IDLE_SECONDS", "0", "lifetime.exitWhenIdleSeconds", /≥ 1/],
    ["WORKER_MAX_RUN_SECONDS", "-5", "lifetime.maxRunSeconds", /≥ 1/],
    ["WORKER_MAX_RUN_SECONDS", "1.5", "lifetime.maxRunSeconds", /number/],
  ])("%s=%s is refused, naming %s", (name, value, key, expected) => {
    const err = configError(() => loadWorkerConfig({ cwd: emptyDir(), env: { [name]: value } }));
    expect(err.key).toBe(key);
    expect(err.source).toBe(`env ${name}`);
    expect(err.expected).toMatch(expected);
  });

  it("refuses an idle limit that does not span two idle polls (the worker would leave without looking again)", () => {
    const err = configError(() =>
      loadWorkerConfig({
        cwd: emptyDir(),
        env: { WORKER_EXIT_WHEN_IDLE_SECONDS: "10", WORKER_POLL_INTERVAL_MS: "5000" },
      }),
    );
    expect(err).toMatchObject({ key: "lifetime.exitWhenIdleSeconds", source: "env WORKER_EXIT_WHEN_IDLE_SECONDS" });
    expect(err.expected).toMatch(/10000 ms/);
    const ok = loadWorkerConfig({
      cwd: emptyDir(),
      env: { WORKER_EXIT_WHEN_IDLE_SECONDS: "11", WORKER_POLL_INTERVAL_MS: "5000" },
    });
    expect(ok.lifetime.exitWhenIdleSeconds).toBe(11);
  });

  it("names a bad file value and an unknown lifetime key", () => {
    const bad = dirWithConfig({ lifetime: { maxRunSeconds: "1h" } });
    expect(configError(() => loadWorkerConfig({ cwd: bad.cwd, env: {} }))).toMatchObject({
      key: "lifetime.maxRunSeconds",
      source: bad.file,
    });
    const typo = dirWithConfig({ lifetime: { maxRuntimeSeconds: 60 } });
    expect(configError(() => loadWorkerConfig({ cwd: typo.cwd, env: {} })).key).toBe("lifetime.maxRuntimeSeconds");
  });
});

describe("finished-task retention", () => {
  it("keeps finished tasks 30 days by default, archiving beside the database", () => {
    expect(loadWorkerConfig({ cwd: emptyDir(), env: {} }).retention).toEqual({
      finishedTasksMs: 30 * 86_400_000,
      keepFinishedTasks: 0,
      archiveDir: null,
    });
  });

  it("takes its bounds and archive from the environment (a relative archive path from the working directory)", () => {
    const cwd = emptyDir();
    const config = loadWorkerConfig({
      cwd,
      env: { SENTINEL_RETENTION_MS: "3600000", SENTINEL_RETENTION_KEEP: "500", SENTINEL_ARCHIVE_DIR: "archive" },
    });
    expect(config.retention).toEqual({
      finishedTasksMs: 3_600_000,
      keepFinishedTasks: 500,
      archiveDir: join(cwd, "archive"),
    });
  });

  it("resolves an archive path in the file against the file, and names a bad bound", () => {
    const { cwd } = dirWithConfig({ retention: { archiveDir: "old-tasks", keepFinishedTasks: 10 } });
    expect(loadWorkerConfig({ cwd, env: {} }).retention).toMatchObject({
      keepFinishedTasks: 10,
      archiveDir: join(cwd, "old-tasks"),
    });
    const err = configError(() => loadWorkerConfig({ cwd: emptyDir(), env: { SENTINEL_RETENTION_MS: "-1" } }));
    expect(err.message).toMatch(/retention\.finishedTasksMs/);
    expect(err.message).toMatch(/SENTINEL_RETENTION_MS/);
  });
});
