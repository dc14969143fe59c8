import { githubSpendCheckFromEnv, type SpendCheck } from "@sentinel/coordination";
import type { SyncerOptions } from "../sync/syncer.js";

/** The GitHub spend check as the control plane sees itself: its own sync cadence (GitHub defaults: 5 s passes, 15 s registry reads). */
export function controlPlaneSpendCheck(
  env: Record<string, string | undefined>,
  sync: Pick<SyncerOptions, "pollIntervalMs" | "workersRefreshMs"> = {},
): SpendCheck | null {
  return githubSpendCheckFromEnv(env as NodeJS.ProcessEnv, {
    syncPollIntervalMs: sync.pollIntervalMs ?? 5_000,
    syncWorkersIntervalMs: sync.workersRefreshMs ?? 15_000,
  });
}
