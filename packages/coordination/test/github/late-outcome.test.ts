import type { Emulator } from "@sentinel/github-emulator";
import { closedAfterEach, fastStoreOptions, openTestStore, TOKENS } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { StaleFencingTokenError } from "../../src/errors.js";
import { claimMeta, registration, rejectionOf, taskInput } from "../../src/store/contract/harness.js";

const opened = closedAfterEach();

/** The task's timeout, and with it its lock's TTL. */
const TTL_MS = 5000;
const COMMENTS_ROUTE = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments";

/** Moves the emulator's clock (GitHub's time) forward: no real waiting for a TTL or a budget window. */
function advance(emulator: Emulator, ms: number): void {
  emulator.clock.setOffset(emulator.clock.offsetMs() + ms);
}

function commentReads(emulator: Emulator): number {
  return Object.values(emulator.stats().byRoute[COMMENTS_ROUTE] ?? {}).reduce((sum, count) => sum + count, 0);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Worker A's completion passes the fence while its lock is live, then waits in A's write
 * budget (one write a minute: its claim filled the window) — as a worker planning with
 * GitHub's own 80/min does under load. Meanwhile the TTL runs out, a monitor fails the
 * attempt, and worker B claims and completes the task. Then A's PATCH reaches GitHub.
 */
describe("an outcome GitHub receives after its lock expired and the task moved on", () => {
  it("is refused: the writer learns it, one task.succeeded, and the second worker's result stands", async () => {
    const emulator = await opened.emulator();
    const b = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    await b.registerWorker(registration("w-a"));
    await b.registerWorker(registration("w-b"));
    const task = await b.createTask(taskInput({ timeoutMs: TTL_MS }), "operator:test");
    const a = await opened.store(
      fastStoreOptions(emulator, TOKENS.bot, {
        writeBudget: { perMinute: 1, perHour: 1_000_000, headroom: 1, recheckMs: 10 },
      }),
    );
    const [claim] = await a.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    if (!claim) throw new Error("w-a must claim the fresh task");

    // A's completion reads the task (and the registry) for its fence check, then waits for budget.
    const readsBefore = commentReads(emulator);
    const late = rejectionOf(a.completeTask(task.id, claim.lock.token, { result: "from w-a" }));
    await until(() => commentReads(emulator) >= readsBefore + 2, "w-a's fence check");

    advance(emulator, TTL_MS + 5000);
    await b.failTask(task.id, claim.lock.token, { message: "lock expired", retryable: true, retryDelayMs: 0 });
    const [second] = await b.claimTasks({ workerId: "w-b", taskIds: [task.id], metadata: claimMeta });
    if (!second) throw new Error("w-b must claim the recovered task");
    await b.completeTask(task.id, second.lock.token, { result: "from w-b" });

    // A minute later A's budget has room; its next response tells its clock so. (A write
    // accepted would be followed by a label update, waiting for another minute of budget.)
    let settled = false;
    const done = (): void => {
      settled = true;
    };
    late.then(done, done);
    while (!settled) {
      advance(emulator, 60_000);
      await a.getTask(task.id);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const error = await late;
    expect(error).toBeInstanceOf(StaleFencingTokenError);
    expect(error).toMatchObject({ taskId: task.id, presented: claim.lock.token });

    const reader = await openTestStore(emulator);
    try {
      expect(await reader.getTask(task.id)).toMatchObject({
        state: "succeeded",
        workerId: "w-b",
        fencingToken: second.lock.token,
        result: "from w-b",
      });
      const succeeded = (await reader.readEvents(0, 10_000)).filter(
        (event) => event.taskId === task.id && event.kind === "task.succeeded",
      );
      expect(succeeded.map((event) => event.data.token)).toEqual([second.lock.token]);
    } finally {
      await reader.close();
    }
  }, 30_000);

  it("is refused when the PATCH lands after the TTL even if nobody has taken the task yet", async () => {
    const emulator = await opened.emulator();
    const store = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput({ timeoutMs: TTL_MS }), "operator:test");
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    if (!claim) throw new Error("w-a must claim the fresh task");

    // The task still reads as running under w-a's token, so the fence passes; GitHub dates the write too late.
    advance(emulator, TTL_MS + 1000);
    const error = await rejectionOf(store.completeTask(task.id, claim.lock.token, { result: "too late" }));
    expect(error).toBeInstanceOf(StaleFencingTokenError);
    expect(await store.getTask(task.id)).toMatchObject({ state: "running", fencingToken: claim.lock.token });
    expect(await store.getLock(task.id)).toBeNull();

    // The attempt is recovered like any whose lock expired, and runs again: one success.
    await store.failTask(task.id, claim.lock.token, { message: "lock expired", retryable: true, retryDelayMs: 0 });
    const [again] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    if (!again) throw new Error("w-a must claim the recovered task");
    await store.completeTask(task.id, again.lock.token, { result: "in time" });
    const succeeded = (await store.readEvents(0, 10_000)).filter(
      (event) => event.taskId === task.id && event.kind === "task.succeeded",
    );
    expect(succeeded.map((event) => event.data.token)).toEqual([again.lock.token]);
    expect(await store.getTask(task.id)).toMatchObject({ state: "succeeded", result: "in time" });
  }, 30_000);
});
