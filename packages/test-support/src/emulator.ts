import { Octokit } from "@octokit/rest";
import { type GithubStore, type GithubStoreOptions, openGithubStore } from "@sentinel/coordination/github";
import { type Emulator, type EmulatorOptions, startEmulator } from "@sentinel/github-emulator";
import { afterEach, beforeEach } from "vitest";

export const OWNER = "acme";
export const REPO = "tasks";
export const SECRET = "test-secret-of-sufficient-length";

/**
 * One cast for every emulator a test starts: acme owns acme/tasks, alice and bob are
 * collaborators, stranger is any other GitHub user, sentinel-bot is the store's own account.
 */
export const TOKENS = {
  acme: "acme-token",
  alice: "alice-token",
  bob: "bob-token",
  stranger: "stranger-token",
  bot: "bot-token",
} as const;

/** Admin API token of every test emulator (`/_emulator/...`). */
const ADMIN_TOKEN = "admin-secret";

const running = new Set<Emulator>();

/** A real emulator on a free port, with the cast above; `overrides` replace any option. */
export async function startTestEmulator(overrides: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  const emulator = await startEmulator({
    users: [
      { login: "acme", token: TOKENS.acme },
      { login: "alice", token: TOKENS.alice },
      { login: "bob", token: TOKENS.bob, collaborator: true },
      { login: "stranger", token: TOKENS.stranger, collaborator: false },
      { login: "sentinel-bot", token: TOKENS.bot },
    ],
    repos: [`${OWNER}/${REPO}`],
    adminToken: ADMIN_TOKEN,
    ...overrides,
  });
  running.add(emulator);
  return emulator;
}

/** For a test file: closes, after each test, every emulator it started and has not closed. */
export function closeEmulatorsAfterEach(): void {
  afterEach(async () => {
    await Promise.all([...running].map((emulator) => emulator.close()));
    running.clear();
  });
}

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
 * Store tests run the emulator without a secondary limit unless a test turns it on, so the
 * store's budget says the same: no per-login share stretches heartbeats or holds writes back.
 */
export const UNLIMITED_WRITES = { perMinute: 1_000_000_000, perHour: 1_000_000_000 } as const;

/** An emulator for GitHub-store tests: the cast above, no secondary rate limit. */
export function startStoreEmulator(overrides: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startTestEmulator({ secondaryRateLimit: false, ...overrides });
}

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

/** A GitHub store over `emulator` with test timings, as `token`'s account (default sentinel-bot). */
export function openTestStore(
  emulator: Emulator,
  token: string = TOKENS.bot,
  overrides: Partial<GithubStoreOptions> = {},
): Promise<GithubStore> {
  return openGithubStore(fastStoreOptions(emulator, token, overrides));
}

export interface EmulatorWithStore {
  emulator: Emulator;
  store: GithubStore;
}

export interface OpenedPerTest {
  /** Starts an emulator for store tests that is closed after the test. */
  emulator(options?: Partial<EmulatorOptions>): Promise<Emulator>;
  /** Opens a store that is closed after the test, before the emulators. */
  store(options: GithubStoreOptions): Promise<GithubStore>;
}

/** For tests that open their own emulators and stores: all are closed after each test, stores first. */
export function closedAfterEach(): OpenedPerTest {
  const emulators: Emulator[] = [];
  const stores: GithubStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const emulator of emulators.splice(0)) await emulator.close();
  });
  return {
    async emulator(options = {}) {
      const emulator = await startStoreEmulator(options);
      emulators.push(emulator);
      return emulator;
    },
    async store(options) {
      const store = await openGithubStore(options);
      stores.push(store);
      return store;
    },
  };
}

/**
 * For a test file whose tests each start their own emulator and one store on it: returns the
 * opener and closes what it opened after each test (the store first, while its emulator is up).
 */
export function openPerTest(): (
  emulatorOptions?: Partial<EmulatorOptions>,
  storeOptions?: Partial<GithubStoreOptions>,
) => Promise<EmulatorWithStore> {
  const opened = closedAfterEach();
  return async (emulatorOptions = {}, storeOptions = {}) => {
    const emulator = await opened.emulator(emulatorOptions);
    const store = await opened.store(fastStoreOptions(emulator, TOKENS.bot, storeOptions));
    return { emulator, store };
  };
}

export interface StrangerSetup {
  emulator: Emulator;
  /** The store, writing as the allowed login `sentinel-bot`. */
  store: GithubStore;
  /** A client on the store's own login (an allowed author without the secret). */
  bot: Octokit;
  /** A client for `mallory`, who may read and comment but is not a collaborator. */
  mallory: Octokit;
  /** A client for `eve`, a collaborator with write access: she may edit or delete any comment. */
  eve: Octokit;
  /** Another store on the same repository, as a process started after an attack would open it. */
  openPeer(overrides?: Partial<GithubStoreOptions>): Promise<GithubStore>;
}

/**
 * For attack tests: before each test an emulator with the store's login, a stranger and a
 * write collaborator, a store and a client for each login; all closed after each test.
 * Returns the current setup.
 */
export function withStranger(storeOptions: Partial<GithubStoreOptions> = {}): () => StrangerSetup {
  let setup: StrangerSetup | null = null;
  const opened = closedAfterEach();
  beforeEach(async () => {
    const emulator = await opened.emulator({
      users: [
        { login: "sentinel-bot", token: TOKENS.bot },
        { login: "mallory", token: "mallory-token", collaborator: false },
        { login: "eve", token: "eve-token", collaborator: true },
      ],
    });
    const client = (token: string) => new Octokit({ auth: token, baseUrl: emulator.url });
    setup = {
      emulator,
      store: await opened.store(fastStoreOptions(emulator, TOKENS.bot, storeOptions)),
      bot: client(TOKENS.bot),
      mallory: client("mallory-token"),
      eve: client("eve-token"),
      openPeer: (overrides = {}) =>
        opened.store(fastStoreOptions(emulator, TOKENS.bot, { ...storeOptions, ...overrides })),
    };
  });
  afterEach(() => {
    setup = null;
  });
  return () => {
    if (!setup) throw new Error("withStranger(): use the setup inside a test");
    return setup;
  };
}

/** Post a comment as the client's login; returns its id. */
export async function postComment(octokit: Octokit, issue: number, body: string): Promise<number> {
  const { data } = await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: OWNER,
    repo: REPO,
    issue_number: issue,
    body,
  });
  return Number(data.id);
}

/** Edit an issue's or a comment's body as the client's login (a write collaborator may edit anyone's). */
export async function editBody(
  octokit: Octokit,
  target: { issue: number } | { comment: number },
  body: string,
): Promise<void> {
  if ("issue" in target)
    await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: OWNER,
      repo: REPO,
      issue_number: target.issue,
      body,
    });
  else
    await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner: OWNER,
      repo: REPO,
      comment_id: target.comment,
      body,
    });
}
