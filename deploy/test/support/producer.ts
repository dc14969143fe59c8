import { type GithubStore, type GithubStoreOptions, openGithubStore } from "@sentinel/coordination/github";
import type { Emulator } from "@sentinel/github-emulator";
import { FAST_THROTTLE, UNLIMITED_WRITES } from "@sentinel/test-support/emulator";

/**
 * The test's own store on the emulator: it creates tasks and reads them back. Fast timings,
 * and events handed out at once since they are read back to check fencing.
 */
export function openProducer(
  emulator: Emulator,
  options: Pick<GithubStoreOptions, "token" | "owner" | "repo" | "hmacSecret" | "allowedAuthors">,
): Promise<GithubStore> {
  return openGithubStore({
    ...options,
    baseUrl: emulator.url,
    settleDelayMs: 40,
    refreshIntervalMs: 0,
    eventVisibilityMarginMs: 0,
    throttle: FAST_THROTTLE,
    writeBudget: UNLIMITED_WRITES,
  });
}
