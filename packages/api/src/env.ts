import { ConfigError } from "@sentinel/coordination";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

/**
 * The control plane's environment, validated once at start; a bad value names its variable.
 * The only place this package reads the process environment (the store's own variables are
 * read and validated by @sentinel/coordination's openStoreFromEnv).
 */
const envSchema = z.object({
  SENTINEL_OPERATOR_TOKEN: z.string().optional(),
  SENTINEL_SESSION_SECRET: z.string().min(32, "at least 32 characters").optional(),
  SENTINEL_READONLY_VIEW: bool.default(true),
  SENTINEL_SECURE_COOKIE: bool.default(false),
  GITHUB_WEBHOOK_SECRET: z.string().min(1).optional(),
  SENTINEL_ALLOWED_ORIGINS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url("origins like https://dashboard.example.com, comma-separated"))),
  /** Waiting tasks no live worker can run raise a `tasks_stalled` alert once due this long (ms). */
  SENTINEL_STALL_ALERT_MS: z.coerce
    .number()
    .int("an integer number of milliseconds")
    .min(0, "0 or more milliseconds")
    .max(86_400_000, "at most a day (86400000)")
    .default(60_000),
  /** A due task of one type waiting longer than this raises a `queue_age` alert (ms; 0: never). */
  SENTINEL_ALERT_QUEUE_AGE_MS: z.coerce
    .number()
    .int("an integer number of milliseconds")
    .min(0, "0 (off) or more milliseconds")
    .max(7 * 86_400_000, "at most a week (604800000)")
    .default(600_000),
  /** Tasks that went dead within this window raise a `tasks_dead` alert per type (ms). */
  SENTINEL_ALERT_DEAD_WINDOW_MS: z.coerce
    .number()
    .int("an integer number of milliseconds")
    .min(60_000, "at least a minute (60000)")
    .max(7 * 86_400_000, "at most a week (604800000)")
    .default(900_000),
  /** A fired alert is resolved once its condition has been absent this long (ms): one view's blip does not flap it. */
  SENTINEL_ALERT_RESOLVE_AFTER_MS: z.coerce
    .number()
    .int("an integer number of milliseconds")
    .min(0, "0 or more milliseconds")
    .max(3_600_000, "at most an hour (3600000)")
    .default(10_000),
  /** Slack-compatible incoming webhook that receives every fire and resolve (a secret: never logged). */
  SENTINEL_ALERT_WEBHOOK_URL: z
    .url({ protocol: /^https?$/, message: "an http(s) URL, e.g. https://hooks.slack.com/services/…" })
    .optional(),
  /** Signs each webhook body: X-Sentinel-Signature: sha256=HMAC(secret, "<timestamp>.<body>"). */
  SENTINEL_ALERT_WEBHOOK_SECRET: z.string().min(16, "at least 16 characters").optional(),
  /** First retry of a failed delivery after this long (ms), doubling up to 15 min. */
  SENTINEL_ALERT_RETRY_BASE_MS: z.coerce
    .number()
    .int("an integer number of milliseconds")
    .min(100, "at least 100 milliseconds")
    .max(600_000, "at most 10 minutes (600000)")
    .default(5_000),
  /** GitHub backend: also open an issue per alert (commented and closed on resolve). */
  SENTINEL_ALERT_GITHUB_ISSUES: bool.default(false),
  /** Where the cache's drizzle migrations are, when the repository's drizzle/cache cannot be found from here (a bundled server). */
  SENTINEL_CACHE_MIGRATIONS_DIR: z.string().min(1).optional(),
});

export type ControlPlaneEnv = z.output<typeof envSchema>;

export function parseControlPlaneEnv(env: Record<string, string | undefined> = process.env): ControlPlaneEnv {
  const relevant = Object.fromEntries(
    Object.keys(envSchema.shape).map((key) => [key, env[key] === "" ? undefined : env[key]]),
  );
  const parsed = envSchema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  throw new ConfigError(String(issue?.path[0] ?? "environment"), issue?.message ?? "valid values", "environment");
}
