import type { Browser } from "@playwright/test";
import { defaultSqlitePath, openSqliteStore } from "@sentinel/coordination/sqlite";
import { type ChangeLatency, measureChangeLatency } from "./change-latency.js";
import type { DashboardBenchOptions } from "./options.js";
import { startStack } from "./stack.js";

export interface BaselineResult {
  stackStartMs: number;
  latency: ChangeLatency;
}

/** Store change → DOM on an empty store: the floor the live-update path itself sets. */
export async function runBaselinePhase(
  dataDir: string,
  browser: Browser,
  options: DashboardBenchOptions,
  log: (message: string) => void,
): Promise<BaselineResult> {
  // Opened (and migrated) before the server starts, so only one process creates the schema.
  const store = openSqliteStore({ path: defaultSqlitePath({ SENTINEL_DATA_DIR: dataDir }) });
  try {
    const stack = await startStack(dataDir);
    log(`empty store: stack up in ${(stack.startMs / 1000).toFixed(1)} s`);
    try {
      const latency = await measureChangeLatency(browser, store, {
        baseUrl: stack.baseUrl,
        samples: options.latencySamples,
        log,
      });
      return { stackStartMs: stack.startMs, latency };
    } finally {
      await stack.stop();
    }
  } finally {
    await store.close();
  }
}
