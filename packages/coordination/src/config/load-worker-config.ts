import { existsSync, readFileSync, statSync } from "node:fs";
import { cpus, hostname as osHostname, totalmem } from "node:os";
import { dirname, isAbsolute, resolve } from "node:path";
import type { z } from "zod";
import { jsonTextDepth, LIMITS } from "../domain/limits.js";
import { processEnv } from "../env.js";
import { ConfigError } from "../errors.js";
import { convertEnvValue, ENV_BINDINGS } from "./env-vars.js";
import { describeExpected, valueAt } from "./format-issue.js";
import { DEMO_HANDLERS, type HandlerSpec, type WorkerConfigFile, workerConfigFileSchema } from "./schema.js";
import { substituteEnv } from "./substitute-env.js";
import { generateWorkerId } from "./worker-id.js";

export const CONFIG_FILE_NAME = "task-sentinel.config.json";

export interface LoadWorkerConfigOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Command-line arguments; `--config <path>` selects the file. */
  argv?: readonly string[];
  /** For the generated worker id; defaults to process.pid. */
  pid?: number;
}

export type StoreConfig =
  | {
      backend: "sqlite" /** null: the default `<SENTINEL_DATA_DIR or <repo>/data>/sentinel.db`, resolved when the store opens. */;
      sqlitePath: string | null;
    }
  | {
      backend: "github";
      owner: string;
      repo: string;
      apiUrl?: string;
      allowedAuthors?: string[];
      settleDelayMs?: number;
      /** The login's secondary write limits, when the server's differ from GitHub's 80/min and 500/h. */
      writeBudget?: { perMinute?: number; perHour?: number };
      /** null: GitHub App credentials (GITHUB_APP_*) in the environment instead of a token. */
      token: string | null;
      hmacSecret: string | null;
    }
  | {
      backend: "postgres";
      /** From SENTINEL_POSTGRES_URL or DATABASE_URL (never the file: it carries the password). */
      url: string;
    };

type FileDistributed = WorkerConfigFile["distributed"];

export interface WorkerConfig {
  workerId: string;
  hostname: string;
  /** The config file read, if any. */
  configFile: string | null;
  store: StoreConfig;
  distributed: Omit<FileDistributed, "workerId" | "hostname" | "heartbeat"> & {
    heartbeat: Omit<FileDistributed["heartbeat"], "staleThresholdMs" | "checkIntervalMs"> & {
      staleThresholdMs: number;
      checkIntervalMs: number;
    };
  };
  capacity: { maxConcurrentTasks: number; cpuCores: number; memoryMb: number; supportedTaskTypes: string[] };
  handlers: Record<string, HandlerSpec>;
  health: WorkerConfigFile["health"];
  polling: WorkerConfigFile["polling"];
  lifetime: WorkerConfigFile["lifetime"];
  startup: WorkerConfigFile["startup"];
  /** archiveDir resolved to an absolute path, or null: beside the SQLite file. */
  retention: { finishedTasksMs: number; keepFinishedTasks: number; archiveDir: string | null };
  logLevel: WorkerConfigFile["logLevel"];
}

const DEFAULT_STALE_THRESHOLD_MS = 120_000;
const DEFAULT_CHECK_INTERVAL_MS = 60_000;

/**
 * Config file (argv `--config`, else SENTINEL_CONFIG, else ./task-sentinel.config.json if
 * present) with `${VAR}` substitution, then environment variables on top. Any problem is a
 * ConfigError naming the key, where it came from and what was expected. With nothing
 * configured: embedded SQLite at the default path and the demo handlers.
 */
export function loadWorkerConfig(opts: LoadWorkerConfigOptions = {}): WorkerConfig {
  const env = opts.env ?? processEnv();
  const cwd = opts.cwd ?? process.cwd();
  const configFile = locateConfigFile(opts.argv ?? [], env, cwd);
  const raw = configFile ? readConfigFile(configFile, env) : {};
  const parsed = parseWith(workerConfigFileSchema, raw, configFile ?? "defaults");
  applyEnv(parsed, env);
  return resolveConfig(parsed, raw, env, cwd, configFile, opts.pid ?? process.pid);
}

function locateConfigFile(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): string | null {
  const flagIndex = argv.findIndex((a) => a === "--config" || a.startsWith("--config="));
  if (flagIndex >= 0) {
    const arg = argv[flagIndex] as string;
    const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[flagIndex + 1];
    if (!value) throw new ConfigError("--config", "a path to a JSON config file", "command line");
    return mustExist(resolve(cwd, value), "--config", "command line");
  }
  const fromEnv = env.SENTINEL_CONFIG;
  if (fromEnv) return mustExist(resolve(cwd, fromEnv), "SENTINEL_CONFIG", "env SENTINEL_CONFIG");
  const local = resolve(cwd, CONFIG_FILE_NAME);
  return existsSync(local) ? local : null;
}

function mustExist(path: string, key: string, source: string): string {
  if (!existsSync(path)) throw new ConfigError(key, `an existing config file (${path} does not exist)`, source);
  return path;
}

function readConfigFile(path: string, env: NodeJS.ProcessEnv): unknown {
  const text = readBoundedText(path);
  // Measured on the raw text: substituteEnv and zod walk the parsed value recursively.
  if (jsonTextDepth(text, LIMITS.jsonDepth) > LIMITS.jsonDepth)
    throw new ConfigError("(file)", `JSON nested at most ${LIMITS.jsonDepth} levels deep (limit jsonDepth)`, path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError("(file)", `valid JSON (${(err as Error).message})`, path);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new ConfigError("(root)", "a JSON object", path);
  }
  return substituteEnv(json, env, path);
}

function readBoundedText(path: string): string {
  const size = statSync(path).size;
  if (size > LIMITS.configFileBytes)
    throw new ConfigError(
      "(file)",
      `at most ${LIMITS.configFileBytes} bytes (limit configFileBytes; got ${size})`,
      path,
    );
  return readFileSync(path, "utf8");
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, source: string, keyPrefix?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  if (issue.code === "unrecognized_keys") {
    const at = issue.path.map(String);
    const keys = issue.keys.map((k) => [...at, k].join("."));
    throw new ConfigError(keys.join(", "), "no such key (check the spelling; unknown keys are rejected)", source);
  }
  const key = keyPrefix ?? (issue.path.map(String).join(".") || "(root)");
  throw new ConfigError(key, describeExpected(issue, keyPrefix ? value : valueAt(value, issue.path)), source);
}

function applyEnv(config: WorkerConfigFile, env: NodeJS.ProcessEnv): void {
  for (const binding of ENV_BINDINGS) {
    const raw = env[binding.name];
    if (raw === undefined || raw === "") continue;
    const value = parseWith(binding.schema, convertEnvValue(raw, binding.parse), `env ${binding.name}`, binding.key);
    setAt(config as unknown as Record<string, unknown>, binding.key.split("."), value);
  }
}

function setAt(root: Record<string, unknown>, path: string[], value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === undefined || next === null || typeof next !== "object") node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function resolveConfig(
  file: WorkerConfigFile,
  raw: unknown,
  env: NodeJS.ProcessEnv,
  cwd: string,
  configFile: string | null,
  pid: number,
): WorkerConfig {
  const source = configFile ?? "defaults";
  const hostname = file.distributed.hostname ?? osHostname();
  const handlers = file.handlers ?? DEMO_HANDLERS;
  const handlerTypes = Object.keys(handlers);
  if (handlerTypes.length === 0) throw new ConfigError("handlers", "at least one task type → handler", source);
  const supported = file.capacity.supportedTaskTypes ?? handlerTypes;
  const missing = supported.filter((t) => !handlers[t]);
  if (missing.length > 0) {
    throw new ConfigError(
      "capacity.supportedTaskTypes",
      `types that have a handler in "handlers" (no handler for ${missing.join(", ")})`,
      source,
    );
  }

  const { heartbeat, registry } = file.distributed;
  const staleThresholdMs =
    agree(
      "distributed.heartbeat.staleThresholdMs",
      heartbeat.staleThresholdMs,
      "distributed.registry.staleThresholdMs",
      registry.staleThresholdMs,
      source,
    ) ?? DEFAULT_STALE_THRESHOLD_MS;
  const checkIntervalMs =
    agree(
      "distributed.heartbeat.checkIntervalMs",
      heartbeat.checkIntervalMs,
      "distributed.registry.healthCheckIntervalMs",
      registry.healthCheckIntervalMs,
      source,
    ) ?? DEFAULT_CHECK_INTERVAL_MS;
  if (staleThresholdMs <= heartbeat.intervalMs) {
    const from = env.STALE_WORKER_THRESHOLD_MS ? "env STALE_WORKER_THRESHOLD_MS" : source;
    throw new ConfigError(
      "distributed.heartbeat.staleThresholdMs",
      `a value greater than distributed.heartbeat.intervalMs (${heartbeat.intervalMs}); got ${staleThresholdMs}`,
      from,
    );
  }

  checkIdleExit(file, env, source);

  const { workerId: fileWorkerId, hostname: _hostname, ...distributed } = file.distributed;
  return {
    workerId: fileWorkerId ?? generateWorkerId(hostname, pid),
    hostname,
    configFile,
    store: resolveStore(file, raw, env, cwd, configFile),
    distributed: { ...distributed, heartbeat: { ...heartbeat, staleThresholdMs, checkIntervalMs } },
    capacity: {
      maxConcurrentTasks: file.capacity.maxConcurrentTasks,
      cpuCores: file.capacity.cpuCores ?? cpus().length,
      memoryMb: file.capacity.memoryMb ?? Math.round(totalmem() / 1024 / 1024),
      supportedTaskTypes: supported,
    },
    handlers,
    health: file.health,
    polling: file.polling,
    lifetime: file.lifetime,
    startup: file.startup,
    retention: {
      finishedTasksMs: file.retention.finishedTasksMs,
      keepFinishedTasks: file.retention.keepFinishedTasks,
      archiveDir: resolvePath(file.retention.archiveDir, env.SENTINEL_ARCHIVE_DIR, cwd, configFile),
    },
    logLevel: file.logLevel,
  };
}

/**
 * "Idle" must span two idle polls: one poll may read a view of the queue that is up to a
 * poll old (the GitHub store's mirror), so a shorter limit could let a worker leave with
 * work still queued.
 */
function checkIdleExit(file: WorkerConfigFile, env: NodeJS.ProcessEnv, source: string): void {
  const idleSeconds = file.lifetime.exitWhenIdleSeconds;
  const pollMs = file.polling.idleIntervalMs;
  if (idleSeconds === null || idleSeconds * 1000 > 2 * pollMs) return;
  throw new ConfigError(
    "lifetime.exitWhenIdleSeconds",
    `more than two idle polls (2 × polling.idleIntervalMs = ${2 * pollMs} ms), so the worker looks at the queue again before leaving; got ${idleSeconds} s`,
    env.WORKER_EXIT_WHEN_IDLE_SECONDS ? "env WORKER_EXIT_WHEN_IDLE_SECONDS" : source,
  );
}

function agree(
  key: string,
  value: number | undefined,
  aliasKey: string,
  alias: number | undefined,
  source: string,
): number | undefined {
  if (value !== undefined && alias !== undefined && value !== alias) {
    throw new ConfigError(aliasKey, `the same value as ${key} (${value}) or leave it out; got ${alias}`, source);
  }
  return value ?? alias;
}

/** A path in the file is relative to the file; one from the environment (`fromEnv`), to the working directory. */
function resolvePath(
  path: string | undefined,
  fromEnv: string | undefined,
  cwd: string,
  configFile: string | null,
): string | null {
  if (!path) return null;
  return isAbsolute(path) ? path : resolve(configFile && !fromEnv ? dirname(configFile) : cwd, path);
}

function resolveStore(
  file: WorkerConfigFile,
  raw: unknown,
  env: NodeJS.ProcessEnv,
  cwd: string,
  configFile: string | null,
): StoreConfig {
  const source = configFile ?? "defaults";
  const explicitBackend = env.SENTINEL_STORE || valueAt(raw, ["store", "backend"]) !== undefined;
  const githubFromEnv = Boolean((env.GITHUB_TOKEN || env.GITHUB_APP_ID) && env.GITHUB_OWNER && env.GITHUB_REPO);
  const postgresUrl = postgresUrlFromEnv(env);
  const backend = explicitBackend ? file.store.backend : githubFromEnv ? "github" : postgresUrl ? "postgres" : "sqlite";

  if (backend === "sqlite")
    return { backend, sqlitePath: resolvePath(file.store.sqlitePath, env.SENTINEL_SQLITE_PATH, cwd, configFile) };
  if (backend === "postgres") return { backend, url: requirePostgresUrl(postgresUrl) };
  const github = file.store.github;
  if (!github?.owner)
    throw new ConfigError(
      "store.github.owner",
      "the repository owner (or GITHUB_OWNER) for the github backend",
      source,
    );
  if (!github.repo)
    throw new ConfigError("store.github.repo", "the repository name (or GITHUB_REPO) for the github backend", source);
  const token = env.GITHUB_TOKEN || null;
  if (!token && !env.GITHUB_APP_ID)
    throw new ConfigError(
      "GITHUB_TOKEN",
      "a GitHub token, or GitHub App credentials (GITHUB_APP_ID, …), in the environment for the github backend (never in the file)",
      "env GITHUB_TOKEN",
    );
  return { backend, ...github, token, hmacSecret: env.SENTINEL_HMAC_SECRET || null };
}

/**
 * The Postgres backend's URL: SENTINEL_POSTGRES_URL, else DATABASE_URL when it is a Postgres
 * URL (a DATABASE_URL meant for something else does not select this backend).
 */
export function postgresUrlFromEnv(env: NodeJS.ProcessEnv): string | null {
  const own = env.SENTINEL_POSTGRES_URL?.trim();
  if (own) return own;
  const shared = env.DATABASE_URL?.trim();
  return shared && /^postgres(ql)?:\/\//.test(shared) ? shared : null;
}

/** The URL, or the ConfigError that says where to put it; a URL that does not parse is named without echoing it (it may hold a password). */
export function requirePostgresUrl(url: string | null): string {
  if (!url)
    throw new ConfigError(
      "SENTINEL_POSTGRES_URL",
      "a postgres://user:password@host:port/database URL (or DATABASE_URL) in the environment for the postgres backend (never in the file)",
      "env SENTINEL_POSTGRES_URL",
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      "SENTINEL_POSTGRES_URL",
      "a URL of the form postgres://user:password@host:port/database",
      "env SENTINEL_POSTGRES_URL",
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:")
    throw new ConfigError(
      "SENTINEL_POSTGRES_URL",
      `a postgres:// or postgresql:// URL (got ${parsed.protocol}//…)`,
      "env SENTINEL_POSTGRES_URL",
    );
  return url;
}

/** Where a Postgres URL points, for logs and startup lines: user, host, port and database, never the password. */
export function describePostgresUrl(url: string): string {
  const parsed = new URL(url);
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : "";
  return `${user}${parsed.host}${parsed.pathname}`;
}
