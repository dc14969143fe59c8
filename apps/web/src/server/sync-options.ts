import type { ControlPlaneOptions } from "@sentinel/api/server";
import { ConfigError } from "@sentinel/coordination";

type SyncOptions = NonNullable<ControlPlaneOptions["sync"]>;

/** Variable → syncer option. Unset: the backend's defaults (packages/api: GitHub polls far less often than SQLite). */
const SYNC_ENV: ReadonlyArray<[string, keyof Omit<SyncOptions, "onError">]> = [
  ["SENTINEL_SYNC_POLL_MS", "pollIntervalMs"],
  ["SENTINEL_SYNC_WORKERS_MS", "workersRefreshMs"],
  ["SENTINEL_SYNC_RECONCILE_MS", "reconcileIntervalMs"],
];

/** Syncer cadence overrides from the environment (the e2e suite shortens GitHub's); a bad value names its variable. */
export function syncOptionsFromEnv(env: NodeJS.ProcessEnv): SyncOptions {
  const options: SyncOptions = {};
  for (const [name, key] of SYNC_ENV) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < 10 || value > 3_600_000)
      throw new ConfigError(
        name,
        `an integer number of milliseconds from 10 to 3600000 (got ${JSON.stringify(raw)})`,
        "environment",
      );
    options[key] = value;
  }
  return options;
}
