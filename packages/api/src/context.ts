import type { CoordinationStore, Role, SpendCheck, TaskQueue, WorkerRegistry } from "@sentinel/coordination";
import type { OperatorAuth } from "./auth/operator-auth.js";
import type { RoleRefusals } from "./auth/role-refusals.js";
import type { TokenRefresh } from "./auth/token-refresh.js";
import type { Cache } from "./cache/open-cache.js";
import type { Syncer } from "./sync/syncer.js";

/** What every request shares: built once by createControlPlane and held by the app. */
export interface ControlPlaneCore {
  store: CoordinationStore;
  /** Operator actions go through the coordination services, which sit on the same port. */
  queue: TaskQueue;
  registry: WorkerRegistry;
  cache: Cache;
  syncer: Syncer;
  auth: OperatorAuth;
  /** Re-reads the store's named tokens (after a token change here, so it applies at once). */
  tokens: TokenRefresh;
  /** Mutations refused for a too-low role: counted, and thinned out before the audit. */
  roleRefusals: RoleRefusals;
  /** SENTINEL_READONLY_VIEW: reads allowed without a session. */
  readOnlyView: boolean;
  /** SENTINEL_STALL_ALERT_MS: how long waiting tasks no live worker can run may wait before they raise an alert. */
  stallAlertMs: number;
  /** SENTINEL_ALERT_QUEUE_AGE_MS: a due task waiting longer than this raises a queue_age alert (0: never). */
  queueAgeAlertMs: number;
  /** SENTINEL_ALERT_DEAD_WINDOW_MS: tasks that went dead within this window raise a tasks_dead alert. */
  deadAlertWindowMs: number;
  /** Where alerts are delivered (a webhook shows only its origin: its path is a secret). */
  alertChannels: ReadonlyArray<{ channel: "webhook" | "github_issue"; target: string }>;
  /** The projected hourly GitHub spend of this deployment against its token's limits (null on SQLite). */
  spendCheck: SpendCheck | null;
}

export interface CreateContextOptions {
  headers: Headers;
  controlPlane: ControlPlaneCore;
}

export interface OperatorSession {
  /** The token's name. */
  operator: string;
  role: Role;
}

/** Per request: the shared core plus the caller's operator session, if any (cookie or bearer token). */
export function createTRPCContext(opts: CreateContextOptions) {
  const { auth } = opts.controlPlane;
  const fromCookie = auth.sessionFromCookieHeader(opts.headers.get("cookie"));
  const caller = fromCookie ?? auth.operatorFromBearer(opts.headers.get("authorization"));
  const session: OperatorSession | null = caller ? { operator: caller.operator, role: caller.role } : null;
  return { ...opts.controlPlane, session };
}

export type TRPCContext = ReturnType<typeof createTRPCContext>;
