import type { WorkerRegistration } from "@sentinel/coordination";
import { type GithubStore, type GithubStoreOptions, openGithubStore } from "@sentinel/coordination/github";
import { type Emulator, type StatsSnapshot, startEmulator } from "@sentinel/github-emulator";

export const OWNER = "bench";
export const REPO = "tasks";
const SECRET = "bench-secret-of-sufficient-length";
export const WORKER_LOGIN = "sentinel-bot";
export const PRODUCER_LOGIN = "producer";

/** Start an emulator with a worker login and a producer login (tasks come from the producer's token). */
export async function startBenchEmulator(rate = 1): Promise<Emulator> {
  return startEmulator({
    users: [
      { login: WORKER_LOGIN, token: "worker-token" },
      { login: PRODUCER_LOGIN, token: "producer-token" },
    ],
    repos: [`${OWNER}/${REPO}`],
    clock: { rate },
    // Budget is counted, not enforced, while measuring: a limit hit would add retries to the counts.
    secondaryRateLimit: false,
  });
}

/**
 * A store as production opens it, except: no write spacing (the plugin's 1 s / 3 s spacing
 * changes wall time, not request counts) and a settle delay suited to an emulator without
 * replica lag. The write budget is the real one (500/h, 80/min, 40 % for heartbeats).
 */
export async function openBenchStore(
  emulator: Emulator,
  token: string,
  overrides: Partial<GithubStoreOptions> = {},
): Promise<GithubStore> {
  return openGithubStore({
    token,
    owner: OWNER,
    repo: REPO,
    baseUrl: emulator.url,
    hmacSecret: SECRET,
    allowedAuthors: [WORKER_LOGIN, PRODUCER_LOGIN],
    settleDelayMs: 50,
    throttle: { writeMinTimeMs: 0, notificationMinTimeMs: 0, directDispatch: true },
    // An emulator clock running faster than real time lets a store's clock (real speed between
    // responses) fall behind GitHub's by rate × the gap, which a record's signature age must
    // cover; it changes no request count.
    maxSignatureAgeMs: 3_600_000,
    ...overrides,
  });
}

/** An idle bench worker: noop tasks, GitHub-sized heartbeat (30 s) and lease (2 min). */
export function benchRegistration(id: string, pid: number): WorkerRegistration {
  return {
    id,
    hostname: "bench",
    pid,
    version: "bench",
    maxConcurrency: 10,
    supportedTaskTypes: ["noop"],
    cpuCores: 2,
    memoryMb: 1024,
    labels: {},
    heartbeatIntervalMs: 30_000,
    leaseMs: 120_000,
    healthUrl: null,
  };
}

export interface RequestCounts {
  reads: number;
  notModified: number;
  writes: number;
}

/** Requests the emulator answered (its own count, independent of the store's meter). */
export function countsOf(stats: StatsSnapshot): RequestCounts {
  const notModified = stats.counters.notModified;
  const gets = (stats.byMethod.GET ?? 0) + (stats.byMethod.HEAD ?? 0);
  const writes =
    (stats.byMethod.POST ?? 0) + (stats.byMethod.PATCH ?? 0) + (stats.byMethod.PUT ?? 0) + (stats.byMethod.DELETE ?? 0);
  return { reads: gets - notModified, notModified, writes };
}
