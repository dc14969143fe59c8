import { Octokit } from "@octokit/rest";
import type { Emulator } from "@sentinel/github-emulator";
import {
  closedAfterEach,
  fastStoreOptions,
  OWNER,
  REPO,
  startStoreEmulator,
  TOKENS,
} from "@sentinel/test-support/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { ConditionalReader } from "../../src/store/github/http/conditional-reader.js";
import type { GithubStore } from "../../src/store/github/index.js";

const opened = closedAfterEach();

/** Moves the emulator's clock forward, so a write held back by the read lag becomes visible without waiting for it. */
function advance(emulator: Emulator, ms: number): void {
  emulator.clock.setOffset(emulator.clock.offsetMs() + ms);
}

/** Records an operator action (a comment on the events issue) whose data names it. */
async function note(store: GithubStore, name: string): Promise<void> {
  await store.appendEvent({
    kind: "operator.action",
    taskId: null,
    workerId: null,
    actor: "operator:x",
    data: { name },
  });
}

/** The names of the operator actions the store's mirror holds (events are derived from the mirror alone). */
async function seen(store: GithubStore): Promise<string[]> {
  const events = await store.readEvents(0, 1000);
  return events.flatMap((event) => (typeof event.data.name === "string" ? [event.data.name] : []));
}

/**
 * A writer and an observer on one repository. The observer's mirror has followed the
 * repository (the events issue exists) before the late write is made.
 */
async function writerAndObserver(
  observerOptions: Parameters<typeof fastStoreOptions>[2] = {},
): Promise<{ emulator: Emulator; writer: GithubStore; observer: GithubStore }> {
  const emulator = await opened.emulator();
  const writer = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
  await note(writer, "warm");
  const observer = await opened.store(fastStoreOptions(emulator, TOKENS.bot, observerOptions));
  expect(await seen(observer)).toEqual(["warm"]);
  return { emulator, writer, observer };
}

/**
 * A comment becomes visible `lagMs` late while later writes are seen in between: after the
 * observer has followed the list past it, the comment surfaces with an `updated_at` that old.
 */
async function lateWrite(emulator: Emulator, writer: GithubStore, observer: GithubStore, lagMs: number) {
  emulator.setFaults({ readLagMs: lagMs });
  await note(writer, "late");
  emulator.setFaults({ readLagMs: 0 });
  advance(emulator, lagMs / 2);
  await note(writer, "middle");
  expect(await seen(observer)).toEqual(["warm", "middle"]);
  advance(emulator, lagMs / 2 + 1000);
  await note(writer, "after");
  expect(await seen(observer)).toContain("after");
}

describe("GitHub mirror under read lag", () => {
  it.each([10_000, 40_000])("sees a comment that becomes visible %i ms after it was written", async (lagMs) => {
    const { emulator, writer, observer } = await writerAndObserver();
    await lateWrite(emulator, writer, observer, lagMs);
    expect((await seen(observer)).sort()).toEqual(["after", "late", "middle", "warm"]);
  });

  it("past the assumed lag, only the periodic deep check finds the comment", async () => {
    // 90 s late against a tolerated 10 s: the overlap (11 s) misses it, the deep check (100–150 s) does not.
    const withoutDeepCheck = await writerAndObserver({ maxReadLagMs: 10_000, deepCheckIntervalMs: 3_600_000 });
    await lateWrite(withoutDeepCheck.emulator, withoutDeepCheck.writer, withoutDeepCheck.observer, 90_000);
    expect(await seen(withoutDeepCheck.observer)).not.toContain("late");

    const withDeepCheck = await writerAndObserver({ maxReadLagMs: 10_000, deepCheckIntervalMs: 0 });
    await lateWrite(withDeepCheck.emulator, withDeepCheck.writer, withDeepCheck.observer, 90_000);
    expect(await seen(withDeepCheck.observer)).toContain("late");
  });

  it("measures the lag of its own writes and raises the settle delay to follow it", async () => {
    const emulator = await opened.emulator();
    const store = await opened.store(fastStoreOptions(emulator, TOKENS.bot, { settleDelayMs: 40 }));
    expect(store.budget().readLag).toMatchObject({ assumedMaxMs: 40_000, settleDelayMs: 40, samples: 0 });
    emulator.setFaults({ readLagMs: 400 });
    const writeStart = performance.now();
    await note(store, "measured");
    // The store times the write from its answer: up to this long after GitHub stamped it.
    const writeMs = performance.now() - writeStart;
    // Keep reading until the write shows up in a list: the reads before that prove the lag.
    const started = performance.now();
    let previousReadStart = started;
    let widestGapMs = 0;
    while (store.budget().readLag.samples === 0 && performance.now() - started < 5000) {
      const readStart = performance.now();
      await seen(store);
      widestGapMs = Math.max(widestGapMs, performance.now() - previousReadStart);
      previousReadStart = readStart;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const lag = store.budget().readLag;
    expect(lag.samples).toBe(1);
    expect(lag.maxMs).toBeGreaterThanOrEqual(400 - Math.ceil(writeMs));
    // The last read that missed the write started at most one read-to-read span (start of one
    // read to the end of the next) before the write became visible: ~60 ms when the machine is
    // quiet, more under load.
    expect(lag.unseenMaxMs).toBeGreaterThanOrEqual(400 - Math.ceil(widestGapMs + writeMs));
    expect(lag.unseenMaxMs).toBeGreaterThan(0);
    expect(lag.unseenMaxMs).toBeLessThan(400);
    expect(lag.settleDelayMs).toBe(Math.ceil(1.5 * (lag.unseenMaxMs ?? 0)));
    expect(lag.beyondAssumed).toBe(0);
  });
});

describe("GitHub lists that change while they are paged", () => {
  const emulators: Emulator[] = [];
  afterEach(async () => {
    for (const emulator of emulators.splice(0)) await emulator.close();
  });

  it("loses no comment when comments are edited between pages", async () => {
    const emulator = await startStoreEmulator();
    emulators.push(emulator);
    const octokit = new Octokit({ auth: TOKENS.bot, baseUrl: emulator.url });
    const { data: issue } = await octokit.rest.issues.create({ owner: OWNER, repo: REPO, title: "many" });
    const ids: number[] = [];
    for (let i = 0; i < 250; i++) {
      // Five comments a second, so pages end in different seconds, as they do on a busy repository.
      if (i % 5 === 0) advance(emulator, 1000);
      const { data } = await octokit.rest.issues.createComment({
        owner: OWNER,
        repo: REPO,
        issue_number: issue.number,
        body: `c${i}`,
      });
      ids.push(data.id);
    }
    advance(emulator, 10_000);
    emulator.setFaults({ pageChurn: 2 });
    const route = "GET /repos/{owner}/{repo}/issues/comments";
    const params = { owner: OWNER, repo: REPO, sort: "updated", direction: "asc" };

    // Page numbers over the changing list skip comments: the fault is real.
    const byPage = await new ConditionalReader(octokit).listAll<{ id: number }>(route, params);
    expect(new Set(byPage.map((c) => c.id)).size).toBeLessThan(ids.length);

    const byCursor = await new ConditionalReader(octokit).listBySince<{ id: number; updated_at: string }>(
      route,
      params,
      undefined,
    );
    expect(byCursor.map((c) => c.id).sort()).toEqual([...ids].sort());
  });
});
