import type { Browser, Page } from "@playwright/test";
import { type CoordinationStore, newTaskSchema } from "@sentinel/coordination";
import { waitForPageValue, withTab } from "./browser.js";
import { type ClockOffset, measurePageClockOffset, wallNow } from "./clock.js";
import { BADGE_OBSERVER_SCRIPT } from "./dom-probes.js";
import { liveConnection } from "./live-connection.js";

export interface ChangeLatency {
  /** createTask committed → the new task's row in the tasks list. */
  created: number[];
  /** cancelTask committed → that row's state badge shows "cancelled". */
  stateChanged: number[];
  /** Duration of the store writes themselves (not part of the latencies). */
  writeMs: number[];
  clock: ClockOffset;
}

export interface ChangeLatencyOptions {
  baseUrl: string;
  samples: number;
  log(message: string): void;
}

export const PROBE_TYPE = "bench.probe";
/** Writes land at random phases of the syncer's poll (200 ms) and of the live link's cross-process poll (500 ms). */
const MAX_JITTER_MS = 500;
const VISIBLE_TIMEOUT_MS = 30_000;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function firstSeen(page: Page, key: string): Promise<number> {
  return (await waitForPageValue(page, `window.__benchBadges.get(${JSON.stringify(key)})`, {
    timeoutMs: VISIBLE_TIMEOUT_MS,
    pollMs: 20,
  })) as number;
}

async function timedWrite<T>(write: () => Promise<T>, writeMs: number[]): Promise<{ value: T; committedAt: number }> {
  const before = wallNow();
  const value = await write();
  const committedAt = wallNow();
  writeMs.push(committedAt - before);
  return { value, committedAt };
}

/**
 * The bench process writes to the store directly (as a worker or the CLI would, through the
 * store port) while the tasks page is open; the page records when each change reaches its
 * DOM. Latency = DOM commit time (page clock, corrected by the measured offset) − the moment
 * the store call returned (this process's clock). The path measured: store → control plane
 * syncer poll → cache → change log → SSE → the page's query invalidation → tRPC refetch →
 * React render.
 */
export async function measureChangeLatency(
  browser: Browser,
  store: CoordinationStore,
  options: ChangeLatencyOptions,
): Promise<ChangeLatency> {
  return withTab(browser, BADGE_OBSERVER_SCRIPT, async (page) => {
    await Promise.all([liveConnection(page, VISIBLE_TIMEOUT_MS), page.goto(`${options.baseUrl}/tasks`)]);
    await page.getByTestId("task-count").filter({ hasText: "matching" }).waitFor({ timeout: VISIBLE_TIMEOUT_MS });
    const clock = await measurePageClockOffset(page);
    const result: ChangeLatency = { created: [], stateChanged: [], writeMs: [], clock };
    for (let i = 0; i < options.samples; i++) {
      await pause(Math.random() * MAX_JITTER_MS);
      const created = await timedWrite(
        () =>
          store.createTask(
            newTaskSchema.parse({ type: PROBE_TYPE, title: `latency probe ${i}`, params: { probe: i } }),
            "bench",
          ),
        result.writeMs,
      );
      result.created.push((await firstSeen(page, `${created.value.id} queued`)) - clock.offsetMs - created.committedAt);

      await pause(Math.random() * MAX_JITTER_MS);
      const cancelled = await timedWrite(
        () => store.cancelTask(created.value.id, { actor: "bench", reason: "latency probe" }),
        result.writeMs,
      );
      result.stateChanged.push(
        (await firstSeen(page, `${created.value.id} cancelled`)) - clock.offsetMs - cancelled.committedAt,
      );
    }
    options.log(
      `change → DOM: ${options.samples} new tasks and ${options.samples} state changes observed (clock offset ${clock.offsetMs.toFixed(2)} ms ± ${(clock.rttMs / 2).toFixed(2)} ms)`,
    );
    return result;
  });
}
