import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { AppRegistry } from "./apps.js";
import { UserDirectory } from "./auth.js";
import { createClock, type EmulatorClock } from "./clock.js";
import { FaultController, type FaultPatch, type FaultSnapshot } from "./faults.js";
import {
  DEFAULT_COMMENT_CAP,
  DEFAULT_INSTALLATION_TOKEN_TTL_MS,
  type EmulatorOptions,
  parseRepoOption,
} from "./options.js";
import { loadSnapshot, type Persister, persistState } from "./persistence.js";
import { PrimaryRateLimiter } from "./rate-limit.js";
import { createRouter } from "./router.js";
import { API_ROUTES } from "./routes.js";
import { SecondaryRateLimiter } from "./secondary-limit.js";
import { createRequestListener } from "./server.js";
import { EmulatorState } from "./state/emulator-state.js";
import { StatsRecorder, type StatsSnapshot } from "./stats.js";
import { TimerRegistry } from "./timers.js";

export type { EmulatorOptions } from "./options.js";
export type { StatsSnapshot } from "./stats.js";

export interface Emulator {
  /** Base URL to give Octokit as baseUrl, e.g. http://127.0.0.1:41234. */
  url: string;
  port: number;
  adminToken: string;
  /** Direct access to the data, for seeding and assertions in tests. */
  state: EmulatorState;
  clock: EmulatorClock;
  setFaults(patch: FaultPatch): FaultSnapshot;
  stats(): StatsSnapshot;
  resetStats(): void;
  /** Saves pending state now (when persistPath is set). */
  flush(): Promise<void>;
  /** Stops listening, drops open connections (including hung requests) and saves state. */
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const clock = createClock(options.clock);
  const faults = new FaultController(options.faults ?? {}, clock.now);
  const state = new EmulatorState({ now: clock.now, readLagMs: () => faults.drawReadLagMs() });
  if (options.persistPath) {
    const snapshot = await loadSnapshot(options.persistPath);
    if (snapshot) state.restore(snapshot);
  }
  for (const repo of options.repos ?? []) state.ensureRepo(parseRepoOption(repo));
  const persister: Persister | undefined = options.persistPath
    ? persistState(state, options.persistPath, options.persistDebounceMs ?? 100)
    : undefined;

  const stats = new StatsRecorder(clock.now);
  const timers = new TimerRegistry();
  const adminToken = options.adminToken ?? `emulator-admin-${randomBytes(16).toString("hex")}`;
  const users = new UserDirectory(options.users);
  const apps = new AppRegistry(
    options.apps ?? [],
    users,
    clock.now,
    options.installationTokenTtlMs ?? DEFAULT_INSTALLATION_TOKEN_TTL_MS,
  );
  const server = createServer(
    createRequestListener({
      adminToken,
      faults,
      stats,
      clock,
      state,
      users,
      apps,
      router: createRouter(API_ROUTES),
      primary: options.rateLimit === false ? null : new PrimaryRateLimiter(options.rateLimit ?? {}, clock.now),
      secondary: new SecondaryRateLimiter(options.secondaryRateLimit ?? {}, clock.now),
      timers,
      commentCap: options.commentCap ?? DEFAULT_COMMENT_CAP,
    }),
  );
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    adminToken,
    state,
    clock,
    setFaults: (patch) => faults.update(patch),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    flush: () => persister?.flush() ?? Promise.resolve(),
    close: () => {
      closing ??= (async () => {
        timers.cancelAll();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await persister?.close();
      })();
      return closing;
    },
  };
}
