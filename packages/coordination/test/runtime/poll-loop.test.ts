import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createPollLoop,
  HINT_POLL_FLOOR_MS,
  type PollLoopOptions,
  type TickResult,
} from "../../src/runtime/poll-loop.js";

const BUSY = 50;
const IDLE = 1000;

function countingTick(results: () => TickResult) {
  const calls: number[] = [];
  return {
    calls,
    tick: async () => {
      calls.push(Date.now());
      return results();
    },
  };
}

/** The loop under test: busy 50 ms, idle 1 s, errors ignored, plus `extra`. */
function loopOver(tick: () => Promise<TickResult>, extra: Partial<PollLoopOptions> = {}) {
  return createPollLoop({
    tick,
    busyIntervalMs: BUSY,
    idleIntervalMs: IDLE,
    maxBackoffMs: 30_000,
    onError: () => undefined,
    ...extra,
  });
}

/** The loop under test with a watch whose hints the test fires by hand (`hint()`). */
function hintedLoop(tick: () => Promise<TickResult>, changed: () => boolean, intervalMs = 500) {
  let onHint: (() => void) | null = null;
  const loop = loopOver(tick, {
    watch: {
      intervalMs,
      changed: async () => changed(),
      subscribe: (listener) => {
        onHint = listener;
        return () => undefined;
      },
    },
  });
  return { loop, hint: () => onHint?.() };
}

describe("poll loop", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("while idle, wakes within the watch interval when the store reports a change, and only then", async () => {
    const { calls, tick } = countingTick(() => "idle");
    let changed = false;
    let checks = 0;
    const loop = loopOver(tick, {
      watch: {
        intervalMs: 20,
        changed: async () => {
          checks++;
          return changed;
        },
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toHaveLength(1);
    // Checked every 20 ms over those 500 ms: about 25 checks, none of which found a change.
    expect(checks).toBeGreaterThanOrEqual(20);
    changed = true;
    await vi.advanceTimersByTimeAsync(25);
    expect(calls).toHaveLength(2);
    expect(calls[1]! - 500).toBeLessThanOrEqual(25);
    await loop.stop();
  });

  it("while idle, a change hint wakes it at once (no interval wait); one subscription for the loop's lifetime", async () => {
    let result: TickResult = "idle";
    const { calls, tick } = countingTick(() => result);
    let changed = false;
    let hint: (() => void) | null = null;
    let subscriptions = 0;
    let checks = 0;
    const loop = loopOver(tick, {
      watch: {
        intervalMs: 500,
        changed: async () => {
          checks++;
          return changed;
        },
        subscribe: (onHint) => {
          subscriptions++;
          hint = onHint;
          return () => {
            hint = null;
          };
        },
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(50);
    expect(calls).toHaveLength(1);
    expect(hint).not.toBeNull();
    // A hint without a change (or before the commit is visible) does not poll.
    hint!();
    await vi.advanceTimersByTimeAsync(2);
    expect(calls).toHaveLength(1);
    changed = true;
    result = "busy";
    const hintedAt = Date.now();
    hint!();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    expect(calls[1]! - hintedAt).toBe(0);
    // Busy: a hint costs nothing (not even a check), and the subscription stays.
    const checksWhileBusy = checks;
    hint!();
    await vi.advanceTimersByTimeAsync(10);
    expect(checks).toBe(checksWhileBusy);
    result = "idle";
    await vi.advanceTimersByTimeAsync(BUSY + IDLE * 2);
    expect(subscriptions).toBe(1);
    await loop.stop();
    expect(hint).toBeNull();
  });

  it("a hint wakes an idle loop whose marker interval is as long as its idle poll (Postgres: 1 s each)", async () => {
    const { calls, tick } = countingTick(() => "idle");
    let changed = false;
    const { loop, hint } = hintedLoop(tick, () => changed, IDLE);
    loop.start();
    await vi.advanceTimersByTimeAsync(HINT_POLL_FLOOR_MS + 10);
    expect(calls).toHaveLength(1);
    changed = true;
    const hintedAt = Date.now();
    hint();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    expect(calls[1]! - hintedAt).toBe(0);
    await loop.stop();
  });

  it("a storm of hints with nothing to claim backs off to one poll per floor interval", async () => {
    const { calls, tick } = countingTick(() => "idle");
    // Another process commits all the time: every check sees a change.
    const { loop, hint } = hintedLoop(tick, () => true);
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    for (let ms = 0; ms < 200; ms++) {
      hint();
      hint();
      await vi.advanceTimersByTimeAsync(1);
    }
    // Each fruitless hinted poll doubles the wait (0, 1, 2, 4, 8, 16 ms), then one poll per 20 ms:
    // about fifteen polls in 201 ms, not one per hint.
    expect(calls.length).toBeGreaterThanOrEqual(10);
    expect(calls.length).toBeLessThanOrEqual(17);
    const gaps = calls.slice(1).map((at, i) => at - calls[i]!);
    expect(gaps[0]).toBeLessThanOrEqual(1);
    for (let i = 1; i < 5; i++) expect(gaps[i]).toBeGreaterThan(gaps[i - 1]!);
    for (const gap of gaps.slice(6)) expect(gap).toBeGreaterThanOrEqual(HINT_POLL_FLOOR_MS);
    await loop.stop();
  });

  it("a hint right after a poll is acted on at once; a poll that claims resets the backoff", async () => {
    let result: TickResult = "idle";
    const { calls, tick } = countingTick(() => result);
    let changed = false;
    const { loop, hint } = hintedLoop(tick, () => changed);
    loop.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    changed = true;
    hint();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2); // 1 ms after the previous poll, not at the 20 ms floor
    await vi.advanceTimersByTimeAsync(0); // the tick settles; the loop waits idle again
    // That poll found nothing: the next hint waits a little (1 ms) after it.
    hint();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2);
    expect(calls).toHaveLength(3);
    expect(calls[2]! - calls[1]!).toBeLessThan(HINT_POLL_FLOOR_MS);
    // The next one (after a 2 ms wait) claims: a hint after the busy interval's poll is acted on at once again.
    result = "busy";
    hint();
    await vi.advanceTimersByTimeAsync(5);
    expect(calls).toHaveLength(4);
    result = "idle";
    await vi.advanceTimersByTimeAsync(BUSY);
    expect(calls).toHaveLength(5);
    const before = calls.length;
    hint();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(before + 1);
    await loop.stop();
  });

  it("a hint that comes just before its commit is visible is caught by one quick re-check", async () => {
    const { calls, tick } = countingTick(() => "idle");
    let changed = false;
    const { loop, hint } = hintedLoop(tick, () => changed);
    loop.start();
    await vi.advanceTimersByTimeAsync(50);
    const hintedAt = Date.now();
    hint();
    await vi.advanceTimersByTimeAsync(0);
    changed = true;
    await vi.advanceTimersByTimeAsync(2);
    expect(calls).toHaveLength(2);
    expect(calls[1]! - hintedAt).toBeLessThanOrEqual(2);
    await loop.stop();
  });

  it("without a watch, keeps the busy interval for lingerMs after the last claim, then slows to idle", async () => {
    let claimed = true;
    const { calls, tick } = countingTick(() => {
      const result = claimed ? "busy" : "idle";
      claimed = false;
      return result;
    });
    const loop = loopOver(tick, { lingerMs: 300 });
    loop.start();
    await vi.advanceTimersByTimeAsync(330);
    // t=0 busy, then idle polls every 50 ms while within 300 ms of the claim.
    expect(calls.length).toBeGreaterThanOrEqual(6);
    const atLingerEnd = calls.length;
    await vi.advanceTimersByTimeAsync(900);
    expect(calls.length).toBe(atLingerEnd);
    await vi.advanceTimersByTimeAsync(200);
    expect(calls.length).toBe(atLingerEnd + 1);
    await loop.stop();
  });

  it("a nudge during a tick runs the next tick at once", async () => {
    let nudgeDuringTick: (() => void) | null = null;
    const { calls, tick } = countingTick(() => {
      nudgeDuringTick?.();
      nudgeDuringTick = null;
      return "idle";
    });
    const loop = loopOver(tick);
    nudgeDuringTick = () => loop.nudge();
    loop.start();
    await vi.advanceTimersByTimeAsync(5);
    expect(calls).toHaveLength(2);
    await loop.stop();
  });
});
