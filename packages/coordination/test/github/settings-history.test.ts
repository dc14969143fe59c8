import { closedAfterEach, fastStoreOptions, TOKENS } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { registration } from "../../src/store/contract/harness.js";

const opened = closedAfterEach();
/** The emulator's clock runs this many times faster than real time. */
const RATE = 120;
const HISTORY_WINDOW_MS = 60_000;

describe("settings written before a process's history horizon", () => {
  it("a process that opens long after a pause and a limit were set still holds to them", async () => {
    const emulator = await opened.emulator({ clock: { rate: RATE } });
    // The signature-age window scales with the clock, as the other durations do (see login-budget.test.ts).
    const options = { historyWindowMs: HISTORY_WINDOW_MS, maxSignatureAgeMs: 3_600_000 };
    const first = await opened.store(fastStoreOptions(emulator, TOKENS.bot, options));
    await first.registerWorker(registration("w-1"));
    await first.pauseTaskType("paused-long-ago", "operator:test");
    await first.setTaskTypeLimit("limited-long-ago", 2, "operator:test");

    // Three emulated minutes later, with a fresh heartbeat, the horizon (one minute before it)
    // lies after both records: a process opening now reads the settings issue's older comments or misses them.
    const written = emulator.clock.now();
    while (emulator.clock.now() - written < 3 * HISTORY_WINDOW_MS) await new Promise((r) => setTimeout(r, 100));
    await first.heartbeat("w-1", { activeTasks: 0 });

    const later = await opened.store(fastStoreOptions(emulator, TOKENS.bot, options));
    expect((await later.listPausedTypes()).map((p) => p.type)).toEqual(["paused-long-ago"]);
    expect((await later.listTaskTypeLimits()).map((l) => [l.type, l.maxRunning])).toEqual([["limited-long-ago", 2]]);
  });
});
