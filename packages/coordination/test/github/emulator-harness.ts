import { type Emulator, type EmulatorOptions, startEmulator } from "@sentinel/github-emulator";
import { afterEach } from "vitest";
import { type GithubStore, type GithubStoreOptions, openGithubStore } from "../../src/store/github/index.js";

export const OWNER = "acme";
export const REPO = "tasks";
export const SECRET = "test-secret-of-sufficient-length";

/** Plugin timings shortened so tests run fast; the behaviour (spacing, retries) is the plugins'. */
export const FAST_THROTTLE = {
  writeMinTimeMs: 0,
  notificationMinTimeMs: 0,
  retryAfterBaseMs: 5,
  retryBaseMs: 5,
  requestTimeoutMs: 2000,
  // Bottleneck defers every job by a timer even without spacing: on a loaded machine those hops
  // add tens of ms per request, which eats into the contract's 300 ms leases.
  directDispatch: true,
} as const;

/**
 * The emulator runs without a secondary limit unless a test turns it on, so the store's budget
 * says the same: no per-login share stretches heartbeats or holds writes back.
 */
export const UNLIMITED_WRITES = { perMinute: 1_000_000_000, perHour: 1_000_000_000 } as const;

export function fastStoreOptions(
  emulator: Emulator,
  token: string,
  overrides: Partial<GithubStoreOptions> = {},
): GithubStoreOptions {
  return {
    token,
    owner: OWNER,
    repo: REPO,
    baseUrl: emulator.url,
    hmacSecret: SECRET,
    settleDelayMs: 40,
    refreshIntervalMs: 0,
    batchWindowMs: 5,
    eventVisibilityMarginMs: 0,
    throttle: FAST_THROTTLE,
    writeBudget: UNLIMITED_WRITES,
    ...overrides,
  };
}

export async function startTestEmulator(overrides: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({
    users: [{ login: "sentinel-bot", token: "bot-token" }],
    repos: [`${OWNER}/${REPO}`],
    secondaryRateLimit: false,
    ...overrides,
  });
}

export async function openTestStore(
  emulator: Emulator,
  token = "bot-token",
  overrides: Partial<GithubStoreOptions> = {},
): Promise<GithubStore> {
  return openGithubStore(fastStoreOptions(emulator, token, overrides));
}

export interface EmulatorWithStore {
  emulator: Emulator;
  store: GithubStore;
}

/**
 * For a test file whose tests each start their own emulator and one store on it: returns the
 * opener and closes what it opened after each test (the store first, while its emulator is up).
 */
export function openPerTest(): (
  emulatorOptions?: Partial<EmulatorOptions>,
  storeOptions?: Partial<GithubStoreOptions>,
) => Promise<EmulatorWithStore> {
  let emulator: Emulator | null = null;
  let store: GithubStore | null = null;
  afterEach(async () => {
    await store?.close();
    await emulator?.close();
    store = null;
    emulator = null;
  });
  return async (emulatorOptions = {}, storeOptions = {}) => {
    emulator = await startTestEmulator(emulatorOptions);
    store = await openTestStore(emulator, "bot-token", storeOptions);
    return { emulator, store };
  };
}
