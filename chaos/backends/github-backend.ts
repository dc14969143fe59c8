import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "@sentinel/test-support";
import {
  FAST_THROTTLE,
  OWNER,
  openTestStore,
  REPO,
  SECRET,
  startTestEmulator,
  TOKENS,
} from "@sentinel/test-support/emulator";
import { type ChaosBackend, sleep, type WorkerTimings } from "../backend.js";
import type { ChaosOptions } from "../options.js";

const TIMINGS: WorkerTimings = { heartbeatMs: 500, staleMs: 3000, checkMs: 1000, pollMs: 200 };
/** The claim settles this long before it is trusted; injected read lag stays below it (the lock's one assumption). */
const SETTLE_MS = 400;
const MAX_LAG_MS = 250;
/**
 * The emulator's secondary limits, and the budget the workers are told about
 * (SENTINEL_GITHUB_WRITES_PER_*): with GitHub's 500 writes an hour each worker would stretch its
 * heartbeat (and lease) to tens of seconds, and kill → recovery would measure the stretch.
 */
const WRITES_PER_MINUTE = 3000;
const WRITES_PER_HOUR = 100_000;
/** The emulator's primary limit per hour, stated to the workers' spend check (SENTINEL_GITHUB_PRIMARY_LIMIT). */
const PRIMARY_LIMIT = 1_000_000;

/**
 * The project's GitHub emulator over real HTTP; workers are configured exactly as against
 * GitHub, with the emulator's URL and raised limits. Its faults: 5xx bursts, secondary-limit
 * storms and read-after-write lag, switched through the emulator's fault controls.
 */
export async function openGithubChaos(
  seed: number,
  workers: number,
  toldBudget: ChaosOptions["githubBudget"],
): Promise<ChaosBackend> {
  // "github": the workers plan with GitHub's own 80/min and 500/h (as on api.github.com), so
  // they stretch heartbeats and leases; the emulator still accepts the raised rate.
  const told =
    toldBudget === "github"
      ? { perMinute: 80, perHour: 500 }
      : { perMinute: WRITES_PER_MINUTE, perHour: WRITES_PER_HOUR };
  const emulator = await startTestEmulator({
    rateLimit: { limit: PRIMARY_LIMIT },
    secondaryRateLimit: { perMinute: WRITES_PER_MINUTE, perHour: WRITES_PER_HOUR },
    faults: { seed },
  });
  // The runner is a client like any other: it waits out a secondary limit as told and retries 5xx.
  const store = await openTestStore(emulator, TOKENS.bot, {
    settleDelayMs: SETTLE_MS,
    throttle: { ...FAST_THROTTLE, retryAfterBaseMs: 1000, retryBaseMs: 100, retries: 6, rateLimitRetries: 10 },
  });
  const dir = tempDir("sentinel-chaos-github");
  const configPath = join(dir.path, "task-sentinel.config.json");
  writeFileSync(configPath, JSON.stringify({ handlers: { sleep: { builtin: "sleep" }, fail: { builtin: "fail" } } }));
  const during = async (
    patch: Parameters<typeof emulator.setFaults>[0],
    undo: Parameters<typeof emulator.setFaults>[0],
    ms: number,
  ) => {
    emulator.setFaults(patch);
    await sleep(ms);
    emulator.setFaults(undo);
  };
  return {
    name: "github",
    store,
    timings: TIMINGS,
    workerEnv: {
      SENTINEL_CONFIG: configPath,
      SENTINEL_STORE: "github",
      GITHUB_API_URL: emulator.url,
      GITHUB_OWNER: OWNER,
      GITHUB_REPO: REPO,
      GITHUB_TOKEN: TOKENS.bot,
      SENTINEL_HMAC_SECRET: SECRET,
      SENTINEL_SETTLE_DELAY_MS: String(SETTLE_MS),
      SENTINEL_GITHUB_WRITES_PER_MINUTE: String(told.perMinute),
      SENTINEL_GITHUB_WRITES_PER_HOUR: String(told.perHour),
      SENTINEL_GITHUB_PRIMARY_LIMIT: String(PRIMARY_LIMIT),
      SENTINEL_GITHUB_WORKERS_PER_TOKEN: String(workers),
      // The emulator answers at once: no write spacing, and retries after 5xx or a secondary limit in tenths of a second.
      SENTINEL_GITHUB_TUNING: JSON.stringify({
        throttle: { writeMinTimeMs: 0, notificationMinTimeMs: 0, retryBaseMs: 100, retryAfterBaseMs: 100 },
        refreshIntervalMs: 100,
      }),
    },
    faults: [
      {
        kind: "github-5xx",
        durationMs: { min: 1000, max: 3000 },
        inject: async (ms) => {
          await during({ errorRate: 0.5 }, { errorRate: 0 }, ms);
          return `half the API requests answered 502/503 for ${ms} ms`;
        },
      },
      {
        kind: "github-secondary-limit",
        durationMs: { min: 1000, max: 3000 },
        inject: async (ms) => {
          const seconds = Math.max(1, Math.round(ms / 1000));
          emulator.setFaults({ secondaryStormSeconds: seconds });
          await sleep(seconds * 1000);
          return `every write refused by the secondary limit for ${seconds} s`;
        },
      },
      {
        kind: "github-read-lag",
        durationMs: { min: 2000, max: 5000 },
        inject: async (ms) => {
          await during(
            { readLagMs: MAX_LAG_MS / 2, readLagJitterMs: MAX_LAG_MS / 2 },
            { readLagMs: 0, readLagJitterMs: 0 },
            ms,
          );
          return `reads lagged writes by up to ${MAX_LAG_MS} ms for ${ms} ms`;
        },
      },
    ],
    setup: `the GitHub emulator over HTTP (secondary limits ${WRITES_PER_MINUTE}/min, ${WRITES_PER_HOUR}/h, workers told ${told.perMinute}/min, ${told.perHour}/h by SENTINEL_GITHUB_WRITES_PER_*); heartbeat ${TIMINGS.heartbeatMs} ms, stale threshold ${TIMINGS.staleMs} ms, check every ${TIMINGS.checkMs} ms, settle ${SETTLE_MS} ms`,
    async close() {
      await store.close();
      await emulator.close();
      dir.remove();
    },
  };
}
