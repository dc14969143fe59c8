import { hostname } from "node:os";
import {
  ConfigError,
  type CoordinationStore,
  startIntervalTask,
  startScheduleRunner,
  TaskQueue,
  WorkerRegistry,
} from "@sentinel/coordination";
import type { Registry } from "prom-client";
import { type AlertEngine, createAlertEngine } from "../alerts/alert-engine.js";
import type { AlertSender } from "../alerts/alert-notice.js";
import { createGithubIssueSender, hasNoticeIssues } from "../alerts/github-issue-sender.js";
import { createWebhookSender } from "../alerts/webhook-sender.js";
import { createLoginLimiter, type LoginLimiter } from "../auth/login-limiter.js";
import { createOperatorAuth } from "../auth/operator-auth.js";
import { createRoleRefusals } from "../auth/role-refusals.js";
import { startTokenRefresh } from "../auth/token-refresh.js";
import { defaultCachePath, openCache } from "../cache/open-cache.js";
import { type ControlPlaneCore, createTRPCContext } from "../context.js";
import { parseControlPlaneEnv } from "../env.js";
import { createSyncer, type SyncerOptions } from "../sync/syncer.js";
import { backgroundErrorReporter } from "./background-errors.js";
import { createWebhookVerifier, type WebhookVerifier } from "./github-webhook.js";
import { createControlPlaneMetrics } from "./metrics.js";
import { createRefusals, type Refusals } from "./refusals.js";
import { controlPlaneSpendCheck } from "./spend-check.js";

export interface ControlPlaneOptions {
  store: CoordinationStore;
  /** Where the cache file goes (`<dataDir>/control-plane.db`): next to the SQLite store file by default. */
  dataDir: string;
  env?: Record<string, string | undefined>;
  /** Syncer cadence overrides (tests use short ones). */
  sync?: Pick<
    SyncerOptions,
    "pollIntervalMs" | "workersRefreshMs" | "reconcileIntervalMs" | "heartbeatRetentionMs" | "onError"
  >;
  /** Start the syncer loop (default true; tests may drive `syncer.syncOnce()` themselves). */
  startSyncer?: boolean;
  /** Run the scheduler loop (default: as startSyncer; tests may drive `fireDueSlots` themselves). */
  startScheduler?: boolean;
  /** How often the store's named tokens are re-read (default 1 s on SQLite, 5 s on GitHub). */
  tokenRefreshMs?: number;
  /** Alert engine overrides: its cadence, and extra senders (tests; the webhook comes from the environment). */
  alerts?: { intervalMs?: number; senders?: AlertSender[]; claimLeaseMs?: number };
  /** At most one audit record per actor and procedure for refused mutations in this long (default 60 s). */
  roleRefusalWindowMs?: number;
  /** Close the store on close() (default false: whoever opened it closes it). */
  ownsStore?: boolean;
}

export interface ControlPlane extends ControlPlaneCore {
  /** The operator token generated because none was configured; print it once at start. */
  readonly token: string | null;
  readonly startedAt: number;
  readonly pollIntervalMs: number;
  readonly metrics: Registry;
  /** Requests refused at the door (size, depth, origin, login limits, webhook checks), counted. */
  readonly refusals: Refusals;
  readonly loginLimiter: LoginLimiter;
  /** SENTINEL_ALLOWED_ORIGINS: origins besides the control plane's own that may send mutations. */
  readonly allowedOrigins: readonly string[];
  readonly verifyWebhook: WebhookVerifier | null;
  /** Records alert fires/resolves in the store and delivers them (runs on its own loop with the syncer). */
  readonly alertEngine: AlertEngine;
  /** Per-request tRPC context (headers carry the session cookie or bearer token). */
  createContext(opts: { headers: Headers }): ReturnType<typeof createTRPCContext>;
  /** Idempotent: stops the syncer, closes the cache (and the store if owned). */
  close(): Promise<void>;
}

/**
 * Everything the HTTP layer needs, built once and held in a module-level singleton by the
 * Next app: cache (migrated), syncer (running), operator auth, metrics, webhook verifier.
 */
export function createControlPlane(options: ControlPlaneOptions): ControlPlane {
  const env = parseControlPlaneEnv(options.env);
  const cache = openCache({
    path: defaultCachePath(options.dataDir),
    ...(env.SENTINEL_CACHE_MIGRATIONS_DIR ? { migrationsFolder: env.SENTINEL_CACHE_MIGRATIONS_DIR } : {}),
  });
  const syncer = createSyncer({ store: options.store, cache, ...options.sync });
  const auth = createOperatorAuth({
    db: cache.db,
    operatorTokens: env.SENTINEL_OPERATOR_TOKEN,
    sessionSecret: env.SENTINEL_SESSION_SECRET,
    secureCookie: env.SENTINEL_SECURE_COOKIE,
  });
  const tokens = startTokenRefresh(
    options.store,
    auth,
    options.tokenRefreshMs ?? (options.store.backend === "github" ? 5_000 : 1_000),
    backgroundErrorReporter("tokens.refresh", options.sync?.onError),
  );
  const github = options.store.backend === "github";
  const senders: AlertSender[] = [...(options.alerts?.senders ?? [])];
  if (env.SENTINEL_ALERT_WEBHOOK_URL)
    senders.push(
      createWebhookSender({ url: env.SENTINEL_ALERT_WEBHOOK_URL, secret: env.SENTINEL_ALERT_WEBHOOK_SECRET }),
    );
  if (env.SENTINEL_ALERT_GITHUB_ISSUES) {
    if (!hasNoticeIssues(options.store))
      throw new ConfigError(
        "SENTINEL_ALERT_GITHUB_ISSUES",
        "unset or false: alert issues need the GitHub backend",
        "environment",
      );
    senders.push(createGithubIssueSender(options.store, "issues of the store's repository"));
  }
  const core: ControlPlaneCore = {
    store: options.store,
    queue: new TaskQueue(options.store),
    registry: new WorkerRegistry(options.store),
    cache,
    syncer,
    auth,
    tokens,
    roleRefusals: createRoleRefusals(
      options.roleRefusalWindowMs === undefined ? {} : { windowMs: options.roleRefusalWindowMs },
    ),
    readOnlyView: env.SENTINEL_READONLY_VIEW,
    stallAlertMs: env.SENTINEL_STALL_ALERT_MS,
    queueAgeAlertMs: env.SENTINEL_ALERT_QUEUE_AGE_MS,
    deadAlertWindowMs: env.SENTINEL_ALERT_DEAD_WINDOW_MS,
    alertChannels: senders.map((s) => ({ channel: s.channel, target: s.target })),
    spendCheck: options.store.backend === "github" ? controlPlaneSpendCheck(options.env ?? {}, options.sync) : null,
  };
  if (options.startSyncer ?? true) syncer.start();
  // The control plane fires schedules too, so a fleet with no worker running still does.
  const scheduler =
    (options.startScheduler ?? options.startSyncer ?? true)
      ? startScheduleRunner(options.store, {
          firedBy: `control-plane:${hostname()}-${process.pid}`,
          onError: backgroundErrorReporter("schedules.tick", options.sync?.onError),
        })
      : null;
  const alertEngine = createAlertEngine({
    core,
    senders,
    actor: `control-plane:${hostname()}-${process.pid}`,
    resolveAfterMs: env.SENTINEL_ALERT_RESOLVE_AFTER_MS,
    retryBaseMs: env.SENTINEL_ALERT_RETRY_BASE_MS,
    // A claim must outlive the send's timeout plus the time the store takes to show it (GitHub: its settle margin).
    claimLeaseMs: options.alerts?.claimLeaseMs ?? (github ? 120_000 : 30_000),
    onError: backgroundErrorReporter("alerts.tick", options.sync?.onError),
  });
  const alertLoop =
    (options.startSyncer ?? true)
      ? startIntervalTask(() => alertEngine.tick(), options.alerts?.intervalMs ?? (github ? 5_000 : 1_000), {
          unref: true,
        })
      : null;
  const metrics = createControlPlaneMetrics(core);
  let closing: Promise<void> | null = null;
  return {
    ...core,
    token: auth.generatedToken,
    startedAt: Date.now(),
    pollIntervalMs: options.sync?.pollIntervalMs ?? (options.store.backend === "github" ? 5_000 : 200),
    metrics,
    refusals: createRefusals(metrics),
    loginLimiter: createLoginLimiter(),
    allowedOrigins: env.SENTINEL_ALLOWED_ORIGINS,
    alertEngine,
    verifyWebhook: env.GITHUB_WEBHOOK_SECRET ? createWebhookVerifier(env.GITHUB_WEBHOOK_SECRET) : null,
    createContext: ({ headers }) => createTRPCContext({ headers, controlPlane: core }),
    close() {
      closing ??= (async () => {
        await alertLoop?.stop();
        await scheduler?.stop();
        await tokens.stop();
        await syncer.stop();
        cache.close();
        if (options.ownsStore) await options.store.close();
      })();
      return closing;
    },
  };
}
