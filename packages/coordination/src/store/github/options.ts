import { z } from "zod";
import { ConfigError, ValidationError } from "../../errors.js";
import { ACTIONS_LOGIN, appCredentialsSchema, credentialsFromEnv } from "./http/credentials.js";

/** Plugin timings; production keeps GitHub's recommended spacing, tests shorten it. */
export const throttleTimingSchema = z
  .object({
    /** Minimum spacing of mutating requests (plugin-throttling's `write` group; GitHub recommends ≥ 1 s). */
    writeMinTimeMs: z.number().int().min(0).default(1000),
    /** Minimum spacing of notification-triggering writes (issue/comment creation; plugin default 3 s). */
    notificationMinTimeMs: z.number().int().min(0).default(3000),
    /** Milliseconds per second of `retry-after` (plugin-throttling's retryAfterBaseValue). */
    retryAfterBaseMs: z.number().int().min(0).default(1000),
    /** Base of plugin-retry's quadratic backoff for 429/5xx (1 s, 4 s, 9 s by default). */
    retryBaseMs: z.number().int().min(0).default(1000),
    /** Retries of 429/5xx/timeouts per request (plugin-retry). */
    retries: z.number().int().min(0).max(20).default(3),
    /** Retries after a secondary or primary rate limit (plugin-throttling). */
    rateLimitRetries: z.number().int().min(0).max(20).default(4),
    /** Per-request timeout; a timed-out request is retried like a 5xx. */
    requestTimeoutMs: z.number().int().min(100).default(30_000),
    /**
     * Skip the plugin's Bottleneck queues (global ≤ 10 in flight, write and notification
     * spacing, its retry scheduler): each adds a timer hop per request, tens of ms on a
     * loaded machine. For tests against the emulator only; the plugin still decides
     * rate-limit retries and their delays.
     */
    directDispatch: z.boolean().default(false),
  })
  .strict();

const maxReadLagSchema = z.number().int().min(1000).max(600_000);

/**
 * The secondary (content-creation) limit GitHub applies per login, and how a store spends
 * its share of it. Every store on a login takes 1/n of it (n = live workers on the login, as
 * the registry shows them), so n workers on one token stay under the limit together.
 */
export const writeBudgetSchema = z
  .object({
    /** GitHub's ≈80 content-creating requests per minute per login (PATCH/DELETE budgeted as if they count). */
    perMinute: z.number().int().min(1).default(80),
    /** GitHub's ≈500 content-creating requests per hour per login. */
    perHour: z.number().int().min(1).default(500),
    /** Share of the hourly budget for heartbeats; the heartbeat interval stretches so n workers fit in it. */
    heartbeatShare: z.number().min(0.05).max(0.8).default(0.4),
    /** Share of the limits a store plans to use at most (the rest absorbs estimation error). */
    headroom: z.number().min(0.1).max(1).default(0.9),
    /** How often a write waiting for budget re-checks (the share changes as workers come and go). */
    recheckMs: z.number().int().min(1).max(60_000).default(1000),
  })
  .strict()
  .refine((budget) => budget.headroom > budget.heartbeatShare, {
    message: "headroom must exceed heartbeatShare",
    path: ["headroom"],
  });

export const githubStoreOptionsSchema = z
  .object({
    /** A personal, fine-grained, installation or Actions token. Exactly one of `token` and `app`. */
    token: z.string().min(1).optional(),
    /** GitHub App installation credentials; tokens are minted and refreshed by @octokit/auth-app. */
    app: appCredentialsSchema.optional(),
    /** The login the store writes as, when known (no request is made to learn it). */
    login: z.string().min(1).optional(),
    /** The login of an integration token that GET /user refuses (github-actions[bot] in GitHub Actions). */
    integrationLogin: z.string().min(1).optional(),
    owner: z.string().min(1),
    repo: z.string().min(1),
    /** GitHub Enterprise (`https://host/api/v3`) or the emulator. */
    baseUrl: z.url().default("https://api.github.com"),
    hmacSecret: z.string().min(16, "at least 16 characters"),
    /** Logins whose comments count as coordination data; default: the token's own login. */
    allowedAuthors: z.array(z.string().min(1)).min(1).optional(),
    /**
     * How long a claimant waits before re-reading its claim: must exceed GitHub's read-after-write
     * lag. Raised at run time (up to `maxReadLagMs`) when a longer lag is seen.
     */
    settleDelayMs: z.number().int().min(0).max(60_000).default(1500),
    /**
     * The largest read-after-write lag the store tolerates: the mirror's lists reach back this
     * far, so a comment that becomes visible up to this late is still seen (docs/github-backend.md, *Read lag*).
     */
    maxReadLagMs: maxReadLagSchema.default(40_000),
    /**
     * How often the mirror's lists reach back ten times `maxReadLagMs` instead of once (pages
     * answer 304 while nothing there changed), to find comments visible later than assumed.
     */
    deepCheckIntervalMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /**
     * How much older than a comment's last edit (GitHub's `updated_at`) the signing time of a
     * rewritten record may be: it covers the writer's own retries and rate-limit waits; a body
     * put back later than this is refused as replayed (docs/security.md).
     */
    maxSignatureAgeMs: z.number().int().min(1000).max(3_600_000).default(600_000),
    /**
     * How much closed history a process reads when it opens: issues updated within this long
     * before the last worker heartbeat; older closed tasks are read on demand (docs/github-backend.md, _Start-up cost_).
     */
    historyWindowMs: z
      .number()
      .int()
      .min(60_000)
      .max(30 * 86_400_000)
      .default(3_600_000),
    /**
     * How old (by GitHub's date) a winning schedule-slot claim with no task must be before
     * another process creates its task: longer than the winner's own path with its retries.
     */
    orphanedSlotGraceMs: z.number().int().min(0).max(3_600_000).default(180_000),
    /** Events newer than this are not handed out yet, so late-visible writes are not skipped by followers. */
    eventVisibilityMarginMs: z.number().int().min(0).max(600_000).optional(),
    /**
     * How often a running task's progress and log lines are written (one PATCH of its Logs
     * comment per flush, paced like every write): the default keeps a long task's logging to
     * 4 writes a minute (docs/github-backend.md).
     */
    taskLogFlushMs: z.number().int().min(100).max(600_000).default(15_000),
    /** Window in which memory / event writes are coalesced into one comment. */
    batchWindowMs: z.number().int().min(0).max(60_000).default(500),
    /** Minimum time between two mirror refreshes (reads served from the mirror in between). */
    refreshIntervalMs: z.number().int().min(0).max(600_000).default(1000),
    /** Rotate registry/memory/event issues once they hold this many comments (GitHub refuses at ~2,500). */
    rotateAtComments: z.number().int().min(10).max(2400).default(2000),
    /** When remaining primary budget falls below this share, non-essential writes slow down. */
    lowBudgetRatio: z.number().min(0).max(1).default(0.2),
    /** Largest factor by which heartbeats may be stretched under budget pressure (beyond the per-login share). */
    maxHeartbeatStretch: z.number().min(1).max(10).default(4),
    throttle: throttleTimingSchema.prefault({}),
    writeBudget: writeBudgetSchema.prefault({}),
    /** Where trust rejections and recoverable failures are reported (once per kind and comment). */
    log: z.custom<GithubStoreLog>((value) => typeof value === "function").optional(),
  })
  .strict();

export type GithubStoreLog = (level: "warn" | "info", message: string, fields?: Record<string, unknown>) => void;
export type GithubStoreOptions = z.input<typeof githubStoreOptionsSchema>;
export type ResolvedGithubStoreOptions = z.output<typeof githubStoreOptionsSchema>;

export function resolveGithubStoreOptions(input: GithubStoreOptions): ResolvedGithubStoreOptions {
  const parsed = githubStoreOptionsSchema.safeParse(input);
  if (parsed.success) {
    if ((parsed.data.token === undefined) === (parsed.data.app === undefined))
      throw new ValidationError("token", "either a token or GitHub App credentials (app), not both");
    if (parsed.data.settleDelayMs > parsed.data.maxReadLagMs)
      throw new ValidationError(
        "settleDelayMs",
        `at most maxReadLagMs (${parsed.data.maxReadLagMs}): the mirror only reaches back that far`,
        String(parsed.data.settleDelayMs),
      );
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  const field = issue ? issue.path.map(String).join(".") || "options" : "options";
  throw new ValidationError(field, issue?.message.replace(/^Invalid input: /, "") ?? "valid GitHub store options");
}

const ENV_SOURCE = "environment";

/**
 * Options from the environment (GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY[_FILE]
 * + GITHUB_APP_INSTALLATION_ID, GITHUB_OWNER, GITHUB_REPO, GITHUB_API_URL, SENTINEL_LOGIN,
 * SENTINEL_HMAC_SECRET, SENTINEL_ALLOWED_AUTHORS, SENTINEL_SETTLE_DELAY_MS,
 * SENTINEL_GITHUB_MAX_LAG_MS); a missing or
 * malformed value raises ConfigError naming the variable. Inside GitHub Actions
 * (GITHUB_ACTIONS=true) a token that GET /user refuses is Actions' own: github-actions[bot].
 */
export function githubStoreOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  overrides: Partial<GithubStoreOptions> = {},
): GithubStoreOptions {
  const required = (key: string, expected: string): string => {
    const value = env[key]?.trim();
    if (!value) throw new ConfigError(key, expected, ENV_SOURCE);
    return value;
  };
  const credentials = credentialsFromEnv(env);
  const owner = required("GITHUB_OWNER", "the repository owner's login");
  const repo = required("GITHUB_REPO", "the repository name");
  const hmacSecret = required("SENTINEL_HMAC_SECRET", "a shared secret of at least 16 characters");
  if (hmacSecret.length < 16)
    throw new ConfigError("SENTINEL_HMAC_SECRET", "a shared secret of at least 16 characters", ENV_SOURCE);
  const options: GithubStoreOptions = { ...credentials, owner, repo, hmacSecret, ...overrides };
  const login = env.SENTINEL_LOGIN?.trim();
  if (login) options.login = login;
  if (env.GITHUB_ACTIONS === "true") options.integrationLogin = ACTIONS_LOGIN;
  const apiUrl = env.GITHUB_API_URL?.trim();
  if (apiUrl) {
    if (!z.url().safeParse(apiUrl).success)
      throw new ConfigError("GITHUB_API_URL", "an absolute http(s) URL", ENV_SOURCE);
    options.baseUrl = apiUrl;
  }
  const authors = env.SENTINEL_ALLOWED_AUTHORS?.trim();
  if (authors) {
    const list = authors
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length === 0)
      throw new ConfigError("SENTINEL_ALLOWED_AUTHORS", "a comma-separated list of GitHub logins", ENV_SOURCE);
    options.allowedAuthors = list;
  }
  const settle = env.SENTINEL_SETTLE_DELAY_MS?.trim();
  if (settle) {
    if (!/^\d+$/.test(settle) || Number(settle) > 60_000) {
      throw new ConfigError(
        "SENTINEL_SETTLE_DELAY_MS",
        "an integer number of milliseconds between 0 and 60000",
        ENV_SOURCE,
      );
    }
    options.settleDelayMs = Number(settle);
  }
  const logFlush = env.SENTINEL_TASK_LOG_FLUSH_MS?.trim();
  if (logFlush) {
    if (!/^\d+$/.test(logFlush) || Number(logFlush) < 100 || Number(logFlush) > 600_000)
      throw new ConfigError(
        "SENTINEL_TASK_LOG_FLUSH_MS",
        "an integer number of milliseconds between 100 and 600000",
        ENV_SOURCE,
      );
    options.taskLogFlushMs = Number(logFlush);
  }
  const maxLag = env.SENTINEL_GITHUB_MAX_LAG_MS?.trim();
  if (maxLag) {
    const parsed = z.coerce
      .number()
      .pipe(maxReadLagSchema)
      .safeParse(/^\d+$/.test(maxLag) ? maxLag : Number.NaN);
    if (!parsed.success)
      throw new ConfigError(
        "SENTINEL_GITHUB_MAX_LAG_MS",
        "an integer number of milliseconds between 1000 and 600000",
        ENV_SOURCE,
      );
    options.maxReadLagMs = parsed.data;
  }
  return options;
}
