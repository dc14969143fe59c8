import type { ControlPlaneOptions } from "@sentinel/api/server";
import { ConfigError } from "@sentinel/coordination";
import { z } from "zod";

type SyncOptions = NonNullable<ControlPlaneOptions["sync"]>;

const cadenceMs = z
  .string()
  .trim()
  .regex(/^\d+$/)
  .transform(Number)
  .pipe(z.number().int().min(10).max(3_600_000))
  .optional();

/** Syncer cadence overrides (the e2e suite shortens GitHub's); unset: the backend's defaults (packages/api). */
const syncSchema = z.object({
  SENTINEL_SYNC_POLL_MS: cadenceMs,
  SENTINEL_SYNC_WORKERS_MS: cadenceMs,
  SENTINEL_SYNC_RECONCILE_MS: cadenceMs,
});

export interface WebEnv {
  /** The whole environment, for the packages that validate their own variables (store selection, control plane). */
  all: NodeJS.ProcessEnv;
  sync: SyncOptions;
}

/**
 * The dashboard server's environment, read here and nowhere else in the app. The variables
 * it owns are validated here; a bad value names its variable and what was expected.
 */
export function readWebEnv(env: NodeJS.ProcessEnv = process.env): WebEnv {
  const relevant = Object.fromEntries(Object.keys(syncSchema.shape).map((name) => [name, env[name] || undefined]));
  const parsed = syncSchema.safeParse(relevant);
  if (!parsed.success) {
    const name = String(parsed.error.issues[0]?.path[0] ?? "SENTINEL_SYNC_POLL_MS");
    throw new ConfigError(
      name,
      `an integer number of milliseconds from 10 to 3600000 (got ${JSON.stringify(env[name])})`,
      "environment",
    );
  }
  const { SENTINEL_SYNC_POLL_MS, SENTINEL_SYNC_WORKERS_MS, SENTINEL_SYNC_RECONCILE_MS } = parsed.data;
  const sync: SyncOptions = {};
  if (SENTINEL_SYNC_POLL_MS !== undefined) sync.pollIntervalMs = SENTINEL_SYNC_POLL_MS;
  if (SENTINEL_SYNC_WORKERS_MS !== undefined) sync.workersRefreshMs = SENTINEL_SYNC_WORKERS_MS;
  if (SENTINEL_SYNC_RECONCILE_MS !== undefined) sync.reconcileIntervalMs = SENTINEL_SYNC_RECONCILE_MS;
  return { all: env, sync };
}
