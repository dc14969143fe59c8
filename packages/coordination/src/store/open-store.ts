import {
  describePostgresUrl,
  postgresUrlFromEnv,
  requirePostgresUrl,
  type StoreConfig,
} from "../config/load-worker-config.js";
import { processEnv } from "../env.js";
import { ConfigError } from "../errors.js";
import {
  type GithubStoreLog,
  type GithubStoreOptions,
  githubStoreOptionsFromEnv,
  openGithubStore,
} from "./github/index.js";
import { githubStoreOptionsSchema } from "./github/options.js";
import type { CoordinationStore } from "./port.js";
import { defaultSqlitePath, openSqliteStore } from "./sqlite/index.js";

export interface OpenedStore {
  store: CoordinationStore;
  /** For startup lines: the file or repository this process talks to (never a secret). */
  description: string;
}

export interface OpenStoreOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** SQLite's busy_timeout (see connectStore for why workers keep it short). */
  busyTimeoutMs?: number;
  /** Where the GitHub store reports refused comments and recoverable failures. */
  githubLog?: GithubStoreLog;
}

const ENV_SOURCE = "environment";

/**
 * Tuning of the GitHub store beyond the documented variables, as JSON, e.g.
 * `{"throttle":{"writeMinTimeMs":0},"maxHeartbeatStretch":1}`. Production keeps the defaults
 * (GitHub's recommended spacing and limits); the emulator demo and the e2e suite, whose
 * emulator has other limits, state them here.
 */
const TUNING_ENV = "SENTINEL_GITHUB_TUNING";
const tuningSchema = githubStoreOptionsSchema
  .pick({
    throttle: true,
    refreshIntervalMs: true,
    batchWindowMs: true,
    eventVisibilityMarginMs: true,
    rotateAtComments: true,
    lowBudgetRatio: true,
    maxHeartbeatStretch: true,
    writeBudget: true,
  })
  .partial()
  .strict();

/**
 * The one place that picks the backend: SQLite at the configured (or default) path, or the
 * GitHub store with the config's repository and the GitHub/SENTINEL_* variables on top
 * (environment wins over the file, as everywhere in the config).
 */
export async function openStoreFromConfig(config: StoreConfig, opts: OpenStoreOptions = {}): Promise<OpenedStore> {
  const env = opts.env ?? processEnv();
  if (config.backend === "sqlite") {
    const path = config.sqlitePath ?? defaultSqlitePath(env, opts.cwd ?? process.cwd());
    return {
      store: openSqliteStore({
        path,
        ...(opts.busyTimeoutMs !== undefined ? { busyTimeoutMs: opts.busyTimeoutMs } : {}),
      }),
      description: `sqlite ${path}`,
    };
  }
  if (config.backend === "postgres") {
    // Loaded on demand: the SQLite and GitHub processes (and every CLI start) skip the pg client.
    const { openPostgresStore } = await import("./postgres/index.js");
    // A bundled server (the image's control plane) cannot find drizzle/postgres from its own
    // module, whose path is the build machine's: the image names the folder instead.
    const migrationsFolder = env.SENTINEL_POSTGRES_MIGRATIONS_DIR?.trim();
    return {
      store: await openPostgresStore({ url: config.url, ...(migrationsFolder ? { migrationsFolder } : {}) }),
      description: `postgres ${describePostgresUrl(config.url)}`,
    };
  }
  const options = githubOptions(config, env);
  if (opts.githubLog) options.log = opts.githubLog;
  const store = await openGithubStore(options);
  return {
    store,
    description: `github ${config.owner}/${config.repo}${config.apiUrl ? ` at ${config.apiUrl}` : ""} as ${store.login}`,
  };
}

/**
 * For processes without a worker config file (the control plane): SENTINEL_STORE selects the
 * backend; without it, GITHUB_TOKEN + GITHUB_OWNER + GITHUB_REPO select GitHub, then
 * SENTINEL_POSTGRES_URL (or a postgres:// DATABASE_URL) selects Postgres, else SQLite
 * (SENTINEL_SQLITE_PATH or the default path) — the same rule the worker's config applies.
 */
export function openStoreFromEnv(opts: OpenStoreOptions = {}): Promise<OpenedStore> {
  return openStoreFromConfig(storeConfigFromEnv(opts.env ?? processEnv()), opts);
}

export function storeConfigFromEnv(env: NodeJS.ProcessEnv): StoreConfig {
  const selected = env.SENTINEL_STORE?.trim();
  if (selected && selected !== "sqlite" && selected !== "github" && selected !== "postgres") {
    throw new ConfigError(
      "SENTINEL_STORE",
      `"sqlite", "github" or "postgres" (got ${JSON.stringify(selected)})`,
      ENV_SOURCE,
    );
  }
  const credentials = env.GITHUB_TOKEN?.trim() || env.GITHUB_APP_ID?.trim();
  const githubFromEnv = Boolean(credentials && env.GITHUB_OWNER?.trim() && env.GITHUB_REPO?.trim());
  const postgresUrl = postgresUrlFromEnv(env);
  const backend = selected || (githubFromEnv ? "github" : postgresUrl ? "postgres" : "sqlite");
  if (backend === "sqlite") return { backend: "sqlite", sqlitePath: env.SENTINEL_SQLITE_PATH?.trim() || null };
  if (backend === "postgres") return { backend: "postgres", url: requirePostgresUrl(postgresUrl) };
  // Validates and names the missing variable; the values are re-read in openStoreFromConfig.
  const options = githubStoreOptionsFromEnv(env);
  return {
    backend: "github",
    owner: options.owner,
    repo: options.repo,
    token: options.token ?? null,
    hmacSecret: options.hmacSecret,
    ...(options.baseUrl ? { apiUrl: options.baseUrl } : {}),
  };
}

/** The GitHub store's options exactly as a worker opens it: its config, then the environment and SENTINEL_GITHUB_TUNING on top. */
export function githubOptions(
  config: Extract<StoreConfig, { backend: "github" }>,
  env: NodeJS.ProcessEnv,
): GithubStoreOptions {
  if (!config.hmacSecret)
    throw new ConfigError(
      "SENTINEL_HMAC_SECRET",
      "a shared secret of at least 16 characters for the github backend",
      ENV_SOURCE,
    );
  // The config already carries GITHUB_OWNER/REPO/API_URL from the environment; the secret
  // variables are re-stated here so githubStoreOptionsFromEnv checks them in one place, and
  // SENTINEL_ALLOWED_AUTHORS / SENTINEL_SETTLE_DELAY_MS (environment) beat the file's values.
  const merged: NodeJS.ProcessEnv = {
    ...env,
    ...(config.token ? { GITHUB_TOKEN: config.token } : {}),
    GITHUB_OWNER: config.owner,
    GITHUB_REPO: config.repo,
    GITHUB_API_URL: config.apiUrl ?? env.GITHUB_API_URL,
    SENTINEL_HMAC_SECRET: config.hmacSecret,
  };
  const fromFile: Partial<GithubStoreOptions> = {
    ...(config.allowedAuthors ? { allowedAuthors: config.allowedAuthors } : {}),
    ...(config.settleDelayMs !== undefined ? { settleDelayMs: config.settleDelayMs } : {}),
    ...(config.writeBudget ? { writeBudget: config.writeBudget } : {}),
  };
  return githubStoreOptionsFromEnv(merged, { ...fromFile, ...readTuning(env) });
}

function readTuning(env: NodeJS.ProcessEnv): Partial<GithubStoreOptions> {
  const raw = env[TUNING_ENV]?.trim();
  if (!raw) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError(
      TUNING_ENV,
      'a JSON object, e.g. {"throttle":{"writeMinTimeMs":0},"maxHeartbeatStretch":1}',
      ENV_SOURCE,
    );
  }
  const parsed = tuningSchema.safeParse(json);
  // Only the keys given: the schema fills an absent group with its defaults, which would undo
  // the config's own values (e.g. store.github.writeBudget) for a tuning that never named them.
  if (parsed.success)
    return Object.fromEntries(
      Object.entries(parsed.data).filter(([key]) => Object.hasOwn(json as object, key)),
    ) as Partial<GithubStoreOptions>;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join(".") || "(value)";
  throw new ConfigError(
    TUNING_ENV,
    `valid GitHub store options (${field}: ${issue?.message ?? "invalid"})`,
    ENV_SOURCE,
  );
}
